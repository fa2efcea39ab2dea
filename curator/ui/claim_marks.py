"""A strip beside the reader with a mark for every claim, where it sits in the whole document:
the reviewer sees at a glance where claims cluster, and a click jumps to one."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QTextCursor
from PySide6.QtWidgets import QWidget

from curator.ui.reader import Highlight, ReaderView

MARK_HEIGHT = 4


class ClaimMarks(QWidget):
    claimClicked = Signal(int)

    def __init__(self, reader: ReaderView, parent=None):
        super().__init__(parent)
        self.reader = reader
        self.setObjectName("claimMarks")
        self.setFixedWidth(12)
        self.setToolTip("Where this document's claims are; click one to go there")
        self.marks: list[tuple[float, int, QColor]] = []  # (fraction of the document, claim id, colour)
        reader.document().documentLayout().documentSizeChanged.connect(lambda _: self.refresh())

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(12, 100)

    def set_highlights(self, highlights: list[Highlight]) -> None:
        self._highlights = highlights
        self.refresh()

    def refresh(self) -> None:
        highlights = getattr(self, "_highlights", [])
        document = self.reader.document()
        layout = document.documentLayout()
        height = max(layout.documentSize().height(), 1.0)
        marks = []
        limit = document.characterCount() - 1
        for h in highlights:
            position = self.reader._map.to_utf16(min(h.start, len(self.reader.text)))
            if position > limit:
                continue  # highlights of the previous text, while a new one is being laid out
            cursor = QTextCursor(document)
            cursor.setPosition(position)
            block = cursor.block()
            line = block.layout().lineForTextPosition(cursor.positionInBlock())
            y = layout.blockBoundingRect(block).top() + (line.y() if line.isValid() else 0)
            marks.append((y / height, h.claim_id, h.colour))
        self.marks = marks
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        usable = self.height() - MARK_HEIGHT
        selected = self.reader.selected_claim()
        for fraction, claim_id, colour in self.marks:
            rect = QRectF(2, fraction * usable, self.width() - 4, MARK_HEIGHT)
            painter.fillRect(rect, colour.darker(160 if claim_id == selected else 115))
        painter.end()

    def claim_at(self, y: float) -> int | None:
        usable = max(self.height() - MARK_HEIGHT, 1)
        best = min(self.marks, key=lambda m: abs(m[0] * usable - y), default=None)
        if best is None or abs(best[0] * usable - y) > 8:
            return None
        return best[1]

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            claim_id = self.claim_at(event.position().y())
            if claim_id is not None:
                self.claimClicked.emit(claim_id)
