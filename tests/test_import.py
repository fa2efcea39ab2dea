"""Excel round trip: export, edit in a spreadsheet (here: openpyxl), preview, import, import again."""

import openpyxl
import pytest

from curator.core.models import Claim, ClaimTerm, Term
from curator.core.records import ClaimDraft, TermRef
from curator.io.claim_import import ClaimImportError, apply_import, plan_import
from curator.io.xlsx_export import export_xlsx
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
MS_QUOTE = "Pilot trials report modest reductions in relapse rate (RR\u00a0≈\u00a00.85)"


def term(session, label):
    t = next(t for t in session.terms.all() if t.label == label)
    return TermRef(next(iter(t.roles), "other"), t.label, t.identifier, t.id)


def make_claim(session, file_prefix, quote, values=None, terms=()):
    doc_id = doc_id_by_file(session, file_prefix)
    text = session.documents.get(doc_id).text
    start = text.index(quote)
    return session.claims.create(ClaimDraft(doc_id, start, start + len(quote), values or {}, tuple(terms)))[0]


def database_snapshot():
    claims = [tuple(row) for row in Claim.select().order_by(Claim.id).tuples()]
    terms = [tuple(row) for row in ClaimTerm.select().order_by(ClaimTerm.id).tuples()]
    return claims, terms


def edit_claims_sheet(src, dst, edit):
    """Open the export as a reviewer's spreadsheet program would, let `edit` change it, save."""
    wb = openpyxl.load_workbook(src)
    sheet = wb["Claims"]
    header = [c.value for c in sheet[1]]
    edit(sheet, header)
    wb.save(dst)


def test_untouched_workbook_with_hostile_text_changes_nothing(session, tmp_path):
    ms = term(session, "Multiple sclerosis")
    for i, text in enumerate(HOSTILE):
        make_claim(
            session,
            "002",
            MS_QUOTE if i == 0 else "Faecalibacterium",
            {"statement": text, "notes": text},
            [ms] if i % 2 else [],
        )
    long_note = make_claim(session, "004", "Probiot", {"notes": "x" * 39_990 + "🙂end"})
    before = database_snapshot()
    export_xlsx(session, tmp_path / "out.xlsx")
    plan = plan_import(session, tmp_path / "out.xlsx")
    assert plan.ok, plan.problems
    assert (len(plan.new), len(plan.changed), plan.unchanged) == (0, 0, len(HOSTILE) + 1)
    apply_import(session, plan)
    assert database_snapshot() == before  # nothing lost: not the 40,000-character note, not a CR
    assert session.claims.get(long_note.id).values["notes"].endswith("🙂end")


def fill_new_row(sheet, header, row, values):
    for name, value in values.items():
        sheet.cell(row=row, column=header.index(name) + 1, value=value)


