"""Where a PDF document's claims and characters stand on its pages, fast enough to ask per paint
and per mouse move. Pure Python (no Qt): the Page view draws from it and its tests check it.

Each page's run of offsets is found once (PageLayout.page_ranges) and questions are asked of that
run only: PageLayout.offset_at over the whole document takes ≈ 0.1 s on a 300-page book, too slow for
a drag. A page's characters are one run of the canonical text, as the import makes them.
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
        self.ranges = layout.page_ranges()
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


__all__ = ["NO_PAGE", "PageClaim", "PageClaims", "first_at_or_below", "selection_boxes"]
