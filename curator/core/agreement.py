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
Only what this compares is read (curator/core/agreement_read.py), not whole claim records.
"""

from __future__ import annotations

import gc
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

from curator.core.agreement_read import (
    AgreementClaim,
    compared_fields,
    dual_document_ids,
    extractors_by_document,
    from_records,
    read_scoped,
)
from curator.core.agreement_stats import (
    Coefficients,
    coefficients,
    jaccard,
    pair_coefficients,
    pair_interval_coefficients,
)
from curator.core.bulk_claims import no_cyclic_gc
from curator.core.records import ClaimRecord

Claimed = ClaimRecord | AgreementClaim  # what the matching reads of either: id and anchor.start / anchor.end

if TYPE_CHECKING:
    from curator.core.codebook import Codebook
    from curator.core.session import Session

DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class Unit:
    document_id: int
    # reviewer name -> her claim in this unit: the records measure was given, else as agreement_read reads them
    claims: dict[str, Claimed]


@dataclass(frozen=True)
class PairSpans:
    matched: int  # units holding a claim of both
    first_only: int
    second_only: int

    @property
    def f1(self) -> float | None:
        total = 2 * self.matched + self.first_only + self.second_only
        return 2 * self.matched / total if total else None


class DocumentAgreement(Mapping):
    """Document id -> its coefficients per field, each document's computed when first asked for (and kept).

    A report over 10,000 documents would otherwise compute 21 coefficients for each of them — most of the
    time of `curator agreement`, which prints none of them; the JSON, the Agreement sheet and the view's
    document scopes read them through this mapping as from a dict."""

    def __init__(self, codebook: Codebook, units: dict[int, list[Unit]], names: dict[int, tuple[str, ...]]):
        self._codebook, self._units, self._names = codebook, units, names
        self._done: dict[int, dict[str, Coefficients]] = {}

    def __getitem__(self, doc: int) -> dict[str, Coefficients]:
        if doc not in self._done:
            if doc not in self._names:
                raise KeyError(doc)
            self._done[doc] = _field_agreement(self._codebook, self._units.get(doc, []), self._names[doc])[0]
        return self._done[doc]

    def __iter__(self) -> Iterator[int]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __repr__(self) -> str:
        return f"DocumentAgreement({len(self)} documents, {len(self._done)} computed)"


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
    by_document: Mapping[int, dict[str, Coefficients]] = field(default_factory=dict)  # lazy: DocumentAgreement

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


def overlap(a: Claimed, b: Claimed) -> float:
    """Characters both quotes cover / characters either covers."""
    shared = min(a.anchor.end, b.anchor.end) - max(a.anchor.start, b.anchor.start)
    if shared <= 0:
        return 0.0
    return shared / (max(a.anchor.end, b.anchor.end) - min(a.anchor.start, b.anchor.start))


def match_pair(first: list[Claimed], second: list[Claimed], threshold: float) -> list[tuple[int, int, float]]:
    """A maximum-weight matching of two reviewers' claims on one document: (i, j, overlap) pairs.

    Only overlapping quotes can pair, so the claims fall into small groups that overlap one another
    (found by a sweep in reading order); each group is matched on its own, which keeps a document
    with thousands of claims from becoming one thousands-square matrix."""
    edges = []
    spans = [b.anchor for b in second]
    order = sorted(range(len(second)), key=[s.start for s in spans].__getitem__)
    starts = [spans[j].start for j in order]
    longest = max((s.end - s.start for s in spans), default=0)
    for i, a in enumerate(first):
        a_start, a_end = a.anchor.start, a.anchor.end
        for k in range(bisect_right(starts, a_end - 1) - 1, -1, -1):
            b_start = starts[k]
            if b_start + longest <= a_start:  # neither this quote nor any starting earlier reaches a
                break
            j = order[k]
            b_end = spans[j].end
            # overlap(a, b) inline (a call per candidate pair was a fifth of the matching)
            shared = (a_end if a_end < b_end else b_end) - (a_start if a_start > b_start else b_start)
            if shared > 0:
                weight = shared / ((a_end if a_end > b_end else b_end) - (a_start if a_start < b_start else b_start))
                if weight >= threshold:
                    edges.append((i, j, weight))
    if not edges:
        return []
    if len({i for i, _, _ in edges}) == len(edges) == len({j for _, j, _ in edges}):
        return edges  # no claim in two edges: every group is a single edge, its own maximum matching

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
        if len(group) == 1:  # a single edge is its own maximum matching (and above the threshold)
            out.append(group[0])
            continue
        rows = sorted({i for i, _, _ in group})
        columns = sorted({j for _, j, _ in group})
        if len(rows) == 1 or len(columns) == 1:
            # one claim against several: its best overlap, ties to the first claim as scipy breaks them
            # (tests/test_agreement.py checks it); no scipy import (≈ 1 s) for the commonest conflict
            out.append(max(group, key=lambda e: (e[2], -e[0], -e[1])))
            continue
        from scipy.optimize import linear_sum_assignment  # only when agreement is computed

        row_at, column_at = {i: k for k, i in enumerate(rows)}, {j: k for k, j in enumerate(columns)}
        weights = [[0.0] * len(columns) for _ in rows]
        for i, j, w in group:
            weights[row_at[i]][column_at[j]] = w
        picked_rows, picked_columns = linear_sum_assignment(weights, maximize=True)
        for r, c in zip(picked_rows.tolist(), picked_columns.tolist()):
            if weights[r][c] >= threshold:
                out.append((rows[r], columns[c], weights[r][c]))
    return out


def build_units(document_id: int, by_reviewer: dict[str, list[Claimed]], threshold: float) -> list[Unit]:
    """Units of one document: pairwise matches joined strongest first, one claim per reviewer a unit."""
    if len(by_reviewer) == 2:
        return _two_reviewer_units(document_id, by_reviewer, threshold)
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


def _two_reviewer_units(document_id: int, by_reviewer: dict[str, list[Claimed]], threshold: float) -> list[Unit]:
    """build_units for two reviewers: their matching is the units (no claim is in two of its pairs), in
    the order the general joining leaves them (each claim in turn, a pair where its first reviewer's is)."""
    a, b = sorted(by_reviewer)
    first, second = by_reviewer[a], by_reviewer[b]
    pairs = match_pair(first, second, threshold)
    partner = {i: second[j] for i, j, _ in pairs}
    taken = {j for _, j, _ in pairs}
    units, starts = [], []
    for name, claims in by_reviewer.items():
        if name == a:
            for i, c in enumerate(claims):
                start = c.anchor.start
                other = partner.get(i)
                if other is None:
                    units.append(Unit(document_id, {a: c}))
                else:
                    units.append(Unit(document_id, {a: c, b: other}))
                    start = min(start, other.anchor.start)
                starts.append(start)
        else:
            for j, c in enumerate(claims):
                if j not in taken:
                    units.append(Unit(document_id, {b: c}))
                    starts.append(c.anchor.start)
    # in order of each unit's first character (a stable sort, as sorting the units by that key)
    return [units[k] for k in sorted(range(len(units)), key=starts.__getitem__)]


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
    with no_cyclic_gc():  # hundreds of thousands of tuples, sets and dicts, none in a cycle
        report = _measure(session, threshold, reviewers, claims, documents)
        # what survives goes to the oldest generation unscanned: else the first allocation after the
        # collector is back walks all of it at once (0.4 s at 200,000 claims)
        gc.freeze()
        gc.unfreeze()
    return report


def _measure(
    session: Session,
    threshold: float,
    reviewers: list[str] | None,
    claims: list[ClaimRecord] | None,
    documents: set[int] | None,
) -> AgreementReport:
    consensus = session.reconcile.consensus_ids()  # an adjudicator's consensus claims are no extraction
    keep = set(reviewers) if reviewers else None
    per_document: dict[int, dict[str, list[AgreementClaim]]]
    if claims is None:  # read narrowly, filtered and grouped as below (agreement_read.read_scoped)
        per_document = read_scoped(session, consensus, keep, documents)
    else:
        coded = from_records((c for c in claims if not c.orphaned and c.reviewer_name), session.codebook)
        # on an assigned document only its extractors' claims are an extraction (a lead's own note is not)
        extractors = extractors_by_document()
        per_document = {}
        for c in coded:
            doc, name = c.document_id, c.reviewer_name
            if c.id in consensus or (keep is not None and name not in keep):
                continue
            if documents is not None and doc not in documents:
                continue
            if doc in extractors and name not in extractors[doc]:
                continue
            per_document.setdefault(doc, {}).setdefault(name, []).append(c)
    per_document = {doc: by for doc, by in per_document.items() if len(by) >= 2}
    names = tuple(sorted({name for by in per_document.values() for name in by}))
    units = [u for doc, by in sorted(per_document.items()) for u in build_units(doc, by, threshold)]
    unmatched = dict.fromkeys(names, 0)
    for u in units:
        if len(u.claims) == 1:
            for name in u.claims:
                unmatched[name] += 1
    spans = {(a, b): _pair_spans(units, per_document, a, b) for a, b in combinations(names, 2)}
    codebook = session.codebook
    fields, jaccards = _field_agreement(codebook, units, names)
    by_pair = (
        {(a, b): _field_agreement(codebook, units, (a, b))[0] for a, b in combinations(names, 2)}
        if len(names) > 2
        else {}
    )
    units_of: dict[int, list[Unit]] = {}
    for u in units:
        units_of.setdefault(u.document_id, []).append(u)
    by_document = DocumentAgreement(codebook, units_of, {doc: tuple(sorted(by)) for doc, by in per_document.items()})
    if claims is not None:  # the caller's own records in the units (the export's Disagreements sheet reads them)
        record = {c.id: c for c in claims}
        units = [Unit(u.document_id, {name: record[c.id] for name, c in u.claims.items()}) for u in units]
    return AgreementReport(names, tuple(units), threshold, unmatched, spans, fields, jaccards, by_pair, by_document)


def dual_documents(session: Session) -> set[int]:
    """Documents assigned to two or more extractors: where extraction was meant to be independent."""
    return dual_document_ids()


def _pair_spans(units: list[Unit], per_document: dict, a: str, b: str) -> PairSpans:
    """Units on documents both extracted: holding a claim of both, of `a` only, of `b` only."""
    counts: Counter = Counter()
    for u in units:
        by = per_document[u.document_id]
        if a in by and b in by:
            counts[(a in u.claims, b in u.claims)] += 1
    return PairSpans(counts[(True, True)], counts[(True, False)], counts[(False, True)])


def field_agreement(
    session: Session, units: list[Unit], names: tuple[str, ...]
) -> tuple[dict[str, Coefficients], dict[str, float | None]]:
    """Coefficients per choice and number field and per term role over the units `names` coded together."""
    codebook = session.codebook
    coded = [
        Unit(u.document_id, dict(zip(u.claims, from_records(u.claims.values(), codebook))))
        if any(isinstance(c, ClaimRecord) for c in u.claims.values())
        else u
        for u in units
    ]
    return _field_agreement(codebook, coded, names)


def _field_agreement(
    codebook: Codebook, units: list[Unit], names: tuple[str, ...]
) -> tuple[dict[str, Coefficients], dict[str, float | None]]:
    if len(names) == 2:
        a, b = names
        return _two_reviewers(codebook, [(c[a], c[b]) for c in (u.claims for u in units) if a in c and b in c])
    # each matched unit as its claims in the order of `names` (None: that reviewer has none in it)
    matched = []
    for u in units:
        row = [u.claims.get(n) for n in names]
        if sum(c is not None for c in row) >= 2:
            matched.append(row)
    out: dict[str, Coefficients] = {}
    for i, f in enumerate(compared_fields(codebook)):
        if f.kind == "choice":
            out[f.key] = coefficients(_values(matched, i, ""), "nominal", len(names))
        else:
            out[f.key] = coefficients(_values(matched, i, None), "interval", len(names))
    terms = [[None if c is None else c.roles for c in row] for row in matched]
    jaccards: dict[str, float | None] = {}
    for role in codebook.roles:
        rows, scores = [], []
        key = role.key
        for unit in terms:
            sets = [None if by is None else by.get(key, _NONE) for by in unit]
            present = [s for s in sets if s is not None]
            for term in sorted(set().union(*present)):
                rows.append([(term in s) if s is not None else None for s in sets])
            for x, y in combinations(present, 2):
                score = jaccard(x, y)
                if score is not None:
                    scores.append(score)
        out[key] = coefficients(rows, "nominal", len(names))
        jaccards[key] = sum(scores) / len(scores) if scores else None
    return out, jaccards


def _two_reviewers(
    codebook: Codebook, matched: list[tuple[AgreementClaim, AgreementClaim]]
) -> tuple[dict[str, Coefficients], dict[str, float | None]]:
    """_field_agreement for two reviewers, where every matched unit holds a claim of both: choice fields
    and term decisions as counts of (first value, second value) pairs (pair_coefficients), numbers as
    rows. The same numbers as the general path (tests/test_agreement.py compares them)."""
    out: dict[str, Coefficients] = {}
    fields = compared_fields(codebook)
    # the value tuples turned into columns in C: 85,000 units × 14 fields
    firsts = list(zip(*(x.values for x, _ in matched))) or [()] * len(fields)
    seconds = list(zip(*(y.values for _, y in matched))) or [()] * len(fields)
    for f, column, other in zip(fields, firsts, seconds):
        if f.kind == "choice":
            counts: Counter = Counter()
            for (x, y), k in Counter(zip(column, other)).items():
                counts[("" if x is None or x == "" else x, "" if y is None or y == "" else y)] += k
            out[f.key] = pair_coefficients(counts)
        else:
            out[f.key] = pair_interval_coefficients(zip(column, other))  # an empty value ("") is missing there too
    # per role: decisions on both / the first only / the second only, the sum of Jaccard scores, units scored
    sums = {role.key: [0, 0, 0, 0.0, 0] for role in codebook.roles}
    for one, other in matched:
        first, second = one.roles, other.roles
        if not first and not second:
            continue  # no term in any role: no decision, Jaccard undefined
        if first == second:  # the same terms in every role (most matched pairs): each a decision on both
            for key, terms in first.items():
                acc = sums.get(key)
                if acc is not None and terms:
                    acc[0] += len(terms)
                    acc[3] += 1.0  # both / (len(x) + len(y) - both), exactly, as below
                    acc[4] += 1
            continue
        for key in first.keys() | second.keys() if first and second else first or second:
            acc = sums.get(key)
            x, y = first.get(key, _NONE), second.get(key, _NONE)
            if acc is None or (not x and not y):
                continue
            both = len(x & y)
            acc[0] += both
            acc[1] += len(x) - both
            acc[2] += len(y) - both
            acc[3] += both / (len(x) + len(y) - both)
            acc[4] += 1
    jaccards: dict[str, float | None] = {}
    for key, (both, first_only, second_only, total, scored) in sums.items():
        decisions = {(True, True): both, (True, False): first_only, (False, True): second_only}
        out[key] = pair_coefficients({pair: k for pair, k in decisions.items() if k})
        jaccards[key] = total / scored if scored else None
    return out, jaccards


_NONE: frozenset = frozenset()


def _values(matched: list[list], index: int, empty) -> list[list]:
    """Each matched unit's values of one compared field (its index in compared_fields), reviewer by reviewer."""
    rows = []
    for row in matched:
        values = []
        for claim in row:
            if claim is None:
                values.append(None)  # she has no claim in this unit: missing, not a value
            else:
                value = claim.values[index]
                values.append(empty if value is None or value == "" else value)
        rows.append(values)
    return rows
