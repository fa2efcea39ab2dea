"""Every question the window asks the reviewer, in one replaceable place (git-cola's interaction.py).

Tests swap in an object with the same methods instead of clicking dialogs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtWidgets
from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QWidget

# The dialog classes are looked up in QtWidgets when a question is asked, not imported here: PySide
# builds a class, enums and all, when a module first names it (QMessageBox and QFileDialog alone
# ≈ 5 ms of every start, for boxes most sessions never show).


def _plain_box(parent, icon, title: str, text: str) -> QtWidgets.QMessageBox:
    """A message box that shows file names, quotes and errors as they are, never as markup."""
    box = QtWidgets.QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    return box


class Interaction:
    def ask_unsaved(self, parent: QWidget, what: str = "this claim") -> str:
        """'save', 'discard' or 'cancel' for unsaved form input."""
        box = _plain_box(
            parent, QtWidgets.QMessageBox.Icon.Warning, "Unsaved changes", f"You have unsaved changes to {what}."
        )
        box.setInformativeText("Save them before you go on?")
        box.setStandardButtons(
            QtWidgets.QMessageBox.StandardButton.Save
            | QtWidgets.QMessageBox.StandardButton.Discard
            | QtWidgets.QMessageBox.StandardButton.Cancel
        )
        box.setDefaultButton(QtWidgets.QMessageBox.StandardButton.Save)
        answer = box.exec()
        return {
            QtWidgets.QMessageBox.StandardButton.Save: "save",
            QtWidgets.QMessageBox.StandardButton.Discard: "discard",
        }.get(QtWidgets.QMessageBox.StandardButton(answer), "cancel")

    def show_error(self, parent: QWidget, message: str, title: str = "Curator") -> None:
        box = _plain_box(parent, QtWidgets.QMessageBox.Icon.Warning, title, message)
        box.exec()

    def pick_claim(self, parent: QWidget, options: list, where: QPoint) -> int | None:
        """Which of several overlapping claims a click meant: a menu at the click, shortest first."""
        menu = QtWidgets.QMenu(parent)
        for claim_id, record in options:
            quote = " ".join(record.anchor.exact.split())
            quote = quote if len(quote) <= 70 else quote[:69] + "…"
            action = menu.addAction(f"Claim {claim_id}: “{quote}”")
            action.setData(claim_id)
        chosen = menu.exec(where)
        return chosen.data() if chosen is not None else None

    def ask_pending_term(self, parent: QWidget, role_label: str, text: str, candidates: list):
        """Text typed in a term field at Save: ("pick", term), ("add",), ("discard",) or None (stay)."""
        box = _plain_box(
            parent,
            QtWidgets.QMessageBox.Icon.Question,
            f"{role_label}: “{text}”",
            f"“{text}” was typed in {role_label} but is not a term yet.",
        )
        box.setInformativeText(
            "Use one of these terms, add it to a vocabulary as a new term, or discard the text."
            if candidates
            else "No term matches it. Add it to a vocabulary as a new term, or discard the text."
        )
        picks = {
            box.addButton(f"Use “{t.label}”", QtWidgets.QMessageBox.ButtonRole.AcceptRole): t for t in candidates[:4]
        }
        add = box.addButton("Add as new term…", QtWidgets.QMessageBox.ButtonRole.ActionRole)
        discard = box.addButton("Discard the text", QtWidgets.QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QtWidgets.QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        if clicked in picks:
            return ("pick", picks[clicked])
        return {add: ("add",), discard: ("discard",)}.get(clicked)

    def ask_without_reviewer(self, parent: QWidget | None) -> str:
        """The name dialog was cancelled at start: 'name' (ask again), 'read_only' or 'quit'."""
        box = _plain_box(
            parent,
            QtWidgets.QMessageBox.Icon.Information,
            "Curator needs your name to edit",
            "Every claim and every change records who made it, so editing needs your name.",
        )
        box.setInformativeText("Enter a name, open the project read-only (read, search and export), or quit.")
        name = box.addButton("Enter a name…", QtWidgets.QMessageBox.ButtonRole.AcceptRole)
        read_only = box.addButton("Open read-only", QtWidgets.QMessageBox.ButtonRole.ActionRole)
        box.addButton("Quit", QtWidgets.QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return {name: "name", read_only: "read_only"}.get(box.clickedButton(), "quit")

    def confirm(self, parent: QWidget, title: str, text: str, ok_label: str) -> bool:
        box = _plain_box(parent, QtWidgets.QMessageBox.Icon.Question, title, text)
        ok = box.addButton(ok_label, QtWidgets.QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QtWidgets.QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is ok

    def show_info(self, parent: QWidget, title: str, message: str) -> None:
        _plain_box(parent, QtWidgets.QMessageBox.Icon.Information, title, message).exec()

    def ask_save_path(self, parent: QWidget, title: str, suggested: str, filter_: str) -> str | None:
        path, _ = QtWidgets.QFileDialog.getSaveFileName(parent, title, suggested, filter_)
        return path or None

    def ask_open_path(self, parent: QWidget, title: str, directory: str, filter_: str) -> str | None:
        path, _ = QtWidgets.QFileDialog.getOpenFileName(parent, title, directory, filter_)
        return path or None

    def ask_open_paths(self, parent: QWidget, title: str, directory: str, filter_: str) -> list[str]:
        paths, _ = QtWidgets.QFileDialog.getOpenFileNames(parent, title, directory, filter_)
        return paths

    def ask_encoding(self, parent: QWidget, needed) -> tuple[str, bool] | None:
        """(encoding, use it for the rest of this import) for a file that is not UTF-8, or None to skip it."""
        from curator.ui.document_import import EncodingDialog

        dialog = EncodingDialog(needed, parent)
        return dialog.answer() if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted else None

    def ask_password(self, parent: QWidget, needed) -> str | None:
        """The password of an encrypted PDF, or None to skip the file. Used for that file only: never
        stored, logged or shown again."""
        label = f"{needed}.\nThe password is used to read this file only; Curator never stores it."
        text, ok = QtWidgets.QInputDialog.getText(
            parent, "Password-protected PDF", label, QtWidgets.QLineEdit.EchoMode.Password
        )
        return text if ok and text else None

    def edit_details(self, parent: QWidget, document_id: int) -> dict | None:
        from curator.ui.document_details import DocumentDetailsDialog

        dialog = DocumentDetailsDialog(parent, document_id)
        return dialog.details() if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted else None

    def review_revision(self, parent: QWidget, plan) -> set[int] | None:
        """The fuzzy matches the reviewer accepts for a revised document, or None to cancel."""
        from curator.ui.revision_dialog import RevisionDialog

        dialog = RevisionDialog(plan, parent)
        return dialog.accepted_fuzzy() if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted else None

    def review_import(self, parent: QWidget, plan, replan):
        """The plan the reviewer accepts after the preview (maybe re-planned), or None."""
        from curator.ui.import_dialog import ImportPreviewDialog

        dialog = ImportPreviewDialog(plan, replan, parent)
        return dialog.plan if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted else None

    def resolve_stale_claim(self, parent: QWidget, message: str, rows: list, deleted: bool) -> str | None:
        """A claim changed (or deleted) elsewhere since the form loaded it: "keep" the input over their
        version, load "theirs"; for a deleted one "new", "keep" or "discard". None: leave things as they are."""
        from curator.ui.stale_claims import StaleClaimDialog

        dialog = StaleClaimDialog(message, rows, deleted, parent)
        dialog.exec()
        return dialog.choice

    def assign_reviewers(self, parent: QWidget, title: str, reviewers: list, assignments: list):
        """(ids of the reviewers ticked, names of new reviewers ticked) for a document, or None."""
        from curator.ui.team_dialogs import AssignDialog

        dialog = AssignDialog(title, reviewers, assignments, parent)
        return dialog.answer() if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted else None

    def edit_roles(self, parent: QWidget, reviewers: list, blind: bool):
        """({reviewer id: role}, blind extraction on) as the lead set them, or None."""
        from curator.ui.team_dialogs import ReviewersDialog

        dialog = ReviewersDialog(reviewers, blind, parent)
        return dialog.answer() if dialog.exec() == QtWidgets.QDialog.DialogCode.Accepted else None

    def review_merge(self, parent: QWidget, plan, source: str) -> bool:
        """The merge preview: True to apply the plan."""
        from curator.ui.merge_dialog import MergePreviewDialog

        return MergePreviewDialog(plan, source, parent).exec() == QtWidgets.QDialog.DialogCode.Accepted

    def ask_new_term(self, parent: QWidget, role_label: str, text: str, vocabularies: list[tuple[str, str]]):
        """(vocabulary key, label, identifier) for a term the vocabularies lack, or None."""
        dialog = QtWidgets.QDialog(parent)
        dialog.setWindowTitle(f"Add a term to {role_label}")
        form = QtWidgets.QFormLayout(dialog)
        prompt = QtWidgets.QLabel(f"No term matches “{text}”. Add it to a vocabulary?")
        prompt.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow(prompt)
        vocabulary = QtWidgets.QComboBox()
        for key, name in vocabularies:
            vocabulary.addItem(name, key)
        label = QtWidgets.QLineEdit(text)
        identifier = QtWidgets.QLineEdit()
        identifier.setPlaceholderText("e.g. MESH:D009103 — leave empty if unknown")
        form.addRow("Vocabulary", vocabulary)
        form.addRow("Label", label)
        form.addRow("Identifier", identifier)
        buttons = QtWidgets.QDialogButtonBox(
            QtWidgets.QDialogButtonBox.StandardButton.Ok | QtWidgets.QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(dialog.accept)
        buttons.rejected.connect(dialog.reject)
        form.addRow(buttons)
        if dialog.exec() != QtWidgets.QDialog.DialogCode.Accepted or not label.text().strip():
            return None
        return vocabulary.currentData(), label.text().strip(), identifier.text().strip()
