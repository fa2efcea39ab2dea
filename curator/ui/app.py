"""Start the window: Qt application, settings, reviewer, session."""

from __future__ import annotations

import sys

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialog

from curator.core.paths import RESOURCES

NO_REVIEWER = "no reviewer name was given at start (restart Curator to enter one and edit)"


def choose_reviewer(session, settings: QSettings, name: str | None, interaction=None) -> bool:
    """Use --reviewer, else the one remembered for this database, else ask. A reviewer who cancels
    is told why a name is needed and may open the project read-only; False only if she quits."""
    from curator.ui.interaction import Interaction
    from curator.ui.reviewer_dialog import ReviewerDialog

    key = f"reviewer/{session.target}"
    if name:
        reviewer = session.use_reviewer(name)
    else:
        remembered = settings.value(key)
        reviewer = session.use_reviewer_id(int(remembered)) if remembered is not None else None
        while reviewer is None:
            dialog = ReviewerDialog(session.reviewers())
            if dialog.exec() == QDialog.DialogCode.Accepted:
                reviewer = session.use_reviewer(*dialog.chosen())
                break
            answer = (interaction or Interaction()).ask_without_reviewer(None)
            if answer == "read_only":
                session.set_read_only(NO_REVIEWER)
                return True
            if answer != "name":
                return False
    settings.setValue(key, reviewer.id)
    return True


def open_or_recover(args, interaction, parent=None):
    """Open the project; a damaged one offers its newest backup. None if nothing could be opened.

    Every failure reaches the reviewer as a message box, never as a traceback on a console
    they may not see.
    """
    from curator.core.backups import restore_backup
    from curator.core.errors import user_message
    from curator.core.storage import CorruptDatabaseError
    from curator.io.project import open_project

    try:
        return open_project(args.db, args.reviewer)
    except CorruptDatabaseError as damaged:
        if damaged.backup is None:
            interaction.show_error(parent, str(damaged), "Project damaged")
            return None
        question = (
            f"The project file {damaged.path} is damaged ({damaged.detail}).\n\n"
            f"Restore the newest intact backup, {damaged.backup.name}? The damaged file is kept beside it, renamed."
        )
        if not interaction.confirm(parent, "Project damaged", question, "Restore backup"):
            return None
        try:
            report = restore_backup(damaged.backup, damaged.path)
            session = open_project(args.db, args.reviewer)
        except Exception as exc:  # noqa: BLE001 - one error path: words in a box
            interaction.show_error(parent, user_message(exc), "Curator")
            return None
        interaction.show_info(
            parent,
            "Backup restored",
            f"The project was restored from {damaged.backup.name}.\n"
            f"The damaged file is kept at {report.previous_kept_as}.",
        )
        return session
    except Exception as exc:  # noqa: BLE001
        interaction.show_error(parent, f"Curator cannot open the project.\n\n{user_message(exc)}", "Curator")
        return None


def run_app(args) -> int:
    from curator.ui.interaction import Interaction
    from curator.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("Curator")
    app.setApplicationName("Curator")
    style = RESOURCES / "style.qss"
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    session = open_or_recover(args, Interaction())
    if session is None:
        return 1
    settings = QSettings()
    if not choose_reviewer(session, settings, args.reviewer):
        session.close()
        print(
            "Curator did not start: it needs a reviewer name to open the project (or choose read-only).",
            file=sys.stderr,
        )
        return 1
    window = MainWindow(session, settings, staged=True)
    window.show()
    try:
        return app.exec()
    finally:
        session.close()
