"""Data is shown as it is, never as markup.

Qt guesses: a QLabel, a message box, a tooltip or an input dialog whose text looks like HTML is
rendered as rich text — so a file named `<img src="/dev/zero">`, a quote holding `<b>`, or a term
label could draw images, read devices or restyle the window. Every widget that shows data (file
names, titles, quotes, terms, reviewer names, error text) goes through these helpers.
"""

from __future__ import annotations

from html import escape

from PySide6 import QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    return label


def tooltip(text: str | None) -> str | None:
    """A tooltip that shows `text` literally: tooltips have no plain-text switch, so the text is
    escaped inside an explicit rich-text frame (<qt>), line breaks kept."""
    if not text:
        return None
    return "<qt>" + escape(text).replace("\n", "<br>") + "</qt>"


def ask_text(parent: QWidget | None, title: str, label: str, value: str = "") -> str | None:
    """QInputDialog.getText, with its label in plain text (it may name a term or a file)."""
    dialog = _input_dialog(parent, title, label)
    dialog.setTextValue(value)
    dialog.setTextEchoMode(QLineEdit.EchoMode.Normal)
    return dialog.textValue() if dialog.exec() else None


def ask_item(parent: QWidget | None, title: str, label: str, items: list[str]) -> int | None:
    """QInputDialog.getItem, plain: the index of the item picked, or None."""
    dialog = _input_dialog(parent, title, label)
    dialog.setComboBoxItems(items)
    dialog.setComboBoxEditable(False)
    if not dialog.exec():
        return None
    chosen = dialog.textValue()
    return items.index(chosen) if chosen in items else None


def _input_dialog(parent: QWidget | None, title: str, label: str) -> QtWidgets.QInputDialog:
    dialog = QtWidgets.QInputDialog(parent)  # looked up here: naming it at import builds the class at start
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    for child in dialog.findChildren(QLabel):
        child.setTextFormat(Qt.TextFormat.PlainText)
    return dialog


class Prompts:
    """Questions a dialog asks with data in them, replaceable in tests (as `Interaction` is for the
    window): the codebook dialog's names for new terms, labels and merge targets."""

    def text(self, parent: QWidget, title: str, label: str, value: str = "") -> str | None:
        return ask_text(parent, title, label, value)

    def item(self, parent: QWidget, title: str, label: str, items: list[str]) -> int | None:
        """The index of the item picked, or None."""
        return ask_item(parent, title, label, items)
