"""Every question the window asks the reviewer, in one replaceable place (git-cola's interaction.py).

Tests swap in an object with the same methods instead of clicking dialogs.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)


class Interaction:
    def ask_unsaved(self, parent: QWidget, what: str = "this claim") -> str:
        """'save', 'discard' or 'cancel' for unsaved form input."""
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Unsaved changes")
        box.setText(f"You have unsaved changes to {what}.")
        box.setInformativeText("Save them before you go on?")
        box.setStandardButtons(
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: "save", QMessageBox.StandardButton.Discard: "discard"}.get(
            QMessageBox.StandardButton(answer), "cancel"
        )

    def show_error(self, parent: QWidget, message: str, title: str = "Curator") -> None:
        QMessageBox.warning(parent, title, message)

    def confirm(self, parent: QWidget, title: str, text: str, ok_label: str) -> bool:
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle(title)
        box.setText(text)
        ok = box.addButton(ok_label, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is ok

    def show_info(self, parent: QWidget, title: str, message: str) -> None:
        QMessageBox.information(parent, title, message)

    def ask_save_path(self, parent: QWidget, title: str, suggested: str, filter_: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, title, suggested, filter_)
        return path or None

    def ask_open_path(self, parent: QWidget, title: str, directory: str, filter_: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(parent, title, directory, filter_)
        return path or None

    def ask_open_paths(self, parent: QWidget, title: str, directory: str, filter_: str) -> list[str]:
        paths, _ = QFileDialog.getOpenFileNames(parent, title, directory, filter_)
        return paths

    def ask_encoding(self, parent: QWidget, needed) -> tuple[str, bool] | None:
        """(encoding, use it for the rest of this import) for a file that is not UTF-8, or None to skip it."""
        from curator.ui.document_import import EncodingDialog

        dialog = EncodingDialog(needed, parent)
        return dialog.answer() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def edit_details(self, parent: QWidget, document_id: int) -> dict | None:
        from curator.ui.document_details import DocumentDetailsDialog

        dialog = DocumentDetailsDialog(parent, document_id)
        return dialog.details() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def review_revision(self, parent: QWidget, plan) -> set[int] | None:
        """The fuzzy matches the reviewer accepts for a revised document, or None to cancel."""
        from curator.ui.revision_dialog import RevisionDialog

        dialog = RevisionDialog(plan, parent)
        return dialog.accepted_fuzzy() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def review_import(self, parent: QWidget, plan, replan):
        """The plan the reviewer accepts after the preview (maybe re-planned), or None."""
        from curator.ui.import_dialog import ImportPreviewDialog

        dialog = ImportPreviewDialog(plan, replan, parent)
        return dialog.plan if dialog.exec() == QDialog.DialogCode.Accepted else None

    def ask_new_term(self, parent: QWidget, role_label: str, text: str, vocabularies: list[tuple[str, str]]):
        """(vocabulary key, label, identifier) for a term the vocabularies lack, or None."""
        dialog = QDialog(parent)
        dialog.setWindowTitle(f"Add a term to {role_label}")
        form = QFormLayout(dialog)
        form.addRow(QLabel(f"No term matches “{text}”. Add it to a vocabulary?"))
        vocabulary = QComboBox()
        for key, name in vocabularies:
            vocabulary.addItem(name, key)
        label = QLineEdit(text)
        identifier = QLineEdit()
        identifier.setPlaceholderText("e.g. MESH:D009103 — leave empty if unknown")
        form.addRow("Vocabulary", vocabulary)
        form.addRow("Label", label)
        form.addRow("Identifier", identifier)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted or not label.text().strip():
            return None
        return vocabulary.currentData(), label.text().strip(), identifier.text().strip()
