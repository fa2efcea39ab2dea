"""Undoable operations (git-cola's do/undo commands). The UI wraps them in QUndoCommand."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from curator.core.bulk_claims import import_rows
from curator.core.claim_stale import stale_error
from curator.core.claims import ClaimService
from curator.core.db import write_transaction
from curator.core.documents import DETAIL_FIELDS
from curator.core.errors import NotFoundError
from curator.core.models import ClaimTerm, Term
from curator.core.records import Changes, ClaimDraft, ClaimRecord
from curator.core.revisions import RevisionPlan, apply_revision, undo_revision

if TYPE_CHECKING:
    from curator.core.session import Session


class Command:
    text = ""

    def do(self) -> Changes:
        raise NotImplementedError

    def undo(self) -> Changes:
        raise NotImplementedError


class CreateClaim(Command):
    """A new claim; the first claim on an unread document also marks it as being read (and undo
    puts that back too, unless the reviewer has changed the status since)."""

    text = "New claim"

    def __init__(self, claims: ClaimService, draft: ClaimDraft):
        self.claims = claims
        self.draft = draft
        self.record: ClaimRecord | None = None
        self.started_reading = False

    @property
    def claim_id(self) -> int | None:
        return self.record.id if self.record else None

    def do(self) -> Changes:
        if self.record is None:
            self.record, changes = self.claims.create(self.draft)
        else:
            changes = self.claims.restore(self.record)  # redo keeps the claim's id
        documents = self.claims.session.documents
        if documents.reading_status(self.draft.document_id) == "unread":
            changes |= documents.set_reading_status(self.draft.document_id, "in_progress")
            self.started_reading = True
        return changes

    def undo(self) -> Changes:
        assert self.record is not None
        self.record, changes = self.claims.delete(self.record.id)
        documents = self.claims.session.documents
        if self.started_reading and documents.reading_status(self.draft.document_id) == "in_progress":
            changes |= documents.set_reading_status(self.draft.document_id, "unread")
        self.started_reading = False
        return changes


class EditClaim(Command):
    text = "Edit claim"

    def __init__(self, claims: ClaimService, claim_id: int, draft: ClaimDraft):
        self.claims = claims
        self.claim_id = claim_id
        self.new = draft
        self.old: ClaimRecord | None = None
        self.expected: int | None = None

    def do(self) -> Changes:
        if self.old is None:
            try:
                self.old = self.claims.get(self.claim_id)
            except NotFoundError:
                if self.new.version is None:
                    raise
                raise stale_error(None, self.new.uuid) from None  # deleted by another client since the form loaded it
            self.expected = self.new.version  # the version the form was loaded from
        changes, self.expected = self.claims.update_versioned(self.claim_id, replace(self.new, version=self.expected))
        return changes

    def undo(self) -> Changes:
        assert self.old is not None
        # refused (StaleClaimError) if another client changed the claim after this edit
        changes, self.expected = self.claims.update_versioned(
            self.claim_id, replace(self.old.as_draft(), version=self.expected), restore_anchor_of=self.old
        )
        return changes


class DeleteClaim(Command):
    """Delete a claim; with the `version` (and `uuid`) the reviewer saw, refused (StaleClaimError) if
    another client changed or deleted it since."""

    text = "Delete claim"

    def __init__(self, claims: ClaimService, claim_id: int, version: int | None = None, uuid: str = ""):
        self.claims = claims
        self.claim_id = claim_id
        self.version, self.uuid = version, uuid
        self.record: ClaimRecord | None = None

    def do(self) -> Changes:
        self.record, changes = self.claims.delete(self.claim_id, self.version, self.uuid)
        return changes

    def undo(self) -> Changes:
        assert self.record is not None
        changes = self.claims.restore(self.record)
        self.version, self.uuid = self.record.version + 1, self.record.uuid  # what restore() wrote: redo checks it
        return changes


class ImportClaims(Command):
    """A whole import as one step: undo deletes the claims it created and puts changed fields back.

    Terms the import added to a vocabulary stay there after an undo; they harm nothing unused.
    The created claims are read back only when undone (for the redo), not on every import.
    """

    def __init__(
        self,
        session: Session,
        creates: list[tuple[ClaimDraft, str]],
        updates: list[tuple[int, ClaimDraft]],
        new_terms: list[tuple[str, str]],
        source: str,
    ):
        self.session = session
        self.creates, self.updates, self.new_terms = creates, updates, new_terms
        self.text = f"Import claims from {source}"
        self.created_ids: list[int] | None = None
        self.deleted: list[ClaimRecord] = []
        self.before: dict[int, ClaimDraft] = {}
        self.after: dict[int, ClaimDraft] = {}
        self.created_terms: list[int] = []
        self.removed_terms: list[dict] = []  # the vocabulary rows undo took away, for redo

    def do(self) -> Changes:
        claims = self.session.claims
        if self.created_ids is None:
            # the import's own drafts are checked against the versions read here, not the spreadsheet's
            self.before = {
                r.id: replace(r.as_draft(), version=None)
                for r in claims.get_many([claim_id for claim_id, _ in self.updates])
            }
            changes = import_rows(self.session, self.creates, self.updates, self.new_terms, self.created_terms)
            self.created_ids = sorted(changes.claims - set(self.before))
            self.after = {r.id: replace(r.as_draft(), version=None) for r in claims.get_many(list(self.before))}
            return changes
        changes = Changes(vocabulary=bool(self.removed_terms))
        with write_transaction():
            if self.removed_terms:
                Term.insert_many(self.removed_terms).execute()  # same ids: the claims' terms find them again
                self.removed_terms = []
            for record in self.deleted:
                changes |= claims.restore(record)
            for claim_id, draft in self.after.items():
                changes |= claims.update(claim_id, draft)
        return changes

    def undo(self) -> Changes:
        assert self.created_ids is not None
        claims = self.session.claims
        changes = Changes()
        with write_transaction():
            self.deleted = claims.get_many(self.created_ids)
            for record in self.deleted:
                changes |= claims.delete(record.id)[1]
            for claim_id, draft in self.before.items():
                changes |= claims.update(claim_id, draft)
            # Terms the import added to the vocabulary go too, unless a claim has used them since.
            used = {ct.term_id for ct in ClaimTerm.select(ClaimTerm.term).where(ClaimTerm.term.in_(self.created_terms))}
            unused = [t for t in self.created_terms if t not in used]
            if unused:
                self.removed_terms = list(Term.select().where(Term.id.in_(unused)).dicts())
                Term.delete().where(Term.id.in_(unused)).execute()
                changes |= Changes(vocabulary=True)
        return changes


class ReplaceDocument(Command):
    """Replace a document's text by a revised version; undo puts text and every anchor back."""

    text = "Replace with revised version"

    def __init__(self, session: Session, plan: RevisionPlan, accept_fuzzy: set[int]):
        self.session = session
        self.plan = plan
        self.accept_fuzzy = set(accept_fuzzy)
        self.undo_data = None

    def do(self) -> Changes:
        self.undo_data, changes = apply_revision(self.session, self.plan, self.accept_fuzzy)
        return changes

    def undo(self) -> Changes:
        assert self.undo_data is not None
        return undo_revision(self.session, self.undo_data)


class EditDocumentDetails(Command):
    text = "Edit document details"

    def __init__(self, session: Session, document_id: int, details: dict[str, str]):
        self.session = session
        self.document_id = document_id
        self.new = details
        self.old: dict[str, str] | None = None

    def do(self) -> Changes:
        if self.old is None:
            info = self.session.documents.get(self.document_id)
            self.old = {k: getattr(info, k) for k in DETAIL_FIELDS}
        return self.session.documents.update_details(self.document_id, self.new)

    def undo(self) -> Changes:
        assert self.old is not None
        return self.session.documents.update_details(self.document_id, self.old)
