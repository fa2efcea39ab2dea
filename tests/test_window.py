"""The main window, driven like a reviewer drives it."""

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from curator.core.records import ClaimDraft, NewDocument
from curator.ui import claim_colours
from curator.ui.models import ClaimTableModel, DocumentListModel
from tests.conftest import doc_id_by_file
from tests.gui_helpers import choose, click_row, pick_term, select_in_reader

PILOT = "Pilot trials report modest reductions in relapse rate (RR\u00a0≈\u00a00.85)"


def open_ms_review(qtbot, window, session):
    doc_id = doc_id_by_file(session, "002")
    click_row(qtbot, window.document_view, window.documents.row_of(doc_id))
    assert window.document_id == doc_id
    return doc_id


def select_quote(qtbot, window, quote, occurrence=0):
    text = window.reader.text
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    select_in_reader(qtbot, window.reader, start, start + len(quote))
    assert window.reader.selection_range() == (start, start + len(quote))
    return start, start + len(quote)


def background_at(window, offset):
    fmt = window.reader.highlight_format_at(offset)
    return fmt.background().color().name() if fmt.background().style() != Qt.BrushStyle.NoBrush else None


def test_select_tag_save_undo_redo_and_export(qtbot, window, session, interaction, tmp_path):
    doc_id = open_ms_review(qtbot, window, session)
    start, end = select_quote(qtbot, window, PILOT)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = window.form
    assert form.mode == "new" and PILOT in form.quote.text()

    qtbot.keyClicks(form.widgets["statement"], "Pilot trials of microbiome therapies modestly reduce MS relapses.")
    pick_term(qtbot, form.pickers["condition"], "Multiple sclerosis")
    pick_term(qtbot, form.pickers["intervention"], "FMT")  # a synonym
    pick_term(qtbot, form.pickers["outcome"], "relapse rate")
    assert [r.label for r in form.pickers["intervention"].refs()] == ["Fecal microbiota transplantation"]
    choose(qtbot, form.widgets["claim_type"], "intervention_effect")
    choose(qtbot, form.widgets["direction"], "benefit")
    choose(qtbot, form.widgets["study_design"], "pilot_trial")
    choose(qtbot, form.widgets["effect_measure"], "rr")
    qtbot.keyClicks(form.widgets["effect_value"], "0.85")
    qtbot.keyClicks(form.widgets["n_participants"], "120")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    records = session.claims.for_document(doc_id)
    assert len(records) == 1
    claim = records[0]
    text = session.documents.get(doc_id).text
    assert (claim.anchor.start, claim.anchor.end) == (start, end)
    assert claim.anchor.exact == text[start:end] == PILOT
    assert claim.values["statement"] == "Pilot trials of microbiome therapies modestly reduce MS relapses."
    assert (claim.values["claim_type"], claim.values["direction"], claim.values["study_design"]) == (
        "intervention_effect",
        "benefit",
        "pilot_trial",
    )
    assert (claim.values["effect_measure"], claim.values["effect_value"], claim.values["n_participants"]) == (
        "rr",
        0.85,
        120,
    )
    assert [(t.role, t.label, t.identifier) for t in claim.terms] == [
        ("condition", "Multiple sclerosis", "MESH:D009103"),
        ("intervention", "Fecal microbiota transplantation", "MESH:D000069467"),
        ("outcome", "Relapse rate", ""),
    ]
    assert claim.reviewer_name == "Test Reviewer"

    # in the table, and highlighted at exactly the quote
    assert window.claims.rowCount() == 1 and window.claims.rows[0].record.id == claim.id
    assert form.mode == "edit" and form.claim_id == claim.id and not form.is_dirty()
    selected_colour = QColor(claim_colours.tint(2, dark=False)).darker(118).name()  # intervention effect, selected
    assert background_at(window, start) == selected_colour
    assert background_at(window, end - 1) == selected_colour
    assert background_at(window, start - 1) is None and background_at(window, end) is None
    assert window.documents.rows[window.documents.row_of(doc_id)].claim_count == 1

    # undo / redo with the keyboard
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert session.claims.for_document(doc_id) == []
    assert window.claims.rowCount() == 0 and background_at(window, start) is None
    assert form.mode == "empty"
    qtbot.keyClick(window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    again = session.claims.for_document(doc_id)
    assert [r.id for r in again] == [claim.id] and again[0].terms == claim.terms
    assert window.claims.rowCount() == 1 and background_at(window, start) is not None

    # export from the File menu, read the workbook back
    interaction.save_path = str(tmp_path / "claims.xlsx")
    window.actions["export"].trigger()
    assert interaction.errors == []
    rows = list(openpyxl.load_workbook(tmp_path / "claims.xlsx")["Claims"].iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1]))
    assert row["Claim ID"] == claim.id and row["Quote"] == PILOT
    assert row["Statement"] == claim.values["statement"]
    assert (row["Claim type"], row["Direction"], row["Study design"], row["Effect measure"]) == (
        "Intervention effect",
        "Benefit",
        "Pilot trial",
        "Risk ratio (RR)",
    )
    assert (row["Effect value"], row["Participants"], row["Status"], row["Reviewer"]) == (
        0.85,
        120,
        "Draft",
        "Test Reviewer",
    )
    assert (row["Conditions"], row["Conditions IDs"]) == ("Multiple sclerosis", "MESH:D009103")
    assert (row["Interventions"], row["Interventions IDs"]) == ("Fecal microbiota transplantation", "MESH:D000069467")
    assert row["Outcomes"] == "Relapse rate"
    assert (row["Start"], row["End"]) == (start, end)


