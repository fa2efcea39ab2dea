"""A strip beside the reader with a mark for every claim, where it sits in the whole document:
the reviewer sees at a glance where claims cluster, and a click jumps to one."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter
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
        self._highlights: list[Highlight] = []

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(12, 100)

    def set_highlights(self, highlights: list[Highlight]) -> None:
        self._highlights = highlights
        self.refresh()

    def refresh(self) -> None:
        """Marks at each claim's share of the text: no layout is forced, so a long document with
        thousands of claims costs nothing here (lines wrap evenly enough for a minimap)."""
        length = max(len(self.reader.text), 1)
        self.marks = [(min(h.start / length, 1.0), h.claim_id, h.colour) for h in self._highlights]
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
