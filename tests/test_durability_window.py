"""Nothing lost in the window: autosaved drafts, a locked database, read-only projects, backups."""

import sqlite3
from argparse import Namespace

from curator.core import backups
from curator.core.models import FormDraft
from curator.core.session import open_session
from curator.ui.app import open_or_recover
from curator.ui.main_window import MainWindow
from tests.conftest import doc_id_by_file
from tests.test_storage import _damage
from tests.test_window import open_ms_review, select_quote


def type_statement(qtbot, window, text):
    qtbot.keyClicks(window.form.widgets["statement"], text)


def draft_written(session):
    return FormDraft.select().count() == 1


def crash_and_reopen(qtbot, window, db_path, settings, interaction):
    """As after a crash: the window is gone without asking anything; a new one starts on the file."""
    window.session.database.close()
    window.hide()
    window.deleteLater()
    session = open_session(db_path)
    session.use_reviewer("Test Reviewer", "TR")
    again = MainWindow(session, settings, interaction)
    qtbot.addWidget(again)
    again.resize(1400, 900)
    again.show()
    return again


def test_a_new_claim_typed_before_a_crash_is_recovered_and_saved(
    qtbot, window, session, db_path, settings, interaction
):
    doc_id = open_ms_review(qtbot, window, session)
    start, end = select_quote(qtbot, window, "microglial activation")
    window.actions["new_claim"].trigger()
    type_statement(qtbot, window, "Dysbiosis goes with microglial activation")
    qtbot.waitUntil(lambda: draft_written(session), timeout=3000)

    again = crash_and_reopen(qtbot, window, db_path, settings, interaction)
    form = again.form
    assert again.document_id == doc_id
    assert (form.mode, form.start, form.end) == ("new", start, end)
    assert form.widgets["statement"].text() == "Dysbiosis goes with microglial activation"
    assert form.is_dirty() and "Recovered unsaved input" in again.statusBar().currentMessage()
    again.actions["save_claim"].trigger()
    saved = again.session.claims.all()
    assert [c.values["statement"] for c in saved] == ["Dysbiosis goes with microglial activation"]
    assert FormDraft.select().count() == 0  # saved: the draft is gone


def test_an_edit_survives_a_crash_and_becomes_a_new_claim_if_its_claim_was_deleted(
    qtbot, window, session, db_path, settings, interaction
):
    open_ms_review(qtbot, window, session)
    select_quote(qtbot, window, "microglial activation")
    window.actions["new_claim"].trigger()
    type_statement(qtbot, window, "first")
    window.actions["save_claim"].trigger()
    claim_id = window.form.claim_id
    window.form.widgets["statement"].end(False)
    type_statement(qtbot, window, " and more")
    qtbot.waitUntil(lambda: draft_written(session), timeout=3000)
    session.claims.delete(claim_id)  # deleted elsewhere before the restart

    again = crash_and_reopen(qtbot, window, db_path, settings, interaction)
    assert again.form.mode == "new"
    assert again.form.widgets["statement"].text() == "first and more"


def test_revert_drops_the_draft(qtbot, window, session):
    open_ms_review(qtbot, window, session)
    select_quote(qtbot, window, "microglial activation")
    window.actions["new_claim"].trigger()
    type_statement(qtbot, window, "never mind")
    qtbot.waitUntil(lambda: draft_written(session), timeout=3000)
    window.form.revert_button.click()  # the fields go back to their defaults; the quote stays a new claim
    assert window.form.mode == "new" and window.form.values()["statement"] == ""
    window.form.revert_button.click()  # a second Revert drops the new claim
    assert FormDraft.select().count() == 0


def test_a_locked_database_keeps_the_input_and_the_save_can_be_retried(qtbot, window, session, db_path, interaction):
    open_ms_review(qtbot, window, session)
    select_quote(qtbot, window, "microglial activation")
    window.actions["new_claim"].trigger()
    window.drafts.timer.stop()
    type_statement(qtbot, window, "typed while another program writes")
    window.drafts.timer.stop()
    session.database.execute_sql("PRAGMA busy_timeout = 200")
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    window.form.save_button.click()
    assert interaction.errors and "busy" in interaction.errors[-1] and "your input is kept" in interaction.errors[-1]
    assert session.claims.count() == 0
    assert window.form.mode == "new" and window.form.widgets["statement"].text() == "typed while another program writes"
    other.execute("ROLLBACK")
    other.close()
    window.form.save_button.click()
    assert [c.values["statement"] for c in session.claims.all()] == ["typed while another program writes"]


