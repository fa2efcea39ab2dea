"""Agreement coefficients over plain values: percent agreement, Cohen's κ and Krippendorff's α.

κ and α are undefined when only one category occurs (the expected disagreement is 0) or when no unit
was coded by two reviewers: each is then None with the reason in words, never 0 and never a division
by zero. Nominal and interval α are computed here in closed form from value counts (one pass): the
maintained `krippendorff` package costs ≈ 0.2 ms a call (10,000 documents × 21 fields: ≈ 20 s) and
builds units × values × values arrays (minutes for effect sizes). The package stays the reference:
tests/test_agreement_stats.py checks these against it on Krippendorff's worked examples and hundreds of
random reliability matrices, and it computes the other levels (imported only then).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

ONE_CATEGORY = "undefined: only one value occurs, so agreement by chance is certain"
NO_PAIRS = "undefined: no unit was coded by two reviewers"
TWO_ONLY = "Cohen's κ compares exactly two reviewers; see α"


@dataclass(frozen=True)
class Coefficients:
    """Agreement on one field: n units coded by two or more reviewers, and each coefficient or None."""

    n: int
    percent: float | None
    kappa: float | None
    alpha: float | None
    kappa_note: str = ""  # why kappa is None
    alpha_note: str = ""  # why alpha is None

    def as_json(self) -> dict:
        out = {"n": self.n, "percent": self.percent, "kappa": self.kappa, "alpha": self.alpha}
        notes = {k: v for k, v in (("kappa", self.kappa_note), ("alpha", self.alpha_note)) if v}
        if notes:
            out["undefined"] = notes
        return out


def percent_agreement(units: list[list]) -> float | None:
    """The share of agreeing pairs among every pair of values coded in the same unit (missing: None)."""
    agree = pairs = 0
    for values in units:
        coded = [v for v in values if v is not None]
        if len(coded) == 2:  # the common case (two reviewers), without the inner loops
            pairs += 1
            agree += coded[0] == coded[1]
            continue
        for i, a in enumerate(coded):
            for b in coded[i + 1 :]:
                pairs += 1
                agree += a == b
    return agree / pairs if pairs else None


def cohen_kappa(pairs: list[tuple]) -> tuple[float | None, str]:
    """Cohen's κ (1960) for two reviewers' values on the same units; (None, reason) when undefined."""
    pairs = [(a, b) for a, b in pairs if a is not None and b is not None]
    if not pairs:
        return None, NO_PAIRS
    n = len(pairs)
    observed = sum(a == b for a, b in pairs) / n
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(first[c] * second[c] for c in first) / (n * n)
    if math.isclose(expected, 1.0):
        return None, ONE_CATEGORY
    return (observed - expected) / (1 - expected), ""


def krippendorff_alpha(units: list[list], level: str = "nominal") -> tuple[float | None, str]:
    """Krippendorff's α over units × reviewers (None where a reviewer did not code the unit)."""
    pairable = [u for u in units if sum(v is not None for v in u) >= 2]
    if not pairable:
        return None, NO_PAIRS
    if len({v for u in pairable for v in u if v is not None}) <= 1:
        return None, ONE_CATEGORY
    if level == "interval":
        return _interval_alpha(pairable), ""
    if level == "nominal":
        return _nominal_alpha(pairable), ""
    coded = [[float(v) if v is not None else math.nan for v in u] for u in units]
    domain = sorted({v for u in coded for v in u if not math.isnan(v)})
    import krippendorff  # numpy: only when agreement is computed (ordinal and ratio levels)

    reviewers = max(len(u) for u in units)
    matrix = [[u[r] if r < len(u) else math.nan for u in coded] for r in range(reviewers)]
    try:
        value = float(krippendorff.alpha(reliability_data=matrix, value_domain=domain, level_of_measurement=level))
    except ValueError as exc:  # the package's own refusals (one value, nothing pairable) in words
        return None, f"undefined: {exc}"
    if math.isnan(value):
        return None, ONE_CATEGORY
    return value, ""


def _nominal_alpha(units: list[list]) -> float:
    """Nominal α in closed form from value counts, O(values): the package builds numpy arrays per call,
    which cost ~0.2 ms each — nothing for one report, minutes for a coefficient per field per document
    of 10,000 (bench/RESULTS.md, agreement). Same definition (Krippendorff 2011): with the coincidences
    o_ck = Σ_u m_uck / (m_u − 1) over units with m_u ≥ 2 values, n_c = Σ_k o_ck and n = Σ_c n_c,
    α = 1 − (n − 1)·(n − Σ_c o_cc) / (n² − Σ_c n_c²), since a unit's o_cc is m_uc(m_uc − 1)/(m_u − 1).
    Values are one category when they are equal as dict keys, as the package's category index has it.
    tests/test_agreement_stats.py checks it against the package on Krippendorff's example and at random."""
    n = 0
    same = 0  # Σ_c o_cc: an integer while every unit has two values, so α below is one rounding
    totals: dict = {}  # n_c
    for unit in units:
        values = [v for v in unit if v is not None]
        m = len(values)
        if m == 2:
            a, b = values
            totals[a] = totals.get(a, 0) + 1
            totals[b] = totals.get(b, 0) + 1
            if a is b or a == b:  # one category (equal values hash alike: one dict key)
                same += 2
        else:
            counts: dict = {}
            for v in values:
                counts[v] = counts.get(v, 0) + 1
            for v, k in counts.items():
                totals[v] = totals.get(v, 0) + k
                if k > 1:
                    same += k * (k - 1) / (m - 1)
        n += m
    expected = n * n - sum(k * k for k in totals.values())
    return (expected - (n - 1) * (n - same)) / expected if expected else float("nan")


