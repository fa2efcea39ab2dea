"""Agreement between reviewers who extracted the same documents (issue 12).

Two reviewers' claims are the same *unit* when they are on the same document and their quotes
overlap enough: characters shared / characters covered ≥ a threshold (0.5 by default). For each pair
of reviewers on a document the pairs are chosen by a maximum-weight matching (best overlaps first
overall, not first come; scipy's assignment solver), so one long claim cannot swallow the match of a
better one. With three or more reviewers the pairwise matches are joined into units, strongest
first, never putting two claims of one reviewer in one unit. A claim in no unit is a disagreement
on whether a claim exists ("unitizing"): counted per reviewer, and in span F1 per pair.

Per choice field each unit gives each reviewer's value (an empty field is a value too: one reviewer
saying "benefit" where the other said nothing is a disagreement); per term role each term any
reviewer put on the unit is a yes/no decision per reviewer; number fields compare values given by
both (interval α). Only claims the current reviewer may see take part (blind extraction), and only
claims anchored in the current text of their document (an orphaned quote has no position to overlap).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

from curator.core.agreement_stats import Coefficients, coefficients, jaccard
from curator.core.records import ClaimRecord

if TYPE_CHECKING:
    from curator.core.session import Session

DEFAULT_THRESHOLD = 0.5
NUMBER_KINDS = ("number", "integer")


@dataclass(frozen=True)
class Unit:
    document_id: int
    claims: dict[str, ClaimRecord]  # reviewer name -> her claim in this unit


@dataclass(frozen=True)
class PairSpans:
    matched: int  # units holding a claim of both
    first_only: int
    second_only: int

    @property
    def f1(self) -> float | None:
        total = 2 * self.matched + self.first_only + self.second_only
        return 2 * self.matched / total if total else None


@dataclass(frozen=True)
class AgreementReport:
    reviewers: tuple[str, ...]
    units: tuple[Unit, ...]  # every unit, matched or not
    threshold: float
    unmatched: dict[str, int]  # reviewer -> claims in no unit
    spans: dict[tuple[str, str], PairSpans]
    fields: dict[str, Coefficients]  # codebook field and role keys
    jaccard: dict[str, float | None]  # role key -> mean Jaccard of the term sets over matched units
    by_pair: dict[tuple[str, str], dict[str, Coefficients]] = field(default_factory=dict)
    by_document: dict[int, dict[str, Coefficients]] = field(default_factory=dict)

    @property
    def matched(self) -> int:
        return sum(1 for u in self.units if len(u.claims) >= 2)

    def as_json(self, titles: dict[int, str] | None = None) -> dict:
        titles = titles or {}
        return {
            "reviewers": list(self.reviewers),
            "threshold": self.threshold,
            "units": {"matched": self.matched, "unmatched": dict(self.unmatched)},
            "spans": {
                f"{a} × {b}": {"matched": s.matched, f"only {a}": s.first_only, f"only {b}": s.second_only, "f1": s.f1}
                for (a, b), s in self.spans.items()
            },
            "fields": {key: c.as_json() for key, c in self.fields.items()},
            "jaccard": dict(self.jaccard),
            "pairs": {f"{a} × {b}": {k: c.as_json() for k, c in f.items()} for (a, b), f in self.by_pair.items()},
            "documents": {
                titles.get(doc, str(doc)): {k: c.as_json() for k, c in f.items()} for doc, f in self.by_document.items()
            },
        }


def overlap(a: ClaimRecord, b: ClaimRecord) -> float:
    """Characters both quotes cover / characters either covers."""
    shared = min(a.anchor.end, b.anchor.end) - max(a.anchor.start, b.anchor.start)
    if shared <= 0:
        return 0.0
    return shared / (max(a.anchor.end, b.anchor.end) - min(a.anchor.start, b.anchor.start))


def match_pair(first: list[ClaimRecord], second: list[ClaimRecord], threshold: float) -> list[tuple[int, int, float]]:
    """A maximum-weight matching of two reviewers' claims on one document: (i, j, overlap) pairs.

    Only overlapping quotes can pair, so the claims fall into small groups that overlap one another
    (found by a sweep in reading order); each group is matched on its own, which keeps a document
    with thousands of claims from becoming one thousands-square matrix."""
    edges = []
    order = sorted(range(len(second)), key=lambda j: second[j].anchor.start)
    starts = [second[j].anchor.start for j in order]
    longest = max((b.anchor.end - b.anchor.start for b in second), default=0)
    for i, a in enumerate(first):
        for k in range(bisect_right(starts, a.anchor.end - 1) - 1, -1, -1):
            if starts[k] + longest <= a.anchor.start:  # neither this quote nor any starting earlier reaches a
                break
            b = second[order[k]]
            weight = overlap(a, b)
            if weight >= threshold:
                edges.append((i, order[k], weight))
    if not edges:
        return []
    from scipy.optimize import linear_sum_assignment  # only when agreement is computed

    parent: dict[tuple[str, int], tuple[str, int]] = {}

    def root(x):
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j, _ in edges:
        parent[root(("a", i))] = root(("b", j))
    groups: dict[tuple[str, int], list[tuple[int, int, float]]] = {}
    for edge in edges:
        groups.setdefault(root(("a", edge[0])), []).append(edge)
    out = []
    for group in groups.values():
        rows = sorted({i for i, _, _ in group})
        columns = sorted({j for _, j, _ in group})
        row_at, column_at = {i: k for k, i in enumerate(rows)}, {j: k for k, j in enumerate(columns)}
        weights = [[0.0] * len(columns) for _ in rows]
        for i, j, w in group:
            weights[row_at[i]][column_at[j]] = w
        picked_rows, picked_columns = linear_sum_assignment(weights, maximize=True)
        for r, c in zip(picked_rows.tolist(), picked_columns.tolist()):
            if weights[r][c] >= threshold:
                out.append((rows[r], columns[c], weights[r][c]))
    return out


def build_units(document_id: int, by_reviewer: dict[str, list[ClaimRecord]], threshold: float) -> list[Unit]:
    """Units of one document: pairwise matches joined strongest first, one claim per reviewer a unit."""
    edges = []
    for a, b in combinations(sorted(by_reviewer), 2):
        for i, j, weight in match_pair(by_reviewer[a], by_reviewer[b], threshold):
            edges.append((weight, (a, by_reviewer[a][i].id), (b, by_reviewer[b][j].id)))
    group: dict[tuple[str, int], int] = {}
    members: dict[int, dict[str, int]] = {}
    for name, claims in by_reviewer.items():
        for c in claims:
            key = (name, c.id)
            group[key] = len(members)
            members[len(members)] = {name: c.id}
    for _weight, x, y in sorted(edges, key=lambda e: -e[0]):
        gx, gy = group[x], group[y]
        if gx == gy or set(members[gx]) & set(members[gy]):
            continue
        for name, claim_id in members.pop(gy).items():
            members[gx][name] = claim_id
            group[(name, claim_id)] = gx
    by_id = {c.id: c for claims in by_reviewer.values() for c in claims}
    units = [Unit(document_id, {name: by_id[cid] for name, cid in m.items()}) for m in members.values()]
    return sorted(units, key=lambda u: min(c.anchor.start for c in u.claims.values()))


def measure(
    session: Session,
    threshold: float = DEFAULT_THRESHOLD,
    reviewers: list[str] | None = None,
    claims: list[ClaimRecord] | None = None,
    documents: set[int] | None = None,
) -> AgreementReport:
    """Agreement of every pair of reviewers on every document two or more of them extracted.
    `claims`: the claims the caller has already read (an export), instead of reading them again;
    `documents`: only these (by default those assigned to two or more extractors, see dual_documents)."""
    if not 0 < threshold <= 1:
        from curator.core.errors import ValidationError

        raise ValidationError(f"--threshold: {threshold} must lie above 0 and at most 1")
    consensus = session.reconcile.consensus_ids()  # an adjudicator's consensus claims are no extraction
    claims = [
        c
        for c in (session.claims.all() if claims is None else claims)
        if not c.orphaned and c.reviewer_name and c.id not in consensus
    ]
    if reviewers:
        claims = [c for c in claims if c.reviewer_name in reviewers]
    if documents is not None:
        claims = [c for c in claims if c.document_id in documents]
    # on an assigned document only its extractors' claims are an extraction (a lead's own note is not)
    extractors = {doc: set(state.extractors) for doc, state in session.team.states().items()}
    per_document: dict[int, dict[str, list[ClaimRecord]]] = {}
    for c in claims:
        if c.document_id in extractors and c.reviewer_name not in extractors[c.document_id]:
            continue
        per_document.setdefault(c.document_id, {}).setdefault(c.reviewer_name, []).append(c)
    per_document = {doc: by for doc, by in per_document.items() if len(by) >= 2}
    names = tuple(sorted({name for by in per_document.values() for name in by}))
    units = [u for doc, by in sorted(per_document.items()) for u in build_units(doc, by, threshold)]
    unmatched = {name: sum(1 for u in units if list(u.claims) == [name]) for name in names}
    spans = {}
    for a, b in combinations(names, 2):
        both = [u for u in units if _on_document_of_both(u, per_document, a, b)]
        spans[(a, b)] = PairSpans(
            sum(1 for u in both if a in u.claims and b in u.claims),
            sum(1 for u in both if a in u.claims and b not in u.claims),
            sum(1 for u in both if b in u.claims and a not in u.claims),
        )
    fields, jaccards = field_agreement(session, units, names)
    by_pair = (
        {(a, b): field_agreement(session, units, (a, b))[0] for a, b in combinations(names, 2)}
        if len(names) > 2
        else {}
    )
    by_document = {
        doc: field_agreement(session, [u for u in units if u.document_id == doc], tuple(sorted(by)))[0]
        for doc, by in per_document.items()
    }
    return AgreementReport(names, tuple(units), threshold, unmatched, spans, fields, jaccards, by_pair, by_document)


def dual_documents(session: Session) -> set[int]:
    """Documents assigned to two or more extractors: where extraction was meant to be independent."""
    return {doc for doc, state in session.team.states().items() if len(state.extractors) >= 2}


def _on_document_of_both(unit: Unit, per_document: dict, a: str, b: str) -> bool:
    by = per_document[unit.document_id]
    return a in by and b in by


def field_agreement(
    session: Session, units: list[Unit], names: tuple[str, ...]
) -> tuple[dict[str, Coefficients], dict[str, float | None]]:
    """Coefficients per choice and number field and per term role over the units `names` coded together."""
    codebook = session.codebook
    matched = [u for u in units if sum(n in u.claims for n in names) >= 2]
    out: dict[str, Coefficients] = {}
    for f in codebook.value_fields:
        if f.kind == "choice":
            rows = [[_value(u, n, f.key, "") for n in names] for u in matched]
            out[f.key] = coefficients(rows, "nominal", len(names))
        elif f.kind in NUMBER_KINDS:
            rows = [[_value(u, n, f.key, None) for n in names] for u in matched]
            out[f.key] = coefficients(rows, "interval", len(names))
    jaccards: dict[str, float | None] = {}
    for role in codebook.roles:
        rows, scores = [], []
        for u in matched:
            sets = {n: _terms(u.claims[n], role.key) for n in names if n in u.claims}
            for term in sorted(set().union(*sets.values())):
                rows.append([(term in sets[n]) if n in sets else None for n in names])
            for a, b in combinations(sets, 2):
                score = jaccard(sets[a], sets[b])
                if score is not None:
                    scores.append(score)
        out[role.key] = coefficients(rows, "nominal", len(names))
        jaccards[role.key] = sum(scores) / len(scores) if scores else None
    return out, jaccards


def _value(unit: Unit, name: str, key: str, empty):
    claim = unit.claims.get(name)
    if claim is None:
        return None  # she has no claim in this unit: missing, not a value
    value = claim.values.get(key)
    return empty if value is None or value == "" else value


def _terms(claim: ClaimRecord, role: str) -> set[str]:
    """A claim's terms in a role, each by identifier where it has one, else by its label folded."""
    return {(t.identifier or t.label.casefold()) for t in claim.terms if t.role == role}