def test_edited_workbook_previews_field_by_field_imports_once_and_reimports_as_unchanged(session, tmp_path):
    ms = term(session, "Multiple sclerosis")
    first = make_claim(
        session,
        "002",
        MS_QUOTE,
        {"statement": "Relapses fall a little", "status": "draft", "effect_value": "0.85"},
        [ms],
    )
    second = make_claim(session, "004", "Probiot", {"statement": "untouched"})
    export_xlsx(session, tmp_path / "out.xlsx")

    edited_row = []

    def edit(sheet, header):
        row = 2 if sheet.cell(2, 1).value == first.id else 3
        edited_row.append(row)
        sheet.cell(row, header.index("Status") + 1, "Confirmed")
        sheet.cell(row, header.index("Effect value") + 1, 0.9)
        sheet.cell(row, header.index("Interventions") + 1, "probiotic supplementation; VSL#3")  # a synonym? see below
        sheet.cell(row, header.index("Statement") + 1, "=Relapses fall a little").data_type = "s"  # typed as text
        # a new row: quote typed with plain spaces, a straight apostrophe, an ASCII hyphen and a line break
        fill_new_row(
            sheet,
            header,
            5,
            {
                "Document": "002_9f0cb06e6003dde7.txt",  # by file name
                "Quote": "fatigue (Cohen’s d ≈ 0.3), but  several\ndouble-blind RCTs",
                "Statement": "Fatigue improves a little",
                "Direction": "benefit",
                "Conditions": "MULTIPLE SCLEROSIS",
                "Taxa IDs": "ignored because the Taxa column is there",
            },
        )

    edit_claims_sheet(tmp_path / "out.xlsx", tmp_path / "edited.xlsx", edit)
    # Interventions named by a synonym of Probiotics and by an unknown product: the unknown one is a problem
    plan = plan_import(session, tmp_path / "edited.xlsx")
    assert not plan.ok
    assert [str(p) for p in plan.problems] == [
        f"row {edited_row[0]}, Interventions: 'VSL#3' is not in the Interventions vocabulary (matched by label, synonym or identifier); "
        "correct it, or choose to add unknown terms to the vocabulary"
    ]
    with pytest.raises(ClaimImportError, match="nothing was written"):
        apply_import(session, plan)
    assert session.claims.get(first.id).values["status"] == "draft"

    plan = plan_import(session, tmp_path / "edited.xlsx", add_unknown_terms=True)
    assert plan.ok, plan.problems
    assert (len(plan.new), len(plan.changed), plan.unchanged) == (1, 1, 1)
    assert plan.new_terms == [("intervention", "VSL#3")]
    changes = {c.field: (c.old, c.new) for c in plan.changed[0].changes}
    assert changes["Status"] == ("Draft", "Confirmed")
    assert changes["Effect value"] == ("0.85", "0.9")
    assert changes["Statement"] == ("Relapses fall a little", "=Relapses fall a little")
    assert changes["Interventions"] == ("", "Probiotics; VSL#3")  # "probiotic supplementation" is its synonym
    assert f"row {edited_row[0]}: claim {first.id}:" in "\n".join(
        plan.lines()
    ) and "Status: Draft → Confirmed" in "\n".join(plan.lines())

    apply_import(session, plan)
    updated = session.claims.get(first.id)
    assert updated.values["status"] == "confirmed" and updated.values["effect_value"] == 0.9
    assert updated.values["statement"] == "=Relapses fall a little"
    new = session.claims.get(max(c.id for c in session.claims.all()))
    text = session.documents.get(new.document_id).text
    assert (
        new.anchor.exact
        == text[new.anchor.start : new.anchor.end]
        == "fatigue (Cohen's\u00a0d\u00a0≈\u00a00.3), but several double\u2011blind RCTs"
    )
    assert [t.label for t in new.terms] == ["Multiple sclerosis"] and new.terms[0].term_id == ms.term_id
    vsl = Term.get(Term.label == "VSL#3")
    assert vsl.added_by_id == session.reviewer_id
    assert session.claims.get(second.id).values["statement"] == "untouched"

    again = plan_import(session, tmp_path / "edited.xlsx", add_unknown_terms=True)
    assert again.ok and (len(again.new), len(again.changed), again.new_terms) == (0, 0, [])
    snapshot = database_snapshot()
    apply_import(session, again)
    assert database_snapshot() == snapshot


def test_reordered_columns_extra_columns_and_empty_rows_import_the_same(session, tmp_path):
    claim = make_claim(session, "002", MS_QUOTE, {"statement": "s"})
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.title = "My edits"
    sheet.append(["my comment", "quote", "STATUS ", "claim id", "document"])
    sheet.append([])
    sheet.append(["looks right", claim.anchor.exact, "needs discussion", claim.id, None])
    sheet.append([None, None, None, None, None])
    sheet.append(["new", "highlighting variable effect sizes", "Confirmed", None, doc_id_by_file(session, "002")])
    wb.save(tmp_path / "mine.xlsx")
    plan = plan_import(session, tmp_path / "mine.xlsx")
    assert plan.ok, plan.problems
    assert plan.sheet == "My edits" and plan.ignored_columns == ["my comment"]
    assert [r.row for r in plan.changed] == [3] and [r.row for r in plan.new] == [5]
    assert [(c.field, c.new) for c in plan.changed[0].changes] == [("Status", "Needs discussion")]
    apply_import(session, plan)
    assert session.claims.get(claim.id).values["status"] == "needs_discussion"
    assert session.claims.get(claim.id).values["statement"] == "s"  # absent columns are left alone


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"Quote": "Roseburia"}, "occurs 3 times"),
        ({"Quote": "words that are nowhere"}, "is not in"),
        ({"Document": "No such paper"}, "no document is called 'No such paper'"),
        ({"Status": "Approved"}, "'Approved' is not one of: Draft; Confirmed; Rejected; Needs discussion"),
        ({"Effect value": "0,8,5"}, "Effect value: '0,8,5' is not a number"),
        ({"p-value": 2}, "p-value: must lie between 0 and 1"),
        ({"Claim ID": 999}, "claim 999 is not in this project"),
        ({"Claim ID": "abc"}, "'abc' is not a claim id"),
    ],
)
def test_each_bad_row_is_named_and_nothing_is_written(session, tmp_path, cells, message):
    make_claim(session, "002", MS_QUOTE, {"statement": "kept"})
    before = database_snapshot()
    wb = openpyxl.Workbook()
    sheet = wb.active
    title = session.documents.get(doc_id_by_file(session, "002")).title
    good = {
        "Claim ID": None,
        "Document": title,
        "Quote": "Early trials have shown modest improvements",
        "Status": "Draft",
        "Effect value": None,
        "p-value": None,
        "Notes": None,
    }
    bad = {**good, **cells}
    sheet.append(list(good))
    sheet.append(list({**good, "Quote": "highlighting variable effect sizes"}.values()))
    sheet.append(list(bad.values()))
    wb.save(tmp_path / "bad.xlsx")
    plan = plan_import(session, tmp_path / "bad.xlsx")
    assert len(plan.problems) == 1 and plan.problems[0].row == 3, plan.problems
    assert message in str(plan.problems[0])
    with pytest.raises(ClaimImportError):
        apply_import(session, plan)
    assert database_snapshot() == before


