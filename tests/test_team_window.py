"""Team review in the window: the lead assigns through the dialog, an extractor sees her assignments
first and only her own claims while blind, marks her extraction done; a save over another client's
change shows both versions and keeps her input; other clients' claims appear live; a merge previews
and is one undo step. The other client is the same session under another reviewer's name, behind the
window's back (test_team_concurrency.py runs real separate processes)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from curator.core.paths import SEEDS
from curator.core.records import ClaimDraft
from curator.core.session import open_session
from curator.io.seeds import seed_new_project
from curator.ui.team_documents import MINE, TEAM
from tests.conftest import doc_id_by_file
from tests.gui_helpers import click_row

LEAD, ANN, BEN = "Lena Lead", "Ann Extractor", "Ben Extractor"


@pytest.fixture
def team_session(db_path):
    """A seeded project led by Lena Lead (its first reviewer), with Ann and Ben as extractors."""
    s = open_session(db_path, backup_on_open=False)
    seed_new_project(s, SEEDS)
    for name in (LEAD, ANN, BEN):
        s.use_reviewer(name)
    s.use_reviewer(LEAD)
    yield s
    s.close()


def make_window(qtbot, session, settings, interaction):
    from curator.ui.main_window import MainWindow

    w = MainWindow(session, settings, interaction)
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    qtbot.waitExposed(w)
    w.activateWindow()  # window shortcuts need the active window (a test may have closed another)
    qtbot.waitUntil(w.isActiveWindow, timeout=2000)
    return w


def as_other(session, name, call):
    """Another client's write: the same database under another reviewer, then back to the window's."""
    me = session.reviewer
    session.use_reviewer(name)
    try:
        return call()
    finally:
        session.use_reviewer_id(me.id)


def quote_draft(session, doc_id, quote, **values):
    start = session.documents.get(doc_id).text.index(quote)
    return ClaimDraft(doc_id, start, start + len(quote), {"claim_type": "association", **values})


def cell(window, document_id, column):
    model = window.documents
    return model.data(model.index(model.row_of(document_id), column))


def test_the_lead_assigns_through_the_dialog_then_the_extractor_sees_it_first(
    qtbot, team_session, settings, interaction
):
    session = team_session
    doc = doc_id_by_file(session, "002")
    window = make_window(qtbot, session, settings, interaction)
    assert window.document_view.isColumnHidden(TEAM)  # no assignments yet: no team columns
    window.open_document(doc)
    assign = window.team.actions["assign"]
    assert assign.isEnabled()

    def tick(dialog):
        dialog.tick(ANN)
        dialog.new_name.setText("Cara Extractor")  # a reviewer the project does not have yet
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
        dialog.tick(BEN)

    interaction.assign_edit = tick
    assign.trigger()
    names = sorted(a.reviewer_name for a in session.team.assignments(doc))
    assert names == [ANN, BEN, "Cara Extractor"]
    assert session.reviewer.name == LEAD  # creating Cara did not sign the lead out
    assert not window.document_view.isColumnHidden(TEAM)
    assert cell(window, doc, TEAM) == "0 of 3 done · blind"
    assert cell(window, doc, MINE) == ""  # the lead extracts nothing herself

    window.undo_stack.undo()  # one step takes all three back
    assert session.team.assignments(doc) == []
    assert cell(window, doc, TEAM) == ""
    window.undo_stack.redo()
    assert len(session.team.assignments(doc)) == 3

    # the dialog shows who is assigned, with whether each is done
    interaction.assign_edit = lambda dialog: dialog.tick("Cara Extractor", False)
    assign.trigger()
    shown = [interaction.team_dialogs[-1].list.item(i).text() for i in range(3)]
    assert f"{ANN} — Extractor · assigned, not done yet" in shown
    assert sorted(a.reviewer_name for a in session.team.assignments(doc)) == [ANN, BEN]
    window.close()

    # Ann and Ben each save a claim; Ann's window shows her assignment first, with her progress
    session.use_reviewer(ANN)
    session.claims.create(quote_draft(session, doc, "Roseburia", statement="Ann's claim"))
    as_other(session, BEN, lambda: session.claims.create(quote_draft(session, doc, "Faecalibacterium")))
    window = make_window(qtbot, session, settings, interaction)
    assert window.documents.rows[0].id == doc
    assert cell(window, doc, MINE) == "1"
    assert cell(window, doc, TEAM) == "0 of 2 done · blind"
    assign = window.team.actions["assign"]
    assert not assign.isEnabled() and "Only the project's lead" in assign.toolTip()

    # blind: only her own claim in the table and the reader
    click_row(qtbot, window.document_view, 0)
    assert window.document_id == doc
    assert [r.statement for r in window.claims.rows] == ["Ann's claim"]
    assert set(window.reader._highlights) == {window.claims.rows[0].id}

    # Ctrl+Shift+D marks her extraction done; undo takes it back
    done = window.team.actions["mark_done"]
    assert done.isEnabled() and not done.isChecked()
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert session.team.mine()[doc].done and done.isChecked()
    assert cell(window, doc, MINE) == "1 ✓" and cell(window, doc, TEAM) == "1 of 2 done · blind"
    window.undo_stack.undo()
    assert not session.team.mine()[doc].done and not done.isChecked()
    assert cell(window, doc, TEAM) == "0 of 2 done · blind"

    # on a document not assigned to her, Mark done is off
    window.open_document(doc_id_by_file(session, "001"))
    assert not done.isEnabled()


def test_the_lead_sets_roles_and_blind_extraction_as_one_undo_step(qtbot, window, session, interaction):
    doc = doc_id_by_file(session, "002")
    ann = as_other(session, ANN, lambda: session.reviewer)
    ben = as_other(session, BEN, lambda: session.reviewer)
    window.apply_changes(session.team.assign(doc, [ann.id, ben.id]))
    assert cell(window, doc, TEAM) == "0 of 2 done · blind"

    def edit(dialog):
        dialog.set_role(ben.id, "adjudicator")
        dialog.blind.setChecked(False)

    interaction.roles_edit = edit
    window.team.actions["reviewers"].trigger()
    assert session.team.reviewer_named(BEN).role == "adjudicator"
    assert not session.team.blind_enabled()
    assert cell(window, doc, TEAM) == "0 of 2 done"
    window.undo_stack.undo()
    assert session.team.reviewer_named(BEN).role == "extractor" and session.team.blind_enabled()
    assert cell(window, doc, TEAM) == "0 of 2 done · blind"


def edit_elsewhere(session, record, statement):
    """Ben changes the claim's statement from another client."""
    draft = replace(record.as_draft(), values={**record.values, "statement": statement})
    return as_other(session, BEN, lambda: session.claims.update(record.id, draft))