@pytest.mark.parametrize(
    "quote",
    [
        PILOT,  # non-breaking spaces
        "short‐chain fatty acids (SCFAs)‐producing taxa",  # U+2010 hyphens
        "several double‑blind RCTs showed no significant benefit (p\u00a0 >\u00a0 0.05)",  # U+2011, NBSP + space
        "Gut‐Brain Interactions",  # in the title line
    ],
)
def test_quote_equals_the_canonical_slice_in_seed_002(qtbot, window, session, quote):
    doc_id = open_ms_review(qtbot, window, session)
    _start, _end = select_quote(qtbot, window, quote)
    window.actions["new_claim"].trigger()
    window.actions["save_claim"].trigger()
    record = session.claims.for_document(doc_id)[0]
    text = session.documents.get(doc_id).text
    assert record.anchor.exact == text[record.anchor.start : record.anchor.end] == quote


def test_selection_after_emoji_and_combining_marks_is_exact(qtbot, window, session):
    text = "Intro 🙂🙂 with e\u0301 and\u00a0NBSP.\nProbiotics 😀 reduced fatigue in adults.\n"
    doc_id, _ = session.documents.add(NewDocument("Emoji test document", text, "f" * 64, "emoji.txt"))
    window.documents.set_rows(session.documents.summaries())
    window.open_document(doc_id)
    start, end = select_quote(qtbot, window, "😀 reduced fatigue")
    window.actions["new_claim"].trigger()
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    record = session.claims.for_document(doc_id)[0]
    assert (record.anchor.start, record.anchor.end) == (start, end)
    assert record.anchor.exact == text[start:end] == "😀 reduced fatigue"
    assert background_at(window, start) is not None and background_at(window, end) is None


def make_claims(session, doc_id, quotes):
    text = session.documents.get(doc_id).text
    ids = []
    for quote, claim_type in quotes:
        start = text.index(quote)
        ids.append(
            session.claims.create(ClaimDraft(doc_id, start, start + len(quote), {"claim_type": claim_type}))[0].id
        )
    return ids


def test_table_selection_and_highlight_clicks_select_the_same_claim(qtbot, window, session):
    doc_id = doc_id_by_file(session, "002")
    first, last = make_claims(
        session,
        doc_id,
        [
            ("Multiple sclerosis (MS) is a chronic autoimmune disease", "background"),
            ("Larger, longer‐term randomized trials are required", "evidence_gap"),
        ],
    )
    window.open_document(doc_id)
    assert window.claims.rowCount() == 2

    click_row(qtbot, window.claim_view, window.claims.row_of(last))
    assert window.form.claim_id == last and window.reader.selected_claim() == last
    record = session.claims.get(last)
    cursor_y = window.reader.rect_for_offset(record.anchor.start).center().y()
    assert 0 <= cursor_y <= window.reader.viewport().height()  # scrolled into view

    text = window.reader.text
    inside = text.index("chronic autoimmune")
    window.reader.scroll_to(inside)
    from tests.gui_helpers import point_at

    qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.LeftButton, pos=point_at(window.reader, inside + 3))
    assert window.form.claim_id == first
    assert window.claim_view.currentIndex().row() == window.claims.row_of(first)
    assert window.reader.selected_claim() == first


