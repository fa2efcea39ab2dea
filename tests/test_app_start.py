"""First start asks who is reviewing; later starts remember it, per database."""

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


def test_declining_the_reviewer_dialog_starts_nothing(qtbot, db_path, settings, monkeypatch):
    monkeypatch.setattr(ReviewerDialog, "exec", lambda dialog: QDialog.DialogCode.Rejected)
    session = open_session(db_path)
    assert not app_module.choose_reviewer(session, settings, None)
    assert session.reviewer is None
    session.close()


def test_reviewer_dialog_needs_a_name(qtbot):
    dialog = ReviewerDialog([])
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    assert not ok.isEnabled()
    qtbot.keyClicks(dialog.name.lineEdit(), "Ada")
    assert ok.isEnabled() and dialog.chosen() == ("Ada", "")