def open_claim_with_input(qtbot, window, session, statement):
    doc = doc_id_by_file(session, "002")
    record, _ = session.claims.create(quote_draft(session, doc, "Roseburia", statement="as first saved"))
    window.open_document(doc)
    window.select_claim(record.id)
    field = window.form.widgets["statement"]
    field.setFocus()
    field.selectAll()
    qtbot.keyClicks(field, statement)
    assert window.form.is_dirty()
    return record


def test_a_stale_save_names_who_changed_it_shows_both_versions_and_keeps_the_input(qtbot, window, session, interaction):
    record = open_claim_with_input(qtbot, window, session, "my careful wording")
    theirs = edit_elsewhere(session, record, "their wording")
    assert theirs.claims == {record.id}

    interaction.stale_answer = "keep"
    assert not window.save_claim()
    ((message, rows, deleted),) = interaction.stale_dialogs
    assert f"changed by {BEN} at " in message and not deleted
    assert ("Statement", "their wording", "my careful wording") in rows
    assert interaction.errors == []  # its own dialog, not the error box
    assert session.claims.get(record.id).values["statement"] == "their wording"  # nothing overwritten
    # the table shows theirs; the form keeps her input, now over their version
    assert window.claims.rows[0].statement == "their wording"
    assert window.form.values()["statement"] == "my careful wording" and window.form.is_dirty()
    assert window.form.version == session.claims.get(record.id).version

    assert window.save_claim()  # deliberately over theirs
    assert session.claims.get(record.id).values["statement"] == "my careful wording"
    window.undo_stack.undo()
    assert session.claims.get(record.id).values["statement"] == "their wording"


