"""Read typed effect values out of prose: effect sizes with their 95% CI, p-values, and counts.

Every number keeps the text it was written with next to its float, so "0.85" stays "0.85" (use
`Number.decimal` for exact arithmetic) and every finding carries its offsets in the text given, so
a suggestion can point at the words it came from. Nothing here guesses: a number is read only when
a label (RR, p, "95% CI", "participants"...) names it.

Formats read: "RR ≈ 0.85", "odds ratio of 1.5", "Cohen's d = 0.3", "(SMD, −0.42; 95% CI −0.61 to
−0.23)", "HR 0.7 [0.5; 0.9]", "p  >  0.05" (NBSP or several spaces), "P<0.001", "p-value of 0.04",
"12 studies", "twelve RCTs", "n = 240", "1,204 participants". A comma is a decimal comma only when
it cannot be a thousands separator ("0,85", "1,5"); "1,204" is one thousand two hundred and four.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

EFFECT, CI, P_VALUE, N_STUDIES, N_PARTICIPANTS, PROPORTION = (
    "effect",
    "ci",
    "p",
    "n_studies",
    "n_participants",
    "proportion",
)

# Hyphens as texts write them: hyphen-minus, U+2010 hyphen, U+2011 non-breaking hyphen.
HYPHENS = "-\u2010\u2011"
_DASHES = "\u2012\u2013\u2014"  # figure dash, en dash, em dash: range marks, never signs
_SIGN = r"[-\u2212]"  # hyphen-minus or U+2212 minus; an en dash between numbers is a range

# A number as written. The alternatives are tried in order: a thousands group needs exactly three
# digits after each comma and no leading zero ("1,204"), so what is left with a comma is a decimal
# comma ("0,85"). A dot decimal may be followed by a comma ("(0.7,0.9)").
_DIGITS = (
    r"(?:[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?(?!\d)(?![.,]\d)"
    r"|\d+\.\d+(?!\d)(?!\.\d)"
    r"|\d+,\d+(?!\d)(?![.,]\d)"
    r"|\d+(?!\d)(?![.,]\d)"
    r"|\.\d+(?!\d))"
)
# Not part of a word or of a larger number, nor the tail of a name such as "COVID-19" or "IL-6".
NUMBER = rf"(?<![\w.])(?<![A-Za-z][{HYPHENS}])(?:{_SIGN}\s?)?{_DIGITS}"
_INTEGER = rf"(?<![\w.,])(?<![A-Za-z][{HYPHENS}])(?:[1-9]\d{{0,2}}(?:,\d{{3}})+|\d+)(?!\d)(?![.,]\d)(?!\s*%)"

NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
    if i
}
_WORD_NUMBER = r"\b(?i:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")\b"

# Comparisons, longest first; each maps to its canonical sign.
COMPARISONS = {
    "<=": "≤",
    "=<": "≤",
    ">=": "≥",
    "=>": "≥",
    "≤": "≤",
    "⩽": "≤",
    "≥": "≥",
    "⩾": "≥",
    "<": "<",
    ">": ">",
    "=": "=",
    ":": "=",
    "≈": "≈",
    "~": "≈",
    "∼": "≈",
    "of": "=",
    "was": "=",
    "were": "=",
    "is": "=",
    "about": "≈",
    "approximately": "≈",
    "approx.": "≈",
    "around": "≈",
    "roughly": "≈",
    "nearly": "≈",
    "less than": "<",
    "below": "<",
    "under": "<",
    "greater than": ">",
    "more than": ">",
    "above": ">",
    "over": ">",
    "up to": "≤",
    "at least": "≥",
    "at most": "≤",
    "fewer than": "<",
    "almost": "≈",
    "some": "≈",
}
_WORD_OPS = sorted((k for k in COMPARISONS if k[0].isalpha()), key=len, reverse=True)
_SIGN_OPS = sorted((k for k in COMPARISONS if not k[0].isalpha()), key=len, reverse=True)
_OP = r"(?:" + "|".join(re.escape(k) for k in _SIGN_OPS) + r"|\b(?i:" + "|".join(re.escape(k) for k in _WORD_OPS)
_OP += r")(?!\w))"
_SYMBOL_OP = r"(?:" + "|".join(re.escape(k) for k in _SIGN_OPS if k != ":") + r")"

# Effect measures and the codebook's effect_measure key for each. Abbreviations are case-sensitive
# ("OR" is a measure, "or" a conjunction); names are not. Hedges' g is a standardised mean
# difference (Cohen's d with a small-sample correction), so it maps to smd rather than other: the
# codebook's smd choice then means what it says, and nothing is lost to "other". WMD is a mean
# difference pooled with weights, so md.
_MEASURES = (
    ("smd", r"\bSMD\b|(?i:standardi[sz]ed\s+mean\s+differences?)|(?i:hedges)['’′]?\s?g\b|(?i:glass)['’′]?s?\s?[Δδ]"),
    ("md", r"\bW?MD\b|(?i:(?:weighted\s+)?mean\s+differences?)"),
    ("rr", r"\ba?RR\b|(?i:risk\s+ratios?|relative\s+risks?)(?!\s+reduction)"),
    ("or", r"\ba?OR\b|(?i:odds\s+ratios?)"),
    ("hr", r"\ba?HR\b|(?i:hazard\s+ratios?)"),
    ("other", r"\bIRR\b|(?i:(?:incidence\s+)?rate\s+ratios?)"),
    ("cohens_d", r"(?i:cohen)['’′ʼ]?s?\s?d\b|(?<![\w'’.])d(?=\s*" + _SYMBOL_OP + ")"),
)
_EFFECT = re.compile(
    r"(?P<label>"
    + "|".join(f"(?P<{key}>{pattern})" for key, pattern in _MEASURES)
    + r")(?:\s*\([A-Za-z]{1,4}\))?\s*,?\s*(?:(?P<op>"
    + _OP
    + r")\s*)?(?:(?P<op2>"
    + _OP
    + r")\s*)?(?P<num>"
    + NUMBER
    + r")"
)

_SEP = rf"(?:[{HYPHENS}{_DASHES}]|\bto\b|[,;]|\.\.\.?)"
_RANGE = rf"(?P<lo>{NUMBER})\s*{_SEP}\s*(?P<hi>{NUMBER})"
_CI = re.compile(
    r"(?:(?P<level>\d{2}(?:\.\d+)?)\s*%\s*)?(?:\bCr?I\b|(?i:confidence\s+interval|credible\s+interval))"
    r"\s*[:,=]?\s*(?:(?i:of|from|was)\s+)?[(\[]?\s*" + _RANGE + r"\s*[)\]]?"
)
_BARE_CI = re.compile(r"\s*[(\[]\s*" + _RANGE + r"\s*[)\]]")
# What may stand between an effect and the CI that belongs to it: punctuation and one unit word
# ("MD −2.1 points (95% CI −3.0 to −1.2)").
_CI_GAP = re.compile(r"[\s,;(\[]*(?:[A-Za-z%/]{1,12}[\s,;(\[]*)?")

_P = re.compile(rf"(?<![\w'’.])[pP](?:\s?[{HYPHENS}]?\s?(?i:values?))?\s*(?P<op>{_OP})\s*(?P<num>{NUMBER})(?!\s*%)")

_STUDY_NOUNS = (
    r"(?i:stud(?:y|ies)|trials?|RCTs?|meta[-\u2010\u2011\s]?analys[ie]s|reviews?|articles?|papers?|reports?|"
    r"publications?|experiments?)"
)
_PEOPLE_NOUNS = (
    r"(?i:participants?|patients?|adults?|children|child|subjects?|individuals?|people|persons?|volunteers?|"
    r"women|men|infants?|adolescents?|students?|cases|respondents?|veterans?|mothers?|pregnancies|"
    r"controls|outpatients?|inpatients?)"
)
# Up to three modifier words may stand between a count and its noun: "59 case-control studies",
# "95 human and preclinical studies", "240 adult MS patients".
# A modifier is never a preposition or another count noun, so "59 case-control studies in adults"
# counts studies, not adults.
_NOT_MODIFIER = r"(?!(?i:in|of|with|from|for|at|on|by|per|across|among|during|after|before|than|to|were|was|are)\b)"
_NOT_MODIFIER += r"(?!(?i:stud(?:y|ies)|trials?|RCTs?|reviews?)\b)"
_MODIFIERS = rf"(?:{_NOT_MODIFIER}[A-Za-z][\w\u2010\u2011-]*\s+){{0,3}}"
_COUNT_NUMBER = rf"(?P<num>{_INTEGER}|{_WORD_NUMBER})"
_BEFORE_COUNT = r"(?:(?P<op>(?i:about|approximately|approx\.|around|roughly|nearly|over|more\s+than|up\s+to|at\s+least|"
_BEFORE_COUNT += r"fewer\s+than|less\s+than|almost|some))\s+)?"
_STUDY_COUNT = re.compile(_BEFORE_COUNT + _COUNT_NUMBER + r"\s+" + _MODIFIERS + rf"(?P<noun>{_STUDY_NOUNS})\b")
_PEOPLE_COUNT = re.compile(_BEFORE_COUNT + _COUNT_NUMBER + r"\s+" + _MODIFIERS + rf"(?P<noun>{_PEOPLE_NOUNS})\b")
_N_EQUALS = re.compile(rf"(?<![\w'’.])[nN]\s*=\s*(?P<num>{_INTEGER})")
_K_EQUALS = re.compile(rf"(?<![\w'’.])k\s*=\s*(?P<num>{_INTEGER})")  # meta-analyses count studies as k

_PERCENT = re.compile(
    rf"(?P<num>{NUMBER})\s*(?:%|(?i:per\s?cent)\b)(?!\s*(?:Cr?I\b|(?i:confidence|credible|prediction)))"
)
# A percentage is an effect only when it measures a change ("a 30% reduction", "reduced by 30%");
# "40% of participants" is a proportion of people, not an effect size.
_CHANGE_AFTER = re.compile(
    r"\s*(?i:(?:relative\s+|absolute\s+)?(?:reduction|decrease|decline|drop|fall|increase|rise|improvement|"
    r"lower|higher|fewer|more|less|greater|smaller|change))\b"
)
_CHANGE_BEFORE = re.compile(
    r"(?i:\b(?:reduc|decreas|increas|improv|lower|rais|cut|declin|dropp|fell|rose)\w*\s+by\s+)$"
)


@dataclass(frozen=True)
class Number:
    """A number as written (`text`) and as read (`value`); `decimal` is exact."""

    text: str
    value: float | int
    start: int
    end: int

    @property
    def decimal(self) -> Decimal:
        return Decimal(_normalise(self.text)) if self.text.lower() not in NUMBER_WORDS else Decimal(self.value)


@dataclass(frozen=True)
class Finding:
    """One typed value found in a text: what it is, where, and the words that named it."""

    kind: str  # EFFECT, CI, P_VALUE, N_STUDIES, N_PARTICIPANTS or PROPORTION
    start: int
    end: int
    text: str  # the text's own slice [start, end)
    number: Number | None  # None for a CI that belongs to no effect
    comparison: str = "="  # = ≈ < > ≤ ≥
    measure: str = ""  # the codebook's effect_measure key, for EFFECT
    label: str = ""  # the words that named the value as written: "RR", "Cohen's d", "p", "participants"
    ci_low: Number | None = None
    ci_high: Number | None = None
    ci_level: str = ""  # "95" as written; "" when the text does not say

    @property
    def is_bound(self) -> bool:
        """True when the text gives a bound ("p > 0.05") rather than a value."""
        return self.comparison in {"<", ">", "≤", "≥"}


def _normalise(text: str) -> str:
    t = re.sub(r"\s", "", text).replace("\u2212", "-")
    if re.fullmatch(r"-?[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?", t):
        return t.replace(",", "")
    return t.replace(",", ".")


def _number(m: re.Match, group: str = "num") -> Number:
    text = m.group(group)
    if text.lower() in NUMBER_WORDS:
        return Number(text, NUMBER_WORDS[text.lower()], m.start(group), m.end(group))
    norm = _normalise(text)
    value: float | int = int(norm) if re.fullmatch(r"-?\d+", norm) else float(norm)
    return Number(text, value, m.start(group), m.end(group))


def _comparison(word: str | None) -> str:
    return COMPARISONS.get(re.sub(r"\s+", " ", word).lower(), "=") if word else "="


def _ci_bounds(m: re.Match) -> tuple[Number, Number]:
    """The CI's bounds, lower first whatever order the text gives them in."""
    lo, hi = _number(m, "lo"), _number(m, "hi")
    return (hi, lo) if hi.value < lo.value else (lo, hi)


