"""Schema versions and the migration runner.

A new database gets the current schema in one step. An older one is brought forward step by step:
a backup first, then each step in its own transaction with foreign-key enforcement switched off
*outside* it (SQLite ignores the pragma inside a transaction, and with enforcement on, rebuilding a
parent table silently deletes its children), `foreign_key_check` before commit, and the version
bumped in the same transaction. A failed step leaves schema, data and version as they were.
PostgreSQL databases are migrated only by `curator migrate`, under an advisory lock.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import peewee

from curator.core import db as dbmod
from curator.core.errors import CuratorError
from curator.core.models import ALL_MODELS, Claim, Document, Reviewer, SchemaInfo, new_uuid

SCHEMA_VERSION_KEY = "schema_version"
PROJECT_UUID_KEY = "project_uuid"  # this project's identity when merging with others (v6)
PG_MIGRATION_LOCK = 0x43555241  # an arbitrary, fixed advisory-lock key: "CURA"


class SchemaError(CuratorError):
    """The database's schema cannot be used by this version of Curator."""


class NewerSchemaError(SchemaError):
    """The database was written by a newer Curator; it can be read, not changed."""


class MigrationError(CuratorError):
    """A migration step failed and was rolled back."""


def _v2_drafts_and_retired_terms(db: peewee.Database) -> None:
    """v2: the claim form's autosaved drafts, and terms retired by reviewers.

    The tables' shapes are frozen here as they shipped. Terms deleted under v1 are retired from
    every vocabulary, as v1 did not record which vocabulary they were in (merges under v1 recorded
    no label and cannot be recovered).
    """

    class FormDraft(peewee.Model):
        reviewer = peewee.ForeignKeyField(Reviewer, null=True, on_delete="CASCADE")
        document = peewee.ForeignKeyField(Document, on_delete="CASCADE")
        claim_id = peewee.IntegerField(null=True)
        payload = peewee.TextField()
        saved_at = peewee.DateTimeField()

        class Meta:
            database = db
            legacy_table_names = False  # form_draft, as the live model names it
            indexes = ((("reviewer",), True),)

    class RetiredTerm(peewee.Model):
        vocabulary_key = peewee.CharField(max_length=64)
        label = peewee.CharField(max_length=300)

        class Meta:
            database = db
            legacy_table_names = False
            indexes = ((("vocabulary_key", "label"), True),)

    db.create_tables([FormDraft, RetiredTerm])
    db.execute_sql(
        'INSERT INTO "retired_term" ("vocabulary_key", "label") SELECT DISTINCT \'*\', "old" FROM "change_log" '
        'WHERE "action" = \'delete\' AND "entity" = \'term\' AND "field" = \'label\' AND "old" IS NOT NULL'
    )


def _v3_documents_and_anchors(db: peewee.Database) -> None:
    """v3: how a document was decoded, its style ranges, the entities it lists, its earlier
    versions, and whether each claim is still anchored in the current text.

    Columns are added with plain SQL that SQLite and PostgreSQL both accept, so SQLite does not
    rebuild the document table."""
    for table, column, sql_type in (
        ("document", "encoding", "VARCHAR(32)"),
        ("document", "styles", "TEXT"),
        ("claim", "anchor_status", "VARCHAR(16)"),
    ):
        db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {sql_type} NOT NULL DEFAULT \'\'')

    class DocumentEntity(peewee.Model):
        document = peewee.ForeignKeyField(Document, on_delete="CASCADE", index=True)
        section = peewee.CharField(max_length=64)
        kind = peewee.CharField(max_length=64)
        label = peewee.TextField()
        identifier = peewee.CharField(max_length=100)
        start = peewee.IntegerField(null=True)
        end = peewee.IntegerField(null=True)

        class Meta:
            database = db
            legacy_table_names = False

    class DocumentVersion(peewee.Model):
        document = peewee.ForeignKeyField(Document, on_delete="CASCADE", index=True)
        sha256 = peewee.CharField(max_length=64, index=True)
        text = peewee.TextField()
        file_name = peewee.TextField()
        format = peewee.CharField(max_length=16)
        encoding = peewee.CharField(max_length=32)
        styles = peewee.TextField()
        replaced_at = peewee.DateTimeField()

        class Meta:
            database = db
            legacy_table_names = False

    db.create_tables([DocumentEntity, DocumentVersion])


def _v4_project_choices(db: peewee.Database) -> None:
    """v4: the project's own choices per choice field, editable in the app.

    The table starts empty: opening the project fills it from the codebook template, as it does
    for a new project, so this step needs no codebook file."""

    class CodebookChoice(peewee.Model):
        field_key = peewee.CharField(max_length=64)
        choice_key = peewee.CharField(max_length=64)
        label = peewee.CharField(max_length=300)
        position = peewee.IntegerField()
        retired = peewee.BooleanField()

        class Meta:
            database = db
            legacy_table_names = False
            indexes = ((("field_key", "choice_key"), True),)

    db.create_tables([CodebookChoice])