def test_a_read_only_project_shows_why_and_switches_editing_off(qtbot, session, settings, interaction, tmp_path):
    session.set_read_only("the file p.sqlite3 is read-only")
    window = MainWindow(session, settings, interaction)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    assert (
        window.banner.isVisible()
        and "Read-only:" in window.banner.text()
        and "p.sqlite3 is read-only" in window.banner.text()
    )
    open_ms_review(qtbot, window, session)
    select_quote(qtbot, window, "microglial activation")
    for key in ("new_claim", "save_claim", "delete_claim", "import_claims", "status_done"):
        assert not window.actions[key].isEnabled(), key
    assert not window.form.isEnabled()
    assert window.actions["export"].isEnabled()
    window.grab().save(str(tmp_path / "read_only.png"))


def test_back_up_now_and_restore_from_the_window(qtbot, window, session, db_path, interaction):
    open_ms_review(qtbot, window, session)
    select_quote(qtbot, window, "microglial activation")
    window.actions["new_claim"].trigger()
    type_statement(qtbot, window, "kept")
    window.actions["save_claim"].trigger()
    window.actions["backup"].trigger()
    manual = [b for b in backups.list_backups(db_path) if b.reason == "manual"]
    assert len(manual) == 1 and str(manual[0].path) in interaction.infos[-1]

    select_quote(qtbot, window, "Roseburia")
    window.actions["new_claim"].trigger()
    type_statement(qtbot, window, "made after the backup")
    window.actions["save_claim"].trigger()
    assert window.session.claims.count() == 2

    interaction.open_path = str(manual[0].path)
    window.actions["restore"].trigger()
    assert "confirm:Restore from backup" in interaction.asked
    assert [c.values["statement"] for c in window.session.claims.all()] == ["kept"]
    assert sum(d.claim_count for d in window.documents.rows) == 1
    assert any(b.reason == "before-restore" for b in backups.list_backups(db_path))
    assert window.undo_stack.count() == 0
    window.session.close()


def test_a_damaged_project_offers_its_newest_backup_at_start(session, db_path, interaction):
    doc = doc_id_by_file(session, "002")
    session.close()
    open_session(db_path).close()  # an on-open backup
    _damage(db_path)
    interaction.confirm_answer = True
    recovered = open_or_recover(Namespace(db=str(db_path), reviewer=None), interaction)
    assert recovered is not None and recovered.documents.get(doc).title
    assert "confirm:Project damaged" in interaction.asked and "Backup restored" not in interaction.errors
    assert "damaged file is kept" in interaction.infos[-1]
    recovered.close()


def test_a_file_that_cannot_be_opened_is_explained_not_thrown(tmp_path, interaction):
    path = tmp_path / "thesis.sqlite3"
    path.write_text("not a database", encoding="utf-8")
    assert open_or_recover(Namespace(db=str(path), reviewer=None), interaction) is None
    assert (
        "Curator cannot open the project" in interaction.errors[-1]
        and "not an SQLite database" in interaction.errors[-1]
    )


def test_a_late_autosave_never_writes_into_another_project(qtbot, window, session, tmp_path):
    from curator.core.paths import SEEDS
    from curator.core.session import open_session
    from curator.io.seeds import seed_new_project

    open_ms_review(qtbot, window, session)
    select_quote(qtbot, window, "microglial activation")
    window.actions["new_claim"].trigger()
    window.drafts.timer.stop()
    type_statement(qtbot, window, "typed in the first project")
    other = open_session(tmp_path / "other.sqlite3")  # another project is opened (binds the models to it)
    seed_new_project(other, SEEDS)
    try:
        window.drafts.flush()  # the first window's timer fires late
        assert FormDraft.select().count() == 0  # nothing landed in the other project
    finally:
        other.close()
