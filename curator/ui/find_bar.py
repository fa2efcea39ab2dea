"""Find in the open document (Ctrl+F; Enter / F3 next, Shift+Enter / Shift+F3 previous, Esc closes).

The reader's QTextDocument does the finding, whichever view shows. Every search reports its hits in
canonical offsets with `hitsChanged` (a FindHits: every match, and which one is current), so the Page
view can draw them on the pages; `origin`, when set, may move where a fresh search starts (the Page
view's top, when the reader's caret is off its screen).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QTextEdit, QToolButton, QWidget

from curator.core.textpos import Utf16Map

MAX_COUNTED = 10_000


class FindHits(NamedTuple):
    spans: tuple[tuple[int, int], ...]  # every match (up to MAX_COUNTED), canonical (start, end)
    current: tuple[int, int] | None  # the match found last


NO_HITS = FindHits((), None)


class FindBar(QWidget):
    hitsChanged = Signal(object)  # a FindHits; NO_HITS when the bar closes or finds nothing

    def __init__(self, reader, parent=None):
        super().__init__(parent)
        self.reader = reader
        self.origin: Callable[[int], int] | None = None  # canonical start of a fresh search -> where to start
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
        self._counted: tuple[str, list[int], tuple] = ("", [], ())  # needle, starts (UTF-16), canonical spans
        self._map: Utf16Map | None = None
        self.reader.textChanged.connect(self._forget_count)
        self.edit.textChanged.connect(lambda: self.find(from_start=True))
        self.edit.returnPressed.connect(self.find_next)
        previous.clicked.connect(self.find_previous)
        following.clicked.connect(self.find_next)
        close.clicked.connect(self.close_bar)
        self.hide()

    def _forget_count(self) -> None:
        self._counted = ("", [], ())
        self._map = None

    def _canonical(self, position: int) -> int:
        if self._map is None:
            self._map = Utf16Map(self.reader.text)
        return self._map.from_utf16(position)

    def _clear_marks(self) -> None:
        self.reader.setExtraSelections([])
        self.hitsChanged.emit(NO_HITS)

    def open_bar(self) -> None:
        selected = self.reader.textCursor().selectedText()
        if selected and "\u2029" not in selected and len(selected) < 80:
            self.edit.setText(selected)
        self.show()
        self.edit.setFocus()
        self.edit.selectAll()

    def close_bar(self) -> None:
        self._clear_marks()
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
        document, starts, spans = self.reader.document(), [], []
        cursor = document.find(needle, 0)
        while not cursor.isNull() and len(starts) < MAX_COUNTED:
            starts.append(cursor.selectionStart())
            spans.append((self._canonical(cursor.selectionStart()), self._canonical(cursor.selectionEnd())))
            cursor = document.find(needle, cursor)
        self._counted = (needle, starts, tuple(spans))
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
            self._clear_marks()
            return False
        flags = QTextDocument.FindFlag.FindBackward if backward else QTextDocument.FindFlag(0)
        cursor = self.reader.textCursor()
        if from_start:
            cursor.setPosition(min(cursor.selectionStart(), cursor.selectionEnd()))
            if self.origin is not None:
                start = self.origin(self._canonical(cursor.position()))
                cursor.setPosition(self._map.to_utf16(start))
        found = document.find(needle, cursor, flags)
        if found.isNull():  # wrap around
            wrap = QTextCursor(document)
            if backward:
                wrap.movePosition(QTextCursor.MoveOperation.End)
            found = document.find(needle, wrap, flags)
        if found.isNull():
            self.status.setText("not found")
            self._clear_marks()
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
        self._report(found.selectionStart(), found.selectionEnd())
        return True

    def _report(self, start: int, end: int) -> None:
        self.hitsChanged.emit(FindHits(self._counted[2], (self._canonical(start), self._canonical(end))))
