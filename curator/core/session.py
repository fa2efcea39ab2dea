"""A reviewer's session on one project database: the services the UI and CLI talk to."""

from __future__ import annotations

from pathlib import Path

import peewee

from curator.core import backups, storage, wal
from curator.core import db as dbmod
from curator.core.claims import ClaimService, unstorable_text
from curator.core.codebook import Codebook, load_codebook, with_project_choices
from curator.core.codebook_edit import CodebookEditor, project_choice_rows, sync_choices
from curator.core.documents import DocumentService
from curator.core.drafts import DraftService
from curator.core.errors import ValidationError
from curator.core.merge_identity import follow_file
from curator.core.migrations import NewerSchemaError, SchemaError, current_version, migrate, pending
from curator.core.models import CLAIM_FIELD_COLUMNS, Reviewer, SchemaInfo
from curator.core.paths import CODEBOOK
from curator.core.reconcile import ReconcileService
from curator.core.records import ReviewerInfo
from curator.core.search import SearchService
from curator.core.suggest import SuggestionService
from curator.core.team import TeamService
from curator.core.terms import TermService

READING_ONLY = "opened only to read"
SEEDED_KEY = "seeded"  # schema_info: the bundled documents were imported once (never again)


class Session:
    def __init__(self, database: peewee.Database, codebook: Codebook, target: str = "", path: Path | None = None):
        self.database = database
        self.template = codebook  # resources/codebook.toml as read: what a new project starts from
        self.codebook = codebook  # the template with the project's own choices (reload_codebook)
        self.target = target
        self.path = path  # the SQLite file, or None for a server database
        self.reviewer: ReviewerInfo | None = None
        self.read_only: str | None = None  # why the project cannot be changed, or None
        self.warnings: list[str] = []  # shown once to the reviewer (e.g. a cloud-synced folder)
        self.last_backup: Path | None = None
        self.journal_damage: str | None = None  # what a damaged -wal left by an unclean stop lost
        self.documents = DocumentService(self)
        self.claims = ClaimService(self)
        self.terms = TermService(self)
        self.drafts = DraftService(self)
        self.search = SearchService(self)
        self.codebook_editor = CodebookEditor(self)
        self.team = TeamService(self)
        self.reconcile = ReconcileService(self)
        self.suggestions = SuggestionService(self)

    @property
    def reviewer_id(self) -> int | None:
        return self.reviewer.id if self.reviewer else None

    def reload_codebook(self) -> Codebook:
        """Overlay the project's choices, as stored now, on the template; return the new codebook."""
        self.codebook = with_project_choices(self.template, project_choice_rows(self.database))
        return self.codebook

    def is_seeded(self) -> bool:
        return SchemaInfo.get_or_none(SchemaInfo.key == SEEDED_KEY) is not None

    def is_current(self) -> bool:
        """Whether the models talk to this session's database (another project opened since means no:
        anything this session would still write, such as a late autosave, must not go there)."""
        return dbmod.database.obj is self.database and not self.database.is_closed()

    def set_read_only(self, reason: str) -> None:
        self.read_only = reason
        dbmod.mark_read_only(self.database, reason)

    # -- backups ------------------------------------------------------------------------------
    def backup_now(self, reason: str = "manual", folder: Path | None = None) -> Path:
        """A complete copy of the project through SQLite's online backup API."""
        if self.path is None:
            raise backups.BackupError(
                "a shared PostgreSQL database is backed up on its server (pg_dump), not by Curator"
            )
        self.last_backup = backups.backup_connection(self.database.connection(), self.path, reason, folder)
        return self.last_backup

    def rolling_backup(self) -> None:
        """The backup taken on every open; a failure is a warning, not a reason to stop working.

        An open that finds nothing written since the newest rolling backup makes none: ten opens
        of an unchanged project would otherwise prune away ten older, different states.
        """
        if not backups.changed_since_last_rolling_backup(self.path):
            return
        try:
            self.backup_now(backups.ON_OPEN)
            backups.prune(self.path)
        except backups.BackupError as exc:
            self.warnings.append(f"No backup was made when this project opened: {exc}")

    # -- reviewers ----------------------------------------------------------------------------
    def reviewers(self) -> list[ReviewerInfo]:
        return self.team.reviewers()

    def use_reviewer(self, name: str, initials: str = "") -> ReviewerInfo:
        """Make `name` the current reviewer, creating the reviewer on first use."""
        name = " ".join(name.split())
        if not name:
            raise ValidationError("Reviewer: enter your name")
        why = unstorable_text(name) or unstorable_text(initials)
        if why:
            raise ValidationError(f"Reviewer: the name {why}")
        initials = initials.strip() or "".join(part[0] for part in name.split()[:3]).upper()
        if self.read_only is not None:  # look up, never create
            row = Reviewer.get_or_none(Reviewer.name == name)
            self.reviewer = (
                ReviewerInfo(row.id, row.name, row.initials, row.role) if row else ReviewerInfo(0, name, initials[:10])
            )
            return self.reviewer
        with dbmod.write_transaction():
            # the project's first reviewer leads it: a one-reviewer project needs no set-up
            first = not Reviewer.select().exists()
            row, _ = Reviewer.get_or_create(
                name=name, defaults={"initials": initials[:10], "role": "lead" if first else "extractor"}
            )
        self.reviewer = ReviewerInfo(row.id, row.name, row.initials, row.role)
        return self.reviewer

    def use_reviewer_id(self, reviewer_id: int) -> ReviewerInfo | None:
        row = Reviewer.get_or_none(Reviewer.id == reviewer_id)
        self.reviewer = ReviewerInfo(row.id, row.name, row.initials, row.role) if row else None
        return self.reviewer

    def close(self) -> None:
        if not self.database.is_closed():
            self.database.close()
            if self.path is not None:
                wal.closed(self.path)


