"""Reconciliation in a merge (issue 12): consensus claims' sources and decisions on unmatched claims.

A consensus claim's sources travel with it, keyed by the claim's uuid: written for a claim the merge
adds, taken from the other side when the merge takes that side's values (and it has sources), and
filled in for a claim both sides hold that has none here (merged before sources were carried).
Decisions are a union by claim uuid; two different decisions on one claim are a conflict, kept as
here unless --prefer theirs (there is no merge base for a decision: it is listed at every merge
until the two sides agree). Two adjudicators reconciling one unit on two copies leave two consensus
claims naming overlapping members: both are kept, and the preview says so, for one to be deleted.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING, Any

import peewee

from curator.core.claims import unstorable_text
from curator.core.merge_plan import DECIDED_DIFFERENTLY, Conflict, DuplicateConsensus
from curator.core.merge_rows import stamp
from curator.core.merge_types import ClaimRow, DecisionRow, ProjectSnapshot, SourceRow
from curator.core.models import Claim, ConsensusSource, Document, ReconciliationDecision, Reviewer
from curator.core.reconcile import MEMBER

if TYPE_CHECKING:
    from curator.core.merge_plan import MergePlan

DECISIONS = ("accepted", "rejected")


def _chunks(items: list, size: int = 900):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _local_sources(uuids: list[str]) -> dict[str, tuple[SourceRow, ...]]:
    """The consensus sources of these claims here, by claim uuid, as SourceRows in their order."""
    out: dict[str, list[SourceRow]] = defaultdict(list)
    for chunk in _chunks(sorted(uuids)):
        query = (
            ConsensusSource.select(
                Claim.uuid,
                ConsensusSource.field_key,
                ConsensusSource.source_uuid,
                ConsensusSource.source_reviewer,
                ConsensusSource.edited,
            )
            .join(Claim)
            .where(Claim.uuid.in_(chunk))
            .order_by(ConsensusSource.claim, ConsensusSource.id)
        )
        for u, key, source, who, edited in query.tuples():
            out[u].append(SourceRow(u, key, source, who, bool(edited)))
    return {u: tuple(rows) for u, rows in out.items()}


def _storable_sources(rows: list[SourceRow]) -> bool:
    fields = ConsensusSource._meta.fields
    return not unstorable_text("".join(r.field_key + r.source_uuid + r.source_reviewer for r in rows)) and all(
        len(r.field_key) <= fields["field_key"].max_length
        and len(r.source_uuid) <= fields["source_uuid"].max_length
        and len(r.source_reviewer) <= fields["source_reviewer"].max_length
        for r in rows
    )


@dataclass
class Reconciliation:
    """What the merge does with reconciliation: sources to write (replacing those here), decisions to
    write (replacing a different one here), decisions that conflict, units reconciled twice."""

    sources: list[tuple[str, tuple[SourceRow, ...]]] = field(default_factory=list)
    decisions: list[DecisionRow] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    duplicates: list[DuplicateConsensus] = field(default_factory=list)


def plan_reconciliation(
    snapshot: ProjectSnapshot,
    new: set[str],
    updated: set[str],
    deleted: set[str],
    local: set[str],
    titles: dict[str, str],
    prefer: str | None,
) -> Reconciliation:
    """`new`, `updated`, `deleted`: uuids of the claims the merge adds, takes from there, deletes;
    `local`: uuids of their claims this project holds; `titles`: document titles by their sha."""
    out = Reconciliation()
    theirs: dict[str, list[SourceRow]] = defaultdict(list)
    for row in snapshot.consensus_sources:
        theirs[row.claim_uuid].append(row)
    mine = _local_sources([u for u in theirs if u in local])
    for u, rows in theirs.items():
        taken = u in new or u in updated  # the claim comes as it is there
        missing = u in local and u not in deleted and u not in mine  # merged before sources travelled with it
        if (taken or missing) and tuple(rows) != mine.get(u) and _storable_sources(rows):
            out.sources.append((u, tuple(rows)))
    out.decisions, out.conflicts = _decisions(snapshot, prefer)
    out.duplicates = _duplicates(snapshot, dict(out.sources), deleted, set(theirs), titles)
    return out


def _decisions(snapshot: ProjectSnapshot, prefer: str | None) -> tuple[list[DecisionRow], list[Conflict]]:
    theirs = {
        d.claim_uuid: d
        for d in snapshot.decisions
        if d.decision in DECISIONS and d.claim_uuid and len(d.claim_uuid) <= 36 and not unstorable_text(d.decided_by)
    }
    mine: dict[str, tuple[str, str]] = {}
    for chunk in _chunks(sorted(theirs)):
        rd = ReconciliationDecision
        query = rd.select(rd.claim_uuid, rd.decision, rd.decided_by).where(rd.claim_uuid.in_(chunk))
        mine.update((u, (decision, who)) for u, decision, who in query.tuples())
    write, differ = [], []
    for u, d in theirs.items():
        here = mine.get(u)
        if here is None:
            write.append(d)
        elif here[0] != d.decision:
            differ.append((d, here))
            if prefer == "theirs":
                write.append(d)
    if not differ:
        return write, []
    claims = {c.uuid: c for c in snapshot.claims}
    described = _describe_local([d.claim_uuid for d, _ in differ])
    conflicts = []
    for d, (decision, who) in differ:
        there = claims.get(d.claim_uuid)
        title, quote, _, reviewer = described.get(d.claim_uuid) or (
            (d.claim_uuid, "", 0, "") if there is None else ("?", there.exact, there.start, there.reviewer_name)
        )
        fields = (("Decision", decision, d.decision), ("Decided by", who or "(empty)", d.decided_by or "(empty)"))
        conflicts.append(Conflict(d.claim_uuid, title, quote, reviewer, DECIDED_DIFFERENTLY, fields, prefer or ""))
    return write, conflicts


def _describe_local(uuids: list[str]) -> dict[str, tuple[str, str, int, str]]:
    """(document title, quote, start, reviewer) of these claims here, by uuid."""
    out = {}
    for chunk in _chunks(sorted(uuids)):
        query = (
            Claim.select(Claim.uuid, Document.title, Claim.exact, Claim.start, Reviewer.name)
            .join(Document)
            .switch(Claim)
            .join(Reviewer, peewee.JOIN.LEFT_OUTER)
            .where(Claim.uuid.in_(chunk))
        )
        out.update((u, (title, exact, start, who or "")) for u, title, exact, start, who in query.tuples())
    return out


def _duplicates(
    snapshot: ProjectSnapshot,
    written: dict[str, tuple[SourceRow, ...]],
    deleted: set[str],
    theirs: set[str],
    titles: dict[str, str],
) -> list[DuplicateConsensus]:
    """Pairs of consensus claims this project will hold whose units share a claim, one of them the other's."""
    members: dict[str, set[str]] = defaultdict(set)  # consensus claim uuid -> the claims it reconciles
    query = (
        ConsensusSource.select(Claim.uuid, ConsensusSource.source_uuid)
        .join(Claim)
        .where((ConsensusSource.field_key == MEMBER) & (ConsensusSource.source_uuid != ""))
    )
    for u, member in query.tuples():
        if u not in deleted and u not in written:
            members[u].add(member)
    for u, rows in written.items():
        members[u] |= {r.source_uuid for r in rows if r.field_key == MEMBER and r.source_uuid}
    by_member: dict[str, set[str]] = defaultdict(set)
    for u, named in members.items():
        for member in named:
            by_member[member].add(u)
    pairs = sorted(
        {
            pair
            for held in by_member.values()
            for pair in combinations(sorted(held), 2)
            if pair[0] in theirs or pair[1] in theirs
        }
    )
    if not pairs:
        return []
    claims = {c.uuid: c for c in snapshot.claims}
    here = _describe_local(sorted({u for pair in pairs for u in pair}))

    def describe(u: str) -> tuple[str, str, int, str]:
        if u in here:
            return here[u]
        c: ClaimRow = claims[u]
        return titles.get(c.document_sha256, "?"), c.exact, c.start, c.reviewer_name

    out = []
    for a, b in pairs:
        (title, quote, start, first), (_, _, _, second) = describe(a), describe(b)
        out.append(DuplicateConsensus(title, quote, start, (a, b), (first, second)))
    return out