def test_a_stale_save_can_load_their_version(qtbot, window, session, interaction):
    record = open_claim_with_input(qtbot, window, session, "mine")
    edit_elsewhere(session, record, "theirs")
    interaction.stale_answer = "theirs"
    assert not window.save_claim()
    assert window.form.values()["statement"] == "theirs" and not window.form.is_dirty()


@pytest.mark.parametrize("id_reused", [False, True])
def test_a_claim_deleted_meanwhile_can_be_saved_as_a_new_claim(qtbot, window, session, interaction, id_reused):
    record = open_claim_with_input(qtbot, window, session, "still worth keeping")
    as_other(session, BEN, lambda: session.claims.delete(record.id))
    if id_reused:  # SQLite gives the deleted claim's id to the next new claim: still not hers
        doc = record.document_id
        other, _ = as_other(session, BEN, lambda: session.claims.create(quote_draft(session, doc, "Akkermansia")))
        assert other.id == record.id
    interaction.stale_answer = "new"
    assert window.save_claim()
    ((message, _rows, deleted),) = interaction.stale_dialogs
    assert deleted and "deleted" in message
    (saved,) = [c for c in session.claims.for_document(record.document_id) if c.anchor.exact == "Roseburia"]
    assert saved.uuid != record.uuid and saved.values["statement"] == "still worth keeping"
    if id_reused:
        assert session.claims.get(record.id).anchor.exact == "Akkermansia"  # Ben's claim untouched


def test_a_stale_delete_is_refused_and_shows_their_version(qtbot, window, session, interaction):
    doc = doc_id_by_file(session, "002")
    record, _ = session.claims.create(quote_draft(session, doc, "Roseburia", statement="first"))
    window.open_document(doc)
    window.select_claim(record.id)
    edit_elsewhere(session, record, "edited meanwhile")
    interaction.stale_answer = "theirs"
    window.delete_claim()
    assert session.claims.get(record.id).values["statement"] == "edited meanwhile"
    assert len(interaction.stale_dialogs) == 1
    assert window.form.claim_id == record.id
    assert window.form.values()["statement"] == "edited meanwhile"


def test_another_reviewers_new_claim_appears_live(qtbot, window, session, interaction):
    doc = doc_id_by_file(session, "002")
    window.open_document(doc)
    before = cell(window, doc, 2)
    record, _ = as_other(session, BEN, lambda: session.claims.create(quote_draft(session, doc, "Roseburia")))
    # the window's own timer (1 s) finds it in the change log
    qtbot.waitUntil(lambda: window.claims.row_of(record.id) >= 0, timeout=3000)
    assert record.id in window.reader._highlights
    assert cell(window, doc, 2) == before + 1

    # its own saves are not news: the next poll finds nothing
    window.editor.apply(session.claims.create(quote_draft(session, doc, "Faecalibacterium"))[1])
    window.apply_changes(session.claims.create(quote_draft(session, doc, "Akkermansia"))[1])
    assert window.team.watcher.poll().claims == frozenset()

    # a failing poll says so once in the status bar, and no box
    window.team.timer.stop()

    def broken():
        raise OSError("the server went away")

    window.team.watcher.poll = broken
    window.team.poll()
    assert "the server went away" in window.statusBar().currentMessage()
    window.statusBar().clearMessage()
    window.team.poll()
    assert window.statusBar().currentMessage() == "" and interaction.errors == []


