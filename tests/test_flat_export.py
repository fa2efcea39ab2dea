"""CSV (RFC 4180, formula-neutralised) and JSON-LD (W3C Web Annotation) exports."""

import csv
import json

import pytest

from curator.cli import main
from curator.io.flat_export import export_csv, export_jsonld, identifier_iri
from curator.io.xlsx_sheets import ExportError
from tests.test_import import HOSTILE, MS_QUOTE, make_claim, term

pytestmark = pytest.mark.both_backends


def test_csv_holds_every_claim_whole_with_formulas_neutralised(session, tmp_path):
    ids = [
        make_claim(session, "002", "Roseburia" if i else MS_QUOTE, {"statement": text, "effect_value": "-0.5"}).id
        for i, text in enumerate(HOSTILE)
    ]
    long = make_claim(session, "004", "Probiot", {"notes": "n" * 40_000})
    export_csv(session, tmp_path / "claims.csv")
    raw = (tmp_path / "claims.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfClaim ID,Document,Quote,Statement") and b"\r\n" in raw
    with open(tmp_path / "claims.csv", encoding="utf-8-sig", newline="") as f:
        rows = {int(r["Claim ID"]): r for r in csv.DictReader(f)}
    statements = [rows[i]["Statement"] for i in ids]
    expected = ["'" + t if t[0] in "=+-@\t\r" else t for t in HOSTILE]
    assert statements == [t.replace("\r\n", "\n") for t in expected]  # a line break inside a field survives, quoted
    assert rows[ids[0]]["Quote"] == MS_QUOTE and rows[ids[0]]["Effect value"] == "-0.5"  # numbers stay numbers
    assert rows[long.id]["Notes"] == "n" * 40_000  # no cell limit in CSV: nothing is cut


def test_jsonld_is_a_web_annotation_collection_with_both_selectors(session, tmp_path):
    ms = term(session, "Multiple sclerosis")
    claim = make_claim(
        session, "002", MS_QUOTE, {"statement": "Relapses fall", "direction": "benefit", "effect_value": "0.85"}, [ms]
    )
    export_jsonld(session, tmp_path / "claims.jsonld")
    data = json.loads((tmp_path / "claims.jsonld").read_text(encoding="utf-8"))
    assert data["@context"][0] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection" and data["total"] == 1
    item = data["first"]["items"][0]
    assert item["type"] == "Annotation" and item["id"] == f"urn:uuid:{claim.uuid}"
    target = item["target"]
    quote, position = target["selector"]
    assert quote == {
        "type": "TextQuoteSelector",
        "exact": MS_QUOTE,
        "prefix": claim.anchor.prefix,
        "suffix": claim.anchor.suffix,
    }
    assert position == {"type": "TextPositionSelector", "start": claim.anchor.start, "end": claim.anchor.end}
    assert target["documentSha256"] == claim.document_sha256
    assert target["source"] == "https://doi.org/10.1002/brb3.71254"  # seed 002's DOI
    text = session.documents.get(claim.document_id).text
    assert text[position["start"] : position["end"]] == quote["exact"]  # code points, as the W3C model says
    bodies = item["body"]
    assert {"type": "TextualBody", "purpose": "describing", "value": "Relapses fall", "format": "text/plain"} in bodies
    tag = next(b for b in bodies if b.get("purpose") == "classifying")
    assert (
        tag["source"] == {"id": "http://id.nlm.nih.gov/mesh/D009103", "label": "Multiple sclerosis"}
        and tag["role"] == "condition"
        and tag["identifier"] == "MESH:D009103"
    )
    extraction = next(b for b in bodies if "curator:Extraction" in b["type"])
    assert extraction["type"] == ["TextualBody", "curator:Extraction"] and extraction["format"] == "application/json"
    fields = json.loads(extraction["value"])
    assert fields["direction"] == "Benefit" and fields["effect_value"] == 0.85 and fields["status"] == "Draft"
    assert item["creator"] == {"type": "Person", "name": "Test Reviewer"}


@pytest.mark.parametrize(
    ("identifier", "iri"),
    [
        ("MESH:D009103", "http://id.nlm.nih.gov/mesh/D009103"),
        ("NCBITaxon:216851", "http://purl.obolibrary.org/obo/NCBITaxon_216851"),
        ("PubChem:104775", "https://pubchem.ncbi.nlm.nih.gov/compound/104775"),
        ("local-code", None),
    ],
)
def test_identifiers_become_resolvable_iris(identifier, iri):
    assert identifier_iri(identifier) == iri


def test_wrong_extensions_are_refused(session, tmp_path, capsys):
    with pytest.raises(ExportError, match="ending in .csv"):
        export_csv(session, tmp_path / "x.txt")
    assert main(["--db", str(tmp_path / "p.sqlite3"), "export", str(tmp_path / "x.pdf")]) == 1
    assert "export to a file ending in .xlsx, .csv or .jsonld" in capsys.readouterr().err


def test_cli_exports_csv_and_jsonld(tmp_path, capsys):
    db = str(tmp_path / "p.sqlite3")
    assert main(["--db", db, "export", str(tmp_path / "c.csv")]) == 0
    assert main(["--db", db, "export", str(tmp_path / "c.jsonld")]) == 0
    assert json.loads((tmp_path / "c.jsonld").read_text())["total"] == 0
    assert (tmp_path / "c.csv").read_text(encoding="utf-8-sig").startswith("Claim ID,")
