"""Claims as CSV (RFC 4180) and as W3C Web Annotations in JSON-LD."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import uuid
from pathlib import Path
from typing import Any

from curator import __version__
from curator.core.reconcile_view import consensus_view
from curator.core.records import ClaimRecord
from curator.core.session import Session
from curator.io.claim_table import claim_columns, claim_page
from curator.io.xlsx_sheets import ExportReport, check_target, write_atomically

# A leading = + - @ tab or CR makes a spreadsheet program evaluate the field as a formula
# (CSV injection); a leading apostrophe makes it plain text and is what the programs themselves use.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Identifier prefixes -> resolvable IRIs, so JSON-LD consumers can follow a term to its source.
IDENTIFIER_IRIS = {
    "MESH": "http://id.nlm.nih.gov/mesh/{}",
    "NCBITAXON": "http://purl.obolibrary.org/obo/NCBITaxon_{}",
    "PUBCHEM": "https://pubchem.ncbi.nlm.nih.gov/compound/{}",
    "MONDO": "http://purl.obolibrary.org/obo/MONDO_{}",
    "CHEBI": "http://purl.obolibrary.org/obo/CHEBI_{}",
    "NCBIGENE": "https://www.ncbi.nlm.nih.gov/gene/{}",
}
CONTEXT = [
    "http://www.w3.org/ns/anno.jsonld",
    {
        "curator": "urn:curator:vocab#",
        "documentSha256": "curator:documentSha256",
        "anchorStatus": "curator:anchorStatus",
        "identifier": "curator:identifier",
        "role": "curator:role",
        "prov": "http://www.w3.org/ns/prov#",
        "prov:wasDerivedFrom": {"@type": "@id"},
    },
]
PDF_FRAGMENT = "http://tools.ietf.org/rfc/rfc3778"  # RFC 3778's #page=N, the Web Annotation model's PDF fragment


def neutralise(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    return neutralise(value)


def export_csv(session: Session, path: str | os.PathLike, all_reviewers: bool = False) -> ExportReport:
    """The Claims sheet as CSV: UTF-8 with a BOM (so Excel reads it as UTF-8), CRLF rows, every text whole.
    The claims the workbook's Claims sheet holds: by default consensus and not yet reconciled ones."""
    path = Path(path)
    check_target(path, ".csv", "a CSV export")
    documents = session.documents.infos()
    consensus = consensus_view(session)
    columns = claim_columns(session, {d.id: d.title for d in documents}, consensus)
    claims = consensus.select(session.claims.all(), all_reviewers)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header for c in columns])
    for claim in claims:
        writer.writerow([_csv_value(c.value(claim)) for c in columns])

    def save(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as f:
            f.write(buffer.getvalue())

    write_atomically(save, path)
    return ExportReport(path, claims=len(claims), documents=len(documents))


def identifier_iri(identifier: str) -> str | None:
    prefix, _, local = identifier.partition(":")
    template = IDENTIFIER_IRIS.get(prefix.upper().replace(".", "").replace("_", ""))
    return template.format(local.strip()) if template and local.strip() else None


def _iso(value: dt.datetime | None) -> str | None:
    return value.replace(microsecond=0).isoformat() + "Z" if value else None


def target_source(document, claim: ClaimRecord) -> str:
    """The document as the web knows it: its DOI, else its URL, else a hash of the text the selectors
    count in (SHA-256 of its UTF-8 text as Curator stores it, the claim's version for an orphaned
    claim): an identifier any copy of that text yields, unlike an id that means something in one project."""
    if document.doi:
        return "https://doi.org/" + document.doi
    if document.url:
        return document.url
    return f"urn:sha256:{claim.document_sha256 or document.sha256}"


def text_selectors(claim: ClaimRecord, page: int | None = None) -> list[dict]:
    """The quote and its position in the whole canonical text, as alternatives; on a PDF first a third:
    the page (a FragmentSelector, RFC 3778) refined by the quote (model 4.2.1, 4.2.9).

    The page is refined by the quote alone: a TextPositionSelector refining a page would count from
    that page's first character, whereas Curator's positions (and the Claims sheet's) count from the
    start of the whole text, so the position stays an alternative of its own."""
    quote = {
        "type": "TextQuoteSelector",
        "exact": claim.anchor.exact,
        "prefix": claim.anchor.prefix,
        "suffix": claim.anchor.suffix,
    }
    position = {"type": "TextPositionSelector", "start": claim.anchor.start, "end": claim.anchor.end}
    if page is None:
        return [quote, position]
    fragment = {"type": "FragmentSelector", "conformsTo": PDF_FRAGMENT, "value": f"page={page}", "refinedBy": quote}
    return [fragment, quote, position]


def annotation(
    session: Session,
    claim: ClaimRecord,
    documents: dict,
    derived_from: list[str] | None = None,
    page: int | None = None,
) -> dict:
    """A claim as a Web Annotation; a consensus claim's names the extractors' claims it reconciles
    (`derived_from`, their uuids) as prov:wasDerivedFrom; `page`: its 1-based PDF page, if any."""
    codebook = session.codebook
    document = documents[claim.document_id]
    fields = {}
    for f in codebook.value_fields:
        value = claim.values.get(f.key)
        if value in (None, "") or f.key == "statement":
            continue
        fields[f.key] = f.choice_label(value) if f.kind == "choice" else value
    body: list[dict] = []
    if claim.values.get("statement"):
        body.append(
            {"type": "TextualBody", "purpose": "describing", "value": claim.values["statement"], "format": "text/plain"}
        )
    for t in claim.terms:
        tag = {"type": "TextualBody", "purpose": "tagging", "value": t.label, "role": t.role}
        iri = identifier_iri(t.identifier) if t.identifier else None
        if t.identifier:
            tag["identifier"] = t.identifier
        if iri:
            # A Specific Resource may not carry `value` (model section 4): the label goes on its source.
            tag = {
                "type": "SpecificResource",
                "purpose": "classifying",
                "source": {"id": iri, "label": t.label},
                "role": t.role,
                "identifier": t.identifier,
            }
        body.append(tag)
    if fields:
        # The form's other fields as one Embedded Textual Body holding JSON, a body form every Web
        # Annotation consumer recognises (model 3.2.4); the second type says how to read it.
        body.append(
            {
                "type": ["TextualBody", "curator:Extraction"],
                "purpose": "describing",
                "format": "application/json",
                "value": json.dumps(fields, ensure_ascii=False),
            }
        )
    return {
        "id": f"urn:uuid:{claim.uuid}",
        "type": "Annotation",
        "motivation": "describing",
        "prov:wasDerivedFrom": [f"urn:uuid:{u}" for u in derived_from] if derived_from else None,
        "creator": {"type": "Person", "name": claim.reviewer_name} if claim.reviewer_name else None,
        "created": _iso(claim.created_at),
        "modified": _iso(claim.updated_at),
        "body": body or None,
        "target": {
            "source": target_source(document, claim),
            "documentSha256": claim.document_sha256,
            # "orphaned": the quote is not in the document's current text; the selectors (and the
            # SHA-256) describe the version the claim was made on, which Curator keeps
            **({"anchorStatus": claim.anchor_status} if claim.anchor_status else {}),
            "selector": text_selectors(claim, page),
        },
    }


def export_jsonld(session: Session, path: str | os.PathLike, all_reviewers: bool = False) -> ExportReport:
    """The claims (as the Claims sheet selects them) as W3C Web Annotations in one AnnotationCollection."""
    path = Path(path)
    check_target(path, ".jsonld", "a JSON-LD export")
    documents = {d.id: d for d in session.documents.infos()}
    consensus = consensus_view(session)
    claims = consensus.select(session.claims.all(), all_reviewers)
    items = []
    page = claim_page(session)
    for claim in claims:
        item = annotation(session, claim, documents, consensus.derived_from(claim), page(claim))
        items.append({k: v for k, v in item.items() if v is not None})
    collection = {
        "@context": CONTEXT,
        "id": f"urn:uuid:{uuid.uuid4()}",  # each export is a collection of its own
        "type": "AnnotationCollection",
        "label": "Curator claims",
        "total": len(items),
        "generator": {"type": "Software", "name": f"Curator {__version__}"},
        "generated": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }

    def save(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(collection, f, ensure_ascii=False, indent=1)

    write_atomically(save, path)
    return ExportReport(path, claims=len(claims), documents=len(documents))
