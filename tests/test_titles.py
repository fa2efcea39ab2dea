"""A title found in the text reads as a title; a text without one says so instead of passing a sentence off as one."""

import pytest

from curator.core.paths import SEEDS
from curator.io.metadata import UNTITLED_MARK, find_title
from tests.conftest import doc_id_by_file

pytestmark = pytest.mark.both_backends


def test_the_five_seeds_get_these_titles(session):
    titles = {
        prefix: session.documents.get(doc_id_by_file(session, prefix)).title
        for prefix in ("000", "001", "002", "003", "004")
    }
    assert titles == {
        "000": "Microbiome-Targeted Biotics and Migraine: Mechanistic and Clinical Signals",
        "001": "How Neuroimmunology Affects the Treatment of Migraine Disorders",
        "002": "Modulating the Gut Microbiome as a Therapeutic Approach in Multiple Sclerosis: Implications for "
        "Gut\u2010Brain Interactions and Immune Pathways: A Narrative Review",
        "003": "The Connection Between Gut Microbiome and Mental Health",
        # no title line: its first words, cut between words, marked for the reviewer to fix in Details
        "004": "Multiple sclerosis (MS) is a complex neurological condition… (no title in the text)",
    }
    assert len(list(SEEDS.glob("*.txt"))) == 5


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # cut between words, and never on a dangling "in", "the", "of"
        (
            "We found that probiotics reduce relapse rates in adults with multiple sclerosis over two years.",
            "We found that probiotics reduce relapse rates in adults…",
        ),
        ("Probiotics help. Another sentence follows here.", "Probiotics help"),
        ("Short one.", "Short one"),
        ("Vitamin D, taken daily, may lower MS relapse risk by a third in the trial of the decade", None),
    ],
)
def test_a_text_without_a_title_line_gets_its_first_words_marked_untitled(text, title):
    found = find_title(text)
    if title is None:  # a short line that does not end a sentence is a title line
        assert found == text
        return
    assert found == title + UNTITLED_MARK
    assert len(found) <= 60 + len(UNTITLED_MARK) + 1


def test_headings_and_title_lines_are_kept_and_an_empty_text_is_untitled():
    assert find_title("# A Heading\n\nBody text.") == "A Heading"
    assert find_title("top of page\n\nThe Real Heading Here\n\nBody.") == "The Real Heading Here"
    assert find_title("") == "Untitled document"
    assert find_title("Beta\n\ntext") == "Beta"  # a terse heading (an HTML <h1>) is still a heading
    assert find_title("x" * 200 + ".") == "x" * 60 + "…" + UNTITLED_MARK  # no space to cut at: cut at the limit
