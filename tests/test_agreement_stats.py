"""The agreement coefficients against published worked examples and small cases computed by hand."""

from __future__ import annotations

import pytest

from curator.core.agreement_stats import (
    NO_PAIRS,
    ONE_CATEGORY,
    TWO_ONLY,
    coefficients,
    cohen_kappa,
    jaccard,
    krippendorff_alpha,
    percent_agreement,
)

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", reliability data matrix (section C):
# 4 observers × 12 units, None where an observer did not code the unit. Nominal α = 0.743.
_KRIPPENDORFF_OBSERVERS = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]
KRIPPENDORFF_UNITS = [list(unit) for unit in zip(*_KRIPPENDORFF_OBSERVERS)]


def test_krippendorffs_own_example_nominal():
    alpha, note = krippendorff_alpha(KRIPPENDORFF_UNITS, "nominal")
    assert round(alpha, 3) == 0.743 and note == ""


def test_krippendorffs_own_example_interval():
    alpha, _ = krippendorff_alpha(KRIPPENDORFF_UNITS, "interval")
    assert round(alpha, 3) == 0.849  # the same paper, interval metric


def test_krippendorffs_binary_example_by_hand():
    # Krippendorff (2011), section A: two observers, ten units, binary values; α = 0.095.
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    alpha, _ = krippendorff_alpha([[x, y] for x, y in zip(a, b)])
    assert round(alpha, 3) == 0.095


def test_cohens_kappa_on_the_textbook_two_by_two_table():
    # 50 units: both yes 20, A yes / B no 5, A no / B yes 10, both no 15 → p_o = 0.7, p_e = 0.5, κ = 0.4
    pairs = [("yes", "yes")] * 20 + [("yes", "no")] * 5 + [("no", "yes")] * 10 + [("no", "no")] * 15
    kappa, note = cohen_kappa(pairs)
    assert kappa == pytest.approx(0.4) and note == ""
    assert percent_agreement([list(p) for p in pairs]) == pytest.approx(0.7)


def test_cohens_kappa_three_categories_by_hand():
    # a 3×3 table computed by hand: diagonal 25, 20, 15 of n = 100, margins A 35/35/30, B 40/30/30
    table = {
        ("a", "a"): 25, ("a", "b"): 5, ("a", "c"): 5,
        ("b", "a"): 10, ("b", "b"): 20, ("b", "c"): 5,
        ("c", "a"): 5, ("c", "b"): 5, ("c", "c"): 20,
    }  # fmt: skip
    pairs = [pair for pair, n in table.items() for _ in range(n)]
    p_o = 65 / 100
    p_e = (35 * 40 + 35 * 30 + 30 * 30) / 100**2
    kappa, _ = cohen_kappa(pairs)
    assert kappa == pytest.approx((p_o - p_e) / (1 - p_e))


def test_perfect_agreement_on_two_categories_is_one():
    units = [["x", "x"], ["y", "y"], ["x", "x"]]
    result = coefficients(units)
    assert (result.n, result.percent, result.kappa, result.alpha) == (3, 1.0, 1.0, 1.0)


def test_one_category_only_is_undefined_and_says_why():
    result = coefficients([["x", "x"], ["x", "x"]])
    assert result.percent == 1.0
    assert result.kappa is None and result.kappa_note == ONE_CATEGORY
    assert result.alpha is None and result.alpha_note == ONE_CATEGORY
    assert result.as_json()["undefined"] == {"kappa": ONE_CATEGORY, "alpha": ONE_CATEGORY}


def test_all_missing_and_a_single_coder_per_unit_are_undefined():
    for units in ([[None, None], [None, None]], [["x", None], [None, "y"]], []):
        result = coefficients(units)
        assert result.n == 0 and result.percent is None
        assert result.kappa is None and result.alpha is None and result.alpha_note == NO_PAIRS


def test_a_single_unit_with_disagreement():
    result = coefficients([["x", "y"]])
    assert result.n == 1 and result.percent == 0.0
    # one unit, two values: κ's expected agreement is 0, so κ = 0; α's observed and expected
    # disagreement are both 1 (by hand: two pairable values, e_xy = 1·1/(2−1)), so α = 0
    assert result.kappa == 0.0
    assert result.alpha == pytest.approx(0.0)


def test_kappa_is_for_two_reviewers_and_alpha_takes_any_number_with_missing_values():
    result = coefficients(KRIPPENDORFF_UNITS)
    assert result.kappa is None and result.kappa_note == TWO_ONLY
    assert round(result.alpha, 3) == 0.743 and result.n == 11  # the 12th unit has one value only


def test_jaccard():
    assert jaccard({"a", "b"}, {"b", "c"}) == pytest.approx(1 / 3)
    assert jaccard(set(), set()) is None