def open_session(
    target: str | Path, codebook_path: Path = CODEBOOK, *, backup_on_open: bool = True, reading: bool = False
) -> Session:
    """Open (creating and migrating if needed) the project at `target`, a path or database URL.

    An SQLite file is checked before anything is written: a foreign or damaged file is refused
    (naming the newest intact backup), a read-only file or a newer schema opens read-only, and an
    existing project is backed up (before a migration, or a rolling backup on every open).

    `reading` is for commands that only read (export, check): an existing, current project is
    opened without any write (no backup, no codebook sync) and stays read-only, so they work while
    another process holds the write lock. A new project, or one that needs migrating, opens as usual.
    """
    codebook = load_codebook(codebook_path, set(CLAIM_FIELD_COLUMNS))
    opener = _open_url if dbmod.is_url(str(target)) else _open_file
    session = opener(str(target), codebook, backup_on_open, reading)
    try:
        if session.read_only is None:
            session.terms.sync_codebook(codebook)
            sync_choices(codebook)
        session.reload_codebook()
    except Exception:
        session.close()
        raise
    return session


def _connect(database: peewee.Database, target: str) -> None:
    dbmod.bind(database)
    try:
        database.connect(reuse_if_open=True)
    except peewee.DatabaseError as exc:
        raise dbmod.DatabaseOpenError(f"cannot open database {dbmod.describe_target(target)}: {exc}") from exc


def _open_url(target: str, codebook: Codebook, backup_on_open: bool, reading: bool = False) -> Session:
    database = dbmod.make_database(target)
    _connect(database, target)
    session = Session(database, codebook, target)
    try:
        if dbmod.is_sqlite(database):  # sqlite:/// URLs behave like files, minus the file checks
            if not (reading and current_version(database) and not pending(database)):
                migrate(database)
                return session
            session.set_read_only(READING_ONLY)
            return session
        steps = pending(database)
    except NewerSchemaError as exc:
        database.execute_sql("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        session.set_read_only(str(exc))
        return session
    except Exception:
        database.close()
        raise
    if steps:
        database.close()
        what = "has no Curator tables yet" if current_version(database) == 0 else "uses an older schema"
        raise SchemaError(
            f"this PostgreSQL database {what}. Shared databases are only changed on request: one person runs "
            f"`curator --db {dbmod.describe_target(target)} migrate` (every client can then open it)"
        )
    if reading:
        session.set_read_only(READING_ONLY)
    return session


def _open_file(target: str, codebook: Codebook, backup_on_open: bool, reading: bool = False) -> Session:
    path = dbmod.check_file_target(target).absolute()
    early_check = storage.take_early_check(path)  # started ahead by the window's start, if at all
    state = storage.inspect_file(path)
    # Before any connection: SQLite would replay a journal left by an unclean stop and silently drop
    # what a damaged one holds after its first bad frame.
    journal_damage = wal.check_left_journal(path, backups.backup_folder(path)) if state.exists else None
    if state.read_only_reason:
        database = storage.read_only_database(path, dbmod.SQLITE_PRAGMAS)
        dbmod.bind(database)
    else:
        database = dbmod.make_database(path)
        try:
            _connect(database, target)
        except dbmod.DatabaseOpenError as exc:
            raise storage.CorruptDatabaseError(
                path, str(exc.__cause__ or exc), backups.newest_intact_backup(path)
            ) from exc
    wal.opened(path)
    session = Session(database, codebook, target, path)
    if journal_damage:
        session.journal_damage = journal_damage
        session.warnings.append(journal_damage)
    try:
        damage = storage.quick_check_at_open(path, database, early_check) if state.exists else None
        if damage:
            raise storage.CorruptDatabaseError(path, damage, backups.newest_intact_backup(path))
        if state.read_only_reason:
            session.set_read_only(state.read_only_reason)
        warning = storage.location_warning(path)
        if warning:
            session.warnings.append(warning)
        try:
            steps = pending(database)
        except NewerSchemaError as exc:
            database.close()
            database = storage.read_only_database(path, dbmod.SQLITE_PRAGMAS)
            dbmod.bind(database)
            session.database = database
            session.set_read_only(str(exc))
            return session
        if session.read_only is not None:
            return session
        if reading and not steps:
            session.set_read_only(READING_ONLY)  # nothing at open wrote; nothing later may
            return session
        backups.remove_stale_partials(path)  # left by a backup killed midway
        if steps and current_version(database) > 0:
            migrate(database, backup=lambda: session.backup_now(f"before-migration-to-v{steps[-1]}"))
        elif steps:
            migrate(database)
        follow_file(path)  # a copy opened at its own path becomes a project of its own (merging)
        if not steps and backup_on_open:
            session.rolling_backup()
    except Exception:
        database.close()
        wal.closed(path)
        raise
    return session
