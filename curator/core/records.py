"""Plain values the services return and take. The UI sees these, never ORM objects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from curator.core.anchoring import Anchor

SOURCE_KINDS = {
    "peer_reviewed": "Peer-reviewed article / review",
    "news_summary": "News summary",
    "web_article": "Web article or blog",
    "other": "Other",
}
READING_STATUSES = {"unread": "Unread", "in_progress": "In progress", "done": "Done"}


@dataclass(frozen=True)
class ReviewerInfo:
    id: int
    name: str
    initials: str
    role: str = "extractor"  # lead | extractor | adjudicator (schema v6)


@dataclass(frozen=True)
class DocumentSummary:
    id: int
    title: str
    source_kind: str
    reading_status: str
    claim_count: int


@dataclass(frozen=True)
class DocumentInfo:
    id: int
    title: str
    source_kind: str
    authors: str
    venue: str
    published: str
    doi: str
    url: str
    file_name: str
    sha256: str
    text: str
    format: str
    reading_status: str
    notes: str
    imported_at: dt.datetime | None = None
    encoding: str = ""


@dataclass(frozen=True)
class TermInfo:
    id: int
    vocabulary_key: str
    vocabulary_name: str
    roles: tuple[str, ...]
    label: str
    identifier: str
    synonyms: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class TermRef:
    """A term as placed on a claim: term_id is None once the vocabulary term was deleted."""

    role: str
    label: str
    identifier: str = ""
    term_id: int | None = None


@dataclass(frozen=True)
class ClaimDraft:
    """What the form holds: the selection, the field values and the terms."""

    document_id: int
    start: int
    end: int
    values: dict[str, Any] = field(default_factory=dict)
    terms: tuple[TermRef, ...] = ()
    version: int | None = None  # the claim's version the form was loaded from: a stale edit is refused
    uuid: str = ""  # the claim the form was loaded from (SQLite may give its id to a new claim once deleted)
    # suggestions the reviewer accepted: (field or role key, value as text, the words that suggested it)
    suggested: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class ClaimRecord:
    id: int
    document_id: int
    reviewer_id: int | None
    reviewer_name: str
    anchor: Anchor
    document_sha256: str
    values: dict[str, Any]
    terms: tuple[TermRef, ...]
    created_at: dt.datetime
    updated_at: dt.datetime
    anchor_status: str = ""  # "" anchored in the current text, or "orphaned"
    uuid: str = ""  # the claim's identity beyond this database (schema v5); last, so older calls still work
    # bumped by every change; an edit made on an older version is refused (v6). Not compared: two
    # records are equal when they say the same, whichever write made them (undo, redo, a merge).
    version: int = field(default=1, compare=False)

    @property
    def orphaned(self) -> bool:
        return self.anchor_status == "orphaned"

    def as_draft(self) -> ClaimDraft:
        return ClaimDraft(
            self.document_id, self.anchor.start, self.anchor.end, dict(self.values), self.terms, self.version, self.uuid
        )

    def terms_for(self, role: str) -> tuple[TermRef, ...]:
        return tuple(t for t in self.terms if t.role == role)


@dataclass(frozen=True)
class Changes:
    """What an operation changed, so each view refreshes only what it shows (Anki's OpChanges)."""

    documents: frozenset[int] = frozenset()
    claims: frozenset[int] = frozenset()
    vocabulary: bool = False
    texts: frozenset[int] = frozenset()  # documents whose text itself changed (a revised version)
    codebook: bool = False  # the project's choices changed: forms rebuild their dropdowns
    team: bool = False  # roles, assignments or blind extraction changed: what a reviewer sees may differ

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            self.documents | other.documents,
            self.claims | other.claims,
            self.vocabulary or other.vocabulary,
            self.texts | other.texts,
            self.codebook or other.codebook,
            self.team or other.team,
        )


@dataclass(frozen=True)
class EntityMention:
    """An entity a document lists with its identifier; start/end locate it in the text."""

    section: str
    kind: str
    label: str
    identifier: str
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True)
class NewDocument:
    """A document read from a file, ready to be stored."""

    title: str
    text: str
    sha256: str
    file_name: str = ""
    format: str = "text"
    source_kind: str = "other"
    authors: str = ""
    venue: str = ""
    published: str = ""
    doi: str = ""
    url: str = ""
    encoding: str = ""
    styles: tuple = ()  # StyleRange, …
    entities: tuple = ()  # EntityMention, …
    # a PDF (issue 14): its bytes, kept to show its pages, and where each character of `text` stands
    pdf: bytes = b""
    pages: object = None  # curator.core.pages.PageLayout, or None
    warnings: tuple[str, ...] = ()  # what the import did not do, said once (e.g. "its JavaScript was not run")