def _effects(text: str) -> list[Finding]:
    found = []
    for m in _EFFECT.finditer(text):
        measure = next(key for key, _ in _MEASURES if m.group(key))
        op = m.group("op2") or m.group("op")
        number = _number(m)
        end, ci_low, ci_high = m.end(), None, None
        bare = _BARE_CI.match(text, end)
        if bare:
            lo, hi = _ci_bounds(bare)
            if lo.value <= number.value <= hi.value:  # "(0.7, 0.9)" is a CI only if it holds the value
                end, ci_low, ci_high = bare.end(), lo, hi
        found.append(
            Finding(
                EFFECT,
                m.start(),
                end,
                text[m.start() : end],
                number,
                _comparison(op),
                measure,
                re.sub(r"\s", " ", m.group("label")),
                ci_low,
                ci_high,
            )
        )
    return found


def _attach_cis(text: str, effects: list[Finding]) -> list[Finding]:
    """Give each labelled CI to the effect just before it, or keep it as a finding of its own."""
    out = list(effects)
    for m in _CI.finditer(text):
        lo, hi = _ci_bounds(m)
        owner = max(
            (i for i, f in enumerate(out) if f.kind == EFFECT and f.end <= m.start() and f.ci_low is None),
            key=lambda i: out[i].end,
            default=None,
        )
        level = m.group("level") or ""
        if owner is not None and _CI_GAP.fullmatch(text, out[owner].end, m.start()):
            f = out[owner]
            end = max(f.end, m.end())
            out[owner] = Finding(
                EFFECT, f.start, end, text[f.start : end], f.number, f.comparison, f.measure, f.label, lo, hi, level
            )
        elif not any(f.start <= m.start() < f.end for f in out):
            out.append(Finding(CI, m.start(), m.end(), m.group(), None, "=", "", "CI", lo, hi, level))
    return out


