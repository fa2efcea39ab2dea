"""Finding a claim's quote again in a revised text: exact, moved, fuzzy or orphaned.

exact and moved come from `anchoring.locate` and always point at text identical to the quote.
fuzzy is a *proposal*: the best-matching passage above a similarity threshold, with its score,
which a reviewer must accept before the claim moves; anything else is orphaned.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from curator.core.anchoring import Anchor, locate

FUZZY_THRESHOLD = 0.75
MIN_FUZZY_LENGTH = 12  # shorter quotes are too easily matched by unrelated text
SEED_LENGTH = 10
MAX_CANDIDATES = 200


@dataclass(frozen=True)
class Relocation:
    status: str  # exact | moved | fuzzy | orphaned
    start: int | None
    end: int | None
    score: float  # 1.0 for exact and moved, the similarity for fuzzy, 0 for orphaned


def _seeds(quote: str) -> list[tuple[int, str]]:
    """Pieces of the quote at spread offsets: where any survives, the passage may be near."""
    n = len(quote)
    k = min(SEED_LENGTH, n)
    offsets = sorted({0, n // 4, n // 2, (3 * n) // 4, n - k})
    return [(o, quote[o : o + k]) for o in offsets if quote[o : o + k].strip()]


def _align(text: str, quote: str, centre: int) -> tuple[int, int, float] | None:
    """The passage around `centre` that best matches the quote: (start, end, similarity)."""
    n = len(quote)
    lo, hi = max(0, centre - n // 2), min(len(text), centre + n + n // 2)
    window = text[lo:hi]
    matcher = SequenceMatcher(None, quote, window, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size]
    if not blocks:
        return None
    start = lo + max(0, blocks[0].b - blocks[0].a)
    end = lo + min(len(window), blocks[-1].b + blocks[-1].size + (n - blocks[-1].a - blocks[-1].size))
    if end <= start:
        return None
    score = SequenceMatcher(None, quote, text[start:end], autojunk=False).ratio()
    return start, end, score


def fuzzy_find(text: str, anchor: Anchor, threshold: float = FUZZY_THRESHOLD) -> Relocation:
    quote = anchor.exact
    if len(quote) < MIN_FUZZY_LENGTH:
        return Relocation("orphaned", None, None, 0.0)
    centres: set[int] = set()
    for offset, seed in _seeds(quote):
        at = text.find(seed)
        while at != -1 and len(centres) < MAX_CANDIDATES:
            centres.add(max(0, at - offset))
            at = text.find(seed, at + 1)
    for context, after in ((anchor.prefix[-SEED_LENGTH:], True), (anchor.suffix[:SEED_LENGTH], False)):
        if len(context.strip()) >= 4:
            at = text.find(context)
            while at != -1 and len(centres) < MAX_CANDIDATES:
                centres.add(at + len(context) if after else max(0, at - len(quote)))
                at = text.find(context, at + 1)
    best: dict[tuple[int, int], float] = {}
    for centre in centres:
        found = _align(text, quote, centre)
        if found and found[2] >= threshold:
            best[(found[0], found[1])] = max(found[2], best.get((found[0], found[1]), 0.0))
    if not best:
        return Relocation("orphaned", None, None, 0.0)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], abs(kv[0][0] - anchor.start)))
    (start, end), score = ranked[0]
    rivals = [span for span, s in ranked[1:] if s == score and not (span[0] < end and start < span[1])]
    if rivals:
        return Relocation("orphaned", None, None, 0.0)  # two different passages match equally well
    return Relocation("fuzzy", start, end, round(score, 3))


def relocate(text: str, anchor: Anchor) -> Relocation:
    match = locate(text, anchor)
    if match.kind in ("exact", "moved"):
        return Relocation(match.kind, match.start, match.end, 1.0)
    return fuzzy_find(text, anchor)
