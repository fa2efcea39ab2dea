"""Replacing a document by a revised version without losing a single claim.

Every claim's quote is looked for in the new text (`reanchor.relocate`): exact and moved claims
follow their quote (the text at the new position is identical); a fuzzy match moves a claim only
when the reviewer accepts it; everything else becomes orphaned, keeping its quote and its position
in the version it was made on. The old text is kept as a DocumentVersion, so an orphaned claim can
still be shown in its original context; a PDF's pages are kept per version's SHA-256 (the old
layout stays for the old version, the new one is stored with the new text). Applying returns what
undo needs.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from curator.core import changelog
from curator.core import styles as style_ranges
from curator.core.anchoring import Anchor, in_context, make_anchor
from curator.core.db import write_transaction
from curator.core.documents import drop_unused_pages, store_pages
from curator.core.errors import NotFoundError, ValidationError
from curator.core.models import Claim, Document, DocumentEntity, DocumentVersion, utcnow
from curator.core.reanchor import relocate
from curator.core.records import Changes, NewDocument

if TYPE_CHECKING:
    from curator.core.session import Session

ANCHOR_COLUMNS = ("start", "end", "exact", "prefix", "suffix", "document_sha256", "anchor_status")
REPLACED_COLUMNS = ("text", "sha256", "file_name", "format", "encoding", "styles")


@dataclass(frozen=True)
class ClaimRelocation:
    claim_id: int
    quote: str
    status: str  # exact | moved | fuzzy | orphaned
    score: float
    old_context: str  # the quote in its old surroundings, marked «…»
    new_context: str  # the proposed passage in the new text, marked «…»; "" when orphaned
    new_start: int | None
    new_end: int | None


@dataclass
class RevisionPlan:
    document_id: int
    title: str
    new: NewDocument
    relocations: list[ClaimRelocation] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = {"exact": 0, "moved": 0, "fuzzy": 0, "orphaned": 0}
        for r in self.relocations:
            out[r.status] += 1
        return out

    def left_orphaned(self, accepted_fuzzy: set[int]) -> int:
        """How many claims end orphaned when these fuzzy matches are accepted."""
        return sum(
            1
            for r in self.relocations
            if r.status == "orphaned" or (r.status == "fuzzy" and r.claim_id not in accepted_fuzzy)
        )

    def to_review(self) -> list[ClaimRelocation]:
        return [r for r in self.relocations if r.status != "exact"]

    def lines(self) -> list[str]:
        c = self.counts()
        out = [
            f"“{self.title}”: {len(self.relocations)} claims — {c['exact']} exact, {c['moved']} moved, "
            f"{c['fuzzy']} fuzzy, {c['orphaned']} orphaned"
        ]
        for r in self.to_review():
            score = f" {r.score:.0%}" if r.status == "fuzzy" else ""
            out.append(f"  claim {r.claim_id}: {r.status}{score}")
            out.append(f"    was: {r.old_context}")
            if r.new_context:
                out.append(f"    now: {r.new_context}")
        return out


@dataclass(frozen=True)
class RevisionUndo:
    document_id: int
    version_id: int
    document_before: dict
    entities_before: list[dict]
    anchors_before: dict[int, dict]


def plan_revision(session: Session, document_id: int, new: NewDocument) -> RevisionPlan:
    doc = Document.get_or_none(Document.id == document_id)
    if doc is None:
        raise NotFoundError(f"document {document_id} no longer exists")
    if new.sha256 == doc.sha256:
        raise ValidationError(f"{new.file_name}: this is the text “{doc.title}” already has; nothing to replace")
    other = Document.get_or_none((Document.sha256 == new.sha256) & (Document.id != document_id))
    if other is not None:
        raise ValidationError(f"{new.file_name}: this file is already the document “{other.title}”")
    plan = RevisionPlan(document_id, doc.title, new)
    versions = {v.sha256: v.text for v in DocumentVersion.select().where(DocumentVersion.document == document_id)}
    versions[doc.sha256] = doc.text
    for c in Claim.select().where(Claim.document == document_id).order_by(Claim.start, Claim.id):
        anchor = Anchor(c.start, c.end, c.exact, c.prefix, c.suffix)
        found = relocate(new.text, anchor)
        made_on = versions.get(c.document_sha256, doc.text)
        if made_on[c.start : c.end] == c.exact:
            old_context = in_context(made_on, c.start, c.end)
        else:
            old_context = f"…{c.prefix}«{c.exact}»{c.suffix}…".replace("\n", " ")
        new_context = in_context(new.text, found.start, found.end) if found.start is not None else ""
        plan.relocations.append(
            ClaimRelocation(c.id, c.exact, found.status, found.score, old_context, new_context, found.start, found.end)
        )
    return plan


def apply_revision(
    session: Session, plan: RevisionPlan, accept_fuzzy: set[int] = frozenset()
) -> tuple[RevisionUndo, Changes]:
    """Replace the text and move each claim as planned; fuzzy ones only if their id is accepted."""
    new = plan.new
    reviewer = session.reviewer_id
    with write_transaction():
        doc = Document.get_or_none(Document.id == plan.document_id)
        if doc is None:
            raise NotFoundError(f"document {plan.document_id} no longer exists")
        before = {k: getattr(doc, k) for k in REPLACED_COLUMNS}
        entities_before = list(DocumentEntity.select().where(DocumentEntity.document == doc.id).dicts())
        version = DocumentVersion.create(document=doc.id, replaced_at=utcnow(), **before)
        Document.update(
            text=new.text,
            sha256=new.sha256,
            file_name=new.file_name,
            format=new.format,
            encoding=new.encoding,
            styles=style_ranges.dumps(new.styles),
        ).where(Document.id == doc.id).execute()
        store_pages(new)
        DocumentEntity.delete().where(DocumentEntity.document == doc.id).execute()
        if new.entities:
            DocumentEntity.insert_many([{"document": doc.id, **dataclasses.asdict(e)} for e in new.entities]).execute()
        changelog.record("update", "document", doc.id, [("sha256", before["sha256"], new.sha256)], reviewer)
        anchors_before: dict[int, dict] = {}
        for r in plan.relocations:
            claim = Claim.get_or_none(Claim.id == r.claim_id)
            if claim is None:
                continue
            anchors_before[r.claim_id] = {k: getattr(claim, k) for k in ANCHOR_COLUMNS}
            moves = r.status in ("exact", "moved") or (r.status == "fuzzy" and r.claim_id in accept_fuzzy)
            if moves:
                a = make_anchor(new.text, r.new_start, r.new_end)
                update = {
                    "start": a.start,
                    "end": a.end,
                    "exact": a.exact,
                    "prefix": a.prefix,
                    "suffix": a.suffix,
                    "document_sha256": new.sha256,
                    "anchor_status": "",
                }
            else:
                update = {"anchor_status": "orphaned"}
            Claim.update(**update, version=Claim.version + 1).where(Claim.id == r.claim_id).execute()
            diffs = [
                (k, anchors_before[r.claim_id][k], v)
                for k, v in update.items()
                if k != "document_sha256" and anchors_before[r.claim_id][k] != v
            ]
            if diffs:
                label = f"{r.status} {r.score:.0%}" if r.status == "fuzzy" else r.status
                changelog.record("update", "claim", r.claim_id, [("re-anchored", None, label), *diffs], reviewer)
    undo = RevisionUndo(plan.document_id, version.id, before, entities_before, anchors_before)
    return undo, Changes(
        documents=frozenset({plan.document_id}), claims=frozenset(anchors_before), texts=frozenset({plan.document_id})
    )


def undo_revision(session: Session, undo: RevisionUndo) -> Changes:
    """Put the document's previous text and every claim's previous anchor back."""
    with write_transaction():
        revised = Document.select(Document.sha256).where(Document.id == undo.document_id).scalar()
        Document.update(**undo.document_before).where(Document.id == undo.document_id).execute()
        DocumentEntity.delete().where(DocumentEntity.document == undo.document_id).execute()
        if undo.entities_before:
            DocumentEntity.insert_many(
                [{k: v for k, v in e.items() if k != "id"} for e in undo.entities_before]
            ).execute()
        DocumentVersion.delete().where(DocumentVersion.id == undo.version_id).execute()
        drop_unused_pages({revised} if revised else set())
        for claim_id, anchor in undo.anchors_before.items():
            Claim.update(**anchor, version=Claim.version + 1).where(Claim.id == claim_id).execute()
        changelog.record(
            "update",
            "document",
            undo.document_id,
            [("sha256", None, undo.document_before["sha256"])],
            session.reviewer_id,
        )
    return Changes(
        documents=frozenset({undo.document_id}),
        claims=frozenset(undo.anchors_before),
        texts=frozenset({undo.document_id}),
    )
