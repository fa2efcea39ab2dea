import datetime as dt

import openpyxl
import pytest

from curator.core.migrations import LATEST_VERSION
from curator.core.records import ClaimDraft, TermRef
from curator.io.xlsx_export import ExportCancelled, ExportError, export_xlsx
from curator.io.xlsx_sheets import EXCEL_CELL_LIMIT
from tests.conftest import doc_id_by_file

pytestmark = pytest.mark.both_backends

HOSTILE = [
    "=1+1",
    "+x",
    "-3",
    "@SUM(A1)",
    "#N/A",
    "'quoted",
    "tab\there",
    "line\r\nbreak",
    "emoji 🙂",
    '=HYPERLINK("http://x")',
]


def make_claim(session, quote, values, terms=()):
    doc_id = doc_id_by_file(session, "002")
    text = session.documents.get(doc_id).text
    start = text.index(quote)
    return session.claims.create(ClaimDraft(doc_id, start, start + len(quote), values, terms))[0]


def read_claims(path):
    wb = openpyxl.load_workbook(path)
    sheet = wb["Claims"]
    rows = list(sheet.iter_rows(values_only=True))
    return wb, rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def test_claims_sheet_holds_every_field(session, tmp_path):
    ms = next(t for t in session.terms.all() if t.label == "Multiple sclerosis")
    fa = next(t for t in session.terms.all() if t.label == "Faecalibacterium")
    record = make_claim(
        session,
        "Pilot trials report modest reductions in relapse rate (RR\u00a0≈\u00a00.85)",
        {
            "statement": "Pilot trials cut relapses.",
            "claim_type": "intervention_effect",
            "direction": "benefit",
            "effect_measure": "rr",
            "effect_value": "0.85",
            "ci_low": "0.7",
            "ci_high": "0.99",
            "p_value": "0.04",
            "n_studies": "2",
            "n_participants": "120",
            "status": "confirmed",
            "source_certainty": "hedged",
        },
        (TermRef("condition", ms.label, ms.identifier, ms.id), TermRef("taxon", fa.label, fa.identifier, fa.id)),
    )
    report = export_xlsx(session, tmp_path / "out.xlsx")
    assert (report.claims, report.documents) == (1, 5)
    wb, header, rows = read_claims(tmp_path / "out.xlsx")
    assert header[:8] == ("Claim ID", "Document", "Quote", "Statement", "Reviewer", "Status", "Created", "Updated")
    assert header[-5:] == ("Start", "End", "Document SHA-256", "Anchor", "Claim UUID")
    row = rows[0]
    assert row["Claim ID"] == record.id
    assert row["Quote"] == record.anchor.exact  # NBSP survives
    assert row["Document"].startswith("Modulating the Gut Microbiome")
    assert row["Reviewer"] == "Test Reviewer" and row["Status"] == "Confirmed"
    assert row["Claim type"] == "Intervention effect" and row["Direction"] == "Benefit"
    assert row["Effect measure"] == "Risk ratio (RR)"
    assert (row["Effect value"], row["95% CI, lower"], row["95% CI, upper"], row["p-value"]) == (0.85, 0.7, 0.99, 0.04)
    assert (row["Number of studies"], row["Participants"]) == (2, 120)
    assert row["Conditions"] == "Multiple sclerosis" and row["Conditions IDs"] == "MESH:D009103"
    assert row["Taxa"] == "Faecalibacterium" and row["Taxa IDs"] == "NCBITaxon:216851"
    assert row["Certainty as worded"] == "Hedged"
    assert isinstance(row["Created"], dt.datetime)
    assert (row["Start"], row["End"], row["Document SHA-256"]) == (
        record.anchor.start,
        record.anchor.end,
        record.document_sha256,
    )
    sheet = wb["Claims"]
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref.startswith("A1:")
    docs = list(wb["Documents"].iter_rows(values_only=True))
    assert len(docs) == 6 and docs[0][:2] == ("Document ID", "Title")


