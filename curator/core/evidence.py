"""The evidence map: how many claims link each condition to each intervention, by direction of effect."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from curator.core.models import Claim, ClaimTerm

# Directions the map shows as columns, in reading order; every other direction (or none) is "other".
MAP_DIRECTIONS = ("benefit", "no_effect", "harm", "mixed")
OTHER = "other"


@dataclass(frozen=True)
class MapTerm:
    label: str
    identifier: str


@dataclass
class EvidenceMap:
    rows: list[MapTerm] = field(default_factory=list)  # conditions, most claims first
    columns: list[MapTerm] = field(default_factory=list)  # interventions, most claims first
    counts: dict[tuple[str, str], Counter] = field(default_factory=dict)  # (row label, column label) -> direction -> n

    def count(self, row: MapTerm, column: MapTerm, direction: str) -> int:
        return self.counts.get((row.label, column.label), Counter())[direction]


def evidence_map(
    row_role: str = "condition",
    column_role: str = "intervention",
    visible=None,
    leave_out: frozenset[int] = frozenset(),
) -> EvidenceMap:
    """Count claims per (condition, intervention) pair; a claim with two of each counts in four cells.
    `visible`: a condition on Claim limiting the claims counted (blind extraction); `leave_out`: ids of
    claims not counted (extractors' claims a consensus claim has replaced, which would count twice)."""
    where = ClaimTerm.role.in_([row_role, column_role])
    if visible is not None:
        where &= visible
    query = (
        ClaimTerm.select(ClaimTerm.claim, ClaimTerm.role, ClaimTerm.label, ClaimTerm.identifier, Claim.direction)
        .join(Claim)
        .where(where)
        .tuples()
    )
    per_claim: dict[int, dict[str, list[MapTerm]]] = defaultdict(lambda: {row_role: [], column_role: []})
    direction_of: dict[int, str] = {}
    for claim_id, role, label, identifier, direction in query:
        if claim_id in leave_out:
            continue
        per_claim[claim_id][role].append(MapTerm(label, identifier))
        direction_of[claim_id] = direction if direction in MAP_DIRECTIONS else OTHER
    result = EvidenceMap()
    row_totals: Counter = Counter()
    column_totals: Counter = Counter()
    terms: dict[str, MapTerm] = {}
    for claim_id, roles in per_claim.items():
        for row in roles[row_role]:
            for column in roles[column_role]:
                result.counts.setdefault((row.label, column.label), Counter())[direction_of[claim_id]] += 1
                row_totals[row.label] += 1
                column_totals[column.label] += 1
                terms.setdefault(row.label, row)
                terms.setdefault(column.label, column)
    result.rows = [terms[label] for label, _ in sorted(row_totals.items(), key=lambda kv: (-kv[1], kv[0].casefold()))]
    result.columns = [
        terms[label] for label, _ in sorted(column_totals.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
    ]
    return result
