"""Undoable edits of many claims at once, each one transaction and one undo step."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from curator.core import changelog
from curator.core.claims import format_terms
from curator.core.commands import Command
from curator.core.db import write_transaction
from curator.core.errors import NotFoundError, ValidationError
from curator.core.models import Claim, ClaimTerm, utcnow
from curator.core.records import Changes, ClaimRecord

if TYPE_CHECKING:
    from curator.core.session import Session

CHUNK = 900  # ids per IN (...): under SQLite's bound-parameter limit


def _chunks(ids: list[int]):
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _claims_text(n: int) -> str:
    return "1 claim" if n == 1 else f"{n} claims"


class SetClaimsStatus(Command):
    """Give many claims one status. Undo puts back each claim's own status and last-changed time."""

    def __init__(self, session: Session, claim_ids: list[int], status: str):
        field = session.codebook.field("status")
        if status not in field.choice_keys:
            raise ValidationError(f"{field.label}: '{status}' is not one of the codebook's choices")
        self.session = session
        self.claim_ids = list(dict.fromkeys(claim_ids))
        self.status = status
        self.text = f"Set status of {_claims_text(len(self.claim_ids))}"
        # claim id -> (document id, status, updated_at) before the first do; only claims it changed
        self.before: dict[int, tuple[int, str, dt.datetime]] | None = None
        self.changed_at: dt.datetime | None = None

    def do(self) -> Changes:
        with write_transaction():
            if self.before is None:
                found, before = 0, {}
                for chunk in _chunks(self.claim_ids):
                    query = Claim.select(Claim.id, Claim.document, Claim.status, Claim.updated_at)
                    for claim_id, document_id, status, updated_at in query.where(Claim.id.in_(chunk)).tuples():
                        found += 1
                        if status != self.status:  # a claim that has it already is not touched (nor logged)
                            before[claim_id] = (document_id, status, updated_at)
                if not found:
                    raise NotFoundError("none of these claims exists any more")
                self.before, self.changed_at = before, utcnow()
            ids = list(self.before)
            for chunk in _chunks(ids):
                Claim.update(status=self.status, updated_at=self.changed_at, version=Claim.version + 1).where(
                    Claim.id.in_(chunk)
                ).execute()
            reviewer = self.session.reviewer_id
            for claim_id, (_, old, _) in self.before.items():
                changelog.record("update", "claim", claim_id, [("status", old, self.status)], reviewer)
        return self._changes()

    def undo(self) -> Changes:
        assert self.before is not None
        with write_transaction():
            reviewer = self.session.reviewer_id
            for claim_id, (_, old, updated_at) in self.before.items():
                Claim.update(status=old, updated_at=updated_at, version=Claim.version + 1).where(
                    Claim.id == claim_id
                ).execute()
                changelog.record("update", "claim", claim_id, [("status", self.status, old)], reviewer)
        return self._changes()

    def _changes(self) -> Changes:
        assert self.before is not None
        return Changes(documents=frozenset(d for d, _, _ in self.before.values()), claims=frozenset(self.before))


class DeleteClaims(Command):
    """Delete many claims; undo restores each one exactly (id, anchor, values, terms, timestamps)."""

    def __init__(self, session: Session, claim_ids: list[int]):
        self.session = session
        self.claim_ids = list(dict.fromkeys(claim_ids))
        self.text = f"Delete {_claims_text(len(self.claim_ids))}"
        self.records: list[ClaimRecord] = []

    def do(self) -> Changes:
        with write_transaction():
            # read inside the transaction: what undo restores is exactly what was deleted
            self.records = self.session.claims.get_many(self.claim_ids)
            if not self.records:
                raise NotFoundError("none of these claims exists any more")
            ids = [r.id for r in self.records]
            for chunk in _chunks(ids):
                ClaimTerm.delete().where(ClaimTerm.claim.in_(chunk)).execute()
                Claim.delete().where(Claim.id.in_(chunk)).execute()
            reviewer = self.session.reviewer_id
            for r in self.records:  # the same log rows ClaimService.delete writes for one claim
                diffs = [("quote", r.anchor.exact, None)] + [
                    (k, v, None) for k, v in r.values.items() if v not in (None, "")
                ]
                if r.terms:
                    diffs.append(("terms", format_terms(r.terms), None))
                changelog.record("delete", "claim", r.id, diffs, reviewer)
        return self._changes()

    def undo(self) -> Changes:
        with write_transaction():
            for record in self.records:
                self.session.claims.restore(record)
        return self._changes()

    def _changes(self) -> Changes:
        return Changes(
            documents=frozenset(r.document_id for r in self.records), claims=frozenset(r.id for r in self.records)
        )
