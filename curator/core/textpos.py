"""Convert between code-point offsets (what we store) and UTF-16 offsets (what Qt uses)."""

from __future__ import annotations

import bisect
import re

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class Utf16Map:
    """Offset conversion for one text, O(log n) per lookup.

    Only characters outside the Basic Multilingual Plane (emoji, some CJK) take two UTF-16 code
    units, so the map stores where those are and nothing else.
    """

    def __init__(self, text: str):
        # Most texts have no astral character: telling so by the UTF-16 length (a C copy, ≈1 ms per MB)
        # is several times faster than a regex scan that finds nothing (≈8 ms per MB, at every opening).
        bmp_only = text.isascii() or len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text)
        self._astral = [] if bmp_only else [m.start() for m in _ASTRAL.finditer(text)]
        # UTF-16 position of each astral character
        self._astral_u16 = [i + k for k, i in enumerate(self._astral)]
        self.length = len(text)
        self.length_u16 = len(text) + len(self._astral)

    def to_utf16(self, offset: int) -> int:
        return offset + bisect.bisect_left(self._astral, offset)

    def from_utf16(self, position: int) -> int:
        """Return the code-point offset at a UTF-16 position (inside a surrogate pair: its start)."""
        before = bisect.bisect_left(self._astral_u16, position)
        if before and self._astral_u16[before - 1] == position - 1:
            # position points between the two halves of a pair: snap back to the character
            return self._astral[before - 1]
        return position - before
