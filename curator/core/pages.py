"""Where a PDF document's canonical text stands on its pages (issue 14).

A PDF is imported as one canonical text, like every document: quotes and offsets stay exact and
portable. Beside it, per document version (its SHA-256), Curator keeps the PageLayout: each page's
size and, for every character of the canonical text, the page it is on and its box. The Page view
draws claims from it and maps a selection dragged on a page back to canonical offsets.

Coordinates are PDF points on the page *as displayed* (its /Rotate applied), origin at the top left,
y growing downwards — what a renderer's bitmap and a Qt widget use, so no one flips y twice.
A character that stands on no glyph (a space or line break the import put between words, lines,
columns or pages; the join of a hyphenated word) has page NO_PAGE and an empty box.
"""

from __future__ import annotations

import zlib
from array import array
from bisect import bisect_left
from dataclasses import dataclass

NO_PAGE = 0xFFFF
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 (top-left origin, points)


@dataclass(frozen=True)
class PageLayout:
    page_sizes: tuple[tuple[float, float], ...]  # (width, height) in points, as displayed
    char_pages: array  # array("H"): per canonical character, its 0-based page or NO_PAGE
    char_boxes: array  # array("f"): 4 per canonical character: x0, y0, x1, y1

    def __post_init__(self) -> None:
        if len(self.char_boxes) != 4 * len(self.char_pages):
            raise ValueError("a PageLayout needs four box coordinates per character")

    @property
    def page_count(self) -> int:
        return len(self.page_sizes)

    def __len__(self) -> int:
        return len(self.char_pages)

    def box(self, offset: int) -> Box:
        b = self.char_boxes
        i = 4 * offset
        return (b[i], b[i + 1], b[i + 2], b[i + 3])

    def page_of(self, offset: int) -> int | None:
        """The page of the character at `offset`, or of the nearest one after it that has a page."""
        pages = self.char_pages
        for i in range(max(0, offset), len(pages)):
            if pages[i] != NO_PAGE:
                return pages[i]
        for i in range(min(offset, len(pages)) - 1, -1, -1):
            if pages[i] != NO_PAGE:
                return pages[i]
        return None

    def boxes_for(self, start: int, end: int) -> list[tuple[int, Box]]:
        """The rectangles covering text[start:end] on its pages: one per run of characters on one
        line (same page, overlapping vertically, advancing left to right), in reading order."""
        out: list[tuple[int, Box]] = []
        pages, b = self.char_pages, self.char_boxes
        for i in range(max(0, start), min(end, len(pages))):
            page = pages[i]
            if page == NO_PAGE:
                continue
            x0, y0, x1, y1 = b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3]
            if out:
                last_page, (lx0, ly0, lx1, ly1) = out[-1]
                same_line = last_page == page and y0 < ly1 and ly0 < y1 and x0 >= lx0 - 1.0
                if same_line:
                    out[-1] = (page, (min(lx0, x0), min(ly0, y0), max(lx1, x1), max(ly1, y1)))
                    continue
            out.append((page, (x0, y0, x1, y1)))
        return out

    def offset_at(self, page: int, x: float, y: float, within: tuple[int, int] | None = None) -> int | None:
        """The canonical offset of the character nearest to (x, y) on `page` (None if the page has
        none): the one whose box holds the point, else the nearest on the nearest line. `within`: the
        page's run of offsets (page_ranges), so a drag asks of one page, not the whole document."""
        pages, b = self.char_pages, self.char_boxes
        best, best_key = None, None
        for i in range(*(within or (0, len(pages)))):
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
            x0, _, x1, _ = self.box(best)
            if x > (x0 + x1) / 2:  # past the middle of a glyph: the caret goes after it
                return best + 1
        return best

    def page_ranges(self) -> list[tuple[int, int]]:
        """For each page, (first offset on it, last + 1); (n, n) for a page without characters.

        numpy (there already, for the agreement statistics) finds every page's first and last
        character in one C pass over the page numbers, in any order; a search per page took a second
        on a 300-page book."""
        import numpy

        pages = numpy.frombuffer(self.char_pages.tobytes(), dtype=numpy.uint16)
        n = len(pages)
        on_page = numpy.nonzero(pages != NO_PAGE)[0]
        numbers = pages[on_page]
        out = [(n, n)] * self.page_count
        if len(on_page):
            seen, first_at = numpy.unique(numbers, return_index=True)
            _, last_from_end = numpy.unique(numbers[::-1], return_index=True)
            for page, first, back in zip(seen.tolist(), first_at.tolist(), last_from_end.tolist()):
                if page < self.page_count:
                    out[page] = (int(on_page[first]), int(on_page[len(numbers) - 1 - back]) + 1)
        return out

    def page_starts(self) -> list[int]:
        """For each page, the canonical offset of its first character (len(text) for a page with none)."""
        return [first for first, _ in self.page_ranges()]

    def first_on_or_after(self, page: int) -> int:
        starts = self.page_starts()
        return min(starts[page:], default=len(self.char_pages))

    # -- storage ------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """A compact, versioned serialisation (zlib), stored with the document version."""
        header = array("f", [float(self.page_count)] + [v for size in self.page_sizes for v in size])
        parts = [
            b"CPL1",
            len(header).to_bytes(4, "little"),
            header.tobytes(),
            len(self.char_pages).to_bytes(4, "little"),
            self.char_pages.tobytes(),
            self.char_boxes.tobytes(),
        ]
        return zlib.compress(b"".join(parts), 6)

    @classmethod
    def from_bytes(cls, data: bytes) -> PageLayout:
        raw = zlib.decompress(data)
        if raw[:4] != b"CPL1":
            raise ValueError("not a page layout Curator wrote")
        n_header = int.from_bytes(raw[4:8], "little")
        at = 8
        header = array("f")
        header.frombytes(raw[at : at + 4 * n_header])
        at += 4 * n_header
        n_chars = int.from_bytes(raw[at : at + 4], "little")
        at += 4
        pages = array("H")
        pages.frombytes(raw[at : at + 2 * n_chars])
        at += 2 * n_chars
        boxes = array("f")
        boxes.frombytes(raw[at : at + 16 * n_chars])
        count = int(header[0])
        sizes = tuple((header[1 + 2 * k], header[2 + 2 * k]) for k in range(count))
        return cls(sizes, pages, boxes)


def page_index(starts: list[int], offset: int) -> int:
    """The page whose text holds `offset`, from page_starts() (pages without text skipped)."""
    return max(0, bisect_left(starts, offset + 1) - 1)
