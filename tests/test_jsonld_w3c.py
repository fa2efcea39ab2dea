"""The JSON-LD export passes every MUST of the W3C Web Annotation test suite (tests/fixtures/w3c/README.md).

Each assertion named by annotationMusts.test runs on every annotation, each one of collectionMusts.test on
the collection, with jsonschema (the suite's schemas are draft-04). The suite tests one annotation as its
own document, so each annotation is given the collection's @context, which it inherits inside the export.
"""

import datetime as dt
import hashlib
import json
import re
import uuid
from pathlib import Path

import jsonschema
import pytest
import referencing
from referencing.jsonschema import DRAFT4

from curator.core.records import ClaimDraft, NewDocument, TermRef
from curator.io.flat_export import export_jsonld
from tests.conftest import doc_id_by_file

pytestmark = pytest.mark.both_backends

W3C = Path(__file__).parent / "fixtures" / "w3c"
# jsonschema checks "uri" and "date-time" only with optional packages installed; the MUSTs depend on
# them (3.1 id, 3.3.1 created/modified), so they are checked here as RFC 3986 and RFC 3339 demand.
FORMATS = jsonschema.FormatChecker(formats=())
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$")


@FORMATS.checks("uri")
def _is_uri(value) -> bool:
    return not isinstance(value, str) or bool(_URI.match(value))


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value) -> bool:
    if isinstance(value, str):
        if not re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$", value):
            raise ValueError(f"{value!r} is not an RFC 3339 date-time")
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