def test_unsaved_input_is_never_dropped_silently(qtbot, window, session, interaction):
    doc_id = doc_id_by_file(session, "002")
    first, second = make_claims(
        session, doc_id, [("Roseburia", "association"), ("Akkermansia muciniphila", "association")]
    )
    window.open_document(doc_id)
    click_row(qtbot, window.claim_view, window.claims.row_of(first))
    qtbot.keyClicks(window.form.widgets["statement"], "Fewer Roseburia in MS.")

    interaction.unsaved_answer = "cancel"
    click_row(qtbot, window.claim_view, window.claims.row_of(second))
    assert window.form.claim_id == first and window.form.is_dirty()
    assert window.claim_view.currentIndex().row() == window.claims.row_of(first)
    click_row(qtbot, window.document_view, window.documents.row_of(doc_id_by_file(session, "000")))
    assert window.document_id == doc_id  # stayed on the document with the unsaved form

    interaction.unsaved_answer = "save"
    click_row(qtbot, window.claim_view, window.claims.row_of(second))
    assert session.claims.get(first).values["statement"] == "Fewer Roseburia in MS."
    assert window.form.claim_id == second
    assert interaction.asked.count("unsaved") == 3

    qtbot.keyClicks(window.form.widgets["statement"], "discard me")
    interaction.unsaved_answer = "discard"
    click_row(qtbot, window.claim_view, window.claims.row_of(first))
    assert session.claims.get(second).values["statement"] == ""


def test_closing_with_unsaved_input_asks_first(qtbot, window, session, interaction):
    window.open_document(doc_id_by_file(session, "002"))
    select_quote(qtbot, window, "Roseburia")
    window.actions["new_claim"].trigger()
    interaction.unsaved_answer = "cancel"
    assert not window.close()
    interaction.unsaved_answer = "save"
    assert window.close()
    assert session.claims.count() == 1


def test_delete_and_undo_delete(qtbot, window, session):
    doc_id = doc_id_by_file(session, "002")
    (claim_id,) = make_claims(session, doc_id, [("Roseburia", "association")])
    window.open_document(doc_id)
    click_row(qtbot, window.claim_view, 0)
    qtbot.mouseClick(window.form.delete_button, Qt.MouseButton.LeftButton)
    assert session.claims.count() == 0 and window.claims.rowCount() == 0
    window.undo_stack.undo()
    assert session.claims.get(claim_id).values["claim_type"] == "association"
    assert window.claims.rowCount() == 1


def test_editing_a_claim_is_undoable(qtbot, window, session):
    doc_id = doc_id_by_file(session, "002")
    (claim_id,) = make_claims(session, doc_id, [("Roseburia", "association")])
    window.open_document(doc_id)
    click_row(qtbot, window.claim_view, 0)
    choose(qtbot, window.form.widgets["status"], "confirmed")
    qtbot.keyClick(window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert session.claims.get(claim_id).values["status"] == "confirmed"
    assert window.claims.rows[0].status == "Confirmed"
    window.undo_stack.undo()
    assert session.claims.get(claim_id).values["status"] == "draft"
    assert window.form.widgets["status"].currentData() == "draft"


def test_reviewer_adds_a_missing_term_from_the_form(qtbot, window, session, interaction):
    window.open_document(doc_id_by_file(session, "002"))
    select_quote(qtbot, window, "indole derivatives")
    window.actions["new_claim"].trigger()
    interaction.new_term = ("mechanisms", "Indole signalling", "")
    pick_term(qtbot, window.form.pickers["mechanism"], "Indole signalling")
    assert "new_term:Indole signalling" in interaction.asked
    assert [r.label for r in window.form.pickers["mechanism"].refs()] == ["Indole signalling"]
    window.actions["save_claim"].trigger()
    record = session.claims.all()[0]
    assert record.terms[0].label == "Indole signalling" and record.terms[0].term_id is not None
    assert any(t.label == "Indole signalling" for t in session.terms.for_role("mechanism"))


def test_invalid_input_shows_a_message_and_keeps_the_form(qtbot, window, session, interaction):
    window.open_document(doc_id_by_file(session, "002"))
    select_quote(qtbot, window, "Roseburia")
    window.actions["new_claim"].trigger()
    qtbot.keyClicks(window.form.widgets["ci_low"], "2")
    qtbot.keyClicks(window.form.widgets["ci_high"], "1")
    window.actions["save_claim"].trigger()
    assert interaction.errors == []  # said in the form, beside the fields, not in a box to dismiss
    assert "95% CI: the lower bound is above the upper bound" in window.form.problems.text()
    assert session.claims.count() == 0
    assert window.form.mode == "new" and window.form.widgets["ci_low"].text() == "2"
    assert window.undo_stack.count() == 0


def test_find_in_document(qtbot, window, session):
    window.open_document(doc_id_by_file(session, "002"))
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.find_bar.isVisible()
    qtbot.keyClicks(window.find_bar.edit, "Akkermansia")
    first = window.reader.selection_range()
    assert window.reader.text[first[0] : first[1]] == "Akkermansia"
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return)
    second = window.reader.selection_range()
    assert second[0] > first[0] and window.reader.text[second[0] : second[1]] == "Akkermansia"
    qtbot.keyClick(window.find_bar, Qt.Key.Key_Escape)
    assert not window.find_bar.isVisible()


