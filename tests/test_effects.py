"""The effect parser on the number formats the seeds and reviews use: exact values, typed, with offsets."""

from decimal import Decimal

import pytest

from curator.core.effects import CI, EFFECT, N_PARTICIPANTS, N_STUDIES, P_VALUE, PROPORTION, parse_effects
from curator.core.paths import SEEDS

SEED_002 = next(SEEDS.glob("002_*.txt")).read_text(encoding="utf-8")
PILOT = SEED_002[SEED_002.index("Pilot trials report") : SEED_002.index("variable effect sizes.")]


def only(text, kind):
    found = [f for f in parse_effects(text) if f.kind == kind]
    assert len(found) == 1, found
    return found[0]


def test_the_seed_sentence_as_written_with_its_nbsp_and_non_breaking_hyphen():
    assert "\u00a0≈\u00a0" in PILOT and "double\u2011blind" in PILOT and "p\u00a0 >\u00a0 0.05" in PILOT
    kinds = [(f.kind, f.measure, f.comparison, f.number.text) for f in parse_effects(PILOT)]
    assert kinds == [
        (EFFECT, "rr", "≈", "0.85"),
        (EFFECT, "cohens_d", "≈", "0.3"),
        (P_VALUE, "", ">", "0.05"),
        (PROPORTION, "", "=", "40"),  # "in up to 40% of participants" is not a count of participants
    ]
    rr, d, p, _ = parse_effects(PILOT)
    assert PILOT[rr.start : rr.end] == "RR\u00a0≈\u00a00.85" and rr.label == "RR"
    assert d.label == "Cohen's d" and d.number.value == 0.3
    assert p.is_bound and PILOT[p.start : p.end] == "p\u00a0 >\u00a0 0.05"


def test_values_are_exact_as_written():
    f = only("RR = 0.85", EFFECT)
    assert f.number.value == 0.85 and repr(f.number.value) == "0.85"
    assert f.number.decimal == Decimal("0.85")
    assert only("OR 1.10", EFFECT).number.text == "1.10"  # the trailing zero is kept in the text


@pytest.mark.parametrize(
    ("text", "measure"),
    [
        ("RR 0.8", "rr"),
        ("a risk ratio of 0.8", "rr"),
        ("relative risk 0.8", "rr"),
        ("OR = 0.8", "or"),
        ("an odds ratio of 0.8", "or"),
        ("HR 0.8", "hr"),
        ("hazard ratio 0.8", "hr"),
        ("SMD -0.8", "smd"),
        ("standardised mean difference -0.8", "smd"),
        ("standardized mean difference -0.8", "smd"),
        ("Hedges' g = 0.8", "smd"),
        ("Cohen's d = 0.8", "cohens_d"),
        ("Cohen\u2019s d = 0.8", "cohens_d"),
        ("d = 0.8", "cohens_d"),
        ("MD -0.8", "md"),
        ("mean difference of -0.8", "md"),
        ("WMD -0.8", "md"),
        ("IRR 0.8", "other"),
    ],
)
def test_each_measure_maps_to_its_codebook_key(text, measure):
    f = only(text, EFFECT)
    assert f.measure == measure and abs(f.number.value) == 0.8


def test_or_the_conjunction_and_a_lone_d_are_not_measures():
    assert parse_effects("probiotics or prebiotics for 3 weeks") == []
    assert parse_effects("on day 3 the d-dimer rose") == []


@pytest.mark.parametrize(
    ("text", "comparison"),
    [("RR = 0.8", "="), ("RR ≈ 0.8", "≈"), ("RR ~ 0.8", "≈"), ("RR < 0.8", "<"), ("RR > 0.8", ">"),
     ("RR ≤ 0.8", "≤"), ("RR ≥ 0.8", "≥"), ("RR of about 0.8", "≈"), ("RR: 0.8", "=")],
)  # fmt: skip
def test_comparisons(text, comparison):
    assert only(text, EFFECT).comparison == comparison


@pytest.mark.parametrize(
    "text",
    [
        "RR 0.8 (95% CI 0.7–0.9)",
        "RR 0.8, 95% CI: 0.70 to 0.90",
        "RR 0.8 (0.7, 0.9)",
        "RR 0.8 [0.7; 0.9]",
        "RR 0.8 (95% CI 0.7-0.9)",
        "RR 0.8 (95% confidence interval 0.7 to 0.9)",
        "RR 0.8 (95% CI 0.9–0.7)",  # bounds given high first still come out low, high
    ],
)
def test_ci_formats_attach_to_their_effect(text):
    f = only(text, EFFECT)
    assert (f.ci_low.value, f.ci_high.value) == (0.7, 0.9)
    assert text[f.start : f.end].startswith("RR")


