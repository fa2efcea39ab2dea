"""Type-ahead ranks what the reviewer most likely means first."""

from curator.core.records import TermInfo
from curator.core.term_match import EXACT, PREFIX, SUBSTRING, WORD_PREFIX, TermIndex, fold


def term(id_, label, identifier="", synonyms=()):
    return TermInfo(id_, "conditions", "Conditions", ("condition",), label, identifier, tuple(synonyms), "")


TERMS = [
    term(1, "Chronic progressive multiple sclerosis", "MESH:D020528"),
    term(2, "Multiple sclerosis", "MESH:D009103", ("MS", "disseminated sclerosis")),
    term(3, "Relapsing-remitting multiple sclerosis", "MESH:D020529", ("RRMS",)),
    term(4, "Amyotrophic lateral sclerosis", "MESH:D000690", ("ALS",)),
    term(5, "Irritable bowel syndrome", "MESH:D043183", ("IBS",)),
]


def labels(matches):
    return [m.term.label for m in matches]


def test_prefix_beats_word_prefix_and_shorter_beats_longer():
    ranked = TermIndex(TERMS).rank("multiple scl")
    assert labels(ranked) == [
        "Multiple sclerosis",
        "Chronic progressive multiple sclerosis",
        "Relapsing-remitting multiple sclerosis",
    ]
    assert [m.tier for m in ranked] == [PREFIX, WORD_PREFIX, WORD_PREFIX]


def test_exact_synonym_and_identifier_come_first():
    index = TermIndex(TERMS)
    assert labels(index.rank("ms"))[0] == "Multiple sclerosis"
    assert index.rank("ms")[0].tier == EXACT and index.rank("ms")[0].via == "MS"
    assert labels(index.rank("mesh:d020529")) == ["Relapsing-remitting multiple sclerosis"]


def test_substring_comes_last_and_used_terms_lead_within_a_tier():
    index = TermIndex(TERMS)
    ranked = index.rank("sclerosis")
    assert ranked[-1].tier != EXACT
    assert {m.tier for m in ranked} == {WORD_PREFIX}
    assert labels(ranked)[0] == "Multiple sclerosis"  # shortest
    assert labels(index.rank("sclerosis", used={4}))[0] == "Amyotrophic lateral sclerosis"
    assert index.rank("clerosis")[0].tier == SUBSTRING


def test_hyphens_case_and_spaces_are_folded():
    assert fold("Relapsing\u2010remitting  Multiple\u00a0Sclerosis") == "relapsing remitting multiple sclerosis"
    assert labels(TermIndex(TERMS).rank("relapsing remitting")) == ["Relapsing-remitting multiple sclerosis"]


def test_resolve_takes_an_exact_name_or_the_only_match_and_nothing_else():
    index = TermIndex(TERMS)
    assert index.resolve("IBS").id == 5
    assert index.resolve("irritable").id == 5  # the only term that matches
    assert index.resolve("sclerosis") is None  # several
    assert index.resolve("akkermansia") is None  # none
