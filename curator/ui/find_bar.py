"""Find in the open document (Ctrl+F; Enter / F3 next, Shift+Enter / Shift+F3 previous, Esc closes)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTextEdit, QToolButton, QWidget

MAX_COUNTED = 10_000


class FindBar(QWidget):
    def __init__(self, reader, parent=None):
        super().__init__(parent)
        self.reader = reader
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("Find in document")
        self.edit.setClearButtonEnabled(True)
        self.status = QLabel()
        previous, following, close = QToolButton(), QToolButton(), QToolButton()
        previous.setText("▲")
        previous.setToolTip("Previous match (Shift+F3)")
        following.setText("▼")
        following.setToolTip("Next match (F3)")
        close.setText("✕")
        close.setToolTip("Close (Esc)")
        for w in (QLabel("Find:"), self.edit, previous, following, self.status):
            layout.addWidget(w)
        layout.addStretch(1)
        layout.addWidget(close)
        self._counted: tuple[str, list[int]] = ("", [])
        self.reader.textChanged.connect(self._forget_count)
        self.edit.textChanged.connect(lambda: self.find(from_start=True))
        self.edit.returnPressed.connect(self.find_next)
        previous.clicked.connect(self.find_previous)
        following.clicked.connect(self.find_next)
        close.clicked.connect(self.close_bar)
        self.hide()

    def _forget_count(self) -> None:
        self._counted = ("", [])

    def open_bar(self) -> None:
        selected = self.reader.textCursor().selectedText()
        if selected and "\u2029" not in selected and len(selected) < 80:
            self.edit.setText(selected)
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    def close_bar(self) -> None:
        self.reader.setExtraSelections([])
        self.hide()
        self.reader.setFocus()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.close_bar()
            return
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        ):
            self.find_previous()
            return
        super().keyPressEvent(event)

    def _match_starts(self, needle: str) -> list[int]:
        """Where every match starts (as QTextDocument.find sees them), for "3 of 12"."""
        if needle == self._counted[0]:
            return self._counted[1]
        document, starts = self.reader.document(), []
        cursor = document.find(needle, 0)
        while not cursor.isNull() and len(starts) < MAX_COUNTED:
            starts.append(cursor.selectionStart())
            cursor = document.find(needle, cursor)
        self._counted = (needle, starts)
        return starts

    def find_next(self) -> bool:
        return self.find()

    def find_previous(self) -> bool:
        return self.find(backward=True)

    def find(self, backward: bool = False, from_start: bool = False) -> bool:
        needle = self.edit.text()
        document = self.reader.document()
        if not needle:
            self.status.setText("")
            self.reader.setExtraSelections([])
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        cursor = self.reader.textCursor()
        if from_start:
            cursor.setPosition(min(cursor.selectionStart(), cursor.selectionEnd()))
        found = document.find(needle, cursor, flags)
        if found.isNull():  # wrap around
            wrap = QTextCursor(document)
            if backward:
                wrap.movePosition(QTextCursor.MoveOperation.End)
            found = document.find(needle, wrap, flags)
        if found.isNull():
            self.status.setText("not found")
            self.reader.setExtraSelections([])
            return False
        starts = self._match_starts(needle)
        where = starts.index(found.selectionStart()) + 1 if found.selectionStart() in starts else 0
        total = f"{len(starts):,}+" if len(starts) >= MAX_COUNTED else f"{len(starts):,}"
        self.status.setText(f"{where:,} of {total}" if where else f"{total} matches")
        self.reader.setTextCursor(found)
        mark = QTextEdit.ExtraSelection()
        mark.cursor = found
        fmt = QTextCharFormat()
        fmt.setBackground(QColor("#ff9632"))
        mark.format = fmt
        self.reader.setExtraSelections([mark])  # ExtraSelections only for this one transient mark
        return True
