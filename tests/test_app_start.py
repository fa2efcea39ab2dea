"""First start asks who is reviewing; later starts remember it, per database."""

import pytest
from PySide6.QtWidgets import QDialog

from curator.core.session import open_session
from curator.ui import app as app_module
from curator.ui.reviewer_dialog import ReviewerDialog


def test_reviewer_is_asked_once_then_remembered(qtbot, db_path, settings, monkeypatch):
    shown = []

    def fake_exec(dialog):
        shown.append(dialog)
        dialog.name.setCurrentText("Grace Hopper")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ReviewerDialog, "exec", fake_exec)
    session = open_session(db_path)
    assert app_module.choose_reviewer(session, settings, None)
    assert session.reviewer.name == "Grace Hopper" and session.reviewer.initials == "GH"
    session.close()

    again = open_session(db_path)
    assert app_module.choose_reviewer(again, settings, None)
    assert again.reviewer.name == "Grace Hopper"
    assert len(shown) == 1  # not asked the second time
    again.close()


def test_declining_the_reviewer_dialog_says_why_and_quitting_starts_nothing(
    qtbot, db_path, settings, monkeypatch, interaction
):
    monkeypatch.setattr(ReviewerDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    session = open_session(db_path)
    interaction.without_reviewer_answer = "quit"
    assert not app_module.choose_reviewer(session, settings, None, interaction)
    assert interaction.asked == ["without_reviewer"]
    assert session.reviewer is None
    session.close()


def test_declining_the_name_may_open_the_project_read_only(qtbot, db_path, settings, monkeypatch, interaction):
    from curator.core.errors import CuratorError
    from curator.core.paths import SEEDS
    from curator.core.records import ClaimDraft
    from curator.io.seeds import seed_new_project
    from curator.ui.main_window import MainWindow

    session = open_session(db_path)
    seed_new_project(session, SEEDS)
    monkeypatch.setattr(ReviewerDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    interaction.without_reviewer_answer = "read_only"
    assert app_module.choose_reviewer(session, settings, None, interaction)
    assert session.read_only == app_module.NO_REVIEWER
    window = MainWindow(session, settings, interaction)
    qtbot.addWidget(window)
    assert window.banner.isVisibleTo(window) and "no reviewer name" in window.banner.text()
    assert not window.form.isEnabled()
    assert not window.claim_panel.editable and not window.all_claims.panel.editable
    doc = session.documents.summaries()[0].id
    with pytest.raises(CuratorError):
        session.claims.create(ClaimDraft(doc, 0, 5))
    session.close()


def test_asking_again_after_a_cancel_takes_the_name(qtbot, db_path, settings, monkeypatch, interaction):
    answers = iter([QDialog.DialogCode.Rejected, QDialog.DialogCode.Accepted])

    def fake_exec(dialog):
        dialog.name.setCurrentText("Rosalind Franklin")
        return next(answers)

    monkeypatch.setattr(ReviewerDialog, "exec", fake_exec)
    interaction.without_reviewer_answer = "name"
    session = open_session(db_path)
    assert app_module.choose_reviewer(session, settings, None, interaction)
    assert session.reviewer.name == "Rosalind Franklin" and session.read_only is None
    session.close()


def test_reviewer_dialog_needs_a_name(qtbot):
    dialog = ReviewerDialog([])
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()
    qtbot.keyClicks(dialog.name.lineEdit(), "Ada")
    assert ok.isEnabled() and dialog.chosen() == ("Ada", "")