def test_no_user_text_becomes_a_formula_or_an_error_cell(session, tmp_path):
    for text in HOSTILE:
        make_claim(session, "Roseburia", {"statement": text, "notes": text})
    export_xlsx(session, tmp_path / "hostile.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "hostile.xlsx")
    cells = [c for row in wb["Claims"].iter_rows(min_row=2) for c in row]
    assert all(c.data_type in ("s", "n", "d") for c in cells if c.value is not None)
    statements = [r["Statement"] for r in read_claims(tmp_path / "hostile.xlsx")[2]]
    assert statements == [t.replace("\r\n", "\n") for t in HOSTILE]  # newlines are normalised once, when saved


def test_illegal_characters_are_replaced_and_reported_long_text_is_reported(session, tmp_path):
    bad = make_claim(session, "Roseburia", {"notes": "bell\x07 and \ufffe here"})
    long = make_claim(session, "Faecalibacterium", {"notes": "x" * 40_000})
    report = export_xlsx(session, tmp_path / "out.xlsx")
    # the bell is written as OOXML's escape (read back as a bell); U+FFFE no workbook reader gives back
    assert report.repaired == [
        f"Claims, claim {bad.id}, Notes: 1 character(s) no workbook can hold (U+FFFE, U+FFFF or half of a character) "
        "replaced with \ufffd; the CSV and JSON-LD exports keep them"
    ]
    assert report.truncated and f"Claims, claim {long.id}, Notes" in report.truncated[0]
    wb, _, claim_rows = read_claims(tmp_path / "out.xlsx")
    rows = {r["Claim ID"]: r for r in claim_rows}
    assert rows[bad.id]["Notes"] == "bell_x0007_ and \ufffd here"  # openpyxl does not decode inline strings
    cut = rows[long.id]["Notes"]
    assert len(cut) == EXCEL_CELL_LIMIT and cut.endswith("[…cut: 40,000 characters in Curator]")
    about = [r for r in wb["About"].iter_rows(values_only=True)]
    warnings = [r[2] for r in about if r and len(r) > 2 and str(r[2]).startswith("Claims, claim")]
    assert len(warnings) == 2  # the repair and the cut are both written into the workbook, not only reported


def test_a_failed_or_cancelled_export_leaves_the_previous_file_intact(session, tmp_path, monkeypatch):
    from curator.io import xlsx_export

    monkeypatch.setattr(xlsx_export, "PROGRESS_EVERY", 5)  # progress is asked every 5 rows: 12 claims will do
    target = tmp_path / "out.xlsx"
    target.write_bytes(b"previous export")
    make_claim(session, "Roseburia", {})
    for _ in range(11):
        make_claim(session, "Faecalibacterium", {})
    asked = []
    with pytest.raises(ExportCancelled):
        export_xlsx(session, target, progress=lambda done, total: asked.append(done) or False)
    assert asked == [5]  # cancelled while writing the claims
    assert target.read_bytes() == b"previous export"
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("project.sqlite3")) == ["out.xlsx"]


def test_export_refuses_a_wrong_extension_or_missing_folder(session, tmp_path):
    with pytest.raises(ExportError, match="ending in .xlsx"):
        export_xlsx(session, tmp_path / "out.csv")
    with pytest.raises(ExportError, match="does not exist"):
        export_xlsx(session, tmp_path / "missing" / "out.xlsx")