def _registry():
    resources = []
    for path in sorted((W3C / "definitions").glob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        resources.append((schema["id"], DRAFT4.create_resource(schema)))
    return referencing.Registry().with_resources(resources)


def _assertions(test_file: str) -> list[tuple[str, dict]]:
    listed = json.loads((W3C / test_file).read_text(encoding="utf-8"))["assertions"]
    return [(name, json.loads((W3C / name).read_text(encoding="utf-8"))) for name in listed]


def failures(document: dict, test_file: str) -> list[str]:
    """Every MUST assertion of `test_file` that `document` breaks, with the suite's own error message."""
    registry = _registry()
    out = []
    for name, schema in _assertions(test_file):
        assert schema["assertionType"] == "must" and schema["expectedResult"] == "valid", name
        validator = jsonschema.Draft4Validator(schema, registry=registry, format_checker=FORMATS)
        if not validator.is_valid(document):
            out.append(f"{name}: {schema.get('errorMessage', '')}")
    return out


@pytest.fixture
def exported(session, tmp_path):
    """The seed project with claims of every shape: statement, terms with and without resolvable ids,
    choice and number fields, a bare claim, and a claim on a document known only by its text."""
    ms = next(t for t in session.terms.all() if t.label == "Multiple sclerosis")
    doc = doc_id_by_file(session, "002")
    text = session.documents.get(doc).text
    for n, quote in enumerate(["Faecalibacterium", "Roseburia", "Akkermansia"]):
        start = text.index(quote)
        values = {"statement": f"claim {n}", "direction": "benefit", "effect_value": "0.85", "notes": "a\fb"}
        terms = (TermRef(ms.roles[0], ms.label, ms.identifier, ms.id), TermRef("other", "local tag"))
        session.claims.create(ClaimDraft(doc, start, start + len(quote), values if n < 2 else {}, terms[: 2 - n]))
    for prefix in ("000", "001", "003", "004"):
        other = doc_id_by_file(session, prefix)
        session.claims.create(ClaimDraft(other, 0, 20, {"statement": f"on {prefix}"}))
    plain = "A text with no DOI and no URL.\n"
    sha = hashlib.sha256(plain.encode()).hexdigest()
    bare = session.documents.add(NewDocument(title="Plain", text=plain, sha256=sha))[0]
    session.claims.create(ClaimDraft(bare, 0, 6, {"statement": "bare"}))
    path = tmp_path / "claims.jsonld"
    export_jsonld(session, path)
    return session, json.loads(path.read_text(encoding="utf-8")), sha


def test_every_annotation_passes_every_must(exported):
    _, collection, _ = exported
    items = collection["first"]["items"]
    assert len(items) == 8
    for item in items:
        assert failures({"@context": collection["@context"], **item}, "annotations/annotationMusts.test") == [], item


def test_the_collection_passes_every_must(exported):
    _, collection, _ = exported
    assert failures(collection, "collections/collectionMusts.test") == []


def test_the_old_extraction_body_fails_3_2_so_the_suite_is_really_run(exported):
    _, collection, _ = exported
    item = {"@context": collection["@context"], **collection["first"]["items"][0]}
    item["body"] = [{"type": "curator:Extraction", "purpose": "describing", "fields": {"status": "Draft"}}]
    assert [f.split(":")[0] for f in failures(item, "annotations/annotationMusts.test")] == [
        "annotations/3.2-bodyObjectsRecognized.json"
    ]


def test_ids_are_uuid_urns_and_sources_are_doi_url_or_a_text_hash(exported):
    session, collection, sha = exported
    items = collection["first"]["items"]
    by_uuid = {c.uuid: c for c in session.claims.all()}
    assert {item["id"] for item in items} == {f"urn:uuid:{u}" for u in by_uuid}
    assert all(uuid.UUID(item["id"].removeprefix("urn:uuid:")) for item in items)
    assert collection["id"].startswith("urn:uuid:")
    sources = {item["target"]["source"] for item in items}
    assert "https://doi.org/10.1002/brb3.71254" in sources  # seed 002 names its DOI
    assert f"urn:sha256:{sha}" in sources  # no DOI, no URL: SHA-256 of the document's UTF-8 text
    assert not any(s.startswith("urn:curator:") for s in sources)


def test_every_field_and_term_identifier_is_kept(exported):
    session, collection, _ = exported
    for claim in session.claims.all():
        item = next(i for i in collection["first"]["items"] if i["id"] == f"urn:uuid:{claim.uuid}")
        bodies = item.get("body", [])
        extraction = [json.loads(b["value"]) for b in bodies if "curator:Extraction" in b["type"]]
        fields = extraction[0] if extraction else {}
        for f in session.codebook.value_fields:
            value = claim.values.get(f.key)
            if value in (None, "") or f.key == "statement":
                continue
            assert fields[f.key] == (f.choice_label(value) if f.kind == "choice" else value)
        for t in claim.terms:
            assert any(b.get("identifier", "") == t.identifier and b.get("role") == t.role for b in bodies), t


def test_a_claim_on_a_pdf_page_passes_every_must_and_its_refinement_is_checked(session, tmp_path):
    from tests.test_pdf_storage import PAGE_ONE, PAGE_TWO, QUOTE, claim_on, pdf_document

    doc_id, _ = session.documents.add(pdf_document([PAGE_ONE, PAGE_TWO]))
    claim = claim_on(session, doc_id)
    export_jsonld(session, tmp_path / "pdf.jsonld")
    collection = json.loads((tmp_path / "pdf.jsonld").read_text(encoding="utf-8"))
    item = next(i for i in collection["first"]["items"] if i["id"] == f"urn:uuid:{claim.uuid}")
    fragment = item["target"]["selector"][0]
    assert (fragment["type"], fragment["value"], fragment["refinedBy"]["exact"]) == (
        "FragmentSelector",
        "page=2",
        QUOTE,
    )
    document = {"@context": collection["@context"], **item}
    assert failures(document, "annotations/annotationMusts.test") == []
    assert failures(collection, "collections/collectionMusts.test") == []
    # the suite does look into a refinement: a refinedBy of no known kind breaks a MUST
    fragment["refinedBy"] = {"type": "NoSuchSelector"}
    assert failures(document, "annotations/annotationMusts.test") != []
