"""Start the window: Qt application, settings, reviewer, session."""

from __future__ import annotations

import sys

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialog

from curator.core.paths import RESOURCES


def choose_reviewer(session, settings: QSettings, name: str | None) -> bool:
    """Use --reviewer, else the one remembered for this database, else ask. False if declined."""
    from curator.ui.reviewer_dialog import ReviewerDialog

    key = f"reviewer/{session.target}"
    if name:
        reviewer = session.use_reviewer(name)
    else:
        remembered = settings.value(key)
        reviewer = session.use_reviewer_id(int(remembered)) if remembered is not None else None
        if reviewer is None:
            dialog = ReviewerDialog(session.reviewers())
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
            reviewer = session.use_reviewer(*dialog.chosen())
    settings.setValue(key, reviewer.id)
    return True


def run_app(args) -> int:
    from curator.cli import open_project
    from curator.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("Curator")
    app.setApplicationName("Curator")
    style = RESOURCES / "style.qss"
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    session = open_project(args)
    settings = QSettings()
    if not choose_reviewer(session, settings, args.reviewer):
        session.close()
        return 0
    window = MainWindow(session, settings)
    window.show()
    try:
        return app.exec()
    finally:
        session.close()
