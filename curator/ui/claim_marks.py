"""A strip beside the reader with a mark for every claim, where it sits in the whole document:
the reviewer sees at a glance where claims cluster, and a click jumps to one."""

from __future__ import annotations

from collections import defaultdict

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

from curator.ui.reader import Highlight, ReaderView, type_colour

MARK_HEIGHT = 4


class ClaimMarks(QWidget):
    """Marks are kept per pixel row of the strip: painting costs one rectangle per occupied row
    (a few hundred at most), not one per claim — 10,000 claims repaint as fast as 10."""

    claimClicked = Signal(int)

    def __init__(self, reader: ReaderView, parent=None):
        super().__init__(parent)
        self.reader = reader
        self.setObjectName("claimMarks")
        self.setFixedWidth(12)
        self.setToolTip("Where this document's claims are; click one to go there")
        self._marks: dict[int, tuple[float, int, QColor]] = {}  # claim -> (fraction of the text, claim, colour)
        self._rows: dict[int, dict[int, QColor]] = {}  # pixel row -> {claim: colour}
        self._rows_height = -1  # the strip height _rows was built for
        self._colours: dict[int, QColor] = {}  # type index -> mark colour: one QColor per type, not per claim

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(12, 100)

    @property
    def marks(self) -> list[tuple[float, int, QColor]]:
        return list(self._marks.values())

    def set_highlights(self, highlights: list[Highlight]) -> None:
        # one comprehension with its look-ups bound once (_mark's work, inline): 10,000 on every opening
        length = max(len(self.reader.text), 1)
        colours = {t: self._colour(t) for t in {h.type_index for h in highlights}}
        self._marks = {
            claim_id: (min(start / length, 1.0), claim_id, colours[type_index])
            for claim_id, start, _, type_index in highlights
        }
        self._rows_height = -1
        self.update()

    def refresh(self) -> None:
        self._rows_height = -1
        self.update()

    def update_highlights(self, changed: list[Highlight], removed: set[int] | frozenset[int] = frozenset()) -> None:
        """A few claims added, moved or gone: only their marks are recomputed."""
        for claim_id in {*removed, *(h.claim_id for h in changed)}:
            old = self._marks.pop(claim_id, None)
            if old is not None and self._rows_height == self.height():
                row = self._rows.get(self._row(old[0]))
                if row is not None:
                    row.pop(claim_id, None)
        for h in changed:
            mark = self._marks[h.claim_id] = self._mark(h)
            if self._rows_height == self.height():
                self._rows.setdefault(self._row(mark[0]), {})[h.claim_id] = mark[2]
        self.update()

    def _mark(self, h: Highlight) -> tuple[float, int, QColor]:
        return (min(h.start / max(len(self.reader.text), 1), 1.0), h.claim_id, self._colour(h.type_index))

    def _colour(self, type_index: int) -> QColor:
        colour = self._colours.get(type_index)
        if colour is None:
            colour = self._colours[type_index] = type_colour(type_index).darker(115)
        return colour

    def _row(self, fraction: float) -> int:
        return int(fraction * max(self.height() - MARK_HEIGHT, 1))

    def _ensure_rows(self) -> dict[int, dict[int, QColor]]:
        if self._rows_height != self.height():
            rows: defaultdict[int, dict[int, QColor]] = defaultdict(dict)
            scale = max(self.height() - MARK_HEIGHT, 1)  # as _row, inline: one pass over 10,000 marks
            for fraction, claim_id, colour in self._marks.values():
                rows[int(fraction * scale)][claim_id] = colour
            self._rows = dict(rows)
            self._rows_height = self.height()
        return self._rows

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        width = self.width() - 4
        for y, claims in self._ensure_rows().items():
            if claims:
                painter.fillRect(QRectF(2, y, width, MARK_HEIGHT), next(iter(claims.values())))
        selected = self._marks.get(self.reader.selected_claim())
        if selected is not None:
            painter.fillRect(QRectF(2, self._row(selected[0]), width, MARK_HEIGHT), selected[2].darker(140))
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
