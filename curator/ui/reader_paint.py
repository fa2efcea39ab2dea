"""How the reader paints: claim fills through a highlighter for the blocks on screen only, the
stacked underlines of overlapping claims, and the character formats of the text's style ranges.

Opening a document must not cost in proportion to its claims: the highlighter formats a block only
once it has come into view (or a check asks what it would paint there), so a 1 MB document with
10,000 claims formats the screenful shown, not its 3,000 blocks.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextLayout

from curator.ui import claim_colours
from curator.ui.reader_spans import Span


class ClaimHighlighter:
    """Fills claim spans block by block, from an index built once per set of claims.

    Fills are the claim type's tint for the theme; a nested claim is filled over the one around it
    (spans are kept longest first). Where claims overlap, the reader also draws one underline per
    claim, stacked (ReaderView.paintEvent), so every claim's extent stays visible.

    Only blocks in `shown` are formatted: the reader adds a block when it scrolls into view
    (`ReaderView.reveal_highlights`), and a block once shown keeps its formats current from then on.

    The fills are set on the blocks' layouts directly, not through a QSyntaxHighlighter: that one
    calls Python once per block on every change of the document (setting a 1 MB text, merging its
    block format), ≈ 2,300 calls per pass and two passes per opening, only to return early."""

    def __init__(self, document):
        self.document = document
        self.by_block: dict[int, list[Span]] = {}  # block -> spans touching it
        self.shown: set[int] = set()  # blocks formatted with their claims (all others: not yet)
        self.dark = False
        self._formats: dict[tuple[int, bool, bool], QTextCharFormat] = {}

    def fill(self, block) -> None:
        """Set this block's fills as its layout's formats, without telling the document (the
        caller marks the range dirty once, or sets them inside an edit block that ends later)."""
        spans = self.by_block.get(block.blockNumber()) if block.blockNumber() in self.shown else None
        layout = block.layout()
        if not spans:
            if layout.formats():
                layout.setFormats([])
            return
        base, length = block.position(), block.length()
        cut = [(max(start - base, 0), min(end - base, length), type_index) for _, start, end, type_index in spans]
        cut = [c for c in cut if c[1] > c[0]]
        # the ranges must not overlap, so that what is read back at a position is what is painted
        # there: the innermost span (the last one covering it, as spans run longest first) wins
        edges = sorted({p for lo, hi, _ in cut for p in (lo, hi)})
        runs: list[list[int]] = []  # [start, end, type index]
        for a, b in pairwise(edges):
            top = next((t for lo, hi, t in reversed(cut) if lo <= a and b <= hi), None)
            if top is None:
                continue
            if runs and runs[-1][1] == a and runs[-1][2] == top:
                runs[-1][1] = b  # two spans of one type side by side: one range, as Qt would merge them
            else:
                runs.append([a, b, top])
        ranges = []
        for a, b, type_index in runs:
            fr = QTextLayout.FormatRange()
            fr.start, fr.length, fr.format = a, b - a, self.format_for(type_index, False)
            ranges.append(fr)
        layout.setFormats(ranges)

    def show_blocks(self, blocks) -> bool:
        """Format these blocks (QTextBlocks) if they are not formatted yet; True if any was (the
        document is then told once, for the range they cover)."""
        fresh = []
        for block in blocks:
            number = block.blockNumber()
            if number not in self.shown:
                self.shown.add(number)
                if number in self.by_block:  # a block without claims has nothing to format
                    fresh.append(block)
        self.refill(fresh)
        return bool(fresh)

    def refill(self, blocks) -> None:
        """Format these blocks again (their claims changed) and have Qt repaint them."""
        if not blocks:
            return
        for block in blocks:
            self.fill(block)
        first = min(b.position() for b in blocks)
        last = max(b.position() + b.length() for b in blocks)
        self.document.markContentsDirty(first, last - first)

    def rehighlight(self) -> None:
        """Every shown block again (the theme changed)."""
        document = self.document
        self.refill([document.findBlockByNumber(n) for n in sorted(self.shown) if n in self.by_block])

    def format_for(self, type_index: int, selected: bool) -> QTextCharFormat:
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


def overlap_lanes(spans: dict[int, Span]) -> dict[int, int]:
    """Lanes (0, 1, …) of the spans that overlap another one; spans overlapping nothing get none."""
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


Segments = dict[tuple[int, int], tuple[float, float, list[tuple[float, float, float]]]]
_HUES: dict[int, QColor] = {}


def paint_underlines(
    painter, blocks, by_block: dict[int, list[Span]], lanes: dict[int, int], dx, dy, segments: Segments | None = None
) -> None:
    """One 2 px underline per overlapping claim under each of its lines, 3 px lower per lane.

    `segments` keeps each (block, claim)'s pieces of line (x from, x to, y under the line, in the
    block) for the block's size they were measured at: a repaint (every click in the table ends in
    one) then measures no glyph positions again. The reader empties it when its text, claims or
    width change."""
    if segments is None:
        segments = {}
    for block, rect in blocks:
        number, width, height = block.blockNumber(), rect.width(), rect.height()
        left, top = rect.left() + dx, rect.top() + dy
        for span in by_block.get(number, ()):
            lane = lanes.get(span[0])
            if lane is None:
                continue
            kept = segments.get((number, span[0]))
            if kept is None or kept[0] != width or kept[1] != height:
                kept = segments[(number, span[0])] = (width, height, _segments(block, span))
            colour = _HUES.get(span[3])
            if colour is None:
                colour = _HUES[span[3]] = QColor(claim_colours.hue(span[3]))
            for x1, x2, y in kept[2]:
                painter.fillRect(QRectF(left + x1, top + y + 3 * lane, x2 - x1, 2), colour)


def _segments(block, span: Span) -> list[tuple[float, float, float]]:
    layout, base = block.layout(), block.position()
    _, start, end, _ = span
    lo, hi = max(start - base, 0), min(end - base, block.length() - 1)
    if hi <= lo:
        return []
    # only the lines the span is on (a paragraph of 20 lines under 40 stacked claims adds up)
    first, last = layout.lineForTextPosition(lo), layout.lineForTextPosition(hi - 1)
    numbers = range(
        first.lineNumber() if first.isValid() else 0,
        (last.lineNumber() if last.isValid() else layout.lineCount() - 1) + 1,
    )
    out = []
    for i in numbers:
        line = layout.lineAt(i)
        a, b = max(lo, line.textStart()), min(hi, line.textStart() + line.textLength())
        if b > a:
            out.append((_x(line, a), _x(line, b), line.y() + line.ascent() + line.descent() + 1))
    return out


def style_formats(palette, base: float) -> dict[str, QTextCharFormat]:
    """Character formats for the style kinds of curator.core.styles, at a base point size."""
    faint = QColor(palette.text().color())
    faint.setAlphaF(0.38)
    link = QColor(palette.link().color())
    formats: dict[str, QTextCharFormat] = {}
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


def _x(line, position: int) -> float:
    x = line.cursorToX(position)
    return x[0] if isinstance(x, tuple) else x
