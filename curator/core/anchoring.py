"""Quote anchors: W3C TextQuoteSelector + TextPositionSelector, and finding them again.

Shaped after Hypothesis' match-quote: try the stored position, then every exact occurrence scored
by its context; never return a location whose text differs from the quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CONTEXT_CHARS = 32


class AnchorError(ValueError):
    """A selection that cannot become an anchor."""


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class AnchorMatch:
    start: int | None
    end: int | None
    kind: str  # "exact" | "moved" | "orphaned"


def in_context(text: str, start: int, end: int, width: int = 60) -> str:
    """One line showing text[start:end] as «…» between about `width` characters either side, cut
    between words (never mid-word), with … only where the text goes on."""
    lo, hi = max(0, start - width), min(len(text), end + width)
    before, after = text[lo:start], text[end:hi]
    if lo > 0 and text[lo - 1].isalnum() and before[:1].isalnum():
        first_space = re.search(r"\s", before)
        before = before[first_space.end() :] if first_space else ""
    if hi < len(text) and text[hi].isalnum() and after[-1:].isalnum():
        spaces = list(re.finditer(r"\s", after))
        after = after[: spaces[-1].start()] if spaces else ""
    lead, trail = ("…" if lo > 0 else ""), ("…" if hi < len(text) else "")
    return " ".join(f"{lead}{before}«{text[start:end]}»{after}{trail}".split())


def make_anchor(text: str, start: int, end: int, context: int = CONTEXT_CHARS) -> Anchor:
    """Anchor text[start:end] (code points), with up to `context` characters either side."""
    if not (0 <= start < end <= len(text)):
        raise AnchorError(f"selection {start}–{end} is empty or outside the document (length {len(text)})")
    exact = text[start:end]
    if not exact.strip():
        raise AnchorError("the selection holds only white space; select the words that make the claim")
    return Anchor(
        start=start,
        end=end,
        exact=exact,
        prefix=text[max(0, start - context) : start],
        suffix=text[end : end + context],
    )


def _common_suffix_len(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b)):
        if x != y:
            break
        n += 1
    return n


def _common_prefix_len(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def locate(text: str, anchor: Anchor) -> AnchorMatch:
    """Find the anchor's quote in `text`.

    exact: the quote and its context are where they were. moved: the quote is found elsewhere and
    its context singles out one occurrence. Anything else is orphaned — a claim is never moved
    onto a passage that does not say exactly what it quoted.
    """
    if not anchor.exact:
        return AnchorMatch(None, None, "orphaned")
    if (
        text[anchor.start : anchor.end] == anchor.exact
        and text[max(0, anchor.start - len(anchor.prefix)) : anchor.start] == anchor.prefix
        and text[anchor.end : anchor.end + len(anchor.suffix)] == anchor.suffix
    ):
        return AnchorMatch(anchor.start, anchor.end, "exact")
    candidates = []
    at = text.find(anchor.exact)
    while at != -1:
        candidates.append(at)
        at = text.find(anchor.exact, at + 1)
    if not candidates:
        return AnchorMatch(None, None, "orphaned")

    def context_score(at: int) -> int:
        before = text[max(0, at - len(anchor.prefix)) : at]
        after = text[at + len(anchor.exact) : at + len(anchor.exact) + len(anchor.suffix)]
        return _common_suffix_len(before, anchor.prefix) + _common_prefix_len(after, anchor.suffix)

    scored = sorted(((context_score(at), -abs(at - anchor.start), at) for at in candidates), reverse=True)
    best = scored[0]
    if len(scored) > 1 and scored[1][0] == best[0]:
        return AnchorMatch(None, None, "orphaned")  # context cannot tell the occurrences apart
    start = best[2]
    return AnchorMatch(start, start + len(anchor.exact), "moved")
