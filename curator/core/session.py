"""A reviewer's session on one project database: the services the UI and CLI talk to."""

from __future__ import annotations

from pathlib import Path

import peewee

from curator.core import db as dbmod
from curator.core.claims import ClaimService
from curator.core.codebook import Codebook, load_codebook
from curator.core.documents import DocumentService
from curator.core.errors import ValidationError
from curator.core.migrations import migrate
from curator.core.models import CLAIM_FIELD_COLUMNS, Reviewer
from curator.core.paths import CODEBOOK
from curator.core.records import ReviewerInfo
from curator.core.terms import TermService


class Session:
    def __init__(self, database: peewee.Database, codebook: Codebook, target: str = ""):
        self.database = database
        self.codebook = codebook
        self.target = target
        self.reviewer: ReviewerInfo | None = None
        self.documents = DocumentService(self)
        self.claims = ClaimService(self)
        self.terms = TermService(self)

    @property
    def reviewer_id(self) -> int | None:
        return self.reviewer.id if self.reviewer else None

    # -- reviewers ----------------------------------------------------------------------------
    def reviewers(self) -> list[ReviewerInfo]:
        return [ReviewerInfo(r.id, r.name, r.initials) for r in Reviewer.select().order_by(Reviewer.name)]

    def use_reviewer(self, name: str, initials: str = "") -> ReviewerInfo:
        """Make `name` the current reviewer, creating the reviewer on first use."""
        name = " ".join(name.split())
        if not name:
            raise ValidationError("Reviewer: enter your name")
        initials = initials.strip() or "".join(part[0] for part in name.split()[:3]).upper()
        with dbmod.write_transaction():
            row, _ = Reviewer.get_or_create(name=name, defaults={"initials": initials[:10]})
        self.reviewer = ReviewerInfo(row.id, row.name, row.initials)
        return self.reviewer

    def use_reviewer_id(self, reviewer_id: int) -> ReviewerInfo | None:
        row = Reviewer.get_or_none(Reviewer.id == reviewer_id)
        self.reviewer = ReviewerInfo(row.id, row.name, row.initials) if row else None
        return self.reviewer

    def close(self) -> None:
        if not self.database.is_closed():
            self.database.close()


def open_session(target: str | Path, codebook_path: Path = CODEBOOK) -> Session:
    """Open (creating and migrating if needed) the project at `target`, a path or database URL."""
    codebook = load_codebook(codebook_path, set(CLAIM_FIELD_COLUMNS))
    database = dbmod.make_database(target)
    dbmod.bind(database)
    try:
        database.connect(reuse_if_open=True)
    except peewee.OperationalError as exc:
        raise dbmod.DatabaseOpenError(f"cannot open database {target}: {exc}") from exc
    session = Session(database, codebook, str(target))
    try:
        migrate(database)
        session.terms.sync_codebook(codebook)
    except Exception:
        database.close()
        raise
    return session