def _p_values(text: str) -> list[Finding]:
    return [
        Finding(P_VALUE, m.start(), m.end(), m.group(), _number(m), _comparison(m.group("op")), label="p")
        for m in _P.finditer(text)
    ]


def _counts(text: str) -> list[Finding]:
    found = []
    for kind, pattern in ((N_STUDIES, _STUDY_COUNT), (N_PARTICIPANTS, _PEOPLE_COUNT)):
        for m in pattern.finditer(text):
            label = re.sub(r"\s", " ", m.group("noun"))
            found.append(
                Finding(kind, m.start(), m.end(), m.group(), _number(m), _comparison(m.group("op")), "", label)
            )
    for kind, pattern, label in ((N_PARTICIPANTS, _N_EQUALS, "n"), (N_STUDIES, _K_EQUALS, "k")):
        found.extend(
            Finding(kind, m.start(), m.end(), m.group(), _number(m), "=", "", label) for m in pattern.finditer(text)
        )
    return found


def _percentages(text: str, taken: list[Finding]) -> list[Finding]:
    found = []
    for m in _PERCENT.finditer(text):
        if any(f.start <= m.start() < f.end for f in taken):
            continue
        change = _CHANGE_AFTER.match(text, m.end()) or _CHANGE_BEFORE.search(text, 0, m.start())
        end = change.end() if change and change.start() >= m.end() else m.end()
        start = change.start() if change and change.end() <= m.start() else m.start()
        kind, measure = (EFFECT, "percent") if change else (PROPORTION, "")
        label = text[start:end] if change else "%"
        found.append(Finding(kind, start, end, text[start:end], _number(m), "=", measure, label))
    return found


def parse_effects(text: str) -> list[Finding]:
    """Every effect, CI, p-value, count and percentage in `text`, in the order they appear."""
    found = _attach_cis(text, _effects(text))
    found += _p_values(text)
    found += [c for c in _counts(text) if not any(f.start <= c.start < f.end for f in found)]
    found += _percentages(text, found)
    return sorted(found, key=lambda f: (f.start, f.end))