def test_status_bar_counts_and_reading_status(qtbot, window, session):
    doc_id = doc_id_by_file(session, "002")
    make_claims(session, doc_id, [("Roseburia", "association")])
    window.documents.set_rows(session.documents.summaries())
    window.open_document(doc_id)
    assert "5 documents · 1 claim · 1 in this document · Test Reviewer" in window.status_counts.text()
    window.actions["status_done"].trigger()
    assert session.documents.get(doc_id).reading_status == "done"
    assert window.documents.data(window.documents.index(window.documents.row_of(doc_id), 1)) == "●"  # done
    tip = window.documents.data(window.documents.index(window.documents.row_of(doc_id), 0), Qt.ItemDataRole.ToolTipRole)
    assert "Done · 1 claim" in tip


def test_layout_and_last_document_are_remembered(qtbot, window, session, settings, interaction):
    from curator.ui.main_window import MainWindow

    doc_id = doc_id_by_file(session, "003")
    window.open_document(doc_id)
    window.claim_dock.hide()  # so the window fits the offscreen screen, which restoreGeometry clamps to
    window.documents_dock.hide()
    window.search_panel.hide()
    qtbot.wait(10)  # the layout takes in the smaller minimum size
    window.resize(760, 560)
    window.centre.setSizes([300, 150])
    sizes = window.centre.sizes()
    window.close()
    again = MainWindow(session, settings, interaction)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.document_id == doc_id
    assert again.size() == window.size()
    assert again.centre.sizes() == sizes
    assert again.claim_dock.isHidden() and again.documents_dock.isHidden()
    assert again.reader.width() >= again.reader.minimumSizeHint().width()


def test_models_pass_the_qt_model_tester(qtmodeltester, session):
    documents = DocumentListModel()
    documents.set_rows(session.documents.summaries())
    qtmodeltester.check(documents)
    doc_id = doc_id_by_file(session, "002")
    make_claims(session, doc_id, [("Roseburia", "association"), ("Akkermansia muciniphila", "mechanism")])
    claims = ClaimTableModel(session.codebook)
    claims.set_records(session.claims.for_document(doc_id))
    qtmodeltester.check(claims)


def test_undo_that_removes_the_edited_claim_keeps_the_unsaved_input(qtbot, window, session):
    window.open_document(doc_id_by_file(session, "002"))
    select_quote(qtbot, window, "Roseburia")
    window.actions["new_claim"].trigger()
    window.actions["save_claim"].trigger()
    qtbot.keyClicks(window.form.widgets["statement"], "typed after saving")
    assert window.actions["undo"].text() == "&Undo unsaved changes in the form"
    window.actions["undo"].trigger()  # Undo takes back the unsaved typing first, saved claims stay
    assert session.claims.count() == 1 and window.form.widgets["statement"].text() == ""
    qtbot.keyClicks(window.form.widgets["statement"], "typed after saving")
    window.undo_stack.undo()  # an undo that removes the claim being edited (e.g. from the history)
    assert session.claims.count() == 0
    assert window.form.mode == "new" and window.form.widgets["statement"].text() == "typed after saving"
    window.actions["save_claim"].trigger()
    assert session.claims.all()[0].values["statement"] == "typed after saving"