def _v5_claim_uuids(db: peewee.Database) -> None:
    """v5: every claim gets a UUID, its identity beyond this database (merging projects matches by it).

    The column is added with a constant default (portable ALTER TABLE, no table rebuild), each
    existing claim is given a random UUID from Python (SQLite has no UUID function), and only then is
    the unique index built."""
    import uuid

    db.execute_sql('ALTER TABLE "claim" ADD COLUMN "uuid" VARCHAR(36) NOT NULL DEFAULT \'\'')
    ids = [row[0] for row in db.execute_sql('SELECT "id" FROM "claim"').fetchall()]
    sql = f'UPDATE "claim" SET "uuid" = {db.param} WHERE "id" = {db.param}'
    cursor = db.cursor()
    cursor.executemany(sql, [(str(uuid.uuid4()), claim_id) for claim_id in ids])
    db.execute_sql('CREATE UNIQUE INDEX "claim_uuid" ON "claim" ("uuid")')


def _v6_team(db: peewee.Database) -> None:
    """v6: reviewers' roles, assignments, claim versions, and what merging projects needs (tombstones
    of deleted claims, the state each claim had when the projects last met, the project's identity).

    The project's first reviewer becomes its lead: a one-reviewer project keeps working as before."""
    import uuid

    db.execute_sql('ALTER TABLE "reviewer" ADD COLUMN "role" VARCHAR(16) NOT NULL DEFAULT \'extractor\'')
    db.execute_sql('ALTER TABLE "claim" ADD COLUMN "version" INTEGER NOT NULL DEFAULT 1')
    first = db.execute_sql('SELECT "id" FROM "reviewer" ORDER BY "created_at", "id" LIMIT 1').fetchone()
    if first:
        db.execute_sql(f'UPDATE "reviewer" SET "role" = \'lead\' WHERE "id" = {db.param}', (first[0],))

    class Assignment(peewee.Model):
        document = peewee.ForeignKeyField(Document, on_delete="CASCADE", index=True)
        reviewer = peewee.ForeignKeyField(Reviewer, on_delete="CASCADE", index=True)
        assigned_at = peewee.DateTimeField()
        done_at = peewee.DateTimeField(null=True)

        class Meta:
            database = db
            legacy_table_names = False
            indexes = ((("document", "reviewer"), True),)

    class ClaimTombstone(peewee.Model):
        uuid = peewee.CharField(max_length=36, primary_key=True)
        deleted_at = peewee.DateTimeField()
        reviewer_name = peewee.CharField(max_length=200, default="")

        class Meta:
            database = db
            legacy_table_names = False

    class MergeBase(peewee.Model):
        project = peewee.CharField(max_length=36)
        claim_uuid = peewee.CharField(max_length=36)
        digest = peewee.CharField(max_length=64)

        class Meta:
            database = db
            legacy_table_names = False
            indexes = ((("project", "claim_uuid"), True),)

    db.create_tables([Assignment, ClaimTombstone, MergeBase])
    SchemaInfo.insert(key=PROJECT_UUID_KEY, value=str(uuid.uuid4())).on_conflict_ignore().execute()


def _v7_reconciliation(db: peewee.Database) -> None:
    """v7: consensus claims' sources per field, and decisions on unmatched claims (reconciliation)."""

    class ConsensusSource(peewee.Model):
        claim = peewee.ForeignKeyField(Claim, on_delete="CASCADE", index=True)
        field_key = peewee.CharField(max_length=64)
        source_uuid = peewee.CharField(max_length=36, default="", index=True)
        source_reviewer = peewee.CharField(max_length=200, default="")
        edited = peewee.BooleanField(default=False)

        class Meta:
            database = db
            legacy_table_names = False

    class ReconciliationDecision(peewee.Model):
        claim_uuid = peewee.CharField(max_length=36, primary_key=True)
        decision = peewee.CharField(max_length=16)
        decided_by = peewee.CharField(max_length=200, default="")
        decided_at = peewee.DateTimeField()

        class Meta:
            database = db
            legacy_table_names = False

    db.create_tables([ConsensusSource, ReconciliationDecision])


def _v8_pdf_pages(db: peewee.Database) -> None:
    """v8: a PDF document version's bytes and page layout, by the version's SHA-256 (issue 14).

    No existing document is a PDF, so the table starts empty."""

    class DocumentPages(peewee.Model):
        sha256 = peewee.CharField(max_length=64, primary_key=True)
        pdf = peewee.BlobField()
        layout = peewee.BlobField()
        page_count = peewee.IntegerField()

        class Meta:
            database = db
            legacy_table_names = False

    db.create_tables([DocumentPages])


