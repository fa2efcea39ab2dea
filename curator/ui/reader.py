"""The reader: the canonical text, read-only, with every claim highlighted.

Qt counts positions in UTF-16 code units; claims store code points. Every position crossing this
widget's boundary goes through Utf16Map, and quotes are always sliced from the canonical text,
never from Qt's toPlainText() (which turns NBSP into a space).
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QResizeEvent,
    QSyntaxHighlighter,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import QTextEdit

from curator.core.styles import StyleRange
from curator.core.textpos import Utf16Map
from curator.ui import claim_colours

READING_WIDTH_CHARS = 78
MIN_LINE_CHARS = 50  # below this, reading prose becomes hard work (typographers' rule of thumb: 45–75)
_BLOCK_BREAK = re.compile("[\n\u2029]")  # where setPlainText starts a new block
DEFAULT_FONT_PT = 12.5
DEFAULT_LINE_HEIGHT = 150  # percent


def type_colour(index: int) -> QColor:
    """The full hue of a claim type (table swatches, margin marks, underlines); -1: no type."""
    return QColor(claim_colours.hue(index))


@dataclass(frozen=True)
class Highlight:
    claim_id: int
    start: int  # code points
    end: int
    type_index: int = -1  # position of the claim's type among the codebook's types; -1: none


class ClaimHighlighter(QSyntaxHighlighter):
    """Fills claim spans block by block, from an index built once per set of claims.

    Fills are the claim type's tint for the theme; a nested claim is filled over the one around it
    (spans are kept longest first). Where claims overlap, the reader also draws one underline per
    claim, stacked (ReaderView.paintEvent), so every claim's extent stays visible."""

    def __init__(self, document):
        super().__init__(document)
        self.by_block: dict[int, list[tuple[int, int, int, int]]] = {}  # block -> (claim, u_start, u_end, type)
        self.selected: int | None = None
        self.dark = False
        self._formats: dict[tuple[int, bool, bool], QTextCharFormat] = {}

    def highlightBlock(self, text: str) -> None:  # noqa: N802 (Qt override)
        block = self.currentBlock()
        spans = self.by_block.get(block.blockNumber())
        if not spans:
            return
        base = block.position()
        length = block.length()
        selected_span = None
        for claim_id, start, end, type_index in spans:
            lo, hi = max(start - base, 0), min(end - base, length)
            if hi <= lo:
                continue
            if claim_id == self.selected:
                selected_span = (lo, hi, type_index)
                continue
            self.setFormat(lo, hi - lo, self._format(type_index, False))
        if selected_span:
            lo, hi, type_index = selected_span
            self.setFormat(lo, hi - lo, self._format(type_index, True))

    def _format(self, type_index: int, selected: bool) -> QTextCharFormat:
        """One format per type, theme and selection, made once: a busy block sets hundreds."""
        key = (type_index, self.dark, selected)
        fmt = self._formats.get(key)
        if fmt is None:
            fmt = QTextCharFormat()
            fmt.setForeground(QColor(claim_colours.text_colour(self.dark)))
            if selected:
                fill = QColor(claim_colours.tint(type_index, self.dark))
                fmt.setBackground(fill.lighter(118) if self.dark else fill.darker(118))
                fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.SingleUnderline)
                fmt.setUnderlineColor(QColor("#9cc3e6" if self.dark else "#1f3b57"))
                fmt.setFontUnderline(True)
            else:
                fmt.setBackground(claim_colours.fill_brush(type_index, self.dark))
            self._formats[key] = fmt
        return fmt