def test_live_refresh_shows_an_assignment_made_elsewhere(qtbot, team_session, settings, interaction):
    session = team_session
    doc = doc_id_by_file(session, "001")
    session.use_reviewer(ANN)
    window = make_window(qtbot, session, settings, interaction)
    window.team.timer.stop()
    ann, ben = session.team.reviewer_named(ANN), session.team.reviewer_named(BEN)
    as_other(session, LEAD, lambda: session.team.assign(doc, [ann.id, ben.id]))
    window.team.poll()
    assert window.documents.rows[0].id == doc and cell(window, doc, TEAM) == "0 of 2 done · blind"


def test_merge_a_reviewers_project_previews_conflicts_then_applies_as_one_undo_step(
    qtbot, tmp_path, settings, interaction
):
    import shutil

    from curator.ui.merge_dialog import MergePreviewDialog

    lead_path, ann_path = tmp_path / "lead.sqlite3", tmp_path / "ann.sqlite3"
    lead = open_session(lead_path, backup_on_open=False)
    seed_new_project(lead, SEEDS)
    lead.use_reviewer(LEAD)
    doc = doc_id_by_file(lead, "002")
    shared, _ = lead.claims.create(quote_draft(lead, doc, "Roseburia", statement="as handed out"))
    lead.close()
    shutil.copy(lead_path, ann_path)  # the lead hands Ann a copy; she works offline
    ann = open_session(ann_path, backup_on_open=False)
    ann.use_reviewer(ANN)
    ann.claims.create(quote_draft(ann, doc, "Faecalibacterium", statement="Ann's new claim"))
    record = ann.claims.get(shared.id)
    ann.claims.update(
        shared.id, replace(record.as_draft(), values={**record.values, "statement": "Ann's <b>wording</b>"})
    )
    ann.close()

    session = open_session(lead_path, backup_on_open=False)
    session.use_reviewer(LEAD)
    record = session.claims.get(shared.id)
    session.claims.update(
        shared.id, replace(record.as_draft(), values={**record.values, "statement": "Lena's wording"})
    )
    window = make_window(qtbot, session, settings, interaction)
    window.open_document(doc)
    assert window.claims.rowCount() == 1

    interaction.open_path = str(ann_path)
    window.team.actions["merge"].trigger()
    (preview,) = interaction.merge_previews
    assert isinstance(preview, MergePreviewDialog)
    summary = preview.summary.toPlainText()
    assert "Merge of ann.sqlite3:" in summary and "1 new claim(s)" in summary
    conflicts = preview.conflicts
    cells = [[conflicts.item(r, c).text() for c in range(4)] for r in range(conflicts.rowCount())]
    assert any(row[1:] == ["Statement", "Lena's wording", "Ann's <b>wording</b>"] for row in cells), cells
    assert interaction.errors == []

    # applied: Ann's new claim is in the table and the reader; her conflicting edit is not taken
    statements = sorted(r.statement for r in window.claims.rows)
    assert statements == ["Ann's new claim", "Lena's wording"]
    assert window.undo_stack.undoText().startswith("Merge ann.sqlite3")
    window.undo_stack.undo()  # the whole merge, one step
    assert [r.statement for r in window.claims.rows] == ["Lena's wording"]
    assert len(session.claims.for_document(doc)) == 1
    session.close()


def test_a_project_that_cannot_be_read_is_said_in_one_sentence(qtbot, window, interaction, tmp_path):
    bad = tmp_path / "not-a-project.sqlite3"
    bad.write_text("hello", encoding="utf-8")
    interaction.open_path = str(bad)
    window.team.actions["merge"].trigger()
    (message,) = interaction.errors
    assert message.startswith("not-a-project.sqlite3 cannot be merged: ") and "\n" not in message
    assert interaction.merge_previews == [] and not window.undo_stack.canUndo()


