"""The Reconcile window's question, apart so that it reads as one thing (git-cola's interaction.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget


def ask_unsaved(parent: QWidget, complete: int, incomplete: int, can_stay: bool = True) -> str:
    """Ask whether to save the complete units, discard, or stay: "save", "discard" or "stay"."""

    def units(n: int) -> str:
        return f"{n} unit{'s' if n != 1 else ''}"

    lines = [f"You chose values for {units(complete + incomplete)} without saving the consensus."]
    if complete:
        lines.append(f"Save saves the {units(complete)} whose every field is chosen.")
    if incomplete:
        lines.append(
            f"{units(incomplete)} still {'has' if incomplete == 1 else 'have'} fields to choose: "
            "Save leaves out, and Discard forgets, what was chosen there."
        )
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Unsaved consensus")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText("\n".join(lines))
    save = box.addButton("Save", QMessageBox.ButtonRole.AcceptRole) if complete else None
    discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
    stay = box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole) if can_stay else None
    default = stay or save or discard
    box.setDefaultButton(default)
    box.setEscapeButton(default)
    box.exec()
    clicked = box.clickedButton()
    return "save" if clicked is save and save else "discard" if clicked is discard else "stay"
