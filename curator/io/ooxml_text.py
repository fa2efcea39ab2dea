"""Cell text through OOXML's own escape, so every character a claim can hold survives a workbook.

XML 1.0 cannot carry most control characters (a form feed pasted from a PDF, a vertical tab, ESC),
nor U+FFFE/U+FFFF. OOXML's ST_Xstring writes such a character as `_xHHHH_` (its UTF-16 code unit in
hex) and a literal `_x` that would read as an escape as `_x005F_x`. Excel and LibreOffice write
cells this way, and python-calamine (our reader) decodes it in shared and inline strings alike
(tests/test_round_trip_text.py pins that), so the importer gets the original text back and must not
decode a second time. A CR is escaped too: an XML parser turns a raw CR into LF.

What no database can store (NUL, a lone surrogate) is refused on import, naming row and column
(curator.core.claims.unstorable_text).
"""

from __future__ import annotations

import re

# Control characters outside XML 1.0's Char production, plus CR (which XML parsers normalise to LF).
_NEEDS_ESCAPE = re.compile("[\x00-\x08\x0b\x0c\x0d\x0e-\x1f]")
# No way through: a lone surrogate has no UTF-8 form, and python-calamine leaves `_xFFFE_`/`_xFFFF_`
# (noncharacters, outside XML's Char too) undecoded, so writing them escaped would change the text.
_UNWRITABLE = re.compile("[\ud800-\udfff\ufffe\uffff]")
# A literal that a reader would take for an escape: `_x` + four hex digits + `_` (any case).
_LOOKS_ESCAPED = re.compile("_(?=x[0-9A-Fa-f]{4}_)")


def escape(text: str) -> tuple[str, int]:
    """`text` as an ST_Xstring, and how many characters no workbook can carry were replaced by U+FFFD.

    Those are lone surrogates (Curator refuses them on the way in, so only text written by another
    program holds one) and the noncharacters U+FFFE/U+FFFF; the CSV and JSON-LD exports keep them."""
    text = _LOOKS_ESCAPED.sub("_x005F_", text)
    text = _NEEDS_ESCAPE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return _UNWRITABLE.subn("\ufffd", text)


def needs_escape(text: str) -> bool:
    """Whether escape() would change `text` (the common case is no, and this is a fast check)."""
    return "_x" in text or bool(_NEEDS_ESCAPE.search(text) or _UNWRITABLE.search(text))


def fitting_prefix(text: str, budget: int) -> int:
    """How many characters of `text` escape to at most `budget` characters (openpyxl cuts a longer
    cell blindly, which could leave half an escape such as `_x00`)."""
    low, high = 0, min(len(text), budget)
    while low < high:  # escaping only lengthens, and a longer start never escapes shorter
        mid = (low + high + 1) // 2
        if len(escape(text[:mid])[0]) <= budget:
            low = mid
        else:
            high = mid - 1
    return low