def test_the_team_document_list_passes_the_qt_model_tester(qtmodeltester, session):
    from curator.ui.models import DocumentListModel
    from curator.ui.team_documents import MyWork

    model = DocumentListModel()
    model.set_rows(session.documents.summaries())
    last = model.rows[-1].id
    model.team.set_team({last: MyWork(2, False)}, {last: "0 of 2 done · blind"})
    assert model.rows[0].id == last and model.row_of(last) == 0  # her assignment moved to the top
    qtmodeltester.check(model)
    assert model.data(model.index(0, MINE)) == "2" and "Assigned to you: 2 claims" in model.data(
        model.index(0, 0), Qt.ItemDataRole.ToolTipRole
    )


def test_her_own_count_follows_her_saves_and_live_refresh_waits_for_dialogs(qtbot, team_session, settings, interaction):
    from PySide6.QtWidgets import QMessageBox

    session = team_session
    doc = doc_id_by_file(session, "002")
    ann, ben = session.team.reviewer_named(ANN), session.team.reviewer_named(BEN)
    session.team.assign(doc, [ann.id, ben.id])
    session.use_reviewer(ANN)
    window = make_window(qtbot, session, settings, interaction)
    window.team.timer.stop()
    window.open_document(doc)
    assert cell(window, doc, MINE) == "0"
    window.apply_changes(session.claims.create(quote_draft(session, doc, "Roseburia"))[1])  # as a save does
    assert cell(window, doc, MINE) == "1"

    # Ben marks done elsewhere while a dialog is open: nothing moves until it closes
    as_other(session, BEN, lambda: session.team.set_done(doc))
    box = QMessageBox(QMessageBox.Icon.Information, "Busy", "A dialog", parent=window)
    box.open()  # window-modal
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is box, timeout=2000)
    window.team.poll()
    assert cell(window, doc, TEAM) == "0 of 2 done · blind"
    box.close()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None, timeout=2000)
    window.team.poll()
    assert cell(window, doc, TEAM) == "1 of 2 done · blind"


def test_a_read_only_project_is_not_polled(qtbot, session, settings, interaction):
    session.set_read_only("opened read-only for this test")
    window = make_window(qtbot, session, settings, interaction)
    assert window.team.watcher is None and not window.team.timer.isActive()
    assert not window.team.actions["assign"].isEnabled() and not window.team.actions["merge"].isEnabled()


def test_the_real_team_dialogs_answer_when_accepted(qtbot, session, tmp_path):
    """The window's own Interaction (tests elsewhere answer through FakeInteraction) opens each team
    dialog and reads its answer when the reviewer presses OK."""
    import shutil

    from PySide6.QtCore import QTimer

    from curator.core.merge import plan_merge
    from curator.io.project_reader import read_project
    from curator.ui.interaction import Interaction

    def accept_when_shown():
        def accept():
            dialog = QApplication.activeModalWidget()
            if dialog is None:
                QTimer.singleShot(20, accept)
            else:
                dialog.accept()

        QTimer.singleShot(0, accept)

    real = Interaction()
    reviewers = session.team.reviewers()
    accept_when_shown()
    ticked, new = real.assign_reviewers(None, "a document", reviewers, [])
    assert ticked == set() and new == []
    accept_when_shown()
    roles, blind = real.edit_roles(None, reviewers, True)
    assert roles == {r.id: r.role for r in reviewers} and blind is True

    copy = tmp_path / "copy.sqlite3"
    session.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(session.path, copy)
    open_session(copy).close()  # opened at its own path: a project of its own
    from curator.core import db as dbmod

    dbmod.database.initialize(session.database)  # the models talk to the lead's project again
    plan = plan_merge(session, read_project(copy))
    accept_when_shown()
    assert real.review_merge(None, plan, "copy.sqlite3") is True
