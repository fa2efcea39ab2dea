"""Bibliographic details that an HTML article page declares about itself.

Publishers print them for indexers, in five vocabularies. When several say different things the
most specific and best kept wins, field by field:

    Highwire `citation_*`  >  PRISM `prism.*`  >  Dublin Core `DC.*`/`dcterms.*`
        >  schema.org JSON-LD (`ScholarlyArticle`, `Article`, `NewsArticle`, …)  >  Open Graph `og:*`

Highwire tags are what Google Scholar reads and what PubMed Central, Springer and Wiley fill with
care; Open Graph is written for link previews (titles with the site's name appended, dates of the
web page rather than the article). What the page declares beats what metadata.find_metadata guesses
from its text. JSON-LD is read with the standard library's JSON parser, each block bounded in size;
nothing in the page is run or fetched.
"""

from __future__ import annotations

import json
import re

from curator.io.html_text import parse_html

MAX_JSON_LD = 256 * 1024  # one block; an article's is a few KB
_ARTICLES = {"scholarlyarticle", "medicalscholarlyarticle", "article", "newsarticle", "reportagenewsarticle"}
_SCHOLARLY = {"scholarlyarticle", "medicalscholarlyarticle"}
_NEWS = {"newsarticle", "reportagenewsarticle"}

# Meta names per field and vocabulary, in the order of precedence above (names compared lower-cased).
_HIGHWIRE = {
    "title": ["citation_title"],
    "authors": ["citation_author", "citation_authors"],
    "doi": ["citation_doi"],
    "published": ["citation_publication_date", "citation_date", "citation_cover_date", "citation_online_date"],
    "venue": ["citation_journal_title", "citation_conference_title", "citation_publisher"],
    "url": ["citation_public_url", "citation_fulltext_html_url", "citation_abstract_html_url"],
}
_PRISM = {
    "doi": ["prism.doi"],
    "venue": ["prism.publicationname"],
    "published": ["prism.publicationdate", "prism.coverdate"],
    "url": ["prism.url"],
}
_DUBLIN_CORE = {
    "title": ["dc.title", "dcterms.title"],
    "authors": ["dc.creator", "dcterms.creator", "dc.creator.personalname"],
    "doi": ["dc.identifier", "dcterms.identifier", "dc.identifier.doi"],
    "published": ["dc.date", "dcterms.issued", "dcterms.date", "dc.date.issued", "dcterms.created"],
    "venue": ["dcterms.ispartof", "dc.source", "dc.publisher", "dcterms.publisher"],
}
_OPEN_GRAPH = {
    "title": ["og:title"],
    "venue": ["og:site_name"],
    "published": ["article:published_time"],
    "url": ["og:url"],
}

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*|info:doi/)", re.IGNORECASE)
_DOI_ONLY = re.compile(r"10\.\d{4,9}/\S+")  # as DocumentService.update_details checks it
_MONTH_NAMES = "jan feb mar apr may jun jul aug sep oct nov dec"
_MONTHS = {m: n for n, m in enumerate(_MONTH_NAMES.split(), 1)}
_NUMERIC_DATE = re.compile(r"(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?!\d)")
_DAY_MONTH_YEAR = re.compile(r"(?:(\d{1,2})\s+)?([a-z]{3})[a-z]*\.?\s+(?:(\d{1,2}),?\s+)?(\d{4})\b", re.IGNORECASE)
_YEAR_MONTH_DAY = re.compile(r"(\d{4})\s+([a-z]{3})[a-z]*\.?(?:\s+(\d{1,2}))?\b", re.IGNORECASE)


def html_metadata(source: str) -> dict[str, str]:
    """Title, authors, venue, published, doi, url and source_kind a page declares; found ones only."""
    tree = parse_html(source)
    metas: dict[str, list[str]] = {}
    for node in tree.css("meta"):
        attrs = node.attributes
        name = (attrs.get("name") or attrs.get("property") or "").strip().lower()
        content = " ".join((attrs.get("content") or "").split())
        if name and content:
            metas.setdefault(name, []).append(content)
    ld = _json_ld(tree)
    found: dict[str, str] = {}
    for vocabulary in (_HIGHWIRE, _PRISM, _DUBLIN_CORE, ld, _OPEN_GRAPH):
        for field, names in vocabulary.items():
            if found.get(field):
                continue
            values = names if vocabulary is ld else [v for n in names for v in metas.get(n, [])]
            value = _clean(field, values)
            if value:
                found[field] = value
    kind = next(iter(ld.get("kind", [])), "")
    if metas.get("citation_journal_title") or kind in _SCHOLARLY:
        found["source_kind"] = "peer_reviewed"
    elif kind in _NEWS:
        found["source_kind"] = "news_summary"
    return found


