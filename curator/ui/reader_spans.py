"""Where the reader's claims fall among its blocks, found from the text alone: the canonical text's
own line breaks give the blocks setPlainText will make, so the index of claim spans per block is
built before the text is in the document and costs no layout.

Claims are stored in code points and Qt counts UTF-16 code units: spans are in UTF-16 (as the
block layouts are), block look-ups in code points (as the text's line breaks are).
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from typing import NamedTuple

from curator.core.textpos import Utf16Map

_BLOCK_BREAK = re.compile("[\n\u2029]")  # where setPlainText starts a new block

Span = tuple[int, int, int, int]  # (claim, UTF-16 start, UTF-16 end, type index)


class Highlight(NamedTuple):
    """A claim as the reader paints it. A tuple, not a dataclass: a busy document makes 10,000 of
    them on every opening, and a frozen dataclass takes three times as long to make."""

    claim_id: int
    start: int  # code points
    end: int
    type_index: int = -1  # position of the claim's type among the codebook's types; -1: none


def block_starts(text: str) -> list[int]:
    """Where setPlainText starts each block: after every line or paragraph separator."""
    if "\u2029" in text:
        return [0] + [m.end() for m in _BLOCK_BREAK.finditer(text)]
    starts, find = [0], text.find  # a loop of find calls: a twentieth of the regular expression's time
    at = find("\n")
    while at >= 0:
        starts.append(at + 1)
        at = find("\n", at + 1)
    return starts


def blocks_of(starts: list[int], h: Highlight) -> range:
    """The numbers of the blocks a claim touches."""
    first = bisect.bisect_right(starts, h.start) - 1
    last = bisect.bisect_right(starts, max(h.start, h.end - 1)) - 1
    return range(first, last + 1)


def span_of(text_map: Utf16Map, h: Highlight) -> Span:
    return (h.claim_id, text_map.to_utf16(h.start), text_map.to_utf16(h.end), h.type_index)


def spans_by_block(starts: list[int], text_map: Utf16Map, highlights: list[Highlight]) -> dict[int, list[Span]]:
    """Claim spans per block, longest first, so a claim nested inside another stays visible on top."""
    by_block: dict[int, list] = defaultdict(list)
    after = bisect.bisect_right
    ends = [*starts[1:], text_map.length + 1]  # where each block's next one starts
    # a text without astral characters has the same offsets in UTF-16 (most texts: no look-ups)
    same = text_map.length == text_map.length_u16
    for h in sorted(highlights, key=lambda h: h.start - h.end):
        _, start, end, _ = h
        span = h if same else span_of(text_map, h)  # a Highlight is the span itself when offsets agree
        first = after(starts, start) - 1
        if end <= ends[first]:  # most claims stay within one paragraph: one look-up
            by_block[first].append(span)
        else:
            for number in range(first, after(starts, end - 1)):
                by_block[number].append(span)
    return dict(by_block)