class ReaderView(QTextEdit):
    claimClicked = Signal(int)
    overlapClicked = Signal(list, QPoint)  # claim ids under the click, shortest first; where (global)
    selectionRangeChanged = Signal(bool)  # True when a non-empty passage is selected

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setReadOnly(True)
        self.setAcceptRichText(False)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        font = QFont()
        font.setFamilies(["Charter", "Georgia", "Noto Serif", "DejaVu Serif", "serif"])
        font.setPointSizeF(DEFAULT_FONT_PT)
        self.document().setDefaultFont(font)
        self.setFont(font)  # so fontMetrics() measures the reading font
        self.width_chars = READING_WIDTH_CHARS
        self.line_height = DEFAULT_LINE_HEIGHT
        self.dim_chrome = True
        self.styles: list = []
        self.document().setDocumentMargin(24)
        self.text = ""
        self._links: list[tuple[int, int, str]] = []
        self._map = Utf16Map("")
        self._block_starts = [0]
        self._highlights: dict[int, Highlight] = {}
        self._highlighter = ClaimHighlighter(self.document())
        self.selectionChanged.connect(lambda: self.selectionRangeChanged.emit(self.selection_range() is not None))

    # -- text ---------------------------------------------------------------------------------
    def set_text(self, text: str, styles: list[StyleRange] | tuple = (), highlights: list[Highlight] = ()) -> None:
        """Show the canonical text; `styles` (code points) only change how it looks, never what it says.
        Highlights given here are painted in the same pass that lays the text out."""
        self.text = text
        self._map = Utf16Map(text)
        self._block_starts = [0] + [m.end() for m in _BLOCK_BREAK.finditer(text)]
        self._links: list[tuple[int, int, str]] = []
        self._highlights = {h.claim_id: h for h in highlights}
        self._highlighter.by_block = self._spans_by_block(list(highlights))
        # setPlainText takes the cursor's current format: without a reset, the previous document's
        # last style (a faint or bold run) would colour all of this one.
        self.setCurrentCharFormat(QTextCharFormat())
        self.setPlainText(text)  # plain text only: source markup never reaches Qt's rich-text engine
        cursor = QTextCursor(self.document())
        cursor.select(QTextCursor.SelectionType.Document)
        block = QTextBlockFormat()
        block.setLineHeight(self.line_height, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        block.setBottomMargin(6)
        cursor.mergeBlockFormat(block)
        self.styles = list(styles)
        self._apply_styles([r for r in self.styles if self.dim_chrome or r.kind != "chrome"])
        self.moveCursor(QTextCursor.MoveOperation.Start)

    def apply_reading(self, font_pt: float, width_chars: int, line_height: int, dim_chrome: bool) -> None:
        """Reading comfort: type size, line length and spacing; the text and selections are kept."""
        self.width_chars, self.line_height, self.dim_chrome = width_chars, line_height, dim_chrome
        font = self.document().defaultFont()
        font.setPointSizeF(font_pt)
        self.document().setDefaultFont(font)
        self.setFont(font)
        self.updateGeometry()  # the readable minimum width follows the type size
        if self.text:
            scroll = self.verticalScrollBar().value()
            highlights = list(self._highlights.values())
            selected = self._highlighter.selected
            self.set_text(self.text, self.styles)
            self.set_highlights(highlights)
            self._highlighter.selected = selected
            self.verticalScrollBar().setValue(scroll)
        self.resizeEvent(QResizeEvent(self.size(), self.size()))

    def set_dark(self, dark: bool) -> None:
        """Claim fills are deep tints with light text on the dark theme (light tints glare there)."""
        self._highlighter.dark = dark
        self._highlighter.rehighlight()

    def _style_formats(self) -> dict[str, QTextCharFormat]:
        faint = QColor(self.palette().text().color())
        faint.setAlphaF(0.38)
        link = QColor(self.palette().link().color())
        formats: dict[str, QTextCharFormat] = {}
        base = self.document().defaultFont().pointSizeF()
        for level, scale in zip(range(1, 7), (1.35, 1.2, 1.1, 1.05, 1.0, 1.0)):
            f = QTextCharFormat()
            f.setFontWeight(QFont.Weight.Bold)
            f.setFontPointSize(base * scale)
            formats[f"heading{level}"] = f
        formats["bold"] = QTextCharFormat()
        formats["bold"].setFontWeight(QFont.Weight.Bold)
        formats["italic"] = QTextCharFormat()
        formats["italic"].setFontItalic(True)
        formats["quote"] = QTextCharFormat()
        formats["quote"].setFontItalic(True)
        formats["code"] = QTextCharFormat()
        formats["code"].setFontFamilies(["DejaVu Sans Mono", "Menlo", "Consolas", "monospace"])
        formats["code"].setFontPointSize(base * 0.9)
        formats["link"] = QTextCharFormat()
        formats["link"].setForeground(link)
        formats["link"].setFontUnderline(True)
        for kind in ("markup", "chrome"):
            formats[kind] = QTextCharFormat()
            formats[kind].setForeground(faint)
        formats["chrome"].setFontPointSize(base * 0.85)
        return formats

    def _apply_styles(self, styles) -> None:
        """Character formats from style ranges, set as the document's own formats (the claim
        highlighter paints on top of them). Links get no anchor: nothing here can be followed."""
        if not styles:
            return
        formats = self._style_formats()
        cursor = QTextCursor(self.document())
        indent = QTextBlockFormat()
        indent.setLeftMargin(18)
        for r in styles:
            fmt = formats.get(r.kind)
            if r.kind == "list_item":
                cursor.setPosition(self._map.to_utf16(r.start))
                cursor.mergeBlockFormat(indent)
                continue
            if fmt is None or r.end <= r.start:
                continue
            cursor.setPosition(self._map.to_utf16(r.start))
            cursor.setPosition(self._map.to_utf16(min(r.end, len(self.text))), QTextCursor.MoveMode.KeepAnchor)
            cursor.mergeCharFormat(fmt)
            if r.kind == "link" and r.data:
                self._links.append((r.start, r.end, r.data))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """Never narrower than a readable line: the panes around the reader give way first."""
        # measured on prose, not on "x": spaces and narrow letters make a real line hold more
        sample = "the evidence suggests that a modest reduction in relapse rate may follow"
        text_width = self.fontMetrics().horizontalAdvance(sample) / len(sample) * MIN_LINE_CHARS * 1.2
        chrome = (
            2 * self.document().documentMargin() + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth()
        )
        return QSize(int(text_width + chrome), 120)

    def resizeEvent(self, event) -> None:  # noqa: N802
        # Keep lines near a comfortable reading length however wide the pane is.
        measure = self.fontMetrics().horizontalAdvance("x" * self.width_chars) * 1.15
        spare = self.viewport().width() + self.viewportMargins().left() + self.viewportMargins().right() - measure
        side = int(max(0, spare / 2))
        self.setViewportMargins(side, 0, side, 0)
        super().resizeEvent(event)

    # -- positions ----------------------------------------------------------------------------
    def selection_range(self) -> tuple[int, int] | None:
        """The selected passage in code points, or None."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        start = self._map.from_utf16(cursor.selectionStart())
        end = self._map.from_utf16(cursor.selectionEnd())
        return (start, end) if end > start else None

    def clear_selection(self) -> None:
        """Drop the selection, keeping the caret where it ended (and the view where it is)."""
        cursor = self.textCursor()
        if cursor.hasSelection():
            bar = self.verticalScrollBar().value()
            cursor.clearSelection()
            self.setTextCursor(cursor)
            self.verticalScrollBar().setValue(bar)

    def select_range(self, start: int, end: int) -> None:
        cursor = self.textCursor()
        cursor.setPosition(self._map.to_utf16(start))
        cursor.setPosition(self._map.to_utf16(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def rect_for_offset(self, offset: int):
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.to_utf16(offset))
        return self.cursorRect(cursor)

    # -- highlights ---------------------------------------------------------------------------
    def _blocks_of(self, h: Highlight) -> range:
        starts = self._block_starts
        first = bisect.bisect_right(starts, h.start) - 1
        last = bisect.bisect_right(starts, max(h.start, h.end - 1)) - 1
        return range(first, last + 1)

    def _span(self, h: Highlight) -> tuple[int, int, int, int]:
        return (h.claim_id, self._map.to_utf16(h.start), self._map.to_utf16(h.end), h.type_index)

    def _spans_by_block(self, highlights: list[Highlight]) -> dict[int, list]:
        """Claim spans (UTF-16) per block. Blocks are found from the text's own line breaks, so this
        works before the text is in the document and costs no layout."""
        by_block: dict[int, list] = defaultdict(list)
        # longest first, so a claim nested inside another stays visible on top
        for h in sorted(highlights, key=lambda h: h.start - h.end):
            span = self._span(h)
            for number in self._blocks_of(h):
                by_block[number].append(span)
        return dict(by_block)

    def set_highlights(self, highlights: list[Highlight]) -> None:
        """Paint these claims; only blocks whose claims changed are repainted."""
        self._highlights = {h.claim_id: h for h in highlights}
        old, new = self._highlighter.by_block, self._spans_by_block(highlights)
        self._highlighter.by_block = new
        self._rehighlight_blocks(n for n in old.keys() | new.keys() if old.get(n) != new.get(n))

    def update_highlights(self, changed: list[Highlight], removed: set[int] | frozenset[int] = frozenset()) -> None:
        """Add, move or drop a few claims: the cost depends on them, not on the document's claim count."""
        by_block = self._highlighter.by_block
        dirty: set[int] = set()
        for claim_id in {*removed, *(h.claim_id for h in changed)}:
            old = self._highlights.pop(claim_id, None)
            if old is None:
                continue
            for number in self._blocks_of(old):
                spans = [s for s in by_block.get(number, ()) if s[0] != claim_id]
                if spans:
                    by_block[number] = spans
                else:
                    by_block.pop(number, None)
                dirty.add(number)
        for h in changed:
            self._highlights[h.claim_id] = h
            span = self._span(h)
            for number in self._blocks_of(h):
                spans = by_block.setdefault(number, [])
                spans.append(span)
                spans.sort(key=lambda s: s[1] - s[2])  # longest first, as _spans_by_block
                dirty.add(number)
        self._rehighlight_blocks(dirty)

    def _rehighlight_blocks(self, numbers) -> None:
        document = self.document()
        for number in sorted(numbers):
            block = document.findBlockByNumber(number)
            if block.isValid():
                self._highlighter.rehighlightBlock(block)
        self.viewport().update()

    def highlight_format_at(self, offset: int) -> QTextCharFormat:
        """The character format painted at a code-point offset (for tests and checks)."""
        u = self._map.to_utf16(offset)
        block = self.document().findBlock(u)
        for fr in block.layout().formats():
            if fr.start <= u - block.position() < fr.start + fr.length:
                return QTextCharFormat(fr.format)  # the range is a temporary: keep a copy
        return QTextCharFormat()

    def selected_claim(self) -> int | None:
        return self._highlighter.selected

    def select_claim(self, claim_id: int | None, scroll: bool = True) -> None:
        previous = self._highlighter.selected
        self._highlighter.selected = claim_id
        for cid in (previous, claim_id):
            h = self._highlights.get(cid) if cid is not None else None
            if h is not None:
                self._rehighlight_range(h.start, h.end)
        h = self._highlights.get(claim_id) if claim_id is not None else None
        if h is not None and scroll:
            self.reveal(h.start)

    def reveal(self, offset: int) -> None:
        """Scroll `offset` into view if it is not in view already. The caret and any selection stay
        where the reviewer put them: a click inside a claim must not move the anchor of the next
        Shift+click (nested claims are made that way)."""
        top = self.rect_for_offset(offset).top()
        if 0 <= top <= self.viewport().height() - self.fontMetrics().height():
            return
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + top - self.viewport().height() // 3)

    def scroll_to(self, offset: int) -> None:
        """Put `offset` a third of the way down the view, where the eye expects it."""
        cursor = self.textCursor()
        cursor.setPosition(self._map.to_utf16(offset))
        self.setTextCursor(cursor)
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + self.cursorRect().top() - self.viewport().height() // 3)

    def _rehighlight_range(self, start: int, end: int) -> None:
        document = self.document()
        block = document.findBlock(self._map.to_utf16(start))
        last = document.findBlock(self._map.to_utf16(end)).blockNumber()
        while block.isValid() and block.blockNumber() <= last:
            self._highlighter.rehighlightBlock(block)
            block = block.next()

    def link_at(self, offset: int) -> str | None:
        """A link's target at `offset` (shown as a tooltip; links are never opened)."""
        return next((target for start, end, target in self._links if start <= offset < end), None)

    def claims_at(self, offset: int) -> list[int]:
        """Claims covering `offset`, shortest first."""
        hits = [h for h in self._highlights.values() if h.start <= offset < h.end]
        return [h.claim_id for h in sorted(hits, key=lambda h: h.end - h.start)]

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        super().mouseReleaseEvent(event)
        if event.button() == Qt.MouseButton.LeftButton and not self.textCursor().hasSelection():
            position = self.cursorForPosition(event.position().toPoint()).position()
            hits = self.claims_at(self._map.from_utf16(position))
            if len(hits) > 1:  # an overlap: the reviewer says which claim was meant
                self.overlapClicked.emit(hits, event.globalPosition().toPoint())
            elif hits:
                self.claimClicked.emit(hits[0])

    # -- overlaps -----------------------------------------------------------------------------
    def _visible_blocks(self):
        layout = self.document().documentLayout()
        top = self.verticalScrollBar().value()
        block = self.cursorForPosition(QPoint(0, 0)).block()
        while block.isValid():
            rect = layout.blockBoundingRect(block)
            if rect.top() - top > self.viewport().height():
                break
            yield block, rect
            block = block.next()

    def overlap_lanes(self) -> dict[int, int]:
        """Lanes (0, 1, …) of the claims on screen that overlap another claim: each gets its own
        underline, stacked, so nested and crossing claims can be told apart (as INCEpTION stacks
        spans). Claims that overlap nothing get no lane (their fill says it all)."""
        spans = {}
        for block, _ in self._visible_blocks():
            for span in self._highlighter.by_block.get(block.blockNumber(), ()):
                spans[span[0]] = span
        ordered = sorted(spans.values(), key=lambda s: (s[1], -s[2]))
        overlapping: set[int] = set()
        reach_end, reach_id = -1, None
        for claim_id, start, end, _ in ordered:
            if start < reach_end:
                overlapping.update((claim_id, reach_id))
            if end > reach_end:
                reach_end, reach_id = end, claim_id
        lanes: dict[int, int] = {}
        lane_ends: list[int] = []
        for claim_id, start, end, _ in ordered:
            if claim_id not in overlapping:
                continue
            lane = next((i for i, lane_end in enumerate(lane_ends) if lane_end <= start), len(lane_ends))
            if lane == len(lane_ends):
                lane_ends.append(end)
            else:
                lane_ends[lane] = end
            lanes[claim_id] = lane
        return lanes

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self._highlights:
            return
        lanes = self.overlap_lanes()
        if not lanes:
            return
        painter = QPainter(self.viewport())
        dx, dy = -self.horizontalScrollBar().value(), -self.verticalScrollBar().value()
        for block, rect in self._visible_blocks():
            layout, base = block.layout(), block.position()
            for claim_id, start, end, type_index in self._highlighter.by_block.get(block.blockNumber(), ()):
                lane = lanes.get(claim_id)
                if lane is None:
                    continue
                colour = QColor(claim_colours.hue(type_index))
                lo, hi = max(start - base, 0), min(end - base, block.length() - 1)
                for i in range(layout.lineCount()):
                    line = layout.lineAt(i)
                    a, b = max(lo, line.textStart()), min(hi, line.textStart() + line.textLength())
                    if b <= a:
                        continue
                    x1, x2 = _x(line, a), _x(line, b)
                    y = rect.top() + dy + line.y() + line.ascent() + line.descent() + 1 + 3 * lane
                    painter.fillRect(QRectF(rect.left() + dx + x1, y, x2 - x1, 2), colour)
        painter.end()


def _x(line, position: int) -> float:
    x = line.cursorToX(position)
    return x[0] if isinstance(x, tuple) else x


__all__ = ["Highlight", "ReaderView", "type_colour"]
