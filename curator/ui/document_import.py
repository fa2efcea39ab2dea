"""File → Import documents… and files dropped on the window: progress, an encoding question with a
preview for files that are not UTF-8, and a summary of what was imported and what was refused."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)

from curator.core.errors import user_message
from curator.core.records import Changes
from curator.io.document_files import FORMATS
from curator.ui.dialog_buttons import add_dialog_buttons
from curator.ui.plain import plain_label

if TYPE_CHECKING:
    from curator.io.decode import EncodingNeeded
    from curator.ui.main_window import MainWindow

FILE_FILTER = f"Documents ({' '.join('*' + s for s in sorted(FORMATS))});;All files (*)"


class EncodingDialog(QDialog):
    """Which encoding a non-UTF-8 file uses: each candidate shows the same line decoded its way."""

    def __init__(self, needed: EncodingNeeded, parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Encoding of {needed.name}")
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain_label(
                f"{needed.name} is not UTF-8. Pick the encoding under which this line reads correctly; "
                "the choice is recorded with the document."
            )
        )
        self.choices = QListWidget()
        for encoding, preview in needed.previews().items():
            item = QListWidgetItem(f"{encoding:<10}  {preview}")
            item.setData(256, encoding)
            self.choices.addItem(item)
        self.choices.setCurrentRow(0)
        self.choices.itemDoubleClicked.connect(lambda _: self.accept())
        layout.addWidget(self.choices)
        self.for_all = QCheckBox("Use it for the other files of this import that are not UTF-8 either")
        layout.addWidget(self.for_all)
        add_dialog_buttons(self, layout, "Use this encoding", "Skip this file")
        self.resize(640, 260)

    def chosen(self) -> str | None:
        item = self.choices.currentItem()
        return item.data(256) if item else None

    def answer(self) -> tuple[str, bool] | None:
        chosen = self.chosen()
        return (chosen, self.for_all.isChecked()) if chosen else None


def import_document_paths(window: MainWindow, paths: list[Path]) -> None:
    from curator.io.document_files import STEPS, import_documents
    from curator.ui.window_actions import _progress_dialog

    if window.session.read_only:
        window.show_error(f"Nothing was imported: this project is open read-only ({window.session.read_only}).")
        return
    progress, report = _progress_dialog(window, "Importing documents…")
    batch: list[str] = []  # an encoding the reviewer chose for every remaining file

    def choose(needed) -> str | None:
        if batch:
            return batch[0]
        answer = window.interaction.ask_encoding(window, needed)
        if answer is None:
            return None
        encoding, for_all = answer
        if for_all:
            batch.append(encoding)
        return encoding

    def reading(path: Path, done: int, total: int) -> None:  # a long PDF: which page the worker is on
        progress.setLabelText(f"Importing documents…\n{path.name}: page {done:,} of {total:,}")

    shown = [-1]  # the file the label is about

    def report_files(done: int, total: int) -> bool:
        if done // STEPS != shown[0]:  # the next file: no page of the last PDF stays in the label
            shown[0] = done // STEPS
            progress.setLabelText("Importing documents…")
        return report(done, total)

    try:
        summary = import_documents(
            window.session,
            paths,
            progress=report_files,
            reading=reading,
            choose_encoding=choose,
            ask_password=lambda needed: window.interaction.ask_password(window, needed),
        )
    except Exception as exc:  # noqa: BLE001 - one error path
        window.show_error(f"The import stopped: {user_message(exc)}")
        return
    finally:
        progress.close()
    added = {doc_id for _, doc_id in summary.imported}
    if added:
        window.documents.set_rows(window.session.documents.summaries())
        window.apply_changes(Changes(documents=frozenset(added)))
        window.open_document(summary.imported[0][1])
    window.statusBar().showMessage(summary.lines()[0].capitalize() + ".", 10000)
    if summary.refused or summary.duplicates or summary.warnings or len(paths) > 1:
        window.interaction.show_info(window, "Documents imported", "\n".join(summary.lines()[:60]))


def import_documents_dialog(window: MainWindow) -> None:
    chosen = window.interaction.ask_open_paths(window, "Import documents", str(Path.home()), FILE_FILTER)
    if chosen:
        import_document_paths(window, [Path(p) for p in chosen])


def replace_document(window: MainWindow) -> None:
    """Document → Replace with revised version…: read, plan, review, then one undoable command."""
    from curator.core.commands import ReplaceDocument
    from curator.core.revisions import plan_revision
    from curator.io.decode import EncodingNeeded
    from curator.io.document_files import read_document
    from curator.ui.undo import run_command

    if window.document_id is None or not window.resolve_unsaved():
        return
    chosen = window.interaction.ask_open_path(window, "Revised version of this document", str(Path.home()), FILE_FILTER)
    if not chosen:
        return
    try:
        try:
            new = read_document(Path(chosen))
        except EncodingNeeded as needed:
            answer = window.interaction.ask_encoding(window, needed)
            if not answer:
                return
            new = read_document(Path(chosen), answer[0])
        plan = plan_revision(window.session, window.document_id, new)
    except Exception as exc:  # noqa: BLE001 - one error path
        window.show_error(f"The revised version cannot be used: {user_message(exc)}")
        return
    accepted = window.interaction.review_revision(window, plan)
    if accepted is None:
        window.statusBar().showMessage("Replacement cancelled; nothing changed.", 5000)
        return
    if run_command(
        window.undo_stack, ReplaceDocument(window.session, plan, accepted), window.apply_changes, window.show_error
    ):
        orphaned = plan.left_orphaned(accepted)
        window.statusBar().showMessage(
            f"Replaced with {Path(chosen).name}: {len(plan.relocations) - orphaned} claims re-anchored, "
            f"{orphaned} orphaned. Ctrl+Z undoes it.",
            12000,
        )
