"""A PDF's details: its info dictionary, its XMP packet, and a DOI on its first page (issue 14).

PDFium has no API for the catalog's /Metadata stream, so the XMP packet is found in the file's
bytes (the standard asks writers to leave it uncompressed so that tools can; a compressed one is
not read). It is parsed with regular expressions only, never an XML parser, so no entity or
external reference in it is expanded or fetched.
"""

from __future__ import annotations

import html
import re

_XMP = re.compile(rb"<x:xmpmeta\b.{0,1000000}?</x:xmpmeta>", re.DOTALL)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)")
_PDF_DATE = re.compile(r"D:(\d{4})(\d{2})?(\d{2})?")
_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")
_JUNK_TITLE = re.compile(r"^(?:microsoft \w+ - |untitled\b)|\.(?:docx?|pdf|tex|dvi|indd|rtf)$", re.IGNORECASE)


def _clean(value: str) -> str:
    return " ".join(html.unescape(value).split())


def doi_in(text: str) -> str:
    m = _DOI.search(text)
    return m.group(1).rstrip(".,;:)]") if m else ""


def pdf_date(value: str) -> str:
    """'D:20240131…' or '2024-01-31T…' as 2024-01-31 (or 2024-01, 2024); '' if neither."""
    m = _PDF_DATE.match(value.strip()) or _ISO_DATE.match(value.strip())
    if not m:
        return ""
    return "-".join(part for part in m.groups() if part)


def _xmp_items(xmp: str, tag: str) -> list[str]:
    m = re.search(rf"<{tag}\b[^>]*?(?:/>|>(.*?)</{tag}>)", xmp, re.DOTALL)
    if not m:
        m = re.search(rf"\b{tag}\s*=\s*\"([^\"]*)\"", xmp)  # the attribute form
        return [_clean(m.group(1))] if m and m.group(1) else []
    inner = m.group(1) or ""
    items = re.findall(r"<rdf:li\b[^>]*>(.*?)</rdf:li>", inner, re.DOTALL)
    values = [_clean(re.sub(r"<[^>]+>", "", v)) for v in (items or [inner])]
    return [v for v in values if v]


def xmp_metadata(raw: bytes) -> dict[str, str]:
    """Title, authors, DOI and date from the first XMP packet found in the file's bytes."""
    m = _XMP.search(raw)
    if not m:
        return {}
    xmp = m.group(0).decode("utf-8", errors="replace")
    out: dict[str, str] = {}
    title = _xmp_items(xmp, "dc:title")
    if title:
        out["title"] = title[0]
    creators = _xmp_items(xmp, "dc:creator")
    if creators:
        out["authors"] = "; ".join(creators)
    for tag in ("prism:doi", "pdfx:doi", "crossmark:DOI", "dc:identifier"):
        found = next((doi_in(v) for v in _xmp_items(xmp, tag) if doi_in(v)), "")
        if found:
            out["doi"] = found
            break
    for tag in ("prism:publicationDate", "prism:coverDate", "xmp:CreateDate"):
        date = next((pdf_date(v) for v in _xmp_items(xmp, tag) if pdf_date(v)), "")
        if date:
            out["published"] = date
            break
    return out


def info_metadata(info: dict[str, str]) -> dict[str, str]:
    """Title, authors and date from the info dictionary (a file name or "Untitled" is no title)."""
    out: dict[str, str] = {}
    title = _clean(info.get("Title", "") or "")
    if title and not _JUNK_TITLE.search(title):
        out["title"] = title
    author = _clean(info.get("Author", "") or "")
    if author and author.lower() not in ("anonymous", "unknown"):
        out["authors"] = author
    date = pdf_date(info.get("CreationDate", "") or "")
    if date:
        out["published"] = date
    for key in ("doi", "DOI"):
        if doi_in(info.get(key, "") or ""):
            out["doi"] = doi_in(info[key])
    return out


def pdf_metadata(raw: bytes, info: dict[str, str], first_page: str) -> dict[str, str]:
    """XMP beats the info dictionary; the DOI falls back to the first page's text (header included)."""
    out = info_metadata(info)
    out.update(xmp_metadata(raw))
    if not out.get("doi"):
        found = doi_in(first_page)
        if found:
            out["doi"] = found
    return out