# ---- writing and undoing ------------------------------------------------------------------------


def drop_sources(claim_ids: list[int]) -> list[dict]:
    """Delete these claims' sources (the merge deletes the claims); return the rows, for undo."""
    rows: list[dict] = []
    for chunk in _chunks(claim_ids):
        where = ConsensusSource.claim.in_(chunk)
        rows += list(ConsensusSource.select().where(where).order_by(ConsensusSource.id).dicts())
        ConsensusSource.delete().where(where).execute()
    return rows


def write_reconciliation(plan: MergePlan, now: Any) -> tuple[list[dict], list[dict], set[int], set[int]]:
    """Write the plan's sources and decisions over what is here; return (source rows replaced,
    decision rows replaced, the claims concerned, their documents), for undo and Changes."""
    ids = dict(_ids([u for u, _ in plan.sources] + [d.claim_uuid for d in plan.decisions]))
    replaced = drop_sources([ids[u] for u, _ in plan.sources if u in ids])
    rows = [
        {
            "claim": ids[u],
            "field_key": r.field_key,
            "source_uuid": r.source_uuid,
            "source_reviewer": r.source_reviewer,
            "edited": r.edited,
        }
        for u, sources in plan.sources
        if u in ids
        for r in sources
    ]
    for chunk in _chunks(rows, 500):
        ConsensusSource.insert_many(chunk).execute()
    decided = [d.claim_uuid for d in plan.decisions]
    old_decisions: list[dict] = []
    for chunk in _chunks(decided):
        where = ReconciliationDecision.claim_uuid.in_(chunk)
        old_decisions += list(ReconciliationDecision.select().where(where).dicts())
        ReconciliationDecision.delete().where(where).execute()
    new_decisions = [
        {
            "claim_uuid": d.claim_uuid,
            "decision": d.decision,
            "decided_by": d.decided_by[:200],
            "decided_at": stamp(d.decided_at, False, now),
        }
        for d in plan.decisions
    ]
    for chunk in _chunks(new_decisions, 500):
        ReconciliationDecision.insert_many(chunk).execute()
    claim_ids = {ids[u] for u in [u for u, _ in plan.sources] + decided if u in ids}
    documents = {d for chunk in _chunks(sorted(claim_ids)) for (d,) in _documents_of(chunk)}
    return replaced, old_decisions, claim_ids, documents


def _ids(uuids: list[str]):
    for chunk in _chunks(sorted(set(uuids))):
        yield from Claim.select(Claim.uuid, Claim.id).where(Claim.uuid.in_(chunk)).tuples()


def _documents_of(claim_ids: list[int]):
    return Claim.select(Claim.document).where(Claim.id.in_(claim_ids)).distinct().tuples()


def undo_sources(claim_uuids: list[str]) -> None:
    """Before the merge's claims go: the sources the merge wrote go first."""
    ids = [i for _, i in _ids(claim_uuids)]
    for chunk in _chunks(ids):
        ConsensusSource.delete().where(ConsensusSource.claim.in_(chunk)).execute()


def restore_reconciliation(sources: list[dict], decided: list[str], decisions: list[dict]) -> None:
    """After the claims are back as they were: their sources, and the decisions as they were."""
    for chunk in _chunks(sources, 500):
        ConsensusSource.insert_many(chunk).execute()
    for chunk in _chunks(decided):
        ReconciliationDecision.delete().where(ReconciliationDecision.claim_uuid.in_(chunk)).execute()
    for chunk in _chunks(decisions, 500):
        ReconciliationDecision.insert_many(chunk).execute()
