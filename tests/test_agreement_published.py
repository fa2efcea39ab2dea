"""Cohen's κ on Cohen's own worked example (1960), through both ways Curator computes it.

Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and Psychological
Measurement 20(1), 37–46: two judges classify 200 subjects into three categories (Table 1, given there
as proportions). p_o = .70, p_c = .41, κ = .492 as printed; the exact value is .29 / .59.
"""

from __future__ import annotations

from collections import Counter

import pytest

from curator.core.agreement_stats import coefficients, cohen_kappa, pair_coefficients, percent_agreement

# judge A's category (rows) × judge B's category (columns), frequencies of N = 200
COHEN_1960 = {
    (1, 1): 88, (1, 2): 14, (1, 3): 18,
    (2, 1): 10, (2, 2): 40, (2, 3): 10,
    (3, 1): 2, (3, 2): 6, (3, 3): 12,
}  # fmt: skip
PUBLISHED_P_O, PUBLISHED_P_C, PUBLISHED_KAPPA = 0.70, 0.41, 0.492


def _pairs() -> list[tuple[int, int]]:
    return [pair for pair, n in COHEN_1960.items() for _ in range(n)]


def test_the_table_is_cohens():
    pairs = _pairs()
    assert len(pairs) == 200
    rows, columns = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    assert [rows[c] / 200 for c in (1, 2, 3)] == [0.60, 0.30, 0.10]
    assert [columns[c] / 200 for c in (1, 2, 3)] == [0.50, 0.30, 0.20]
    chance = sum(rows[c] * columns[c] for c in rows) / 200**2
    assert chance == pytest.approx(PUBLISHED_P_C)


def test_cohens_kappa_on_cohens_table():
    kappa, note = cohen_kappa(_pairs())
    assert note == ""
    assert round(kappa, 3) == PUBLISHED_KAPPA
    assert kappa == pytest.approx(0.29 / 0.59)
    assert percent_agreement([list(p) for p in _pairs()]) == pytest.approx(PUBLISHED_P_O)


def test_the_counted_pairs_path_gives_cohens_value_too():
    # pair_coefficients is what a large project's report uses (counts of value pairs, not rows)
    counted = pair_coefficients(dict(COHEN_1960))
    rows = coefficients([list(p) for p in _pairs()], "nominal", 2)
    assert counted.n == rows.n == 200
    assert round(counted.kappa, 3) == PUBLISHED_KAPPA
    assert counted.kappa == pytest.approx(rows.kappa)
    assert counted.percent == pytest.approx(PUBLISHED_P_O)
    assert counted.alpha == pytest.approx(rows.alpha)
    # α pools both judges' margins (.55/.30/.15, chance .415, as Scott's π) and corrects for the 400
    # values: α = 1 − (399/400)·(.30/.585), by hand
    assert counted.alpha == pytest.approx(1 - (399 / 400) * (0.30 / 0.585))


def test_swapping_the_judges_changes_nothing():
    swapped = [(b, a) for a, b in _pairs()]
    assert cohen_kappa(swapped)[0] == pytest.approx(cohen_kappa(_pairs())[0])
