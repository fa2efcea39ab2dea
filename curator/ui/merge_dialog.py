"""File → Merge a reviewer's project…: read the other project (sandboxed), preview what the merge
would do — counts, then every conflict by claim and field — and apply it as one undo step."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from curator.core.errors import user_message
from curator.core.records import Changes
from curator.core.session import Session
from curator.ui.dialog_buttons import add_dialog_buttons
from curator.ui.plain import plain_label
from curator.ui.undo import run_command

PROJECT_FILTER = "Curator project (*.sqlite3 *.sqlite *.db);;All files (*)"


def _short(text: str, limit: int = 70) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class MergePreviewDialog(QDialog):
    """What the merge would do, as plain text, and a table of its conflicts: claim, field, mine, theirs."""

    def __init__(self, plan, source: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Merge {source}")
        self.setObjectName("mergePreview")
        layout = QVBoxLayout(self)
        self.summary = QPlainTextEdit()  # plain text: titles and quotes are shown as they are
        self.summary.setObjectName("mergeSummary")
        self.summary.setReadOnly(True)
        self.summary.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.summary.setPlainText("\n".join(plan.summary_lines()))
        layout.addWidget(self.summary, 2)
        rows = [(c, name, here, there) for c in plan.conflicts for name, here, there in c.fields]
        conflicts_label = plain_label(
            f"Conflicts: {len(plan.conflicts)} claim(s) edited on both sides since the projects last met. "
            "Each stays as it is here (mine) and is listed again at the next merge."
            if plan.conflicts
            else "No conflicts."
        )
        conflicts_label.setWordWrap(True)
        layout.addWidget(conflicts_label)
        self.conflicts = QTableWidget(len(rows), 4)
        self.conflicts.setObjectName("mergeConflicts")
        self.conflicts.setHorizontalHeaderLabels(["Claim", "Field", "Mine (here)", "Theirs (there)"])
        self.conflicts.verticalHeader().hide()
        self.conflicts.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for r, (conflict, name, here, there) in enumerate(rows):
            claim = f"“{_short(conflict.quote, 50)}” on “{_short(conflict.document_title, 40)}” ({conflict.reviewer})"
            for c, text in enumerate((claim, name, _short(here), _short(there))):
                self.conflicts.setItem(r, c, QTableWidgetItem(text))
        header = self.conflicts.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in (2, 3):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
        self.conflicts.setVisible(bool(rows))
        layout.addWidget(self.conflicts, 1)
        self.buttons: QDialogButtonBox = add_dialog_buttons(self, layout, "Apply merge")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(plan.has_changes)
        self.resize(760, 520)


def merge_reviewer_project(
    session: Session,
    undo_stack: QUndoStack,
    interaction,
    parent: QWidget,
    on_changes: Callable[[Changes], None],
    show_error: Callable[[str], None],
    say: Callable[[str, int], None],
) -> bool:
    """Ask for the project, read and plan it (wait cursor), preview, then merge as one undoable step."""
    from curator.core.merge import plan_merge
    from curator.core.merge_apply import MergeProject
    from curator.io.project_reader import read_project

    path = interaction.ask_open_path(parent, "Merge a reviewer's project", str(Path.home()), PROJECT_FILTER)
    if not path:
        return False
    source = Path(path).name
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        plan = plan_merge(session, read_project(path))
    except Exception as exc:  # noqa: BLE001 - one error path: one sentence in a box
        QApplication.restoreOverrideCursor()
        show_error(f"{source} cannot be merged: {user_message(exc)}")
        return False
    QApplication.restoreOverrideCursor()
    if not interaction.review_merge(parent, plan, source):
        say("Merge cancelled; nothing was written.", 5000)
        return False
    if not plan.has_changes:
        say(f"Nothing to merge from {source}: the projects agree.", 6000)
        return False
    if run_command(undo_stack, MergeProject(session, plan), on_changes, show_error):
        say(f"Merged {source}. Ctrl+Z undoes the whole merge.", 10000)
        return True
    return False