def test_every_sheet_name_is_valid_and_the_lists_sheet_is_hidden_behind_dropdowns(session, tmp_path):
    make_claim(session, "Roseburia", {"status": "confirmed"})
    export_xlsx(session, tmp_path / "out.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    for name in wb.sheetnames:
        assert len(name) <= 31 and not set(name) & set("\\/?*:[]") and name.casefold() != "history" and name[0] != "'"
    assert wb["Lists"].sheet_state == "hidden" and all(
        wb[n].sheet_state == "visible" for n in wb.sheetnames if n != "Lists"
    )
    claims, lists = wb["Claims"], wb["Lists"]
    header = [c.value for c in claims[1]]
    validations = {str(dv.sqref).split(":")[0]: dv for dv in claims.data_validations.dataValidation}
    lists_header = [c.value for c in lists[1]]
    for name in ("Status", "Claim type", "Direction", "Document"):
        letter = openpyxl.utils.get_column_letter(header.index(name) + 1)
        dv = validations[f"{letter}2"]
        assert dv.type == "list" and dv.formula1.startswith("Lists!$")  # a range, not an inline list
        list_letter = openpyxl.utils.get_column_letter(lists_header.index(name) + 1)
        values = [c.value for c in lists[list_letter][1:] if c.value is not None]
        assert dv.formula1 == f"Lists!${list_letter}$2:${list_letter}${len(values) + 1}"
    status_letter = openpyxl.utils.get_column_letter(lists_header.index("Status") + 1)
    assert [c.value for c in lists[status_letter][1:] if c.value] == [
        "Draft",
        "Confirmed",
        "Rejected",
        "Needs discussion",
    ]
    assert len([c.value for c in lists["A"][1:] if c.value]) == 5  # every document title


def test_evidence_map_counts_claims_per_condition_and_intervention_by_direction(session, tmp_path):
    from tests.test_import import term

    ms, migraine = term(session, "Multiple sclerosis"), term(session, "Migraine")
    probiotics, fmt = term(session, "Probiotics"), term(session, "Fecal microbiota transplantation")
    make_claim(session, "Roseburia", {"direction": "benefit"}, (ms, probiotics))
    make_claim(session, "Faecalibacterium", {"direction": "benefit"}, (ms, probiotics, fmt))
    make_claim(session, "butyrate", {"direction": "harm"}, (migraine, probiotics))
    make_claim(session, "propionate", {"direction": "unclear"}, (ms, fmt))
    make_claim(session, "Akkermansia", {"direction": "benefit"}, (ms,))  # no intervention: not on the map
    export_xlsx(session, tmp_path / "out.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "out.xlsx")["Evidence map"]
    rows = list(sheet.iter_rows(values_only=True))
    interventions, directions = rows[2], rows[3]
    assert interventions[2] == "Probiotics\nMESH:D019936" and interventions[7].startswith(
        "Fecal microbiota transplantation"
    )
    assert directions[2:7] == ("Benefit", "No effect", "Harm", "Mixed", "Other")
    cells = {row[0]: row[2:] for row in rows[4:]}
    assert list(cells) == ["Multiple sclerosis", "Migraine"]  # most claims first
    assert cells["Multiple sclerosis"] == (2, 0, 0, 0, 0, 1, 0, 0, 0, 1)
    assert cells["Migraine"] == (0, 0, 1, 0, 0, 0, 0, 0, 0, 0)
    assert rows[4][1] == "MESH:D009103"
    assert len(sheet.conditional_formatting) == 5  # one colour scale per direction
    assert "C3:G3" in {str(r) for r in sheet.merged_cells.ranges}


def test_about_sheet_describes_every_column_of_every_sheet(session, tmp_path, db_target):
    make_claim(session, "Roseburia", {})
    export_xlsx(session, tmp_path / "out.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    about = list(wb["About"].iter_rows(values_only=True))
    end = next(i for i, r in enumerate(about) if r and r[0] == "Warnings")
    facts = {r[0]: r[1] for r in about[1:end] if r and r[0]}
    assert about[end][1] == "None"
    assert facts["Claims"] == 1 and facts["Documents"] == 5 and facts["Schema version"] == LATEST_VERSION
    assert facts["Exported by"] == "Test Reviewer" and facts["Curator version"]
    assert isinstance(facts["Exported at (UTC)"], dt.datetime)
    assert facts["Database"].endswith(str(db_target).rsplit("/", 1)[-1])  # the file, or the database's URL
    start = next(i for i, r in enumerate(about) if r and r[0] == "Sheet")
    described = {(r[0], r[1]) for r in about[start + 1 :] if r and r[2]}
    for name in ("Claims", "Claim terms", "Documents", "Codebook"):
        header = [c.value for c in wb[name][1]]
        missing = [h for h in header if (name, h) not in described]
        assert not missing, (name, missing)


def test_documents_and_codebook_sheets_count_claims(session, tmp_path):
    from tests.test_import import term

    ms = term(session, "Multiple sclerosis")
    make_claim(session, "Roseburia", {"status": "confirmed"}, (ms,))
    make_claim(session, "Faecalibacterium", {"status": "draft"}, (ms,))
    export_xlsx(session, tmp_path / "out.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    docs = [
        dict(zip([c.value for c in wb["Documents"][1]], r))
        for r in wb["Documents"].iter_rows(min_row=2, values_only=True)
    ]
    ms_review = next(d for d in docs if d["File name"].startswith("002"))
    assert (
        ms_review["Claims"],
        ms_review["Claims: Confirmed"],
        ms_review["Claims: Draft"],
        ms_review["Claims: Rejected"],
    ) == (2, 1, 1, 0)
    terms = [
        dict(zip([c.value for c in wb["Codebook"][1]], r))
        for r in wb["Codebook"].iter_rows(min_row=2, values_only=True)
    ]
    row = next(t for t in terms if t["Term"] == "Multiple sclerosis")
    assert (row["Identifier"], row["Claims"], row["Added by"], row["Vocabulary"]) == (
        "MESH:D009103",
        2,
        "Codebook",
        "Conditions",
    )
    long = [
        dict(zip([c.value for c in wb["Claim terms"][1]], r))
        for r in wb["Claim terms"].iter_rows(min_row=2, values_only=True)
    ]
    assert sorted((r["Role"], r["Term"], r["Identifier"], r["Status"]) for r in long) == [
        ("Conditions", "Multiple sclerosis", "MESH:D009103", s) for s in ("Confirmed", "Draft")
    ]


def test_the_about_sheet_never_shows_a_database_password():
    from curator.core.db import describe_target

    assert (
        describe_target("postgresql://ann:s3cret@db.local:5432/curator") == "postgresql://ann:***@db.local:5432/curator"
    )
    assert describe_target("postgresql://db.local/curator") == "postgresql://db.local/curator"
