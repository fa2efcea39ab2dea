"""Ask who is reviewing, at first start or when switching reviewer."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit

from curator.core.records import ReviewerInfo


class ReviewerDialog(QDialog):
    def __init__(self, reviewers: list[ReviewerInfo], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Who is reviewing?")
        form = QFormLayout(self)
        form.addRow(QLabel("Every claim records who made it. Choose your name or type a new one."))
        self.name = QComboBox()
        self.name.setEditable(True)
        self.name.addItems([r.name for r in reviewers])
        self.name.setCurrentText("")
        self.name.lineEdit().setPlaceholderText("Your name")
        self.initials = QLineEdit()
        self.initials.setMaxLength(10)
        self.initials.setPlaceholderText("e.g. AL (optional)")
        form.addRow("Name", self.name)
        form.addRow("Initials", self.initials)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.name.currentTextChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))

    def chosen(self) -> tuple[str, str]:
        return self.name.currentText().strip(), self.initials.text().strip()