def _clean(field: str, values: list[str]) -> str:
    if field == "kind":
        return ""
    if field == "authors":
        names = [part for v in values for part in (v.split(";") if ";" in v else [v])]
        return join_authors(names)
    for value in values:
        if field == "doi":
            value = normal_doi(value)
        elif field == "published":
            value = normal_date(value)
        elif field == "url" and not re.match(r"^https?://\S+$", value):
            value = ""
        if value:
            return value
    return ""


# -- JSON-LD ----------------------------------------------------------------------------------------
def _json_ld(tree) -> dict[str, list[str]]:
    """The first article object in the page's JSON-LD, as lists of candidate values per field."""
    for script in tree.css("script"):
        if (script.attributes.get("type") or "").split(";")[0].strip().lower() != "application/ld+json":
            continue
        raw = script.text(deep=True) or ""
        if len(raw) > MAX_JSON_LD:
            continue
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # a broken or absurdly nested block is ignored, as search engines do
            continue
        article = _find_article(data)
        if article is not None:
            return _article_fields(article)
    return {}


def _types(obj: dict) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.lower() for k in kinds if isinstance(k, str)}


def _find_article(data) -> dict | None:
    """Breadth first through lists and @graph, a few levels deep (no recursion on the page's nesting)."""
    level = [data]
    for _ in range(4):
        following = []
        for item in level:
            if isinstance(item, list):
                following.extend(item)
            elif isinstance(item, dict):
                if _types(item) & _ARTICLES:
                    return item
                following.extend(v for k, v in item.items() if k in ("@graph", "mainEntity"))
        level = following[:1000]
    return None


def _names(value) -> list[str]:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items[:500]:
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            name = item.get("name")
            if not isinstance(name, str):
                parts = [item.get("givenName"), item.get("familyName")]
                name = " ".join(p for p in parts if isinstance(p, str))
            if name:
                out.append(name)
    return out


def _article_fields(article: dict) -> dict[str, list[str]]:
    def strings(*keys: str) -> list[str]:
        return [
            v
            for k in keys
            for v in ([article.get(k)] if not isinstance(article.get(k), list) else article[k])
            if isinstance(v, str)
        ]

    identifiers = []
    for ident in (article.get("identifier"), article.get("doi"), article.get("sameAs")):
        for item in ident if isinstance(ident, list) else [ident]:
            if isinstance(item, dict) and str(item.get("propertyID", "")).lower() == "doi":
                item = item.get("value")
            if isinstance(item, str):
                identifiers.append(item)
    part_of = article.get("isPartOf")
    while isinstance(part_of, dict) and isinstance(part_of.get("isPartOf"), dict):  # issue → volume → journal
        part_of = part_of["isPartOf"]
    return {
        "title": strings("headline", "name"),
        "authors": _names(article.get("author")),
        "published": strings("datePublished", "dateCreated"),
        "doi": identifiers,
        "venue": _names(part_of) + _names(article.get("publisher")),
        "url": strings("url", "mainEntityOfPage"),
        "kind": sorted(_types(article) & (_SCHOLARLY | _NEWS)),
    }


# -- normal forms -----------------------------------------------------------------------------------
def normal_doi(value: str) -> str:
    """A bare DOI (10.x/y) from "https://doi.org/10.x/y", "doi:10.x/y" and the like; "" if it is none."""
    doi = _DOI_PREFIX.sub("", " ".join(value.split())).rstrip(".,;")
    return doi if _DOI_ONLY.fullmatch(doi) else ""


def normal_date(value: str) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD, as Details stores dates, from ISO, Highwire's 2026/02/05 or month names."""
    value = value.strip()
    if m := _YEAR_MONTH_DAY.match(value):  # PubMed's "2026 Feb 5"
        year, month, day = m.group(1), str(_MONTHS.get(m.group(2).lower(), 0)), m.group(3)
    elif m := _NUMERIC_DATE.match(value):
        year, month, day = m.group(1), m.group(2), m.group(3)
    elif m := _DAY_MONTH_YEAR.match(value):  # "5 February 2026", "February 5, 2026", "Feb 2026"
        year, month, day = m.group(4), str(_MONTHS.get(m.group(2).lower(), 0)), m.group(1) or m.group(3)
    else:
        return ""
    if not 1000 <= int(year) <= 2999:
        return ""
    if not month or not 1 <= int(month) <= 12:
        return year
    if not day or not 1 <= int(day) <= 31:
        return f"{year}-{int(month):02d}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


def join_authors(names: list[str]) -> str:
    """Authors as the seeds and Details write them: "First Last, First Last" ("Last, First" turned round)."""
    out: list[str] = []
    for name in names:
        name = " ".join(name.split())
        if name.count(",") == 1:  # Highwire's "Thalib, Husna Irfan" would read as two people once joined
            last, first = (part.strip() for part in name.split(","))
            name = f"{first} {last}".strip()
        if name and not name.startswith(("http://", "https://")) and name not in out:
            out.append(name)
    return ", ".join(out)