def test_two_reviewers_with_nothing_to_compare_are_not_told_kappa_needs_two():
    result = coefficients([], reviewers=2)
    assert result.kappa is None and result.kappa_note == NO_PAIRS


def test_the_closed_form_interval_alpha_equals_the_packages_at_random():
    import math
    import random

    import krippendorff

    rng = random.Random(3)
    for _ in range(50):
        reviewers, count = rng.randint(2, 4), rng.randint(2, 30)
        units = [[rng.choice([None, rng.randint(0, 9) / 2]) for _ in range(reviewers)] for _ in range(count)]
        ours, _ = krippendorff_alpha(units, "interval")
        pairable = [u for u in units if sum(v is not None for v in u) >= 2]
        values = {v for u in pairable for v in u if v is not None}
        if len(values) <= 1:
            assert ours is None
            continue
        matrix = [[u[r] if u[r] is not None else math.nan for u in units] for r in range(reviewers)]
        theirs = krippendorff.alpha(reliability_data=matrix, level_of_measurement="interval")
        assert ours == pytest.approx(theirs)


def test_the_closed_form_nominal_alpha_equals_the_packages_at_random():
    """Nominal α from value counts (agreement_stats._nominal_alpha) against the krippendorff package on
    random categories of mixed types (text, empty text, booleans), 2 to 4 reviewers, units with gaps."""
    import math
    import random

    import krippendorff

    rng = random.Random(12)
    checked = 0
    for _ in range(300):
        reviewers, count = rng.randint(2, 4), rng.randint(1, 40)
        pool = rng.choice([["benefit", "harm", "none", ""], [True, False], ["a", "b"], ["x", "y", "z", "w", "v"]])
        units = [
            [rng.choice([None, *pool]) if rng.random() < 0.8 else rng.choice(pool) for _ in range(reviewers)]
            for _ in range(count)
        ]
        ours, note = krippendorff_alpha(units, "nominal")
        pairable = [u for u in units if sum(v is not None for v in u) >= 2]
        values = {v for u in pairable for v in u if v is not None}
        if not pairable:
            assert (ours, note) == (None, NO_PAIRS)
            continue
        if len(values) <= 1:
            assert (ours, note) == (None, ONE_CATEGORY)
            continue
        index = {c: i for i, c in enumerate(sorted({v for u in units for v in u if v is not None}, key=repr))}
        matrix = [[index[u[r]] if u[r] is not None else math.nan for u in units] for r in range(reviewers)]
        theirs = krippendorff.alpha(
            reliability_data=matrix, value_domain=list(range(len(index))), level_of_measurement="nominal"
        )
        assert ours == pytest.approx(theirs, abs=1e-12)
        checked += 1
    assert checked > 200


def test_pair_counts_give_the_same_coefficients_as_the_rows_at_random():
    """pair_coefficients (two reviewers, counts of value pairs: the fast path of a large report) against
    coefficients over the same rows, and its α against the krippendorff package."""
    import random
    from collections import Counter

    import krippendorff

    from curator.core.agreement_stats import pair_coefficients

    rng = random.Random(5)
    for _ in range(200):
        pool = rng.choice([["benefit", "harm", ""], [True, False], ["a"], ["x", "y", "z", "w"]])
        rows = [[rng.choice(pool), rng.choice(pool)] for _ in range(rng.randint(0, 30))]
        ours = pair_coefficients(Counter(tuple(r) for r in rows))
        assert ours == coefficients(rows, "nominal", 2)
        if ours.alpha is not None:
            index = {c: i for i, c in enumerate(sorted({v for r in rows for v in r}, key=repr))}
            matrix = [[index[r[k]] for r in rows] for k in range(2)]
            theirs = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
            assert ours.alpha == pytest.approx(theirs, abs=1e-12)


def test_interval_pairs_give_the_same_coefficients_as_the_rows_at_random():
    """pair_interval_coefficients (two reviewers' numbers, the fast path of a large report) against
    coefficients over the same rows: equal to the last bit, gaps and a single value included."""
    import random

    from curator.core.agreement_stats import pair_interval_coefficients

    rng = random.Random(9)
    for _ in range(300):
        pool = rng.choice([[0.5, 1.25, 2, 3.75, None], [7, None], [7], [0.1, 0.2, 0.30000000000000004, 10**6]])
        rows = [[rng.choice(pool), rng.choice(pool)] for _ in range(rng.randint(0, 25))]
        assert pair_interval_coefficients([tuple(r) for r in rows]) == coefficients(rows, "interval", 2)
        empty = [["" if v is None and rng.random() < 0.5 else v for v in r] for r in rows]
        assert pair_interval_coefficients(empty) == coefficients(rows, "interval", 2)  # "": missing as well
