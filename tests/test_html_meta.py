"""Scholarly metadata declared in HTML heads: Highwire, PRISM, Dublin Core, JSON-LD, Open Graph."""

import json
import time
from pathlib import Path

import pytest

from curator.io.html_meta import MAX_JSON_LD, html_metadata, join_authors, normal_date, normal_doi

FIXTURES = Path(__file__).parent / "fixtures" / "documents"


def read(name: str) -> dict[str, str]:
    return html_metadata((FIXTURES / name).read_text(encoding="utf-8"))


def test_a_pmc_page_gives_its_highwire_details():
    assert read("article_pmc.html") == {
        "title": "Modulating the Gut Microbiome as a Therapeutic Approach in Multiple Sclerosis: A Narrative Review",
        "authors": "Husna Irfan Thalib, Nuha Fatima, Mable Pereira",
        "published": "2026-02-05",  # "2026 Feb 5", as PMC prints it
        "doi": "10.1002/brb3.71254",
        "venue": "Brain and Behavior",  # Highwire's journal, not DC's publisher or OG's site name
        "url": "https://pmc.ncbi.nlm.nih.gov/articles/PMC11800001/",
        "source_kind": "peer_reviewed",
    }


def test_a_springer_page_turns_last_first_names_round_and_prefers_highwire():
    found = read("article_springer.html")
    assert found["authors"] == "Ingrid Bakken, Chidi Okafor"
    assert found["published"] == "2025-03"  # citation_publication_date beats PRISM's and JSON-LD's full dates
    assert found["doi"] == "10.1186/s10194-025-01234-5"
    assert found["venue"] == "The Journal of Headache and Pain"
    assert found["title"] == "Probiotics and migraine: a randomised trial"  # not OG's "… - The Journal …"
    assert found["source_kind"] == "peer_reviewed"


def test_a_news_page_is_read_from_its_json_ld_graph():
    assert read("news_jsonld.html") == {
        "title": "Gut bacteria may shape mood, study finds",
        "authors": "Jo Reporter, Sam Writer",  # never OG's article:author, which is a web address
        "published": "2026-02-26",
        "venue": "Example News",
        "url": "https://news.example.com/health/gut-mood",
        "source_kind": "news_summary",
    }


def head(*tags: str) -> str:
    return "<html><head>" + "".join(tags) + "</head><body><p>text</p></body></html>"


def meta(name: str, content: str, attr: str = "name") -> str:
    return f'<meta {attr}="{name}" content="{content}">'


def ld(obj) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


def test_precedence_is_highwire_prism_dublin_core_json_ld_open_graph_field_by_field():
    everything = [
        meta("citation_doi", "10.1000/highwire"),
        meta("prism.doi", "10.1000/prism"),
        meta("prism.publicationName", "PRISM Journal"),
        meta("DC.Identifier", "doi:10.1000/dc"),
        meta("DC.Date", "2020-01-02"),
        meta("dcterms.isPartOf", "DC Journal"),
        ld({"@type": "ScholarlyArticle", "headline": "LD title", "identifier": "https://doi.org/10.1000/ld"}),
        meta("og:title", "OG title", "property"),
        meta("article:published_time", "2019-05-06T00:00:00Z", "property"),
    ]
    found = html_metadata(head(*everything))
    assert (found["doi"], found["venue"], found["published"], found["title"]) == (
        "10.1000/highwire",
        "PRISM Journal",
        "2020-01-02",
        "LD title",
    )
    assert html_metadata(head(*everything[2:]))["doi"] == "10.1000/dc"  # no Highwire, no PRISM DOI
    assert html_metadata(head(*everything[6:]))["doi"] == "10.1000/ld"
    assert html_metadata(head(everything[-2], everything[-1])) == {"title": "OG title", "published": "2019-05-06"}


@pytest.mark.parametrize(
    "obj,expected",
    [
        (
            {
                "@type": "MedicalScholarlyArticle",
                "name": "A",
                "author": {"@type": "Person", "name": "Ann Lee"},
                "identifier": {"@type": "PropertyValue", "propertyID": "DOI", "value": "10.5555/abc"},
                "isPartOf": {"@type": "PublicationIssue", "isPartOf": {"@type": "Periodical", "name": "Gut"}},
            },
            {"title": "A", "authors": "Ann Lee", "doi": "10.5555/abc", "venue": "Gut", "source_kind": "peer_reviewed"},
        ),
        (
            [
                {"@type": "BreadcrumbList"},
                {"@type": ["Article"], "headline": "B", "sameAs": "https://doi.org/10.5555/b"},
            ],
            {"title": "B", "doi": "10.5555/b"},  # a plain Article leaves the kind to the text heuristics
        ),
        ({"@type": "Recipe", "name": "Not an article"}, {}),
    ],
)
def test_json_ld_article_shapes(obj, expected):
    assert html_metadata(head(ld(obj))) == expected


def test_broken_huge_or_deep_json_ld_is_ignored_and_nothing_runs():
    broken = '<script type="application/ld+json">{"@type": "Article", "headline": </script>'
    deep = '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>"
    huge = ld({"@type": "Article", "headline": "x", "pad": "y" * MAX_JSON_LD})
    tail = meta("og:title", "fallback", "property")
    for block in (broken, deep, huge):
        start = time.perf_counter()
        assert html_metadata(head(block, tail)) == {"title": "fallback"}
        assert time.perf_counter() - start < 2


def test_meta_in_a_hostile_body_is_still_linear():
    html = head(meta("citation_title", "T")) + "<b>" * 100_000 + "</i>" * 100_000
    start = time.perf_counter()
    assert html_metadata(html) == {"title": "T"}
    assert time.perf_counter() - start < 8


def test_a_page_without_metadata_declares_nothing():
    assert html_metadata((FIXTURES / "hostile.html").read_text(encoding="utf-8")) == {}
    assert html_metadata("") == {}


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("2026/02/05", "2026-02-05"),
        ("2026/2", "2026-02"),
        ("2026", "2026"),
        ("2026-02-05T10:00:00+01:00", "2026-02-05"),
        ("2026 Feb 5", "2026-02-05"),
        ("5 February 2026", "2026-02-05"),
        ("February 5, 2026", "2026-02-05"),
        ("Feb 2026", "2026-02"),
        ("n.d.", ""),
        ("20260205", ""),
    ],
)
def test_dates_take_the_forms_details_accepts(raw, expected):
    assert normal_date(raw) == expected


def test_dois_and_authors_take_the_projects_forms():
    assert normal_doi("https://doi.org/10.1002/brb3.71254") == "10.1002/brb3.71254"
    assert normal_doi("http://dx.doi.org/10.1002/x.1.") == "10.1002/x.1"
    assert normal_doi("doi: 10.1002/x") == normal_doi("info:doi/10.1002/x") == "10.1002/x"
    assert normal_doi("PMC11800001") == ""
    assert join_authors(["Thalib, Husna Irfan", "Nuha Fatima", "Nuha Fatima", "https://x.org/me"]) == (
        "Husna Irfan Thalib, Nuha Fatima"
    )


def test_an_imported_article_page_arrives_with_its_declared_details():
    """Through the real import path (the sandboxed reader): the page's citation_* tags fill the details."""
    from pathlib import Path

    from curator.io.document_files import read_document

    page = Path(__file__).parent / "fixtures" / "documents" / "article_pmc.html"
    doc = read_document(page)
    assert doc.doi == "10.1002/brb3.71254"
    assert doc.venue == "Brain and Behavior"
    assert doc.title.startswith("Modulating the Gut Microbiome as a Therapeutic Approach")
    assert doc.source_kind == "peer_reviewed" and doc.authors
