"""Where a PDF document's claims and characters stand on its pages, fast enough to ask per paint
and per mouse move. Pure Python (no Qt): the Page view draws from it and its tests check it.

PageLayout answers for the whole document (offset_at walks every character: ≈ 0.1 s on a 300-page
book, too slow for a drag); here each page's run of offsets is found once (a C-speed search over
the page numbers' bytes) and questions are asked of that run only. It assumes, as the import makes
it, that a page's characters are one run of the canonical text (pages in reading order).
"""

from __future__ import annotations

from typing import NamedTuple

from curator.core.pages import NO_PAGE, Box, PageLayout


class PageClaim(NamedTuple):
    claim_id: int
    type_index: int
    box: Box  # points, top-left origin
    start: int
    end: int


def page_ranges(layout: PageLayout) -> list[tuple[int, int]]:
    """For each page, (first offset on it, last + 1); (n, n) for a page without characters.

    numpy (there already, for the agreement statistics) finds every page's first and last character in
    one C pass over the page numbers, in any order; a search per page took a second on a 300-page book."""
    import numpy

    pages = numpy.frombuffer(layout.char_pages.tobytes(), dtype=numpy.uint16)
    n = len(pages)
    on_page = numpy.nonzero(pages != NO_PAGE)[0]
    numbers = pages[on_page]
    out = [(n, n)] * layout.page_count
    if len(on_page):
        seen, first_at = numpy.unique(numbers, return_index=True)
        _, last_from_end = numpy.unique(numbers[::-1], return_index=True)
        for page, first, back in zip(seen.tolist(), first_at.tolist(), last_from_end.tolist()):
            if page < layout.page_count:
                out[page] = (int(on_page[first]), int(on_page[len(numbers) - 1 - back]) + 1)
    return out


def offset_near(layout: PageLayout, span: tuple[int, int], page: int, x: float, y: float) -> int | None:
    """PageLayout.offset_at, asked of one page's run of offsets only."""
    pages, b = layout.char_pages, layout.char_boxes
    best, best_key = None, None
    for i in range(*span):
        if pages[i] != page:
            continue
        x0, y0, x1, y1 = b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]
        dy = 0.0 if y0 <= y <= y1 else min(abs(y - y0), abs(y - y1))
        dx = 0.0 if x0 <= x <= x1 else min(abs(x - x0), abs(x - x1))
        key = (dy, dx)
        if best_key is None or key < best_key:
            best, best_key = i, key
            if key == (0.0, 0.0):
                break
    if best is not None and best_key is not None and best_key[0] == 0.0:
        x0, _, x1, _ = layout.box(best)
        if x > (x0 + x1) / 2:  # past the middle of a glyph: the caret goes after it
            return best + 1
    return best


def first_at_or_below(layout: PageLayout, span: tuple[int, int], page: int, y: float) -> int | None:
    """The smallest offset on `page` whose box's top is at or below `y` (points), or None: of what
    stands below a line across the page, the first in reading order (on a two-column page, the left
    column's first whole line if it reaches that low, else the right column's)."""
    pages, b = layout.char_pages, layout.char_boxes
    for i in range(*span):
        if pages[i] == page and b[4 * i + 1] >= y - 0.5:  # half a point: a box's rounding, not a line
            return i
    return None


class PageClaims:
    """Each page's claim boxes, worked out when the page is first drawn and kept until its claims change."""

    def __init__(self, layout: PageLayout):
        self.layout = layout
        self.ranges = page_ranges(layout)
        self.highlights: dict[int, tuple[int, int, int]] = {}  # claim id -> (start, end, type index)
        self._by_page: dict[int, list[PageClaim]] = {}

    def set(self, highlights) -> None:
        """Highlights: (claim_id, start, end, type_index) rows, e.g. the reader's Highlight tuples."""
        self.highlights = {h[0]: (h[1], h[2], h[3]) for h in highlights}
        self._by_page = {}

    def update(self, changed, removed=()) -> set[int]:
        """Add, move or drop some claims; the pages to redraw."""
        dirty: set[int] = set()
        for claim_id in {*removed, *(h[0] for h in changed)}:
            old = self.highlights.pop(claim_id, None)
            if old is not None:
                dirty.update(self.pages_of(old[0], old[1]))
        for h in changed:
            self.highlights[h[0]] = (h[1], h[2], h[3])
            dirty.update(self.pages_of(h[1], h[2]))
        for page in dirty:
            self._by_page.pop(page, None)
        return dirty

    def pages_of(self, start: int, end: int) -> list[int]:
        return [p for p, (lo, hi) in enumerate(self.ranges) if lo < end and start < hi]

    def on_page(self, page: int) -> list[PageClaim]:
        """The page's claim boxes, longest claim first (so shorter, nested ones are drawn on top)."""
        cached = self._by_page.get(page)
        if cached is not None:
            return cached
        lo, hi = self.ranges[page]
        out: list[PageClaim] = []
        found = [(cid, s, e, t) for cid, (s, e, t) in self.highlights.items() if s < hi and lo < e]
        found.sort(key=lambda h: h[1] - h[2])
        for claim_id, start, end, type_index in found:
            for box_page, box in self.layout.boxes_for(max(start, lo), min(end, hi)):
                if box_page == page:
                    out.append(PageClaim(claim_id, type_index, box, start, end))
        self._by_page[page] = out
        return out

    def at(self, page: int, x: float, y: float) -> list[int]:
        """Claims whose boxes hold the point, shortest first."""
        hits = {c.claim_id: c.end - c.start for c in self.on_page(page) if _inside(c.box, x, y)}
        return sorted(hits, key=lambda cid: hits[cid])


def _inside(box: Box, x: float, y: float, slack: float = 0.5) -> bool:
    return box[0] - slack <= x <= box[2] + slack and box[1] - slack <= y <= box[3] + slack


def selection_boxes(layout: PageLayout, span: tuple[int, int], page: int, start: int, end: int) -> list[Box]:
    lo, hi = span
    return [box for p, box in layout.boxes_for(max(start, lo), min(end, hi)) if p == page]


__all__ = ["NO_PAGE", "PageClaim", "PageClaims", "first_at_or_below", "offset_near", "page_ranges", "selection_boxes"]
