"""What the exports need to know about reconciliation: which claims are consensus claims and whose
claims they reconcile, which extractors' claims a consensus (or a rejection) has replaced, and the
words of the Claims sheet's Consensus column."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from curator.core.models import Claim, ConsensusSource, ReconciliationDecision
from curator.core.reconcile import MEMBER
from curator.core.records import ClaimRecord

if TYPE_CHECKING:
    from curator.core.session import Session


@dataclass(frozen=True)
class ConsensusView:
    team_documents: frozenset[int]  # documents reconciled or to reconcile (two or more extractors)
    members: dict[int, tuple[tuple[str, str], ...]]  # consensus claim id -> ((reviewer, claim uuid), …)
    reconciled: frozenset[str]  # extractors' claims a consensus claim reconciles (uuids)
    rejected: frozenset[str]  # unmatched claims the adjudicator rejected (uuids)

    @property
    def team(self) -> bool:
        """Whether the project reconciles at all: a single-reviewer project's exports show nothing of it."""
        return bool(self.team_documents)

    def is_consensus(self, claim: ClaimRecord) -> bool:
        return claim.id in self.members

    def derived_from(self, claim: ClaimRecord) -> list[str]:
        return [uuid for _, uuid in self.members.get(claim.id, ())]

    def label(self, claim: ClaimRecord) -> str:
        """One of: consensus of A, B | reconciled | rejected | not reconciled | "" (no reconciliation here)."""
        if claim.id in self.members:
            return "consensus of " + ", ".join(sorted({name for name, _ in self.members[claim.id]}))
        if claim.uuid in self.reconciled:
            return "reconciled"
        if claim.uuid in self.rejected:
            return "rejected"
        return "not reconciled" if claim.document_id in self.team_documents else ""

    def select(self, claims: list[ClaimRecord], all_reviewers: bool = False) -> list[ClaimRecord]:
        """By default the consensus claims and the claims not reconciled yet; every claim with all_reviewers."""
        if all_reviewers:
            return list(claims)
        return [c for c in claims if c.uuid not in self.reconciled and c.uuid not in self.rejected]

    def without_consensus(self, claims: list[ClaimRecord]) -> list[ClaimRecord]:
        """The extractors' own claims (what agreement compares)."""
        return [c for c in claims if c.id not in self.members]


def consensus_view(session: Session) -> ConsensusView:
    members: dict[int, list[tuple[str, str]]] = {}
    documents: set[int] = set()
    query = (
        ConsensusSource.select(
            ConsensusSource.claim, Claim.document, ConsensusSource.source_reviewer, ConsensusSource.source_uuid
        )
        .join(Claim)
        .where(ConsensusSource.field_key == MEMBER)
        .order_by(ConsensusSource.id)
        .tuples()
    )
    for claim_id, document_id, reviewer, uuid in query:
        members.setdefault(claim_id, []).append((reviewer, uuid))
        documents.add(document_id)
    rejected = frozenset(
        u
        for (u,) in ReconciliationDecision.select(ReconciliationDecision.claim_uuid)
        .where(ReconciliationDecision.decision == "rejected")
        .tuples()
    )
    documents |= {doc for doc, state in session.team.states().items() if len(state.extractors) >= 2}
    return ConsensusView(
        frozenset(documents),
        {k: tuple(v) for k, v in members.items()},
        frozenset(u for v in members.values() for _, u in v),
        rejected,
    )


def resolutions(session: Session) -> dict[tuple[str, str], str]:
    """(extractor's claim uuid, field key) -> how reconciliation resolved that field of her claim's unit:
    "took A's value", "edited by the adjudicator", or for an unmatched claim (field key "") "accepted" /
    "rejected". For the Disagreements sheet's Resolution column; a pair absent is not reconciled yet."""
    by_claim: dict[int, list[tuple[str, str, str, bool]]] = {}
    query = ConsensusSource.select(
        ConsensusSource.claim,
        ConsensusSource.field_key,
        ConsensusSource.source_reviewer,
        ConsensusSource.source_uuid,
        ConsensusSource.edited,
    ).tuples()
    for claim_id, key, reviewer, uuid, edited in query:
        by_claim.setdefault(claim_id, []).append((key, reviewer, uuid, bool(edited)))
    out: dict[tuple[str, str], str] = {}
    for rows in by_claim.values():
        members = [uuid for key, _, uuid, _ in rows if key == MEMBER]
        for key, reviewer, _, edited in rows:
            if key == MEMBER:
                continue
            words = "edited by the adjudicator" if edited else f"took {reviewer}'s value"
            out.update({(uuid, key): words for uuid in members})
    decisions = ReconciliationDecision.select(ReconciliationDecision.claim_uuid, ReconciliationDecision.decision)
    out.update({(uuid, MEMBER): decision for uuid, decision in decisions.tuples()})
    return out
