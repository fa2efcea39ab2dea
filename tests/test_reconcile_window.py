"""Document → Reconcile… in the window (issue 12): an adjudicator reconciles a dual-extracted document
with the keyboard — takes one extractor's value for one field and the other's for another, edits a
third, saves the consensus, rejects an unmatched claim — and Ctrl+Z in the main window undoes it; an
extractor, and anyone before every extractor is done, finds the action disabled with the reason."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from curator.core.reconcile import MEMBER, QUOTE, Source
from curator.core.records import ClaimDraft
from curator.ui.reconcile_window import FIELD
from tests.conftest import doc_id_by_file

ANN, BEN, ADA = "Ann Extractor", "Ben Extractor", "Ada Adjudicator"
BASE = 2000  # where the claims' quotes start in seed 002
CTRL = Qt.KeyboardModifier.ControlModifier


def claim(session, reviewer: str, doc: int, start: int, end: int, **values):
    session.use_reviewer(reviewer)
    return session.claims.create(ClaimDraft(doc, BASE + start, BASE + end, values))[0]


def dual_extraction(session, done=(ANN, BEN)):
    """Seed 002 assigned to Ann and Ben, who both claim one passage (differing in type, direction and
    statement) and one passage each that the other has not; Ada adjudicates. Ends as Ada."""
    lead = session.reviewer.name
    for name in (ANN, BEN, ADA):
        session.use_reviewer(name)
    session.use_reviewer(lead)
    team = session.team
    team.set_role(team.reviewer_named(ADA).id, "adjudicator")
    doc = doc_id_by_file(session, "002")
    team.assign(doc, [team.reviewer_named(ANN).id, team.reviewer_named(BEN).id])
    c = {
        "ann": claim(session, ANN, doc, 0, 100, claim_type="association", direction="benefit", statement="Ann says"),
        "ben": claim(session, BEN, doc, 0, 100, claim_type="mechanism", direction="harm", statement="Ben says"),
        "ben_only": claim(session, BEN, doc, 300, 360, claim_type="background"),
        "ann_only": claim(session, ANN, doc, 500, 560, claim_type="evidence_gap"),
    }
    for name in done:
        session.use_reviewer(name)
        team.set_done(doc, True)
    session.use_reviewer(ADA)
    return doc, c


@pytest.fixture
def dual(session):
    return dual_extraction(session)


@pytest.fixture(autouse=True)
def questions(monkeypatch):
    """The close question never blocks a test: unless a test drives the real one, it is answered
    "discard" and recorded here."""
    asked: list[tuple[int, int, bool]] = []

    def answer(parent, complete, incomplete, can_stay=True):
        asked.append((complete, incomplete, can_stay))
        return "discard"

    monkeypatch.setattr("curator.ui.reconcile_window.ask_unsaved", answer)
    return asked


def key(qtbot, widget, *keys, modifier=Qt.KeyboardModifier.NoModifier):
    for k in keys:
        qtbot.keyClick(widget, k, modifier)


def field_label(rw) -> str:
    return rw.table.item(rw.table.currentRow(), FIELD).text()


def consensus_cell(rw, label: str) -> str:
    table = rw.table
    row = next(r for r in range(table.rowCount()) if table.item(r, FIELD).text() == label)
    return table.item(row, table.columnCount() - 2).text()


def test_the_adjudicator_reconciles_a_document_with_the_keyboard(qtbot, dual, session, window):
    doc, c = dual
    assert window.open_document(doc)
    action = window.team.actions["reconcile"]
    assert action in window.menus["document"].actions() and action.isEnabled()
    window.activateWindow()
    qtbot.keyClick(window.reader, Qt.Key.Key_C, CTRL | Qt.KeyboardModifier.ShiftModifier)  # Reconcile…
    rw = window.team.reconcile.window
    assert rw is not None and rw.isVisible() and not rw.isModal()
    rw.activateWindow()  # the offscreen platform activates a window only when asked
    qtbot.waitUntil(lambda: QApplication.activeWindow() is rw)
    assert rw.progress.text() == "0 of 3 reconciled"
    states = [rw.unit_list.item(i).text() for i in range(rw.unit_list.count())]
    assert ["[matched]" in states[0], f"[only {BEN}]" in states[1], f"[only {ANN}]" in states[2]] == [True] * 3
    table = rw.table
    headers = [table.horizontalHeaderItem(i).text() for i in range(table.columnCount())]
    assert headers == ["≠", "Field", f"1  {ANN}", f"2  {BEN}", "Consensus", "From"]
    assert window.reader.selection_range() == (c["ann"].anchor.start, c["ann"].anchor.end)  # its quote, selected

    # the differing rows are marked in words and in bold, not by colour alone
    marked = {table.item(r, FIELD).text() for r in range(table.rowCount()) if table.item(r, 0).text() == "≠"}
    assert marked == {"Claim type", "Statement", "Direction"}
    assert table.item(1, FIELD).font().bold() and not table.item(0, FIELD).font().bold()
    assert consensus_cell(rw, "Claim type") == "(choose: 1, 2… or E)"

    table.setFocus()
    key(qtbot, table, Qt.Key.Key_D)  # the next differing field
    assert field_label(rw) == "Claim type"
    key(qtbot, table, Qt.Key.Key_1)  # Ann's
    assert consensus_cell(rw, "Claim type") == "Association"
    key(qtbot, table, Qt.Key.Key_Down)
    assert field_label(rw) == "Statement"
    key(qtbot, table, Qt.Key.Key_E)  # a text: a multi-line editor, where Enter starts a new line
    text = rw.editor.text
    assert text.isVisible() and rw.focusWidget() is text and text.toPlainText() == "" and not rw.line.isVisible()
    assert "Ctrl+Enter keeps the text" in rw.message.text()
    qtbot.keyClicks(text, "Both say")
    key(qtbot, text, Qt.Key.Key_Return)
    qtbot.keyClicks(text, "it")
    assert rw.edit_row.isVisible() and text.toPlainText() == "Both say\nit"
    key(qtbot, text, Qt.Key.Key_Return, modifier=CTRL)  # keeps it (saves nothing yet)
    assert not rw.edit_row.isVisible() and consensus_cell(rw, "Statement") == "Both say it"
    assert session.reconcile.units(doc)[0].consensus is None
    key(qtbot, table, Qt.Key.Key_D)
    assert field_label(rw) == "Direction"
    key(qtbot, table, Qt.Key.Key_E)  # a choice field: a combo of the codebook's choices
    assert rw.combo.isVisible() and rw.focusWidget() is rw.combo and not rw.line.isVisible()
    offered = [rw.combo.itemData(i) for i in range(rw.combo.count())]
    assert offered == ["", *(ch.key for ch in session.codebook.field("direction").active_choices)]
    rw.combo.setCurrentIndex(rw.combo.findData("no_effect"))
    key(qtbot, rw.combo, Qt.Key.Key_Return)
    assert consensus_cell(rw, "Direction") == "No effect" and rw.focusWidget() is table
    key(qtbot, table, Qt.Key.Key_2)  # Ben's after all
    assert consensus_cell(rw, "Direction") == "Harm"
    key(qtbot, table, Qt.Key.Key_Return, modifier=CTRL)  # Save consensus

    first = session.reconcile.units(doc)[0]
    made = first.consensus
    assert made is not None and made.reviewer_name == ADA and made.values["status"] == "confirmed"
    assert (made.values["claim_type"], made.values["direction"], made.values["statement"]) == (
        "association",
        "harm",
        "Both say\nit",
    )
    assert first.sources["claim_type"] == Source("claim_type", ANN, c["ann"].uuid)
    assert first.sources["direction"] == Source("direction", BEN, c["ben"].uuid)
    assert first.sources["statement"] == Source("statement", edited=True)
    assert first.sources[QUOTE].reviewer == ANN
    members = {s.uuid for s in session.reconcile.sources([made.id])[made.id] if s.field_key == MEMBER}
    assert members == {c["ann"].uuid, c["ben"].uuid}
    assert rw.progress.text() == "1 of 3 reconciled"
    assert "[reconciled ✓]" in rw.unit_list.item(0).text()
    assert (consensus_cell(rw, "Statement"), consensus_cell(rw, "Direction")) == ("Both say it", "Harm")

    # an unmatched claim: N to it, R rejects it
    key(qtbot, table, Qt.Key.Key_N, Qt.Key.Key_N)
    assert rw.unit_list.currentRow() == 2 and rw.reject_button.isEnabled() and not rw.save_button.isEnabled()
    key(qtbot, table, Qt.Key.Key_R)
    assert session.reconcile.units(doc)[2].decision == "rejected"
    assert rw.progress.text() == "2 of 3 reconciled" and "[rejected]" in rw.unit_list.item(2).text()

    # Ctrl+Z in the main window undoes it; the reconcile window follows
    window.activateWindow()
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)
    assert session.reconcile.units(doc)[2].decision == ""
    assert rw.progress.text() == "1 of 3 reconciled" and f"[only {ANN}]" in rw.unit_list.item(2).text()
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)
    assert session.reconcile.progress(doc) == (3, 0) and rw.progress.text() == "0 of 3 reconciled"

    # resumable: redone, the window opened afresh shows the consensus and where each value came from
    window.undo_stack.redo()
    rw.close()
    action.trigger()
    rw.unit_list.setCurrentRow(0)
    assert rw.progress.text() == "1 of 3 reconciled"
    assert consensus_cell(rw, "Statement") == "Both say it"
    from_column = rw.table.columnCount() - 1
    by_label = {rw.table.item(r, FIELD).text(): rw.table.item(r, from_column).text() for r in range(table.rowCount())}
    assert (by_label["Claim type"], by_label["Direction"], by_label["Statement"]) == (
        f"1 · {ANN}",
        f"2 · {BEN}",
        "edited",
    )

    # a number that is no number is refused where it is typed; Esc leaves the edit
    table = rw.table
    table.setFocus()
    table.setCurrentCell(next(r for r in range(table.rowCount()) if table.item(r, FIELD).text() == "p-value"), FIELD)
    key(qtbot, table, Qt.Key.Key_E)
    qtbot.keyClicks(rw.line, "abc")
    key(qtbot, rw.line, Qt.Key.Key_Return)
    assert rw.edit_row.isVisible() and "'abc' is not a number" in rw.message.text()
    key(qtbot, rw.line, Qt.Key.Key_Escape)
    assert not rw.edit_row.isVisible() and rw.isVisible() and consensus_cell(rw, "p-value") == "—"

    # A accepts Ben's unmatched claim: a consensus claim copied from it
    key(qtbot, table, Qt.Key.Key_N)
    key(qtbot, table, Qt.Key.Key_A)
    accepted = session.reconcile.units(doc)[1]
    assert accepted.decision == "accepted" and accepted.consensus.values["claim_type"] == "background"
    assert rw.progress.text() == "2 of 3 reconciled" and "[accepted ✓]" in rw.unit_list.item(1).text()
    rw.close()
    QApplication.processEvents()


def test_an_extractor_cannot_reconcile_and_an_unfinished_document_says_who_is_not_done(qtbot, session, window):
    doc, _ = dual_extraction(session, done=(ANN,))
    window.team.refresh()
    assert window.open_document(doc)
    window.team.update_actions()
    action = window.team.actions["reconcile"]
    assert not action.isEnabled() and f"{BEN} has not marked it done" in action.toolTip()
    session.use_reviewer(ANN)
    window.team.update_actions()
    assert not action.isEnabled() and "you are Extractor" in action.toolTip()
    action.trigger()
    assert window.team.reconcile.window is None