def test_a_bracket_pair_is_a_ci_only_when_it_holds_the_value():
    f = only("RR 0.8 (3, 12)", EFFECT)
    assert f.ci_low is None and f.end == len("RR 0.8")


def test_a_ci_on_its_own_is_a_finding_of_its_own():
    f = only("the pooled estimate, 95% CI 0.7–0.9, favoured treatment", CI)
    assert (f.ci_low.text, f.ci_high.text, f.ci_level) == ("0.7", "0.9", "95")
    assert f.number is None


def test_negative_values_with_the_minus_sign_and_hyphen():
    f = only("SMD \u22120.42 (95% CI \u22120.61 to \u22120.23)", EFFECT)
    assert (f.number.value, f.ci_low.value, f.ci_high.value) == (-0.42, -0.61, -0.23)
    assert f.number.text == "\u22120.42"
    f = only("MD -2.1 points (95% CI -3.0 to -1.2)", EFFECT)
    assert (f.number.value, f.ci_low.value, f.ci_high.value) == (-2.1, -3.0, -1.2)


def test_decimal_comma_when_unambiguous_and_thousands_otherwise():
    f = only("RR 0,85 (95% CI 0,70–0,90)", EFFECT)
    assert (f.number.value, f.ci_low.value, f.ci_high.value) == (0.85, 0.7, 0.9)
    assert f.number.text == "0,85"
    assert only("1,204 participants", N_PARTICIPANTS).number.value == 1204


@pytest.mark.parametrize(
    ("text", "comparison", "value"),
    [
        ("p = 0.03", "=", 0.03),
        ("P<0.001", "<", 0.001),
        ("p\u00a0 >\u00a0 0.05", ">", 0.05),
        ("p  >  0.05", ">", 0.05),
        ("a p-value of 0.04", "=", 0.04),
        ("not significant (p > 0.05)", ">", 0.05),
        ("p = .03", "=", 0.03),
        ("P \u2264 0.01", "≤", 0.01),
    ],
)
def test_p_values_keep_their_comparison(text, comparison, value):
    f = only(text, P_VALUE)
    assert (f.comparison, f.number.value) == (comparison, value)
    assert f.is_bound == (comparison != "=")


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("12 studies", N_STUDIES, 12),
        ("twelve RCTs", N_STUDIES, 12),
        ("Twenty trials", N_STUDIES, 20),
        ("a meta-analysis of 59 case-control studies", N_STUDIES, 59),
        ("approximately 95 human and preclinical studies", N_STUDIES, 95),
        ("k = 14", N_STUDIES, 14),
        ("n = 240", N_PARTICIPANTS, 240),
        ("N=240", N_PARTICIPANTS, 240),
        ("240 participants", N_PARTICIPANTS, 240),
        ("240 patients", N_PARTICIPANTS, 240),
        ("240 adult MS patients", N_PARTICIPANTS, 240),
        ("240 children", N_PARTICIPANTS, 240),
        ("1,204 participants", N_PARTICIPANTS, 1204),
    ],
)
def test_counts(text, kind, value):
    f = only(text, kind)
    assert f.number.value == value and isinstance(f.number.value, int)


def test_counts_that_are_not_counts():
    assert [f.kind for f in parse_effects("in up to 40% of participants")] == [PROPORTION]
    assert parse_effects("COVID-19 patients and IL-6 levels") == []
    assert [f.kind for f in parse_effects("59 case-control studies in adults")] == [N_STUDIES]
    assert parse_effects("several double-blind RCTs") == []


def test_a_percentage_change_is_an_effect_a_share_of_people_is_not():
    f = only("a 30% reduction in relapses", EFFECT)
    assert (f.measure, f.number.value, f.label) == ("percent", 30, "30% reduction")
    assert only("relapses fell, reduced by 25%", EFFECT).number.value == 25
    assert only("40% of participants responded", PROPORTION).measure == ""
    assert [f.kind for f in parse_effects("OR 1.5 (95% CI 1.1–2.0)")] == [EFFECT]  # "95%" is the CI's level


def test_offsets_point_at_the_words():
    text = "In 12 trials (n = 1,204) the OR was 1.5 (95% CI 1.1 to 2.0; p = 0.02)."
    for f in parse_effects(text):
        assert text[f.start : f.end] == f.text
        if f.number is not None:
            assert text[f.number.start : f.number.end] == f.number.text
    assert [f.kind for f in parse_effects(text)] == [N_STUDIES, N_PARTICIPANTS, EFFECT, P_VALUE]


def test_every_seed_parses_and_every_offset_holds():
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        for f in parse_effects(text):
            assert text[f.start : f.end] == f.text
