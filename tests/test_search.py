"""Search across documents and claims: FTS5 on SQLite, the portable scan elsewhere, same answers."""

import pytest

from curator.core.records import ClaimDraft
from curator.core.search import SearchService
from tests.conftest import doc_id_by_file

# SQLite searches its FTS5 index, or the portable scan when the index is off; PostgreSQL always scans.
pytestmark = pytest.mark.parametrize(
    ("backend", "engine"), [("sqlite", "fts5"), ("sqlite", "scan"), ("postgresql", "scan")], indirect=True
)


@pytest.fixture
def engine(request):
    return request.param


@pytest.fixture
def search(backend, engine, session, monkeypatch):
    service = SearchService(session)
    if engine == "fts5":
        assert service.uses_fts()
    elif backend == "sqlite":
        monkeypatch.setattr(service, "uses_fts", lambda: False)
    else:
        assert not service.uses_fts()
    return service


def test_words_are_found_in_documents_with_exact_positions(session, search):
    hits = search.search("Faecalibacterium Roseburia")
    doc = doc_id_by_file(session, "002")
    hit = next(h for h in hits if h.kind == "document" and h.document_id == doc)
    text = session.documents.get(doc).text
    assert text[hit.start : hit.end].casefold() in ("faecalibacterium", "roseburia")
    assert "«" in hit.snippet and "\n" not in hit.snippet
    assert search.search("zzzyzzx nothing") == []
    assert search.search("   ") == []


def test_claims_are_found_by_statement_and_the_index_follows_edits(session, search):
    doc = doc_id_by_file(session, "002")
    text = session.documents.get(doc).text
    start = text.index("microglial activation")
    claim, _ = session.claims.create(ClaimDraft(doc, start, start + 21, {"statement": "Glia respond to dysbiosis"}))
    hit = next(h for h in search.search("glia respond") if h.kind == "claim")
    assert (hit.claim_id, hit.start, hit.end) == (claim.id, start, start + 21)
    draft = claim.as_draft()
    draft.values["statement"] = "Astrocytes react"
    session.claims.update(claim.id, draft)
    assert not [h for h in search.search("glia respond") if h.kind == "claim"]
    assert [h.claim_id for h in search.search("astrocytes") if h.kind == "claim"] == [claim.id]
    session.claims.delete(claim.id)
    assert not [h for h in search.search("astrocytes") if h.kind == "claim"]


def test_newly_imported_documents_are_searchable(session, search, tmp_path):
    from curator.io.document_files import import_documents

    (tmp_path / "new.md").write_text("# Kombucha\n\nFermented tea and the vagus nerve.\n", encoding="utf-8")
    search.search("anything")  # the index exists before the import
    import_documents(session, [tmp_path / "new.md"])
    hits = search.search("vagus kombucha")
    assert [h.document_title for h in hits if h.kind == "document"] == ["Kombucha"]


def test_a_huge_repeated_query_is_one_word_and_fast(session, search):
    import time

    from curator.core.search import MAX_TERMS, dropped_words, query_terms

    started = time.perf_counter()
    hits = search.search("microbiome " * 2000)
    assert time.perf_counter() - started < 5  # was minutes: one prefix term per repetition
    assert hits and query_terms("microbiome " * 2000) == ["microbiome"]
    many = " ".join(f"word{i}" for i in range(600))
    assert len(query_terms(many)) == MAX_TERMS and dropped_words(many) == 600 - MAX_TERMS
    assert search.search(many) == []  # no recursion error, no endless scan


@pytest.mark.parametrize(
    ("query", "word"),
    [
        ("ärzte", "Ärzte"),  # LIKE ignores the case of ASCII letters only
        ("ÄRZTE", "Ärzte"),
        ("ÉCOLE", "école"),
        ("straße", "Straße"),  # casefold() made it "strasse", found nowhere
        ("snake_case", "snake_case"),
        ("o'neil", "O'Neil"),
    ],
)
def test_every_engine_finds_words_whatever_their_case_and_letters(session, search, tmp_path, query, word):
    from curator.io.document_files import import_documents

    text = "Ärzte und Straße: snake_case, O'Neil, l'école."
    (tmp_path / "letters.md").write_text(f"# Letters\n\n{text}\n", encoding="utf-8")
    import_documents(session, [tmp_path / "letters.md"])
    hit = next(h for h in search.search(query) if h.kind == "document" and h.document_title == "Letters")
    body = session.documents.get(hit.document_id).text
    assert body[hit.start : hit.end] == word
    assert [h for h in search.search("snake_cas3") if h.document_title == "Letters"] == []  # _ is no wildcard
