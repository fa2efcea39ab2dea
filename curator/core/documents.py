"""Documents: list with claim counts, read, add (deduplicated by SHA-256), reading status."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import peewee

from curator.core import changelog
from curator.core import styles as style_ranges
from curator.core.db import write_transaction
from curator.core.errors import NotFoundError, ValidationError
from curator.core.models import Claim, Document, DocumentEntity
from curator.core.records import (
    READING_STATUSES,
    SOURCE_KINDS,
    Changes,
    DocumentInfo,
    DocumentSummary,
    EntityMention,
    NewDocument,
)

if TYPE_CHECKING:
    from curator.core.session import Session


class DocumentService:
    def __init__(self, session: Session):
        self.session = session

    def summaries(self, ids: set[int] | None = None) -> list[DocumentSummary]:
        count = peewee.fn.COUNT(Claim.id)
        query = (
            Document.select(Document.id, Document.title, Document.source_kind, Document.reading_status, count.alias("n"))
            .join(Claim, peewee.JOIN.LEFT_OUTER)
            .group_by(Document.id, Document.title, Document.source_kind, Document.reading_status)
            .order_by(Document.id)
        )
        if ids is not None:
            query = query.where(Document.id.in_(list(ids)))
        return [DocumentSummary(r["id"], r["title"], r["source_kind"], r["reading_status"], r["n"]) for r in query.dicts()]

    def get(self, document_id: int) -> DocumentInfo:
        found = self.infos(Document.id == document_id)
        if not found:
            raise NotFoundError(f"document {document_id} no longer exists")
        return found[0]

    def infos(self, where=None) -> list[DocumentInfo]:
        query = Document.select().order_by(Document.id)
        if where is not None:
            query = query.where(where)
        return [DocumentInfo(**{k: row[k] for k in DocumentInfo.__dataclass_fields__}) for row in query.dicts()]

    def count(self) -> int:
        return Document.select().count()

    def find_by_sha256(self, sha256: str) -> int | None:
        row = Document.select(Document.id).where(Document.sha256 == sha256).first()
        return row.id if row else None

    def add(self, new: NewDocument) -> tuple[int, bool]:
        """Store a document unless the same bytes are already there; return (id, added)."""
        existing = self.find_by_sha256(new.sha256)
        if existing is not None:
            return existing, False
        if new.source_kind not in SOURCE_KINDS:
            raise ValidationError(f"{new.file_name or new.title}: unknown kind of source '{new.source_kind}'")
        columns = {k: getattr(new, k) for k in NewDocument.__dataclass_fields__ if k not in ("styles", "entities")}
        with write_transaction():
            doc = Document.create(**columns, styles=style_ranges.dumps(new.styles))
            if new.entities:
                DocumentEntity.insert_many([{"document": doc.id, **dataclasses.asdict(e)} for e in new.entities]).execute()
            changelog.record("create", "document", doc.id, [("title", None, new.title), ("sha256", None, new.sha256)], self.session.reviewer_id)
        return doc.id, True

    def styles(self, document_id: int) -> list[style_ranges.StyleRange]:
        """How the reader styles the text: stored at import, or found in place for plain text and Markdown."""
        row = Document.select(Document.styles, Document.format, Document.text).where(Document.id == document_id).first()
        if row is None:
            raise NotFoundError(f"document {document_id} no longer exists")
        if row.styles:
            return style_ranges.loads(row.styles)
        return style_ranges.text_styles(row.text) if row.format in ("text", "markdown") else []

    def entities(self, document_id: int) -> list[EntityMention]:
        query = DocumentEntity.select().where(DocumentEntity.document == document_id).order_by(DocumentEntity.id)
        return [EntityMention(e.section, e.kind, e.label, e.identifier, e.start, e.end) for e in query]

    def set_reading_status(self, document_id: int, status: str) -> Changes:
        if status not in READING_STATUSES:
            raise ValidationError(f"reading status '{status}' is not one of {', '.join(READING_STATUSES)}")
        old = self.get(document_id)
        if old.reading_status == status:
            return Changes()
        with write_transaction():
            Document.update(reading_status=status).where(Document.id == document_id).execute()
            changelog.record("update", "document", document_id, [("reading_status", old.reading_status, status)], self.session.reviewer_id)
        return Changes(documents=frozenset({document_id}))
