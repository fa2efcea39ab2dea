"""Find a quote pasted from elsewhere in a document, forgiving what copy-paste does to text.

Spreadsheets, word processors and e-mail turn non-breaking spaces into spaces, straighten or curl
quotation marks, swap hyphen variants and re-wrap lines. Both texts are folded the same way, with a
map from every folded character back to the original, so a match is always reported in the
document's own code-point offsets and the stored quote is the document's own text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "«": '"',
        "»": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00ad": "",
        "\u2026": "...",
    }
)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class QuoteMatch:
    kind: str  # "found" | "ambiguous" | "not_found"
    start: int | None = None
    end: int | None = None
    count: int = 0


class FoldedText:
    """A document folded for searching, with the original offset of every folded character."""

    def __init__(self, text: str):
        self.text = text
        chars: list[str] = []
        origin: list[int] = []
        pending_space = False
        for i, ch in enumerate(text):
            if ch.isspace():
                pending_space = bool(chars)
                continue
            folded = ch.translate(_FOLD)
            if not folded:
                continue
            if pending_space:
                chars.append(" ")
                origin.append(i - 1)
                pending_space = False
            chars.extend(folded)
            origin.extend([i] * len(folded))
        self.folded = "".join(chars)
        self.origin = origin

    def find(self, quote: str, near: int | None = None) -> QuoteMatch:
        """The unique occurrence of `quote`; with several, the one starting at `near` if any does."""
        needle = fold(quote)
        if not needle:
            return QuoteMatch("not_found")
        hits = []
        at = self.folded.find(needle)
        while at != -1:
            hits.append(at)
            at = self.folded.find(needle, at + 1)
        if not hits:
            return QuoteMatch("not_found")
        spans = [(self.origin[h], self.origin[h + len(needle) - 1] + 1) for h in hits]
        if len(spans) > 1:
            at_hint = [s for s in spans if s[0] == near]
            if len(at_hint) != 1:
                return QuoteMatch("ambiguous", count=len(spans))
            spans = at_hint
        start, end = spans[0]
        return QuoteMatch("found", start, end, 1)


def fold(text: str) -> str:
    """`text` as FoldedText sees it: one space for any run of white space, plain quotes and hyphens."""
    return _SPACE.sub(" ", text.translate(_FOLD)).strip()


def same_quote(a: str, b: str) -> bool:
    return a == b or fold(a) == fold(b)
