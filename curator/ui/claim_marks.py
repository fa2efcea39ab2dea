"""A strip beside the reader with a mark for every claim, where it sits in the whole document:
the reviewer sees at a glance where claims cluster, and a click jumps to one."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

from curator.ui.reader import Highlight, ReaderView, type_colour

MARK_HEIGHT = 4


class ClaimMarks(QWidget):
    claimClicked = Signal(int)

    def __init__(self, reader: ReaderView, parent=None):
        super().__init__(parent)
        self.reader = reader
        self.setObjectName("claimMarks")
        self.setFixedWidth(12)
        self.setToolTip("Where this document's claims are; click one to go there")
        self._marks: dict[int, tuple[float, int, QColor]] = {}  # claim -> (fraction of the text, claim, colour)
        self._highlights: dict[int, Highlight] = {}

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(12, 100)

    def set_highlights(self, highlights: list[Highlight]) -> None:
        self._highlights = {h.claim_id: h for h in highlights}
        self.refresh()

    def update_highlights(self, changed: list[Highlight], removed: set[int] | frozenset[int] = frozenset()) -> None:
        """A few claims added, moved or gone: only their marks are recomputed."""
        for claim_id in removed:
            self._highlights.pop(claim_id, None)
            self._marks.pop(claim_id, None)
        for h in changed:
            self._highlights[h.claim_id] = h
            self._marks[h.claim_id] = self._mark(h)
        self.update()

    def _mark(self, h: Highlight) -> tuple[float, int, QColor]:
        return (min(h.start / max(len(self.reader.text), 1), 1.0), h.claim_id, type_colour(h.type_index))

    @property
    def marks(self) -> list[tuple[float, int, QColor]]:
        return list(self._marks.values())

    def refresh(self) -> None:
        """Marks at each claim's share of the text: no layout is forced, so a long document with
        thousands of claims costs nothing here (lines wrap evenly enough for a minimap)."""
        self._marks = {h.claim_id: self._mark(h) for h in self._highlights.values()}
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        usable = self.height() - MARK_HEIGHT
        selected = self.reader.selected_claim()
        for fraction, claim_id, colour in self._marks.values():
            rect = QRectF(2, fraction * usable, self.width() - 4, MARK_HEIGHT)
            painter.fillRect(rect, colour.darker(160 if claim_id == selected else 115))
        painter.end()

    def claim_at(self, y: float) -> int | None:
        usable = max(self.height() - MARK_HEIGHT, 1)
        best = min(self._marks.values(), key=lambda m: abs(m[0] * usable - y), default=None)
        if best is None or abs(best[0] * usable - y) > 8:
            return None
        return best[1]

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            claim_id = self.claim_at(event.position().y())
            if claim_id is not None:
                self.claimClicked.emit(claim_id)
