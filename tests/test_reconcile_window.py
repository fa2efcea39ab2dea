"""Document → Reconcile… in the window (issue 12): an adjudicator reconciles a dual-extracted document
with the keyboard — takes one extractor's value for one field and the other's for another, edits a
third, saves the consensus, rejects an unmatched claim — and Ctrl+Z in the main window undoes it; an
extractor, and anyone before every extractor is done, finds the action disabled with the reason."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from curator.core.reconcile import MEMBER, QUOTE, Source
from curator.core.records import ClaimDraft, TermRef
from curator.ui.reconcile_window import FIELD
from tests.conftest import assign_two_extractors, doc_id_by_file

ANN, BEN, ADA = "Ann Extractor", "Ben Extractor", "Ada Adjudicator"
BASE = 2000  # where the claims' quotes start in seed 002
CTRL = Qt.KeyboardModifier.ControlModifier


def claim(session, reviewer: str, doc: int, start: int, end: int, terms=(), **values):
    session.use_reviewer(reviewer)
    return session.claims.create(ClaimDraft(doc, BASE + start, BASE + end, values, tuple(terms)))[0]


def condition(session, label: str) -> TermRef:
    term = next(t for t in session.terms.for_role("condition") if t.label == label)
    return TermRef("condition", term.label, term.identifier, term.id)


def dual_extraction(session, done=(ANN, BEN), terms=False):
    """Seed 002 assigned to Ann and Ben, who both claim one passage (differing in type, direction and
    statement) and one passage each that the other has not; Ada adjudicates. Ends as Ada."""
    doc = assign_two_extractors(session, (ANN, BEN), ADA)
    team = session.team
    c = {
        "ann": claim(
            session,
            ANN,
            doc,
            0,
            100,
            [condition(session, "Multiple sclerosis"), condition(session, "Depression")] if terms else [],
            claim_type="association",
            direction="benefit",
            statement="Ann says",
        ),
        "ben": claim(
            session,
            BEN,
            doc,
            0,
            100,
            [condition(session, "Multiple sclerosis"), condition(session, "Anxiety")] if terms else [],
            claim_type="mechanism",
            direction="harm",
            statement="Ben says",
        ),
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


@pytest.fixture
def dual_terms(session):
    return dual_extraction(session, terms=True)


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
    # nothing chosen yet: it starts from the first reviewer's words, to amend, never from nothing
    assert text.isVisible() and rw.focusWidget() is text and text.toPlainText() == "Ann says"
    assert not rw.line.isVisible()
    assert "Ctrl+Enter keeps the text" in rw.message.text()
    key(qtbot, text, Qt.Key.Key_A, modifier=CTRL)
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


def open_reconcile(qtbot, window, doc):
    assert window.open_document(doc)
    window.team.actions["reconcile"].trigger()
    rw = window.team.reconcile.window
    rw.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is rw)
    rw.table.setFocus()
    return rw


def go_to(rw, label: str) -> None:
    table = rw.table
    table.setCurrentCell(next(r for r in range(table.rowCount()) if table.item(r, FIELD).text() == label), FIELD)


def test_e_on_a_term_role_ticks_the_reviewers_terms_and_adds_a_codebook_term(qtbot, dual_terms, session, window):
    doc, _ = dual_terms
    rw = open_reconcile(qtbot, window, doc)
    table = rw.table
    go_to(rw, "Conditions")
    assert consensus_cell(rw, "Conditions") == "(choose: 1, 2… or E)"
    key(qtbot, table, Qt.Key.Key_E)
    terms = rw.editor.terms
    assert terms.isVisible() and rw.focusWidget() is terms.list and "Space ticks" in rw.message.text()
    rows = [terms.list.item(i) for i in range(terms.list.count())]
    assert [i.text().split("  ·  ")[0] for i in rows] == ["Multiple sclerosis", "Depression", "Anxiety"]
    # what both reviewers gave is ticked to begin with
    assert [i.checkState() == Qt.CheckState.Checked for i in rows] == [True, False, False]
    key(qtbot, terms.list, Qt.Key.Key_Down, Qt.Key.Key_Down, Qt.Key.Key_Space)  # Anxiety ticked
    key(qtbot, terms.list, Qt.Key.Key_Up, Qt.Key.Key_Space, Qt.Key.Key_Space)  # Depression ticked, unticked
    assert [t.label for t in terms.refs()] == ["Multiple sclerosis", "Anxiety"]
    # another codebook term, typed: ranked suggestions, Enter takes the first
    key(qtbot, terms.list, Qt.Key.Key_Tab)
    assert rw.focusWidget() is terms.picker.edit
    qtbot.keyClicks(terms.picker.edit, "bipol")
    qtbot.waitUntil(lambda: terms.picker.completer.popup().isVisible())
    rw.grab().save("/tmp/recon_terms.png")
    key(qtbot, terms.picker.completer.popup(), Qt.Key.Key_Return)
    assert [t.label for t in terms.refs()] == ["Multiple sclerosis", "Anxiety", "Bipolar disorder"]
    assert rw.edit_row.isVisible() and terms.picker.pending_text() == ""  # the Enter that took it keeps nothing
    key(qtbot, terms.picker.edit, Qt.Key.Key_Return)  # Enter keeps the ticked terms
    assert not rw.edit_row.isVisible() and rw.focusWidget() is table
    assert consensus_cell(rw, "Conditions") == "Multiple sclerosis; Anxiety; Bipolar disorder"
    for label, number in (("Claim type", 1), ("Statement", 2), ("Direction", 2)):
        go_to(rw, label)
        key(qtbot, table, getattr(Qt.Key, f"Key_{number}"))
    key(qtbot, table, Qt.Key.Key_Return, modifier=CTRL)

    unit = session.reconcile.units(doc)[0]
    made = unit.consensus
    assert made is not None and [t.label for t in made.terms_for("condition")] == [
        "Multiple sclerosis",
        "Anxiety",
        "Bipolar disorder",
    ]
    assert unit.sources["condition"] == Source("condition", edited=True)
    # resumable: reopened, E shows the saved terms ticked; Esc leaves them as they are
    rw.close()
    rw = open_reconcile(qtbot, window, doc)
    go_to(rw, "Conditions")
    assert rw.table.item(rw.table.currentRow(), rw.table.columnCount() - 1).text() == "edited"
    key(qtbot, rw.table, Qt.Key.Key_E)
    ticked = [t.label for t in rw.editor.terms.refs()]
    assert ticked == ["Multiple sclerosis", "Anxiety", "Bipolar disorder"]
    key(qtbot, rw.editor.terms.list, Qt.Key.Key_Space, Qt.Key.Key_Escape)
    assert not rw.edit_row.isVisible() and rw.isVisible()
    assert consensus_cell(rw, "Conditions") == "Multiple sclerosis; Anxiety; Bipolar disorder"
    rw.close()


def answer_question(button: str, seen: list[str]) -> None:
    """Click `button` of the message box about to open (the real one, modal)."""

    def click():
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        seen.append(box.text())
        next(b for b in box.buttons() if b.text() == button).click()

    QTimer.singleShot(0, click)


def test_closing_with_unsaved_choices_asks_save_discard_or_keep_editing(qtbot, dual_terms, session, window, questions):
    from curator.ui.reconcile_prompts import ask_unsaved

    doc, _ = dual_terms
    rw = open_reconcile(qtbot, window, doc)
    rw.ask_unsaved = ask_unsaved  # the real question, driven below
    table = rw.table
    for label in ("Claim type", "Statement", "Direction", "Conditions"):
        go_to(rw, label)
        key(qtbot, table, Qt.Key.Key_2)
    seen: list[str] = []
    answer_question("Keep editing", seen)
    key(qtbot, table, Qt.Key.Key_Escape)
    assert rw.isVisible() and "Save saves the 1 unit whose every field is chosen" in seen[0]
    assert consensus_cell(rw, "Direction") == "Harm"  # still chosen
    answer_question("Save", seen)
    rw.close()  # the Close button and the title bar's ✕ ask the same
    assert not rw.isVisible() and len(seen) == 2
    made = session.reconcile.units(doc)[0].consensus
    assert made is not None and made.values["direction"] == "harm" and made.values["statement"] == "Ben says"

    # half a unit chosen: Save would leave it out, so she is told; Discard forgets it
    window.undo_stack.undo()
    rw = open_reconcile(qtbot, window, doc)
    go_to(rw, "Claim type")
    assert consensus_cell(rw, "Claim type") == "(choose: 1, 2… or E)"  # the saved choices went with the save
    key(qtbot, rw.table, Qt.Key.Key_1)
    answer_question("Discard", seen)
    key(qtbot, rw.table, Qt.Key.Key_Escape)
    assert "1 unit still has fields to choose" in seen[2] and not any(b == "Save" for b in seen)
    assert not rw.isVisible() and session.reconcile.units(doc)[0].consensus is None
    rw = open_reconcile(qtbot, window, doc)
    assert consensus_cell(rw, "Claim type") == "(choose: 1, 2… or E)"

    # turning the window to another document asks too (answered "discard" by the test's stand-in)
    from curator.ui import reconcile_window

    rw.ask_unsaved = reconcile_window.ask_unsaved  # the test's stand-in, which records the question
    go_to(rw, "Claim type")
    key(qtbot, rw.table, Qt.Key.Key_1)
    other = doc_id_by_file(session, "001")
    rw.open_for(other)
    assert questions == [(0, 1, True)] and rw.document_id == other
    rw.close()


def test_a_unit_changed_since_reconciled_says_so_and_is_reconciled_again(qtbot, dual, session, window):
    import datetime as dt

    from curator.core.models import Claim, utcnow
    from curator.core.reconcile import ConsensusDraft
    from curator.core.reconcile_commands import ReconcileUnit

    doc, c = dual
    unit = session.reconcile.units(doc)[0]
    ReconcileUnit(session, unit, ConsensusDraft(take={"direction": BEN}, default=ANN)).do()
    made = session.reconcile.units(doc)[0].consensus
    # reconciled a minute ago; then Ben changes his direction
    Claim.update(updated_at=utcnow() - dt.timedelta(seconds=60)).where(Claim.document == doc).execute()
    session.use_reviewer(BEN)
    ben = session.claims.get(c["ben"].id).as_draft()
    session.claims.update(
        c["ben"].id, ClaimDraft(doc, ben.start, ben.end, {**ben.values, "direction": "mixed"}, ben.terms, ben.version)
    )
    session.use_reviewer(ADA)

    rw = open_reconcile(qtbot, window, doc)
    assert "[changed since reconciled]" in rw.unit_list.item(0).text()
    assert rw.progress.text() == "1 of 3 reconciled · 1 changed since"
    assert "Changed since reconciled — now differing from the consensus: Direction" in rw.unit_label.text()
    go_to(rw, "Direction")
    assert rw.table.item(rw.table.currentRow(), rw.table.columnCount() - 1).text() == "changed since reconciled"
    assert consensus_cell(rw, "Direction") == "(choose: 1, 2… or E)"
    assert "Consensus as reconciled: Harm" in rw.detail.text() and f"2 · {BEN}: Mixed" in rw.detail.text()
    assert consensus_cell(rw, "Claim type") == "Association"  # the other fields keep their choices
    key(qtbot, rw.table, Qt.Key.Key_2)
    key(qtbot, rw.table, Qt.Key.Key_Return, modifier=CTRL)
    again = session.reconcile.units(doc)[0]
    assert again.consensus.id == made.id and again.consensus.values["direction"] == "mixed" and not again.stale
    assert "[reconciled ✓]" in rw.unit_list.item(0).text() and rw.progress.text() == "1 of 3 reconciled"
    key(qtbot, rw.table, Qt.Key.Key_Z, modifier=CTRL)  # undone: changed since reconciled again
    assert session.reconcile.units(doc)[0].stale and "[changed since reconciled]" in rw.unit_list.item(0).text()
    rw.close()
