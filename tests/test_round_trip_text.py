"""Every character a claim can hold survives the workbook; what no database stores is refused by name."""

import csv
import hashlib
import json
import sqlite3
import zipfile

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from curator.core.checks import check_project
from curator.core.errors import CuratorError, ValidationError
from curator.core.records import ClaimDraft, NewDocument, TermRef
from curator.io import ooxml_text
from curator.io.claim_import import apply_import, plan_import
from curator.io.flat_export import export_csv, export_jsonld
from curator.io.xlsx_export import export_xlsx
from curator.io.xlsx_sheets import EXCEL_CELL_LIMIT, ExportReport, safe_text
from tests import xlsx_handmade
from tests.conftest import doc_id_by_file

pytestmark = pytest.mark.both_backends

# Form feed, vertical tab and ESC (as PDFs and terminals paste them), NBSP, an emoji outside the BMP,
# a combining acute accent, a literal that looks like an OOXML escape, a CR and a tab.
HARD = "Page\f two\vthree \x1b[1mbold\u00a0NBSP 🙂 e\u0301 _x0041_ and _X0041_ \rend\t."
DOC_TEXT = f"A first sentence. {HARD} A last sentence.\n"


def hard_document(session) -> int:
    sha = hashlib.sha256(DOC_TEXT.encode("utf-8")).hexdigest()
    return session.documents.add(NewDocument(title="Control characters", text=DOC_TEXT, sha256=sha))[0]


def hard_claim(session):
    doc = hard_document(session)
    start = DOC_TEXT.index(HARD)
    values = {"statement": f"Statement {HARD}", "notes": f"Notes\f{HARD}"}
    return session.claims.create(ClaimDraft(doc, start, start + len(HARD), values))[0]


def test_the_escape_is_ooxml_st_xstring():
    assert ooxml_text.escape("a\fb") == ("a_x000C_b", 0)
    assert ooxml_text.escape("lit _x0041_ _xffff_") == ("lit _x005F_x0041_ _x005F_xffff_", 0)
    assert ooxml_text.escape("cr\r") == ("cr_x000D_", 0)
    # python-calamine leaves _xFFFE_ and _xD800_ undecoded, so these cannot round-trip: replaced, counted
    assert ooxml_text.escape("half \ud800 non \ufffe") == ("half \ufffd non \ufffd", 2)
    assert ooxml_text.escape("plain _x41_ tab\tnl\n") == ("plain _x41_ tab\tnl\n", 0)


def test_python_calamine_decodes_the_escape_in_shared_and_inline_strings(tmp_path):
    """What the importer relies on: calamine returns the characters, so the importer must not decode again."""
    cells = ["a_x000C_b", "n_x0000_n", "lit_x005F_x0041_", "u_x0041_", "lower_x000c_", "half_xD800_", "_xFFFE_"]
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    shared = f'<sst {ns} count="7" uniqueCount="7">' + "".join(f"<si><t>{c}</t></si>" for c in cells) + "</sst>"
    row1 = "".join(f'<c t="s"><v>{i}</v></c>' for i in range(len(cells)))
    row2 = "".join(f'<c t="inlineStr"><is><t>{c}</t></is></c>' for c in cells)
    sheet = f'<worksheet {ns}><sheetData><row r="1">{row1}</row><row r="2">{row2}</row></sheetData></worksheet>'
    path = tmp_path / "escapes.xlsx"
    rels = xlsx_handmade.WORKBOOK_RELS.replace(
        "</Relationships>",
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", xlsx_handmade.CONTENT_TYPES)
        z.writestr("_rels/.rels", xlsx_handmade.ROOT_RELS)
        z.writestr("xl/workbook.xml", xlsx_handmade.WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        z.writestr("xl/sharedStrings.xml", shared)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Claims").to_python()
    # a surrogate and a noncharacter stay literal
    decoded = ["a\x0cb", "n\x00n", "lit_x0041_", "uA", "lower\x0c", "half_xD800_", "_xFFFE_"]
    assert rows == [decoded, decoded]


def test_a_claim_with_control_characters_round_trips_through_excel_unchanged(session, tmp_path):
    claim = hard_claim(session)
    path = tmp_path / "export.xlsx"
    report = export_xlsx(session, path)
    assert report.repaired == []  # nothing replaced: every character is written
    with zipfile.ZipFile(path) as z:
        sheet_xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/"))
    assert b"_x000C_" in sheet_xml and b"_x005F_x0041_" in sheet_xml and "\ufffd".encode() not in sheet_xml
    plan = plan_import(session, path)
    assert plan.ok, plan.lines()
    assert (len(plan.new), len(plan.changed), plan.unchanged) == (0, 0, 1)
    assert session.claims.get(claim.id).anchor.exact == HARD
    # openpyxl (as a spreadsheet program) sees the escaped text in the Quote cell: nothing XML cannot carry
    quote = openpyxl.load_workbook(path)["Claims"]["C2"].value
    assert "\f" not in quote and "_x000C_" in quote


def test_an_edited_row_keeps_the_characters_it_did_not_touch(session, tmp_path):
    claim = hard_claim(session)
    src, dst = tmp_path / "export.xlsx", tmp_path / "edited.xlsx"
    export_xlsx(session, src)
    wb = openpyxl.load_workbook(src)
    sheet = wb["Claims"]
    header = [c.value for c in sheet[1]]
    status = header.index("Status") + 1
    sheet.cell(2, status).value = "Confirmed"
    wb.save(dst)
    plan = plan_import(session, dst)
    assert plan.ok, plan.lines()
    assert [c.field for c in plan.changed[0].changes] == ["Status"]
    apply_import(session, plan)
    after = session.claims.get(claim.id)
    assert after.anchor.exact == HARD and "\f" in after.values["notes"]
    assert {k: v for k, v in after.values.items() if k != "status"} == {
        k: v for k, v in claim.values.items() if k != "status"
    }


def test_what_no_workbook_holds_is_replaced_and_reported_never_silently():
    report = ExportReport(path=None)
    assert safe_text("a\ufffeb", "claim 3, Quote", report) == "a\ufffdb"
    assert report.repaired == [
        "claim 3, Quote: 1 character(s) no workbook can hold (U+FFFE, U+FFFF or half of a character) "
        "replaced with \ufffd; the CSV and JSON-LD exports keep them"
    ]


def test_csv_and_jsonld_hold_the_characters_as_they_are(session, tmp_path):
    claim = hard_claim(session)
    export_csv(session, tmp_path / "c.csv")
    with open(tmp_path / "c.csv", encoding="utf-8-sig", newline="") as f:
        row = next(csv.DictReader(f))
    assert row["Quote"] == HARD and row["Notes"] == claim.values["notes"] and "\f" in row["Notes"]
    export_jsonld(session, tmp_path / "c.jsonld")
    item = json.loads((tmp_path / "c.jsonld").read_text(encoding="utf-8"))["first"]["items"][0]
    assert item["target"]["selector"][0]["exact"] == claim.anchor.exact == HARD


def test_a_long_cell_full_of_control_characters_is_cut_on_the_escaped_text():
    report = ExportReport(path=None)
    text = "\f" * 10_000 + "x" * 40_000
    cell = safe_text(text, "claim 1, Notes", report)
    assert len(cell) <= EXCEL_CELL_LIMIT and cell.endswith("characters in Curator]")
    body = cell[: cell.index(" […cut")]
    assert body.replace("_x000C_", "").strip("x") == ""  # no escape broken in half
    assert "claim 1, Notes" in report.truncated[0]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("Quote with _x0000_ in it", "Notes: holds a NUL character"), ("fine", None)],
)
def test_a_cell_that_decodes_to_nul_is_refused_by_row_and_column(session, tmp_path, cell, expected):
    doc = doc_id_by_file(session, "002")
    claim = session.claims.create(
        ClaimDraft(doc, 0, 10, {"notes": "before"}),
    )[0]
    path = tmp_path / "nul.xlsx"
    xlsx_handmade.write_xlsx(path, [["Claim ID", "Document", "Quote", "Notes"], [claim.id, doc, None, cell]])
    plan = plan_import(session, path)
    if expected is None:
        assert plan.ok
        return
    assert [str(p) for p in plan.problems] == [f"row 2, {expected}, which cannot be stored; delete it"]
    assert session.claims.get(claim.id).values["notes"] == "before"


