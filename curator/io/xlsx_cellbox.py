"""The box of cells a worksheet part makes python-calamine allocate, bounded before calamine sees it.

calamine places a `<c>` by its last `r` attribute (letters in either case, any length, any number of
digits) or, without one, one column right of the cell before it in the row, on the row its `<row r>`
or the rows before it give; then it allocates the box from the topmost-leftmost to the
bottommost-rightmost cell at once (one cell at XFD1048576 is 550 GB, and a duplicated `r` or a
lower-case reference places it just as well).

Reading every reference with a Python call (or a regex over every byte that tries `\\s` first) cost
five times calamine's own read of a 100,000-claim sheet. Almost every workbook writes each cell as
`<c r="…"` with one reference, so `feed` works in three tiers, each only when the one before cannot
answer: (1) tags counted in C, the cells' leading references marked, no other reference left, and one
search finding no reference outside the box of the chunk's first and last rows: no Python per cell;
(2) every reference read by one pattern that starts with a literal, when each cell has exactly one;
(3) anything else (cells without `r`, a prefix such as `<x:c`, reference-like text in a cell) walked
tag by tag as calamine walks it.
"""

from __future__ import annotations

import re
import zipfile
from operator import itemgetter

CHUNK = 1 << 22
MAX_RUN = 1 << 24  # 16 MB without a "<": no cell's text is that long (Excel holds 32,767 characters)


class CellBoxError(ValueError):
    """The part cannot be cut into whole tags."""


