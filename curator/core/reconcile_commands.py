"""Undoable reconciliation steps (do/undo returning Changes, as curator/core/commands.py).

A consensus claim's updated_at says when it was last reconciled (a member claim edited later makes it
stale, curator/core/reconcile.py): reconciling a unit again stamps it now even when no value changed,
and undo puts the earlier time back, so an undone re-reconciliation is stale again."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from curator.core.commands import Command
from curator.core.db import write_transaction
from curator.core.errors import ValidationError
from curator.core.models import Claim, ConsensusSource, ReconciliationDecision, utcnow
from curator.core.reconcile import MEMBER, ConsensusDraft, ReconUnit, Source, write_sources
from curator.core.records import Changes, ClaimDraft, ClaimRecord

if TYPE_CHECKING:
    from curator.core.session import Session


def _stamp(claim_id: int, when) -> None:
    """Set when a consensus claim was last reconciled (its version is not bumped: no value changed)."""
    Claim.update(updated_at=when).where(Claim.id == claim_id).execute()


class _ConsensusWriter:
    """Create, delete and put back one consensus claim together with its source rows."""

    def __init__(self, session: Session, unit: ReconUnit):
        self.session, self.unit = session, unit
        self.record: ClaimRecord | None = None  # the consensus claim as made (after undo: as deleted)
        self.sources: list[Source] = []

    def create(self, draft: ConsensusDraft) -> Changes:
        start, end, values, terms, self.sources = self.session.reconcile.plan(self.unit, draft)
        with write_transaction():
            taken = ConsensusSource.select().where(
                (ConsensusSource.field_key == MEMBER) & ConsensusSource.source_uuid.in_(sorted(self.unit.uuids))
            )
            if taken.exists():  # another adjudicator (another client) reconciled the unit since it was read
                raise ValidationError("these claims have been reconciled since the document was read; read it again")
            self.record, changes = self.session.claims.create(
                ClaimDraft(self.unit.document_id, start, end, values, terms)
            )
            write_sources(self.record.id, self.sources)
        return changes

    def put_back(self) -> Changes:
        assert self.record is not None
        with write_transaction():
            changes = self.session.claims.restore(self.record)  # redo keeps the claim's id and uuid
            write_sources(self.record.id, self.sources)
        self.record = replace(self.record, version=self.record.version + 1)  # what restore() wrote
        return changes

    def delete(self, record: ClaimRecord | None = None) -> Changes:
        record = record or self.record
        assert record is not None
        with write_transaction():
            self.sources = self.session.reconcile.sources([record.id]).get(record.id, [])
            write_sources(record.id, [])
            self.record, changes = self.session.claims.delete(record.id, record.version, record.uuid)
        return changes


class ReconcileUnit(Command):
    """The adjudicator's consensus for a unit: a new consensus claim, or (re-reconciling) the unit's
    consensus claim's values replaced, refused if another client changed it since the unit was read."""

    def __init__(self, session: Session, unit: ReconUnit, draft: ConsensusDraft):
        self.session, self.unit, self.draft = session, unit, draft
        self.text = "Reconcile claims of " + ", ".join(unit.reviewers)
        self.writer = _ConsensusWriter(session, unit)
        self.done_once = False
        self.old_sources: list[Source] = []
        self.expected: int | None = None
        self.old_stamp = unit.consensus.updated_at if unit.consensus else None

    def do(self) -> Changes:
        service = self.session.reconcile
        if not self.done_once:
            service.require_adjudicator(self.unit.document_id)
        old = self.unit.consensus
        if old is None:
            changes = self.writer.put_back() if self.done_once else self.writer.create(self.draft)
        else:
            start, end, values, terms, sources = service.plan(self.unit, self.draft)
            if not self.done_once:
                self.old_sources = service.sources([old.id]).get(old.id, [])
                self.expected = old.version
            with write_transaction():
                changes, self.expected = self.session.claims.update_versioned(
                    old.id, ClaimDraft(old.document_id, start, end, values, terms, self.expected, old.uuid)
                )
                write_sources(old.id, sources)
                _stamp(old.id, utcnow())
            changes |= Changes(claims=frozenset({old.id}))
        self.done_once = True
        return changes | Changes(documents=frozenset({self.unit.document_id}))

    def undo(self) -> Changes:
        old = self.unit.consensus
        if old is None:
            return self.writer.delete()
        draft = old.as_draft()
        with write_transaction():
            changes, self.expected = self.session.claims.update_versioned(
                old.id,
                ClaimDraft(
                    draft.document_id, draft.start, draft.end, draft.values, draft.terms, self.expected, old.uuid
                ),
                restore_anchor_of=old,
            )
            write_sources(old.id, self.old_sources)
            _stamp(old.id, self.old_stamp)
        return changes | Changes(documents=frozenset({old.document_id}), claims=frozenset({old.id}))

    @property
    def consensus_id(self) -> int | None:
        return (
            self.unit.consensus.id if self.unit.consensus else (self.writer.record.id if self.writer.record else None)
        )


class DecideUnmatched(Command):
    """Accept a claim no other extractor matched (a consensus claim copied from it, every field from
    her) or reject it (a decision row). Changing an earlier decision replaces it; undo puts it back."""

    def __init__(self, session: Session, unit: ReconUnit, accept: bool):
        if unit.matched:
            raise ValidationError("this unit holds claims of several reviewers: reconcile it field by field")
        self.session, self.unit, self.accept = session, unit, accept
        ((self.name, self.claim),) = unit.claims.items()
        self.text = f"{'Accept' if accept else 'Reject'} {self.name}'s unmatched claim"
        self.made = _ConsensusWriter(session, unit)  # the consensus an accept creates
        self.removed = _ConsensusWriter(session, unit)  # the consensus a reject takes away
        self.old_decision = unit.decision
        self.done_once = False
        # accepting again a unit whose claim changed since (or whose partner claim is gone): the
        # consensus claim takes her claim's values now
        self.refresh = (
            ReconcileUnit(session, unit, ConsensusDraft(default=self.name))
            if accept and unit.consensus is not None and unit.stale
            else None
        )

    def _decide(self, decision: str) -> None:
        me = self.session.reviewer
        ReconciliationDecision.delete().where(ReconciliationDecision.claim_uuid == self.claim.uuid).execute()
        if decision:
            ReconciliationDecision.insert(
                claim_uuid=self.claim.uuid, decision=decision, decided_by=me.name if me else "", decided_at=utcnow()
            ).execute()

    def do(self) -> Changes:
        if not self.done_once:
            self.session.reconcile.require_adjudicator(self.unit.document_id)
        changes = Changes(documents=frozenset({self.unit.document_id}), claims=frozenset({self.claim.id}))
        with write_transaction():
            if self.accept and self.unit.consensus is None:
                changes |= (
                    self.made.put_back() if self.done_once else self.made.create(ConsensusDraft(default=self.name))
                )
            elif not self.accept and self.unit.consensus is not None:
                changes |= self.removed.delete(None if self.done_once else self.unit.consensus)
            elif self.refresh is not None:
                changes |= self.refresh.do()
            self._decide("accepted" if self.accept else "rejected")
        self.done_once = True
        return changes

    def undo(self) -> Changes:
        changes = Changes(documents=frozenset({self.unit.document_id}), claims=frozenset({self.claim.id}))
        with write_transaction():
            if self.accept and self.unit.consensus is None:
                changes |= self.made.delete()
            elif not self.accept and self.unit.consensus is not None:
                changes |= self.removed.put_back()
            elif self.refresh is not None:
                changes |= self.refresh.undo()
            self._decide(self.old_decision)
        return changes
