"""Edit → Codebook… in the window: each change shows in the form and the table, and Ctrl+Z in the
window takes it back."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from curator.core.codebook_commands import AddChoice, EditTerm, RenameChoice
from curator.core.records import ClaimDraft
from tests.conftest import doc_id_by_file

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def labels(combo):
    return [combo.itemText(i) for i in range(combo.count())]


def test_codebook_changes_reach_the_form_and_undo_from_the_window(qtbot, window, session):
    doc_id = doc_id_by_file(session, "002")
    text = session.documents.get(doc_id).text
    start = text.index("Pilot trials report")
    claim, _ = session.claims.create(ClaimDraft(doc_id, start, start + 40, {"claim_type": "association"}))
    window.documents.set_rows(session.documents.summaries())
    window.open_document(doc_id)
    window.select_claim(claim.id)
    window.activateWindow()
    qtbot.keyClick(window.reader, Qt.Key.Key_K, CTRL | SHIFT)  # Edit → Codebook…
    dialog = window.codebook_dialog
    assert dialog is not None and dialog.isVisible()

    assert dialog.run(AddChoice(session, "study_design", "Umbrella review"))
    assert "Umbrella review" in labels(window.form.widgets["study_design"])
    assert dialog.run(RenameChoice(session, "claim_type", "association", "Correlation"))
    assert window.form.widgets["claim_type"].currentText() == "Correlation"  # the claim's own value, renamed
    assert window.form.widgets["claim_type"].currentData() == "association"
    type_column = window.claims.columns.index(4)  # the Type column
    assert window.claims.data(window.claims.index(0, type_column)) == "Correlation"  # the table follows
    assert window.claim_panel.type_combo.findText("Correlation") > 0

    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)  # undo in the window, not in the dialog
    assert window.form.widgets["claim_type"].currentText() == "Association"
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)
    assert "Umbrella review" not in labels(window.form.widgets["study_design"])
    QApplication.processEvents()


def test_a_renamed_term_is_offered_under_its_new_name(qtbot, window, session):
    term = next(t for t in session.terms.all() if t.label == "Akkermansia muciniphila")
    window.open_codebook()
    renamed = "Akkermansia muciniphila (Verrucomicrobiota)"
    assert window.codebook_dialog.run(EditTerm(session, term.id, renamed, term.identifier, term.synonyms, ""))
    doc_id = doc_id_by_file(session, "002")
    window.open_document(doc_id)
    window.reader.select_range(0, 30)
    window.new_claim()
    taxa = window.form.pickers["taxon"]
    assert [m.term.label for m in taxa.suggestions("akkermansia")] == [renamed]


def test_a_claim_type_added_in_the_codebook_gets_its_hotkey_and_menus_name_only_choices(qtbot, window, session):
    doc_id = doc_id_by_file(session, "002")
    text = session.documents.get(doc_id).text
    start = text.index("Pilot trials report")
    claim, _ = session.claims.create(ClaimDraft(doc_id, start, start + 40, {}))
    window.documents.set_rows(session.documents.summaries())
    window.open_document(doc_id)
    window.select_claim(claim.id)
    status_menu = [a.text() for a in window.choice_menus["status"].actions()]
    assert status_menu == ["Draft", "Confirmed", "Rejected", "Needs discussion"]  # no reading statuses
    window.open_codebook()
    assert window.codebook_dialog.run(AddChoice(session, "claim_type", "Prognosis"))
    assert [a.text() for a in window.choice_menus["claim_type"].actions()][-1] == "Prognosis"
    window.activateWindow()
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_7, Qt.KeyboardModifier.AltModifier)
    assert window.form.widgets["claim_type"].currentText() == "Prognosis"
