import pytest

from curator.core.errors import ValidationError
from curator.core.paths import SEEDS
from curator.io.document_files import read_document
from curator.io.metadata import find_title
from curator.io.seeds import seed_new_project
from tests.conftest import doc_id_by_file

pytestmark = pytest.mark.both_backends


def test_seeds_get_titles_from_their_content_and_a_kind_of_source(session):
    docs = {d.id: d for d in session.documents.summaries()}
    expected = {
        "000": ("Microbiome-Targeted Biotics and Migraine: Mechanistic and Clinical Signals", "news_summary"),
        "001": ("How Neuroimmunology Affects the Treatment of Migraine Disorders", "web_article"),
        "002": ("Modulating the Gut Microbiome as a Therapeutic Approach in Multiple Sclerosis", "peer_reviewed"),
        "003": ("The Connection Between Gut Microbiome and Mental Health", "web_article"),
        "004": ("Multiple sclerosis (MS) is a complex neurological condition", "web_article"),
    }
    for prefix, (title, kind) in expected.items():
        doc = docs[doc_id_by_file(session, prefix)]
        assert doc.title.startswith(title), doc.title
        assert doc.source_kind == kind
        assert not doc.title.endswith(".txt")


def test_review_metadata_is_found_in_seed_002(session):
    doc = session.documents.get(doc_id_by_file(session, "002"))
    assert doc.doi == "10.1002/brb3.71254"
    assert doc.venue == "Brain and Behavior"
    assert doc.published == "2026-02-05"
    assert doc.authors.startswith("Husna Irfan Thalib, Nuha Fatima")
    assert doc.url == "https://tomesphere.com/paper/PMC12876049"
    news = session.documents.get(doc_id_by_file(session, "000"))
    assert news.published == "2026-02-26"


def test_seed_text_is_stored_byte_for_byte_as_canonical_text(session):
    for path in sorted(SEEDS.glob("*.txt")):
        doc = session.documents.get(doc_id_by_file(session, path.name[:3]))
        assert doc.text == path.read_text(encoding="utf-8")


def test_seeding_happens_once_and_the_same_file_is_never_duplicated(session):
    assert seed_new_project(session, SEEDS) == []
    again = read_document(next(SEEDS.glob("002_*.txt")))
    doc_id, added = session.documents.add(again)
    assert not added and doc_id == doc_id_by_file(session, "002")
    assert session.documents.count() == 5


@pytest.mark.parametrize(
    "content,message",
    [(b"", "the file is empty"), (b"ab\x00cd", "NUL bytes")],
)
def test_bad_text_files_are_refused_naming_the_file(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=f"bad.txt: .*{message.replace('(', '.').replace(')', '.')}"):
        read_document(path)


def test_bom_and_crlf_are_normalised_once_at_import(tmp_path):
    path = tmp_path / "crlf.txt"
    path.write_bytes("\ufeffTitle of a document\r\n\r\nBody text.\r\n".encode("utf-8"))
    doc = read_document(path)
    assert doc.text == "Title of a document\n\nBody text.\n"
    assert doc.title == "Title of a document"


def test_title_skips_site_chrome():
    assert find_title("top of page\n\nThe Real Heading Here\n\nBody.") == "The Real Heading Here"
    assert find_title("1. Home\n  2. News\nadvertisement\n\nA Proper Title For This\n") == "A Proper Title For This"
