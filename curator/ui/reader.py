"""The reader: the canonical text, read-only, with every claim highlighted.

Qt counts positions in UTF-16 code units; claims store code points. Every position crossing this
widget's boundary goes through Utf16Map, and quotes are always sliced from the canonical text,
never from Qt's toPlainText() (which turns NBSP into a space).
"""

from __future__ import annotations

import bisect

from PySide6.QtCore import QPoint, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QResizeEvent, QTextBlockFormat, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextEdit

from curator.core.styles import StyleRange
from curator.core.textpos import Utf16Map
from curator.ui import claim_colours
from curator.ui.reader_paint import ClaimHighlighter, overlap_lanes, paint_underlines, style_formats
from curator.ui.reader_spans import Highlight, block_starts, blocks_of, span_of, spans_by_block

READING_WIDTH_CHARS = 78
MIN_LINE_CHARS = 50  # below this, reading prose becomes hard work (typographers' rule of thumb: 45–75)
DEFAULT_FONT_PT = 12.5
DEFAULT_LINE_HEIGHT = 150  # percent


def type_colour(index: int) -> QColor:
    """The full hue of a claim type (table swatches, margin marks, underlines); -1: no type."""
    return QColor(claim_colours.hue(index))


class ReaderView(QTextEdit):
    claimClicked = Signal(int)
    overlapClicked = Signal(list, QPoint)  # claim ids under the click, shortest first; where (global)
    selectionRangeChanged = Signal(bool)  # True when a non-empty passage is selected
    claimSelected = Signal(object, bool)  # the claim marked as selected (or None); whether to scroll to it

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
        self._painting = False
        self._selected: int | None = None
        self._top_hint = (0, 0)  # (scroll value, block then at the top): where _visible_blocks starts
        self._segments: dict = {}  # stacked underlines' pieces of line, kept between paints (paint_underlines)
        self._claim_marks: list[QTextEdit.ExtraSelection] = []  # the selected claim's mark
        self._find_marks: list[QTextEdit.ExtraSelection] = []  # set by others through setExtraSelections
        self.selectionChanged.connect(lambda: self.selectionRangeChanged.emit(self.selection_range() is not None))
        # Claims are formatted as their blocks come into view: every scroll may bring new ones. Queued,
        # because Qt moves the bar while it lays the document out, and asking for block rectangles then
        # re-enters the layout and leaves the rest of the document unlaid (paintEvent catches up anyway).
        self.verticalScrollBar().valueChanged.connect(
            lambda _: self.reveal_highlights(), Qt.ConnectionType.QueuedConnection
        )

    # -- text ---------------------------------------------------------------------------------
    def set_text(self, text: str, styles: list[StyleRange] | tuple = (), highlights: list[Highlight] = ()) -> None:
        """Show the canonical text; `styles` (code points) only change how it looks, never what it says.
        Highlights given here are painted as their blocks come into view (the first screen at once)."""
        self.text = text
        self._map = Utf16Map(text)
        self._block_starts = block_starts(text)
        self._links: list[tuple[int, int, str]] = []
        self._highlights = {h.claim_id: h for h in highlights}
        # no block of the new text is formatted yet; the spans are set once the text is in place, so
        # the scroll resets below do not format blocks that the block formats would dirty again
        self._highlighter.by_block, self._highlighter.shown = {}, set()
        self._top_hint = (0, 0)  # the old text's blocks say nothing about the new one's
        self._segments = {}
        # setPlainText takes the cursor's current format: without a reset, the previous document's
        # last style (a faint or bold run) would colour all of this one.
        self.setCurrentCharFormat(QTextCharFormat())
        self.setPlainText(text)  # plain text only: source markup never reaches Qt's rich-text engine
        cursor = QTextCursor(self.document())
        # One edit block: selecting the document and merging a block format outside one each force a
        # full synchronous layout (290 + 230 ms on 1 MB); inside it the document is laid out once, lazily.
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        block = QTextBlockFormat()
        block.setLineHeight(self.line_height, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        block.setBottomMargin(6)
        cursor.mergeBlockFormat(block)
        self.styles = list(styles)
        self._apply_styles([r for r in self.styles if self.dim_chrome or r.kind != "chrome"])
        # The first screen's claims are formatted inside this edit block, before Qt starts laying the
        # document out: formatting a block later, while that lazy layout is under way, would cost a
        # full layout first (see reveal_highlights).
        highlighter = self._highlighter
        highlighter.by_block = self._spans_by_block(list(highlights))
        highlighter.shown = set(range(self._first_screen_blocks()))
        document = self.document()
        for number in sorted(highlighter.shown.intersection(highlighter.by_block)):
            highlighter.fill(document.findBlockByNumber(number))
        cursor.endEditBlock()
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self.reveal_highlights()  # if the estimate fell short (a very tall view), the rest now
        self._mark_selected()  # on the new text, or gone if the claim is not on it

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
            self.set_text(self.text, self.styles)
            self.set_highlights(highlights)  # the selected claim stays selected
            self.verticalScrollBar().setValue(scroll)
        self.resizeEvent(QResizeEvent(self.size(), self.size()))

    def set_dark(self, dark: bool) -> None:
        """Claim fills are deep tints with light text on the dark theme (light tints glare there)."""
        self._highlighter.dark = dark
        if self._highlighter.shown:
            self._finish_layout()
        self._highlighter.rehighlight()
        self._mark_selected()

    def _style_formats(self) -> dict[str, QTextCharFormat]:
        return style_formats(self.palette(), self.document().defaultFont().pointSizeF())

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
        self._segments = {}  # lines break elsewhere
        super().resizeEvent(event)
        self.reveal_highlights()  # a taller or narrower view shows blocks that were below it

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
        return blocks_of(self._block_starts, h)

    def _span(self, h: Highlight) -> tuple[int, int, int, int]:
        return span_of(self._map, h)

    def _spans_by_block(self, highlights: list[Highlight]) -> dict[int, list]:
        return spans_by_block(self._block_starts, self._map, highlights)

    def set_highlights(self, highlights: list[Highlight]) -> None:
        """Paint these claims; only blocks whose claims changed are repainted."""
        self._segments = {}
        self._highlights = {h.claim_id: h for h in highlights}
        old, new = self._highlighter.by_block, self._spans_by_block(highlights)
        self._highlighter.by_block = new
        self._rehighlight_blocks(n for n in old.keys() | new.keys() if old.get(n) != new.get(n))
        self._mark_selected()

    def update_highlights(self, changed: list[Highlight], removed: set[int] | frozenset[int] = frozenset()) -> None:
        """Add, move or drop a few claims: the cost depends on them, not on the document's claim count."""
        self._segments = {}
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
        if self._selected in removed or any(h.claim_id == self._selected for h in changed):
            self._mark_selected()

    def _rehighlight_blocks(self, numbers) -> None:
        document = self.document()
        numbers = sorted(self._highlighter.shown.intersection(numbers))  # the others format when shown
        if numbers:
            self._finish_layout()
        blocks = [document.findBlockByNumber(number) for number in numbers]
        self._highlighter.refill([block for block in blocks if block.isValid()])
        self.viewport().update()

    def highlight_format_at(self, offset: int) -> QTextCharFormat:
        """The character format painted at a code-point offset (for tests and checks); off screen,
        the one that will be painted there when it comes into view (its block is formatted now)."""
        u = self._map.to_utf16(offset)
        block = self.document().findBlock(u)
        if block.blockNumber() not in self._highlighter.shown:
            self._finish_layout()
            self._highlighter.show_blocks([block])
        fmt = QTextCharFormat()
        for fr in block.layout().formats():
            if fr.start <= u - block.position() < fr.start + fr.length:
                fmt = QTextCharFormat(fr.format)  # the range is a temporary: keep a copy
                break
        for mark in self._claim_marks:  # the selected claim is painted over the fills (_mark_selected)
            if mark.cursor.selectionStart() <= u < mark.cursor.selectionEnd():
                fmt.merge(mark.format)
        return fmt

    def selected_claim(self) -> int | None:
        return self._selected

    def select_claim(self, claim_id: int | None, scroll: bool = True) -> None:
        self._selected = claim_id
        self._mark_selected()
        self.claimSelected.emit(claim_id, scroll)
        h = self._highlights.get(claim_id) if claim_id is not None else None
        if h is not None and scroll:
            self.reveal(h.start)

    def _mark_selected(self) -> None:
        """The selected claim, darker and underlined, drawn over the fills as an extra selection:
        selecting another claim then changes no block's formats, so Qt lays nothing out again (each
        re-formatted block cost a pass over every block's position, ≈ 4 ms on 1 MB)."""
        h = self._highlights.get(self._selected) if self._selected is not None else None
        marks = []
        if h is not None:
            mark = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(self._map.to_utf16(h.start))
            cursor.setPosition(self._map.to_utf16(h.end), QTextCursor.MoveMode.KeepAnchor)
            mark.cursor = cursor
            mark.format = self._highlighter.format_for(h.type_index, True)
            marks.append(mark)
        self._claim_marks = marks
        super().setExtraSelections([*self._claim_marks, *self._find_marks])

    def setExtraSelections(self, selections) -> None:  # noqa: N802
        """Marks of other parts (the find bar's current hit), drawn above the selected claim's."""
        self._find_marks = list(selections)
        super().setExtraSelections([*self._claim_marks, *self._find_marks])

    def reveal(self, offset: int) -> None:
        """Scroll `offset` into view if it is not in view already. The caret and any selection stay
        where the reviewer put them: a click inside a claim must not move the anchor of the next
        Shift+click (nested claims are made that way)."""
        top = self.rect_for_offset(offset).top()
        if 0 <= top <= self.viewport().height() - self.fontMetrics().height():
            return
        self._scroll_by(top - self.viewport().height() // 3)

    def _scroll_by(self, dy: int) -> None:
        bar = self.verticalScrollBar()
        if bar.value() + dy > bar.maximum():
            # Just after opening, Qt is still laying the document out in steps and the scroll range
            # covers only what is done: finish the layout (what the jump needs anyway) so the bar reaches.
            layout = self.document().documentLayout()
            layout.blockBoundingRect(self.document().lastBlock())
        bar.setValue(bar.value() + dy)
        self.reveal_highlights()

    def scroll_to(self, offset: int) -> None:
        """Put `offset` a third of the way down the view, where the eye expects it."""
        cursor = self.textCursor()
        cursor.setPosition(self._map.to_utf16(offset))
        self.setTextCursor(cursor)
        self._scroll_by(self.cursorRect().top() - self.viewport().height() // 3)

    def link_at(self, offset: int) -> str | None:
        """A link's target at `offset` (shown as a tooltip; links are never opened)."""
        return next((target for start, end, target in self._links if start <= offset < end), None)

    def highlights(self) -> list[Highlight]:
        """The claims painted now (the Page view draws the same ones)."""
        return list(self._highlights.values())

    def highlight(self, claim_id: int) -> Highlight | None:
        return self._highlights.get(claim_id)

    def first_visible_offset(self) -> int:
        """The code-point offset of the first character at the top of the view."""
        return self._map.from_utf16(self.cursorForPosition(QPoint(4, 4)).position())

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
    def _visible_blocks(self, below: int = 0):
        """Blocks on screen (and those within `below` px under it) with their rectangles."""
        layout = self.document().documentLayout()
        top = self.verticalScrollBar().value()
        # Start from a hint and walk to the block at the top; each rectangle asked for is exact. The
        # hint is the last top block when the view moved less than a screen (a paint asks this several
        # times), else a search by block number once the whole document is laid out (≈ 12 rectangles,
        # a twentieth of a hit test's 0.5 ms on 1 MB: a click in the table jumps this far), else a hit
        # test, itself only a hint while Qt is still laying the document out in steps after opening.
        last_top, number = self._top_hint
        block = self.document().findBlockByNumber(number) if abs(top - last_top) <= self.viewport().height() else None
        if block is None or not block.isValid():
            block = self._block_near(top)
        if not block.isValid():  # nothing laid out yet
            block = self.document().firstBlock()
        while block.previous().isValid() and layout.blockBoundingRect(block).top() > top:
            block = block.previous()
        while block.next().isValid() and layout.blockBoundingRect(block).bottom() <= top:
            block = block.next()
        self._top_hint = (top, block.blockNumber())
        while block.isValid():
            rect = layout.blockBoundingRect(block)
            if rect.top() - top > self.viewport().height() + below:
                break
            yield block, rect
            block = block.next()

    def _block_near(self, top: float):
        document = self.document()
        if document.lastBlock().layout().lineCount() == 0:  # Qt lays it out in steps: asking would finish that
            return self.cursorForPosition(QPoint(0, 0)).block()
        layout, lo, hi = document.documentLayout(), 0, document.blockCount() - 1
        while lo < hi:  # the last block starting at or above `top`
            mid = (lo + hi + 1) // 2
            if layout.blockBoundingRect(document.findBlockByNumber(mid)).top() <= top:
                lo = mid
            else:
                hi = mid - 1
        return document.findBlockByNumber(lo)

    def reveal_highlights(self) -> None:
        """Format the claims of the blocks on screen and half a screen below (so a small scroll
        shows them at once) that are not formatted yet."""
        highlighter = self._highlighter
        if not highlighter.by_block:
            return
        blocks = [block for block, _ in self._visible_blocks(self.viewport().height() // 2)]
        if blocks and blocks[0].previous().isValid():
            blocks.append(blocks[0].previous())  # the line above, for a scroll up by a line
        fresh = [b for b in blocks if b.blockNumber() not in highlighter.shown]
        if not any(b.blockNumber() in highlighter.by_block for b in fresh):
            highlighter.shown.update(b.blockNumber() for b in fresh)
            return
        self._finish_layout()
        if highlighter.show_blocks(fresh) and not self._painting:
            self.viewport().update()

    def _finish_layout(self) -> None:
        """Before any block is formatted after opening: formatting one while Qt is still laying the
        document out in steps ends that layout early and leaves the blocks after it without lines.
        A no-op once done; otherwise the cost of the first deep jump, which Qt pays anyway."""
        self.document().documentLayout().blockBoundingRect(self.document().lastBlock())

    def _first_screen_blocks(self) -> int:
        """How many blocks from the top surely cover the first screen and half another: twice the
        characters a screen of this size holds, at least that of a large window."""
        metrics = self.fontMetrics()
        columns = max(self.viewport().width(), 1400) / max(metrics.averageCharWidth(), 1)
        rows = max(self.viewport().height(), 1200) / max(metrics.lineSpacing(), 1)
        chars = int(2 * 1.5 * columns * rows)
        return bisect.bisect_right(self._block_starts, chars)

    def overlap_lanes(self) -> dict[int, int]:
        """Lanes (0, 1, …) of the claims on screen that overlap another claim: each gets its own
        underline, stacked, so nested and crossing claims can be told apart (as INCEpTION stacks
        spans). Claims that overlap nothing get no lane (their fill says it all)."""
        spans = {}
        for block, _ in self._visible_blocks():
            for span in self._highlighter.by_block.get(block.blockNumber(), ()):
                spans[span[0]] = span
        return overlap_lanes(spans)

    def paintEvent(self, event) -> None:  # noqa: N802
        # A safety net: a block shown by a path no scroll signal reports (or before the queued one
        # arrives) is formatted before it is drawn. Formats set colours only; Qt relays the block out
        # and schedules one more paint if a fallback-font glyph in it changes a line's height.
        self._painting = True
        try:
            self.reveal_highlights()
        finally:
            self._painting = False
        super().paintEvent(event)
        if not self._highlights:
            return
        lanes = self.overlap_lanes()
        if not lanes:
            return
        painter = QPainter(self.viewport())
        dx, dy = -self.horizontalScrollBar().value(), -self.verticalScrollBar().value()
        by_block = self._highlighter.by_block
        paint_underlines(painter, self._visible_blocks(), by_block, lanes, dx, dy, segments=self._segments)
        painter.end()


__all__ = ["Highlight", "ReaderView", "type_colour"]
