"""Undoable operations (git-cola's do/undo commands). The UI wraps them in QUndoCommand."""

from __future__ import annotations

from curator.core.claims import ClaimService
from curator.core.records import Changes, ClaimDraft, ClaimRecord


class Command:
    text = ""

    def do(self) -> Changes:
        raise NotImplementedError

    def undo(self) -> Changes:
        raise NotImplementedError


class CreateClaim(Command):
    text = "New claim"

    def __init__(self, claims: ClaimService, draft: ClaimDraft):
        self.claims = claims
        self.draft = draft
        self.record: ClaimRecord | None = None

    @property
    def claim_id(self) -> int | None:
        return self.record.id if self.record else None

    def do(self) -> Changes:
        if self.record is None:
            self.record, changes = self.claims.create(self.draft)
            return changes
        return self.claims.restore(self.record)  # redo keeps the claim's id

    def undo(self) -> Changes:
        assert self.record is not None
        self.record, changes = self.claims.delete(self.record.id)
        return changes


class EditClaim(Command):
    text = "Edit claim"

    def __init__(self, claims: ClaimService, claim_id: int, draft: ClaimDraft):
        self.claims = claims
        self.claim_id = claim_id
        self.new = draft
        self.old: ClaimDraft | None = None

    def do(self) -> Changes:
        if self.old is None:
            self.old = self.claims.get(self.claim_id).as_draft()
        return self.claims.update(self.claim_id, self.new)

    def undo(self) -> Changes:
        assert self.old is not None
        return self.claims.update(self.claim_id, self.old)


class DeleteClaim(Command):
    text = "Delete claim"

    def __init__(self, claims: ClaimService, claim_id: int):
        self.claims = claims
        self.claim_id = claim_id
        self.record: ClaimRecord | None = None

    def do(self) -> Changes:
        self.record, changes = self.claims.delete(self.claim_id)
        return changes

    def undo(self) -> Changes:
        assert self.record is not None
        return self.claims.restore(self.record)
