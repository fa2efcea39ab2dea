"""What keeps a reviewer's work safe in the window: autosaved form drafts, the read-only banner,
File → Back up now… and File → Restore from backup…."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel

from curator.core.backups import backup_folder, restore_backup
from curator.core.errors import user_message
from curator.core.session import open_session

if TYPE_CHECKING:
    from curator.ui.main_window import MainWindow

AUTOSAVE_DELAY_MS = 800


class DraftKeeper(QObject):
    """Writes the form's unsaved input to the database shortly after each edit, and brings it
    back at the next start: a crash loses at most the last moment of typing."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self.stored = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(AUTOSAVE_DELAY_MS)
        self.timer.timeout.connect(self.flush)
        window.form.dirtyChanged.connect(self._on_dirty)

    def _on_dirty(self, dirty: bool) -> None:
        if dirty:
            self.timer.start()
        else:
            self.timer.stop()
            if self.stored:
                self._quietly(self.window.session.drafts.discard)
                self.stored = False

    def flush(self) -> None:
        """Write the draft now (the timer calls this; so does closing the window)."""
        self.timer.stop()
        form = self.window.form
        session = self.window.session
        if form.mode == "empty" or not form.is_dirty() or session.read_only or not session.is_current():
            return
        claim_id = form.claim_id if form.mode == "edit" else None
        self.stored = self._quietly(lambda: self.window.session.drafts.save(claim_id, form.draft())) or self.stored

    def _quietly(self, call):
        """An autosave that fails must not interrupt typing: say so in the status bar."""
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - one error path: words in the status bar
            self.window.statusBar().showMessage(f"Unsaved input could not be kept safe: {user_message(exc)}", 10000)
            return None

    def recover(self) -> bool:
        """Put a draft left by a crash back into the form; True if there was one."""
        saved = self._quietly(self.window.session.drafts.load)
        if saved is None:
            return False
        w = self.window
        draft = saved.draft
        if not w.open_document(draft.document_id):
            return False
        if saved.claim_exists:
            w.select_claim(saved.claim_id)
            if draft.version is not None:  # saved over a newer version, it is refused and both shown
                w.form.version, w.form.uuid = draft.version, draft.uuid or w.form.uuid
        else:
            w.form.load_new(draft.document_id, draft.start, draft.end, w.reader.text[draft.start : draft.end])
        w.form.set_values(draft.values, draft.terms)
        w.form.dirtyChanged.emit(w.form.is_dirty())
        w.reader.select_claim(saved.claim_id if saved.claim_exists else None)
        local = saved.saved_at.replace(tzinfo=dt.UTC).astimezone()
        what = f"claim {saved.claim_id}" if saved.claim_exists else "a new claim"
        w.statusBar().showMessage(
            f"Recovered unsaved input for {what} from {local:%d %b %H:%M}. Save it (Ctrl+S) or press Revert to drop it.",
            30000,
        )
        self.stored = True
        return True


class StorageBanner(QLabel):
    """A strip above the reader that says why the project cannot be edited, or where it is at risk."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("storageBanner")
        self.setTextFormat(Qt.TextFormat.PlainText)  # reasons hold file paths: shown as they are
        self.setWordWrap(True)
        self.hide()

    def show_state(self, read_only: str | None, warnings: list[str]) -> None:
        lines = []
        if read_only:
            lines.append(f"Read-only: {read_only}. You can read, search and export; editing is switched off.")
        lines += warnings
        self.setText("\n".join(lines))
        self.setProperty("severity", "readonly" if read_only else "warning")
        self.style().unpolish(self)
        self.style().polish(self)
        self.setVisible(bool(lines))


def back_up_now(window: MainWindow) -> None:
    try:
        path = window.session.backup_now("manual")
    except Exception as exc:  # noqa: BLE001
        window.show_error(user_message(exc))
        return
    window.statusBar().showMessage(f"Backed up to {path}", 10000)
    window.interaction.show_info(window, "Backup made", f"The project was copied to\n{path}")


def restore_from_backup(window: MainWindow) -> None:
    """Replace the open project by a backup; the project as it was is kept as another backup."""
    session = window.session
    if session.path is None:
        window.show_error("A shared PostgreSQL database is restored on its server (pg_restore), not by Curator.")
        return
    if not window.resolve_unsaved():
        return
    chosen = window.interaction.ask_open_path(
        window, "Restore from backup", str(backup_folder(session.path)), "Curator backups (*.sqlite3)"
    )
    if not chosen:
        return
    backup = Path(chosen)
    if not window.interaction.confirm(
        window,
        "Restore from backup",
        f"Replace the project with the backup {backup.name}?\n\nWork done since that backup disappears from the "
        "project, but the project as it is now is first saved as another backup, so this can be undone.",
        "Restore",
    ):
        return
    target = session.target
    window.drafts.flush()
    session.close()
    try:
        report = restore_backup(backup, session.path)
    except Exception as exc:  # noqa: BLE001
        window.show_error(user_message(exc))
        report = None
    try:
        reopened = open_session(target)
        if session.reviewer:
            reopened.use_reviewer(session.reviewer.name, session.reviewer.initials)
    except Exception as exc:  # noqa: BLE001 - words, then a clean exit: there is no project to show
        kept = (
            f" The project as it was is kept at {report.previous_kept_as}."
            if report and report.previous_kept_as
            else ""
        )
        window.show_error(
            f"The project could not be opened again after the restore: {user_message(exc)}.{kept} "
            "Curator will close; start it again to retry."
        )
        window.close()
        return
    window.replace_session(reopened)
    if report:
        kept = f"\n\nThe project as it was is kept at\n{report.previous_kept_as}" if report.previous_kept_as else ""
        window.interaction.show_info(window, "Restored", f"The project now holds the backup {backup.name}.{kept}")
