import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curator.core.anchoring import Anchor, AnchorError, locate, make_anchor
from curator.core.textpos import Utf16Map

TEXT = "Probiotics reduce fatigue. Probiotics reduce pain. Prebiotics\u00a0help\u2011maybe 🙂 here."


def test_anchor_keeps_exact_quote_and_32_characters_of_context():
    start = TEXT.index("reduce pain")
    a = make_anchor(TEXT, start, start + len("reduce pain"))
    assert a.exact == "reduce pain"
    assert a.prefix == TEXT[max(0, start - 32) : start]
    assert a.suffix == TEXT[a.end : a.end + 32]


@pytest.mark.parametrize("start,end", [(5, 5), (-1, 3), (0, len(TEXT) + 1), (10, 4)])
def test_empty_or_out_of_range_selection_is_refused(start, end):
    with pytest.raises(AnchorError):
        make_anchor(TEXT, start, end)


def test_whitespace_only_selection_is_refused():
    with pytest.raises(AnchorError, match="white space"):
        make_anchor("a   b", 1, 4)


def test_locate_exact_moved_and_orphaned():
    start = TEXT.index("reduce pain")
    a = make_anchor(TEXT, start, start + 11)
    assert locate(TEXT, a).kind == "exact"
    moved = "New first sentence. " + TEXT
    m = locate(moved, a)
    assert (m.kind, moved[m.start : m.end]) == ("moved", "reduce pain")
    assert locate(TEXT.replace("reduce pain", "ease pain"), a).kind == "orphaned"


def test_ambiguous_quote_without_telling_context_is_orphaned_not_guessed():
    a = Anchor(start=100, end=107, exact="reduce", prefix="", suffix="")
    assert locate(TEXT, a).kind == "orphaned"


def test_context_picks_the_right_one_of_two_occurrences():
    second = TEXT.index("reduce", TEXT.index("reduce") + 1)
    a = make_anchor(TEXT, second, second + len("reduce"))
    shifted = "Intro. " + TEXT
    m = locate(shifted, a)
    assert m.kind == "moved" and m.start == second + len("Intro. ")


def test_utf16_map_counts_emoji_as_two_units():
    text = "a🙂b\u00a0c"
    m = Utf16Map(text)
    assert [m.to_utf16(i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 5, 6]
    assert [m.from_utf16(u) for u in range(m.length_u16 + 1)] == [0, 1, 1, 2, 3, 4, 5]


@given(st.text(alphabet=st.sampled_from(list("ab \n\u00a0\u2011\u2010é\u0301🙂😀𝔘")), max_size=60))
def test_utf16_map_agrees_with_the_utf16_encoding(text):
    m = Utf16Map(text)
    assert m.length_u16 == len(text.encode("utf-16-le")) // 2
    for i in range(len(text) + 1):
        u = m.to_utf16(i)
        assert u == len(text[:i].encode("utf-16-le")) // 2
        assert m.from_utf16(u) == i


words = st.text(alphabet=st.sampled_from(list("abcde fgh\n🙂\u00a0")), min_size=1, max_size=80)


@settings(max_examples=200)
@given(words, st.data())
def test_relocating_after_random_edits_never_points_at_different_text(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    if not text[start:end].strip():
        return
    anchor = make_anchor(text, start, end)
    at = data.draw(st.integers(0, len(text)))
    cut = data.draw(st.integers(0, 5))
    insert = data.draw(st.text(alphabet="xyz ab", max_size=6))
    edited = text[:at] + insert + text[at + cut :]
    match = locate(edited, anchor)
    if match.kind == "orphaned":
        assert match.start is None
    else:
        assert edited[match.start : match.end] == anchor.exact
