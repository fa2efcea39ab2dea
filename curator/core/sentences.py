"""Grow a selection to the sentence or clause around it: one key instead of a careful drag.

Sentence ends are `.`, `!`, `?` (with any closing quotes or brackets) followed by white space, and
line breaks. A full stop is not an end after a common abbreviation ("e.g.", "et al.", "Fig."), an
initial ("J. Smith") or inside a number ("0.85"). Clauses are the pieces of a sentence between
`,` `;` `:` dashes and brackets. The result never starts or ends with white space.
"""

from __future__ import annotations

import re

ABBREVIATIONS = frozenset(
    [
        "e.g",
        "i.e",
        "et",
        "al",
        "etc",
        "vs",
        "cf",
        "fig",
        "figs",
        "ref",
        "refs",
        "no",
        "nos",
        "approx",
        "ca",
        "dr",
        "mr",
        "mrs",
        "ms",
        "prof",
        "st",
        "vol",
        "pp",
        "eq",
        "eqs",
        "sp",
        "spp",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
_CANDIDATE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|\n")
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]\u2013\u2014]|\s-\s")


WORD_WINDOW = 64  # longer than any abbreviation the list above holds


def _is_sentence_end(text: str, match: re.Match) -> bool:
    if match.group() == "\n":
        return True
    if not match.group().startswith("."):
        return True
    # the word before the full stop: a window, not the whole text before it (that made splitting a
    # long document quadratic — seconds for 200 KB)
    before = text[max(0, match.start() - WORD_WINDOW) : match.start()]
    word = re.search(r"([A-Za-z][A-Za-z.]*)$", before)
    if word is None:
        return True
    token = word.group(1).rstrip(".").lower()
    if token in ABBREVIATIONS:
        return False
    return not (len(token) == 1 and word.group(1)[0].isupper())  # an initial: "J. Smith"


def _sentence_bounds(text: str) -> list[int]:
    """Offsets where sentences end (exclusive), in order, with the text's end last."""
    ends = [m.end() for m in _CANDIDATE_END.finditer(text) if _is_sentence_end(text, m)]
    if not ends or ends[-1] != len(text):
        ends.append(len(text))
    return ends


def sentence_bounds(text: str) -> list[int]:
    """Where the text's sentences end (exclusive offsets, in order, the text's end last)."""
    return _sentence_bounds(text)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence(s) that the selection [start, end) touches; a caret (start == end) picks one."""
    if not text:
        return 0, 0
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    ends = _sentence_bounds(text)
    lo = 0
    for e in ends:
        if e > start or e == len(text):
            break
        lo = e
    last = end if end > start else start + 1
    hi = next((e for e in ends if e >= last), len(text))
    span = _trim(text, lo, hi)
    return span if span[1] > span[0] else (start, end)


def clause_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The clause(s) around the selection, inside its sentence."""
    s_lo, s_hi = sentence_span(text, start, end)
    start, end = max(start, s_lo), min(max(end, start), s_hi)
    lo = s_lo
    for m in _CLAUSE_BREAK.finditer(text, s_lo, s_hi):
        if m.end() <= start:
            lo = m.end()
    hi = s_hi
    for m in _CLAUSE_BREAK.finditer(text, max(end, start + 1) if end == start else end, s_hi):
        hi = m.start()
        break
    # a clause keeps its closing full stop only if it reaches the sentence's end
    span = _trim(text, lo, hi)
    return span if span[1] > span[0] else (s_lo, s_hi)