# version -> the step that brings a database from version-1 to version. Append; never edit a step
# that has shipped. Version 1 is the first release's schema (tests/fixtures/schema_v1.sqlite3).
MIGRATIONS: dict[int, Callable[[peewee.Database], None]] = {
    2: _v2_drafts_and_retired_terms,
    3: _v3_documents_and_anchors,
    4: _v4_project_choices,
    5: _v5_claim_uuids,
    6: _v6_team,
    7: _v7_reconciliation,
    8: _v8_pdf_pages,
}
LATEST_VERSION = max(MIGRATIONS)


def current_version(db: peewee.Database) -> int:
    if not db.table_exists(SchemaInfo._meta.table_name):
        return 0
    row = SchemaInfo.get_or_none(SchemaInfo.key == SCHEMA_VERSION_KEY)
    return int(row.value) if row else 0


def pending(db: peewee.Database, migrations: dict[int, Callable] | None = None) -> list[int]:
    """The steps this database still needs (all of them, as one, for a new database)."""
    migrations = migrations or MIGRATIONS
    latest = max(migrations)
    version = current_version(db)
    if version > latest:
        raise NewerSchemaError(
            f"this database has schema version {version}, newer than this Curator understands ({latest}); "
            "it is opened read-only: update Curator to edit it"
        )
    return list(range(version + 1, latest + 1))


def _check_foreign(db: peewee.Database) -> None:
    """Refuse an SQLite file that holds somebody else's tables."""
    if not dbmod.is_sqlite(db):
        return
    app_id = db.execute_sql("PRAGMA application_id").fetchone()[0]
    if app_id not in (0, dbmod.APPLICATION_ID) or (app_id == 0 and db.get_tables()):
        raise SchemaError("this file is an SQLite database of another program, not a Curator project")


def _set_version(version: int) -> None:
    SchemaInfo.insert(key=SCHEMA_VERSION_KEY, value=str(version)).on_conflict(
        conflict_target=[SchemaInfo.key], update={SchemaInfo.value: str(version)}
    ).execute()


def _transaction(db: peewee.Database):
    return db.atomic("IMMEDIATE") if dbmod.is_sqlite(db) else db.atomic()


def _create_new(db: peewee.Database) -> None:
    _check_foreign(db)
    with _transaction(db):
        db.create_tables(ALL_MODELS)
        _set_version(LATEST_VERSION)
        SchemaInfo.insert(key=PROJECT_UUID_KEY, value=new_uuid()).on_conflict_ignore().execute()
    if dbmod.is_sqlite(db):
        db.execute_sql(f"PRAGMA application_id = {dbmod.APPLICATION_ID}")


def _run_step(db: peewee.Database, step: int, fn: Callable[[peewee.Database], None]) -> None:
    sqlite = dbmod.is_sqlite(db)
    if sqlite:
        db.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        with _transaction(db):
            fn(db)
            if sqlite:
                broken = db.execute_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    table, rowid, parent = broken[0][:3]
                    raise MigrationError(
                        f"step {step} would leave {len(broken)} rows pointing at missing rows "
                        f"(first: {table} row {rowid} → {parent})"
                    )
            _set_version(step)
    finally:
        if sqlite:
            db.execute_sql("PRAGMA foreign_keys = ON")


def migrate(
    db: peewee.Database,
    migrations: dict[int, Callable] | None = None,
    backup: Callable[[], Path | None] | None = None,
) -> list[int]:
    """Bring the database to the latest schema; return the versions applied.

    `backup` is called once before the first step of an existing database; its result is named
    in the error if a step fails.
    """
    migrations = migrations or MIGRATIONS
    locked = not dbmod.is_sqlite(db) and _pg_lock(db)
    try:
        steps = pending(db, migrations)
        if not steps:
            return []
        applied: list[int] = []
        if current_version(db) == 0:
            _create_new(db)
            applied.append(LATEST_VERSION)
            steps = [s for s in steps if s > LATEST_VERSION]
            if not steps:
                return applied
        saved = backup() if backup else None
        for step in steps:
            try:
                _run_step(db, step, migrations[step])
            except Exception as exc:
                where = f"; the backup made before migrating is {saved}" if saved else ""
                raise MigrationError(
                    f"upgrading the database to schema version {step} failed and was undone ({exc}). "
                    f"The project is unchanged at version {step - 1}{where}"
                ) from exc
            applied.append(step)
        return applied
    finally:
        if locked:
            db.execute_sql("SELECT pg_advisory_unlock(%s)", (PG_MIGRATION_LOCK,))


def _pg_lock(db: peewee.Database) -> bool:
    got = db.execute_sql("SELECT pg_try_advisory_lock(%s)", (PG_MIGRATION_LOCK,)).fetchone()[0]
    if not got:
        raise MigrationError("another Curator is migrating this database right now; try again when it has finished")
    return True