# Whitespace, "/" and ">" all read as one space, so each cell tag starts "<c " and a reference reads
# 'r="…"' or "r = '…'" whichever of XML's spaces surround it. No space is required before the "r":
# calamine takes <c r="A1"r="XFD1"> as XFD1.
_SPACES = bytes.maketrans(b"\t\n\r\f\v/>", b"       ")
_REF = re.compile(rb"""r *= *["']([A-Za-z]+)([0-9]+)["']""")
_MARKED = re.compile(rb'<c R="([A-Za-z]+)([0-9]+)"')  # a cell's leading reference, once marked
SEED = 1 << 16  # the first and last rows of a chunk, whose cells give the box the search then checks
MAX_NAMED_COLUMNS = 1000  # wider boxes are read reference by reference
_FIRST = itemgetter(0)
_SECOND = itemgetter(1)
# The slow path: one match per <row>, </row> or <c> tag (any namespace prefix), quotes respected.
_TAG = re.compile(rb"""<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>""")
_R_ATTR = re.compile(rb"""(?<![\w:.-])r\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_POSITION = re.compile(rb"([A-Za-z]*)([0-9]+)")


def column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ch - 64
    return number


class CellBox:
    """The extent of the cells of one worksheet part, fed its XML in order, chunk by chunk."""

    def __init__(self):
        self.columns: set[bytes] = set()  # letters, as found (either case)
        self.rows: set[bytes] = set()  # digits, as found
        self.points: list[tuple[int, int]] = []  # (row, column) of cells placed by counting
        self.walking = False  # a chunk did not fit the fast path: every later one is walked too
        self.row = 0  # calamine's position while walking (0-based)
        self.column = 0

    def feed(self, data: bytes) -> None:
        if not self.walking:
            spaced = data.translate(_SPACES)
            tags = spaced.count(b"<c ")
            starting = spaced.count(b'<c r="')
            if tags == starting and b":c " not in spaced:
                # Every cell tag starts with a reference. Marked, those leave no lower-case "r" reference: if
                # none is left, each cell has that one reference, and one search can bound them all.
                marked = spaced.replace(b'<c r="', b'<c R="')
                if _REF.search(marked) is None and self._bound(marked, tags):
                    return
            found = _REF.findall(spaced)
            if starting != tags:
                starting += spaced.count(b"<c r='")
            # one reference per <c> tag, each tag starting with it: every cell is placed by that reference
            if tags == len(found) == starting and b":c " not in spaced:
                if found:
                    self.columns.update(map(_FIRST, found))
                    self.rows.update(map(_SECOND, found))
                return
            self.walking = True
        self._walk(data)

    def _bound(self, marked: bytes, tags: int) -> bool:
        """Bound the marked references by the box of the first and last rows' (one search finding none
        outside it); False if one is outside, or anything is unusual (the caller then reads them all)."""
        if not tags:
            return True
        seeds = _MARKED.findall(marked, 0, SEED) + _MARKED.findall(marked, max(0, len(marked) - SEED))
        if not seeds or any(not letters.isupper() or digits[:1] == b"0" for letters, digits in seeds):
            return False
        columns = [column_number(letters) for letters, _ in seeds]
        rows = [int(digits) for _, digits in seeds]
        left, right, top, bottom = min(columns), max(columns), min(rows), max(rows)
        if right - left >= MAX_NAMED_COLUMNS or bottom > 10**9:
            return False
        names = [column_letters(n).encode() for n in range(left, right + 1)]
        outside = re.compile(
            rb'<c R="(?!(?:' + _trie(names) + rb")(?:" + numbers_between(top, bottom).encode() + rb')")'
        )
        if outside.search(marked):
            return False
        self.columns.update((names[0], names[-1]))
        self.rows.update((str(top).encode(), str(bottom).encode()))
        return True

    def _walk(self, data: bytes) -> None:
        for m in _TAG.finditer(data):
            closing, name, attributes = m.groups()
            if name == b"row":
                if closing:
                    self.row, self.column = self.row + 1, 0
                    continue
                value = _last_r(attributes)
                position = _POSITION.fullmatch(value) if value is not None else None
                if position:
                    self.row = int(position.group(2)) - 1
                if attributes.rstrip().endswith(b"/"):  # <row/>: calamine reads it as opened and closed
                    self.row, self.column = self.row + 1, 0
                continue
            if closing:
                continue
            placed = False
            for value in _R_ATTR.findall(attributes):
                position = _POSITION.fullmatch(value[0] or value[1])
                if position and position.group(1):
                    self.columns.add(position.group(1))
                    self.rows.add(position.group(2))
                    self.column = column_number(position.group(1)) - 1  # the row stays the <row>'s
                    placed = True
            if not placed:
                self.points.append((self.row + 1, self.column + 1))
            self.column += 1

    def extent(self) -> tuple[int, int, int, int] | None:
        """(top, left, bottom, right), 1-based, or None for a part without cells."""
        if not self.columns and not self.points:
            return None
        numbers = [column_number(letters) for letters in self.columns] + [c for _, c in self.points]
        rows = [int(digits) for digits in self.rows] + [r for r, _ in self.points]
        return min(rows), min(numbers), max(rows), max(numbers)


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _trie(names: list[bytes]) -> bytes:
    """A pattern matching exactly `names` (upper-case letters), branching letter by letter."""
    by_first: dict[bytes, list[bytes]] = {}
    for name in names:
        if name:
            by_first.setdefault(name[:1], []).append(name[1:])
    singles = [first for first, rests in by_first.items() if rests == [b""]]
    parts = [b"[" + b"".join(sorted(singles)) + b"]"] if singles else []
    parts += [first + b"(?:" + _trie(rests) + b")" for first, rests in sorted(by_first.items()) if rests != [b""]]
    body = b"|".join(parts)
    return b"(?:" + body + b")?" if b"" in names else body


def numbers_between(low: int, high: int) -> str:
    """A pattern matching the decimal numbers from low to high (1 <= low <= high), no leading zeros."""
    parts = []
    while low <= high:
        top = min(high, 10 ** len(str(low)) - 1)
        parts.append(_same_length(str(low), str(top)))
        low = top + 1
    return "|".join(reversed(parts))  # the longest first: most rows of a large sheet have the most digits


def _same_length(low: str, high: str) -> str:
    if len(low) == 1:
        return f"[{low}-{high}]"
    if low[0] == high[0]:
        return low[0] + "(?:" + _same_length(low[1:], high[1:]) + ")"
    rest = len(low) - 1
    parts = [low[0] + "(?:" + _same_length(low[1:], "9" * rest) + ")"]
    if int(low[0]) + 1 <= int(high[0]) - 1:
        parts.append(f"[{int(low[0]) + 1}-{int(high[0]) - 1}][0-9]{{{rest}}}")
    parts.append(high[0] + "(?:" + _same_length("0" * rest, high[1:]) + ")")
    return "|".join(parts)


def _last_r(attributes: bytes) -> bytes | None:
    found = _R_ATTR.findall(attributes)
    return (found[-1][0] or found[-1][1]) if found else None


def cell_box(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> tuple[int, int, int, int] | None:
    """The extent of the member's cells, read in chunks cut just before a "<" so no tag is split."""
    box = CellBox()
    carry = b""
    with archive.open(member) as part:  # bounded by the declared size, which check_zip bounded
        while chunk := part.read(CHUNK):
            data = carry + chunk
            cut = data.rfind(b"<")
            if cut > 0:
                box.feed(data[:cut])
                carry = data[cut:]
            elif len(data) > MAX_RUN:
                raise CellBoxError(f"{len(data):,} bytes without a tag")
            else:
                carry = data
    if carry:
        box.feed(carry)
    return box.extent()
