"""A PDF page's glyphs to lines, columns and reading order, and the pages' lines to one canonical
text with its PageLayout (issue 14). Pure geometry: no PDFium here, so it is tested on its own.

Coordinates are points on the page as displayed, origin top left (curator.core.pages). The rules,
the same ones tests/pdf_maker.py's known_text() states:

- glyphs in content order make lines: a glyph that does not sit in the current line's band, or
  steps back left of the glyph before it (a ligature's characters share one box), or follows a line
  break PDFium generated, starts a new line; a space (in
  the file or generated) or a gap wider than a third of the line's height becomes one " ";
- columns are x ranges that many lines keep to on both sides of a gutter crossed by few; a line
  crossing a gutter (a title, a wide figure caption) cuts the page into sections read top to bottom,
  each section column by column;
- running headers and footers: lines in the top or bottom 8 % of a page whose text, digits made
  alike, recurs on another page, and lone page numbers there ("12", "- 12 -", "Page 3 of 9", "xii");
  they are left out of the text (the Page view still shows them: it draws the page);
- lines of a paragraph join with " "; a gap over 1.5 × the page's usual line pitch is "\\n\\n";
  at a column or page boundary the text goes on with " " unless it ended a sentence;
- a hyphen (PDFium's soft hyphen, or a hard "-" after a letter) ending a line before a lowercase
  letter is dropped and the word joined: it has no canonical character — unless the document itself
  writes that compound with its hyphen elsewhere and never without ("double-" / "blind" where
  "double-blind" stands on a line of its own: PDFium reports a compound's own hyphen at a line end
  as a hyphen too). Another hyphen at a line end is kept and the line joined without a space
  ("Smith-" / "Jones");
- spaces, joins and breaks stand on no page (NO_PAGE); presentation forms are folded by NFKC and
  each resulting character gets the glyph's box.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from array import array
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from curator.core.pages import NO_PAGE, PageLayout

SPACE, BREAK, HYPHEN, GLYPH = 0, 1, 2, 3
_ZEROS = (0.0, 0.0, 0.0, 0.0)
MARGIN_BAND = 0.08  # of the page's height: where running headers and footers stand
_TERMINAL = (".", "!", "?", ":")
_NUMBER = re.compile(r"[\W_]*(?:page\s*)?(?:\d{1,5}|[ivxlcdm]{1,7})(?:\s*(?:of|/)\s*\d{1,5})?[\W_]*", re.IGNORECASE)


@dataclass
class Line:
    """One line of a page: its text (" " only where a space was put) and 4 box floats per character."""

    text: str
    boxes: array  # array("f"), 4 per character of text; zeros for spaces
    x0: float
    y0: float
    x1: float
    y1: float
    hyphen_end: bool = False  # the last character is a hyphen standing at the line's end
    soft: bool = False  # PDFium marked that hyphen as a soft one

    @property
    def mid(self) -> float:
        return (self.y0 + self.y1) / 2


def _fold(ch: str) -> str:
    o = ord(ch)
    if 0xFB00 <= o <= 0xFDFF or 0xFE70 <= o <= 0xFEFF or 0xFF00 <= o <= 0xFFEF:
        return unicodedata.normalize("NFKC", ch)
    return ch


def build_lines(glyphs: list[tuple[int, str, float, float, float, float]]) -> list[Line]:
    """Lines from (kind, char, x0, y0, x1, y1) in content order; kinds SPACE, BREAK, HYPHEN, GLYPH."""
    # One pass, one Python step per glyph: this loop runs for every character of a 2,000-page file,
    # so it keeps its state in locals, its boxes as plain floats, and no function calls per glyph.
    lines: list[Line] = []
    chars: list[str] = []
    boxes: list[float] = []
    bx0 = by0 = bx1 = by1 = 0.0  # the line's band so far
    last_x0 = last_x1 = 0.0
    pending_space = pending_break = False
    last_soft = False

    def close() -> None:
        text = "".join(chars)
        hyphen = text.endswith("-") and len(text) >= 2 and text[-2].isalnum()
        lines.append(Line(text, array("f", boxes), bx0, by0, bx1, by1, hyphen, hyphen and last_soft))

    for kind, ch, x0, y0, x1, y1 in glyphs:
        if kind == SPACE:
            pending_space = True
            continue
        if kind == BREAK:
            pending_break = True
            continue
        if chars:
            band_h = by1 - by0
            overlap = (y1 if y1 < by1 else by1) - (y0 if y0 > by0 else by0)
            h = y1 - y0
            least = h if h < band_h else band_h
            same = overlap >= 0.5 * (least if least > 0.1 else 0.1) and x0 >= last_x0 - 1.0
            if pending_break or not same:
                close()
                chars, boxes = [], []
                bx0, by0, bx1, by1 = x0, y0, x1, y1
            else:
                if pending_space or x0 - last_x1 > band_h / 3:
                    chars.append(" ")
                    boxes += _ZEROS
                if x0 < bx0:
                    bx0 = x0
                if y0 < by0:
                    by0 = y0
                if x1 > bx1:
                    bx1 = x1
                if y1 > by1:
                    by1 = y1
        else:
            bx0, by0, bx1, by1 = x0, y0, x1, y1
        if kind == HYPHEN:
            chars.append("-")
            boxes += (x0, y0, x1, y1)
        elif ch < "\ufb00":
            chars.append(ch)
            boxes += (x0, y0, x1, y1)
        else:
            for c in _fold(ch):  # a ligature's letters share its box
                chars.append(c)
                boxes += (x0, y0, x1, y1)
        last_soft = kind == HYPHEN
        last_x0, last_x1 = x0, x1
        pending_space = pending_break = False
    if chars:
        close()
    return lines


# ---- chrome ------------------------------------------------------------------------------------


def chrome_key(line: Line, page_height: float) -> str | None:
    """A key for a line standing in the top or bottom margin band (None for a body line)."""
    if line.y1 <= MARGIN_BAND * page_height:
        where = "top"
    elif line.y0 >= (1 - MARGIN_BAND) * page_height:
        where = "bottom"
    else:
        return None
    return where + ":" + re.sub(r"\d+", "#", " ".join(line.text.lower().split()))


def is_chrome(line: Line, key: str | None, counts: Counter) -> bool:
    """A margin line that recurs on another page, or a lone page number."""
    return key is not None and (counts[key] >= 2 or bool(_NUMBER.fullmatch(line.text.strip())))


# ---- reading order -----------------------------------------------------------------------------


def _gutters(lines: list[Line]) -> list[float]:
    """The x of each gutter between columns: a run ≥ 8 pt crossed by few lines, many wholly each side."""
    if len(lines) < 6:
        return []
    lo = int(min(ln.x0 for ln in lines))
    hi = int(max(ln.x1 for ln in lines)) + 1
    diff = [0] * (hi - lo + 2)
    for ln in lines:
        diff[int(ln.x0) - lo] += 1
        diff[int(ln.x1) + 1 - lo] -= 1
    allowed = max(1, len(lines) // 10)
    need = max(3, len(lines) // 6)
    out: list[float] = []
    count, start = 0, None
    for i in range(hi - lo + 1):
        count += diff[i]
        low = count <= allowed
        if low and start is None:
            start = i
        elif not low and start is not None:
            a, b = start + lo, i + lo
            start = None
            if b - a < 8:
                continue
            left = sum(1 for ln in lines if ln.x1 <= a + 1)
            right = sum(1 for ln in lines if ln.x0 >= b - 1)
            if left >= need and right >= need:
                out.append((a + b) / 2)
    return out


def _rows(lines: list[Line]) -> list[Line]:
    """Lines top to bottom; pieces of one visual line left to right."""
    lines = sorted(lines, key=lambda ln: ln.mid)
    out: list[Line] = []
    row: list[Line] = []
    for ln in lines:
        if (
            row
            and ln.y0 < row[0].y1
            and (min(ln.y1, row[0].y1) - max(ln.y0, row[0].y0)) >= 0.5 * min(ln.y1 - ln.y0, row[0].y1 - row[0].y0)
        ):
            row.append(ln)
            continue
        out += sorted(row, key=lambda r: r.x0)
        row = [ln]
    out += sorted(row, key=lambda r: r.x0)
    return out


def reading_order(lines: list[Line]) -> list[tuple[Line, str]]:
    """The body lines in reading order, each with how it joins the one before: "boundary" (a new
    column or section: the first line too), "line" or "para"."""
    gutters = _gutters(lines)
    edges = [float("-inf"), *gutters, float("inf")]

    def column(ln: Line) -> int:
        for k in range(len(edges) - 1):
            if edges[k] <= ln.x0 and ln.x1 <= edges[k + 1]:
                return k
        return -1  # crosses a gutter

    ordered: list[list[Line]] = []  # runs read as one flow
    section: dict[int, list[Line]] = {}

    def flush() -> None:
        for k in sorted(section):
            ordered.append(_rows(section[k]))
        section.clear()

    for ln in sorted(lines, key=lambda ln: ln.mid):
        k = column(ln) if gutters else 0
        if k < 0:
            flush()
            ordered.append([ln])
        else:
            section.setdefault(k, []).append(ln)
    flush()
    pitches = [b.mid - a.mid for run in ordered for a, b in pairwise(run) if b.mid - a.mid > 1]
    heights = [ln.y1 - ln.y0 for ln in lines]
    usual = statistics.median(pitches) if len(pitches) >= 3 else 1.5 * statistics.median(heights or [10.0])
    out: list[tuple[Line, str]] = []
    for run in ordered:
        for i, ln in enumerate(run):
            if i == 0:
                out.append((ln, "boundary"))
            else:
                gap = ln.mid - run[i - 1].mid
                out.append((ln, "para" if gap > 1.5 * usual else "line"))
    return out


# ---- the canonical text ------------------------------------------------------------------------


_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")  # words, a compound's hyphens kept inside
_LAST_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*$")
_FIRST_WORD = re.compile(r"[^\W\d_]+")


class TextBuilder:
    """Appends lines of pages into one canonical text and its per-character pages and boxes."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pages = array("H")
        self.boxes = array("f")
        self.prev: Line | None = None
        self.prev_page = 0
        self.queue: list[tuple[Line, int, str]] = []  # the whole text is read before any hyphen is decided
        self.hyphenated: set[str] = set()  # compounds the document writes with their hyphen inside a line
        self.joined: set[str] = set()  # and words it writes whole

    def _emit(self, line: Line, page: int, drop_last: bool) -> None:
        text, boxes = line.text, line.boxes
        if drop_last:
            text, boxes = text[:-1], boxes[:-4]
        self.parts.append(text)
        self.pages.extend(array("H", [NO_PAGE if c == " " else page for c in text]))
        self.boxes.extend(boxes)

    def _sep(self, sep: str) -> None:
        self.parts.append(sep)
        self.pages.extend(array("H", [NO_PAGE] * len(sep)))
        self.boxes.extend(array("f", [0.0] * (4 * len(sep))))

    def add(self, line: Line, page: int, join: str) -> None:
        self.queue.append((line, page, join))
        for word in _WORD.findall(line.text):
            (self.hyphenated if "-" in word else self.joined).add(word.lower())

    def _keeps_hyphen(self, prev: Line, line: Line) -> bool:
        """Whether a line-end hyphen is the compound's own: the document writes it so, never whole."""
        head = _LAST_WORD.search(prev.text[:-1])
        tail = _FIRST_WORD.match(line.text)
        if head is None or tail is None:
            return False
        compound = f"{head.group()}-{tail.group()}".lower()
        return compound in self.hyphenated and compound.replace("-", "") not in self.joined

    def _place(self, line: Line, page: int, join: str) -> None:
        prev = self.prev
        if prev is not None:
            first = line.text[:1]
            if join != "para" and prev.hyphen_end and first.islower() and not self._keeps_hyphen(prev, line):
                self._emit(prev, self.prev_page, drop_last=True)
            else:
                self._emit(prev, self.prev_page, drop_last=False)
                if join == "para" or (join == "boundary" and prev.text.rstrip().endswith(_TERMINAL)):
                    self._sep("\n\n")
                elif not prev.hyphen_end:
                    self._sep(" ")
        self.prev, self.prev_page = line, page

    def finish(self, page_sizes: list[tuple[float, float]]) -> tuple[str, PageLayout]:
        for line, page, join in self.queue:
            self._place(line, page, join)
        self.queue = []
        if self.prev is not None:
            self._emit(self.prev, self.prev_page, drop_last=False)
            self.prev = None
        text = "".join(self.parts)
        return text, PageLayout(tuple(page_sizes), self.pages, self.boxes)