def test_a_claim_cannot_move_to_another_document(session, tmp_path):
    claim = make_claim(session, "002", MS_QUOTE)
    export_xlsx(session, tmp_path / "out.xlsx")
    edit_claims_sheet(
        tmp_path / "out.xlsx",
        tmp_path / "moved.xlsx",
        lambda sheet, header: sheet.cell(2, header.index("Document") + 1, doc_id_by_file(session, "004")),
    )
    plan = plan_import(session, tmp_path / "moved.xlsx")
    assert [p.column for p in plan.problems] == ["Document"] and "cannot move" in plan.problems[0].message
    assert session.claims.get(claim.id).document_id == claim.document_id


def test_a_missing_required_column_is_named(session, tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["Claim ID", "Statement"])
    wb.active.append([1, "x"])
    wb.save(tmp_path / "noquote.xlsx")
    plan = plan_import(session, tmp_path / "noquote.xlsx")
    assert str(plan.problems[0]).startswith("Document: the sheet has no Document column")
    assert any(p.column == "Quote" for p in plan.problems)


def test_a_label_in_two_vocabularies_is_told_apart_by_its_identifier_or_taken_once(session, tmp_path):
    # Dysbiosis is both a condition and a mechanism (same MeSH id); "Other terms" may take either
    wb = openpyxl.Workbook()
    wb.active.append(["Document", "Quote", "Other terms", "Other terms IDs"])
    title = session.documents.get(doc_id_by_file(session, "002")).title
    wb.active.append(
        [title, "highlighting variable effect sizes", "Dysbiosis; Probiotics", "MESH:D064806; MESH:D019936"]
    )
    wb.save(tmp_path / "two.xlsx")
    plan = plan_import(session, tmp_path / "two.xlsx")
    assert plan.ok, plan.problems
    terms = plan.new[0].draft.terms
    assert [(t.label, t.identifier) for t in terms] == [("Dysbiosis", "MESH:D064806"), ("Probiotics", "MESH:D019936")]
    assert all(t.term_id is not None for t in terms)


def test_two_new_claims_on_one_passage_import_once_each(session, tmp_path):
    """Found by the fault suite: a re-import matched new rows to only one claim per passage."""
    doc = doc_id_by_file(session, "002")
    title = session.documents.get(doc).title
    book = tmp_path / "same_passage.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Claims"
    ws.append(["Document", "Quote", "Statement"])
    ws.append([title, "microglial activation", "first finding"])
    ws.append([title, "microglial activation", "second finding"])
    wb.save(book)
    first = plan_import(session, book)
    assert len(first.new) == 2
    apply_import(session, first)
    again = plan_import(session, book)
    assert (len(again.new), again.unchanged) == (0, 2)
    assert Claim.select().count() == 2


def test_undoing_an_import_removes_the_terms_it_added_and_redo_brings_them_back(session, tmp_path):
    from curator.io.claim_import import import_command

    doc = doc_id_by_file(session, "002")
    book = tmp_path / "new_terms.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Claims"
    ws.append(["Document", "Quote", "Interventions"])
    ws.append([session.documents.get(doc).title, "microglial activation", "Kefir; Probiotics"])
    wb.save(book)
    plan = plan_import(session, book, add_unknown_terms=True)
    command = import_command(session, plan)
    command.do()
    kefir = Term.get(Term.label == "Kefir")
    claim = session.claims.all()[0]
    assert [t.term_id for t in claim.terms if t.label == "Kefir"] == [kefir.id]
    command.undo()
    assert Term.get_or_none(Term.label == "Kefir") is None and Claim.select().count() == 0
    assert Term.get_or_none(Term.label == "Probiotics") is not None  # the codebook's own term stays
    command.do()  # redo
    again = session.claims.get(claim.id)
    assert Term.get(Term.label == "Kefir").id == kefir.id
    assert [t.term_id for t in again.terms if t.label == "Kefir"] == [kefir.id]