@pytest.mark.parametrize("field", ["statement", "notes"])
def test_lone_surrogates_and_nul_in_claim_fields_are_refused_with_the_field_named(session, field):
    doc = doc_id_by_file(session, "002")
    with pytest.raises(ValidationError) as caught:
        session.claims.create(ClaimDraft(doc, 0, 10, {field: "bad \udc80 text", "effect_value": "1\x00"}))
    keys = {k for k, _ in caught.value.problems}
    assert keys == {field, "effect_value"}
    assert "lone surrogate, U+DC80" in str(caught.value) and "NUL" in str(caught.value)
    str(caught.value).encode("utf-8")  # the message itself can be printed


def test_lone_surrogates_in_terms_reviewers_and_new_terms_are_refused(session):
    doc = doc_id_by_file(session, "002")
    with pytest.raises(ValidationError, match="Conditions: a term holds half of a character"):
        session.claims.create(ClaimDraft(doc, 0, 10, {}, (TermRef("condition", "Migraine \ud83d"),)))
    with pytest.raises(ValidationError, match="Reviewer: the name holds half of a character"):
        session.use_reviewer("Ada \udcff Lovelace")
    vocabulary = session.terms.vocabularies_for_role("condition")[0][0]
    with pytest.raises(ValidationError, match="New term: its label holds a NUL character"):
        session.terms.add(vocabulary, "Mi\x00graine")


def _write_invalid_utf8(db_path, claim_id):
    con = sqlite3.connect(db_path)
    con.execute("UPDATE claim SET statement = CAST(X'4F6B20FF80' AS TEXT) WHERE id = ?", (claim_id,))
    con.commit()
    con.close()


@pytest.mark.sqlite_only("only SQLite stores bytes that are not UTF-8 in a text column; PostgreSQL refuses them")
def test_invalid_utf8_from_another_program_is_reported_by_check_and_named_by_export(session, db_path, tmp_path):
    claim = session.claims.create(ClaimDraft(doc_id_by_file(session, "002"), 0, 10, {"statement": "fine"}))[0]
    _write_invalid_utf8(db_path, claim.id)
    report = check_project(session)
    assert f"text: claim row {claim.id}, column statement: is not valid UTF-8 (byte 4 of 5)" in report.problems
    assert "anchors" in report.checked  # the other checks still ran
    for export in (export_xlsx, export_csv, export_jsonld):
        suffix = {"export_xlsx": ".xlsx", "export_csv": ".csv", "export_jsonld": ".jsonld"}[export.__name__]
        with pytest.raises(
            CuratorError, match=f"claim {claim.id}, field statement: the stored text is not valid UTF-8"
        ):
            export(session, tmp_path / f"out{suffix}")
        assert not (tmp_path / f"out{suffix}").exists()
