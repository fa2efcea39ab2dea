"""Style ranges of text and Markdown are derived on each opening: the last few texts' are kept, and a
text that changed (a new version) is never styled as the old one."""

from curator.core import styles
from curator.core.styles import StyleRange, text_styles


def test_a_text_styled_again_gets_the_same_ranges_and_a_changed_one_its_own():
    text = "# Title\n\nSome **bold** words and a [link](https://example.org)."
    first = text_styles(text)
    assert StyleRange(2, 7, "heading1") in first
    first.clear()  # the caller's list is its own: the kept ranges are not touched
    again = text_styles("".join(text))  # an equal text read again from the database
    assert again == text_styles(text) and StyleRange(2, 7, "heading1") in again
    changed = text_styles(text.replace("# Title", "Title"))
    assert not any(r.kind == "heading1" for r in changed)


def test_only_the_last_few_texts_are_kept():
    for n in range(3 * styles._FOUND_KEPT):
        text_styles(f"text number {n}")
    assert len(styles._FOUND) == styles._FOUND_KEPT


def test_lines_without_markup_characters_find_what_the_patterns_find():
    text = "plain words only\n`code` and *it* and __b__ and http://x.org/a and [t](u)"
    kinds = [r.kind for r in text_styles(text)]
    assert kinds.count("code") == 1 and kinds.count("italic") == 1 and kinds.count("bold") == 1
    assert kinds.count("link") == 2