def _interval_alpha(units: list[list]) -> float:
    """Interval α in closed form, O(values): the package builds a units × values × values array, and
    numbers (effect sizes, counts) have nearly as many distinct values as units — 100,000 units took
    minutes. Same definition (Krippendorff 2011): α = 1 − D_o / D_e with squared differences, where
    Σ_{i≠j} (x_i − x_j)² = 2·m·Σx² − 2·(Σx)² for the m values of a unit, and the same over all values.
    tests/test_agreement_stats.py checks it against the package on Krippendorff's example and at random."""
    observed = 0.0
    n = 0
    total = total_squares = 0.0
    for unit in units:
        values = [float(v) for v in unit if v is not None]
        m = len(values)
        s, s2 = sum(values), sum(v * v for v in values)
        observed += (2 * m * s2 - 2 * s * s) / (m - 1)
        n += m
        total += s
        total_squares += s2
    expected = (2 * n * total_squares - 2 * total * total) / (n - 1)
    return 1.0 - observed / expected if expected else float("nan")


def coefficients(units: list[list], level: str = "nominal", reviewers: int | None = None) -> Coefficients:
    """Every coefficient for units × reviewers (`reviewers` columns; by default the widest unit);
    κ only when there are exactly two reviewers."""
    n = sum(1 for u in units if sum(v is not None for v in u) >= 2)
    if reviewers is None:
        reviewers = max((len(u) for u in units), default=0)
    if reviewers == 2 and level == "nominal":
        kappa, kappa_note = cohen_kappa([(u[0], u[1]) for u in units])
    else:
        kappa, kappa_note = None, (TWO_ONLY if reviewers != 2 else "κ is for categories; see α (interval)")
    alpha, alpha_note = krippendorff_alpha(units, level)
    return Coefficients(n, percent_agreement(units), kappa, alpha, kappa_note, alpha_note)


def pair_coefficients(pairs: dict[tuple, int]) -> Coefficients:
    """coefficients(units, "nominal", 2) where every unit holds two values, none missing, given as
    (first value, second value) -> how many units: the same numbers from counts, for the 100,000 units of
    a large project (a Counter of pairs is C-fast; lists of lists per field were most of the time)."""
    n = sum(pairs.values())
    if not n:
        return Coefficients(0, None, None, None, NO_PAIRS, NO_PAIRS)
    agree = 0
    first: dict = {}
    second: dict = {}
    for (a, b), k in pairs.items():
        if a is b or a == b:
            agree += k
        first[a] = first.get(a, 0) + k
        second[b] = second.get(b, 0) + k
    percent = agree / n
    expected = sum(first[c] * second.get(c, 0) for c in first) / (n * n)
    if math.isclose(expected, 1.0):
        kappa, kappa_note = None, ONE_CATEGORY
    else:
        kappa, kappa_note = (percent - expected) / (1 - expected), ""
    totals = dict(first)
    for c, k in second.items():
        totals[c] = totals.get(c, 0) + k
    if len(totals) <= 1:
        return Coefficients(n, percent, kappa, None, kappa_note, ONE_CATEGORY)
    values = 2 * n  # as _nominal_alpha: every unit two values, Σ_c o_cc = 2 per agreeing unit
    chance = values * values - sum(k * k for k in totals.values())
    alpha = (chance - (values - 1) * (values - 2 * agree)) / chance
    return Coefficients(n, percent, kappa, alpha, kappa_note, "")


def pair_interval_coefficients(pairs: Iterable[tuple]) -> Coefficients:
    """coefficients(units, "interval", 2) for units of two values (None or "": missing), in one pass and
    in the same order of arithmetic as percent_agreement and _interval_alpha, so the same numbers."""
    n = agree = 0
    observed = total = total_squares = 0.0
    first = None
    several = False  # two or more distinct values among the pairable ones
    for a, b in pairs:
        if a is None or b is None or a == "" or b == "":
            continue
        n += 1
        agree += a == b
        if not several:
            if first is None:
                first = a
            several = not (a == first and b == first)
        x, y = float(a), float(b)
        s, s2 = x + y, x * x + y * y
        observed += 4 * s2 - 2 * s * s
        total += s
        total_squares += s2
    kappa_note = "κ is for categories; see α (interval)"
    if not n:
        return Coefficients(0, None, None, None, kappa_note, NO_PAIRS)
    if not several:
        return Coefficients(n, agree / n, None, None, kappa_note, ONE_CATEGORY)
    values = 2 * n
    expected = (2 * values * total_squares - 2 * total * total) / (values - 1)
    alpha = 1.0 - observed / expected if expected else float("nan")
    return Coefficients(n, agree / n, None, alpha, kappa_note, "")


def jaccard(first: set, second: set) -> float | None:
    union = first | second
    return len(first & second) / len(union) if union else None
