"""Growing a selection to its sentence or clause, on the seeds' own prose."""

from curator.core.paths import SEEDS
from curator.core.sentences import clause_span, sentence_span

SEED_002 = next(SEEDS.glob("002_*.txt")).read_text(encoding="utf-8")
PILOT_SENTENCE = (
    "Pilot trials report modest reductions in relapse rate (RR\u00a0≈\u00a00.85) and fatigue (Cohen's d\u00a0≈\u00a00.3), "
    "but several double\u2011blind RCTs showed no significant benefit (p\u00a0\u00a0>\u00a0\u00a00.05) in up to 40% "
    "of participants, highlighting variable effect sizes."
)


def test_a_word_grows_to_its_whole_sentence_across_decimals_and_brackets():
    text = SEED_002
    start = text.index("modest reductions")
    lo, hi = sentence_span(text, start, start + 6)
    assert text[lo:hi].startswith("Pilot trials report modest reductions")
    assert text[lo:hi].endswith("highlighting variable effect sizes.")
    assert "0.85" in text[lo:hi] and "RCTs" in text[lo:hi]


def test_a_caret_picks_the_sentence_it_stands_in():
    text = "First one. Second, with e.g. an aside and Dr. Who. Third?"
    at = text.index("aside")
    lo, hi = sentence_span(text, at, at)
    assert text[lo:hi] == "Second, with e.g. an aside and Dr. Who."
    lo, hi = sentence_span(text, 0, 0)
    assert text[lo:hi] == "First one."
    lo, hi = sentence_span(text, len(text) - 2, len(text) - 2)
    assert text[lo:hi] == "Third?"


def test_a_selection_over_two_sentences_takes_both_and_a_line_break_ends_one():
    text = "Heading without stop\nOne here. Two there. Three."
    a, b = text.index("here"), text.index("there")
    lo, hi = sentence_span(text, a, b + 2)
    assert text[lo:hi] == "One here. Two there."
    lo, hi = sentence_span(text, 3, 5)
    assert text[lo:hi] == "Heading without stop"


def test_initials_and_et_al_do_not_end_a_sentence():
    text = "As J. Smith et al. showed, it works. Next."
    lo, hi = sentence_span(text, 5, 6)
    assert text[lo:hi] == "As J. Smith et al. showed, it works."


def test_a_clause_is_the_piece_between_commas_brackets_and_semicolons():
    text = SEED_002
    at = text.index("several double")
    lo, hi = clause_span(text, at, at + 7)
    assert text[lo:hi] == ("but several double\u2011blind RCTs showed no significant benefit")
    at = text.index("relapse rate (RR")
    lo, hi = clause_span(text, at, at + 7)
    assert text[lo:hi] == "Pilot trials report modest reductions in relapse rate"


def test_degenerate_inputs_are_safe():
    assert sentence_span("", 0, 0) == (0, 0)
    assert sentence_span("   ", 1, 1) == (1, 1)
    assert clause_span("word", 0, 4) == (0, 4)


def test_splitting_a_long_text_takes_time_in_proportion_to_its_length():
    # each full stop used to look back over the whole text before it (quadratic): count the characters
    # the word-before check may read, on a text of many sentences
    from curator.core import sentences

    text = "Probiotics were given. " * 4000
    seen = []
    original = sentences.re.search

    def counting(pattern, string, *args):
        seen.append(len(string))
        return original(pattern, string, *args)

    sentences.re.search = counting
    try:
        ends = sentences.sentence_bounds(text)
    finally:
        sentences.re.search = original
    assert len(ends) == 4001  # every full stop, and the text's end (after the last space)
    assert max(seen) <= sentences.WORD_WINDOW
