"""Style ranges over a document's canonical text: what the reader shows as headings, emphasis,
lists, links, markup and site chrome. The text itself is never changed by styling.

A Markdown (or plain-text) source keeps its markup characters in the canonical text, so every
offset is also an offset into the file; the markup is merely dimmed. HTML and Word sources are
converted to text by their importers, which produce these ranges themselves.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from dataclasses import dataclass

HEADING_KINDS = tuple(f"heading{n}" for n in range(1, 7))
KINDS = (*HEADING_KINDS, "bold", "italic", "code", "list_item", "link", "markup", "chrome", "quote")

# Lines that belong to a web page's frame rather than its content.
CHROME_LINES = {
    "advertisement",
    "register",
    "register for free",
    "top of page",
    "bottom of page",
    "home",
    "skip to main content",
    "menu",
    "share",
    "print",
    "subscribe",
    "sign in",
    "log in",
}
BREADCRUMB = re.compile(r"^\s*\d+\.\s+\S")


@dataclass(frozen=True, order=True)
class StyleRange:
    start: int
    end: int
    kind: str
    data: str = ""  # a link's target; empty otherwise


def is_chrome(line: str) -> bool:
    bare = line.strip().rstrip(".…").casefold()
    return bare in CHROME_LINES or bool(BREADCRUMB.match(line))


def dumps(ranges: list[StyleRange] | tuple[StyleRange, ...]) -> str:
    return json.dumps([[r.start, r.end, r.kind, r.data] for r in sorted(ranges)], ensure_ascii=False) if ranges else ""


def loads(stored: str) -> list[StyleRange]:
    if not stored:
        return []
    return [StyleRange(int(s), int(e), str(k), str(d)) for s, e, k, d in json.loads(stored)]


def chrome_styles(text: str) -> list[StyleRange]:
    """Site-chrome lines ("advertisement", breadcrumbs …), to be shown dimmed."""
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip() and is_chrome(line):
            out.append(StyleRange(pos, pos + len(line), "chrome"))
        pos += len(line) + 1
    return out


_HEADING = re.compile(r"^(#{1,6})([ \t]+)(.*?)[ \t#]*$")
_LIST = re.compile(r"^([ \t]*)([-*+•]|\d{1,3}[.)])[ \t]+")
_QUOTE = re.compile(r"^>[ \t]?")
_RULE = re.compile(r"^[ \t]*(?:-{3,}|\*{3,}|_{3,})[ \t]*$")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC = re.compile(r"(?<![*\w])([*_])(?=[^\s*_])(.+?)(?<=[^\s*_])\1(?![*\w])")
_CODE = re.compile(r"(`+)(.+?)\1")
_LINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
_URL = re.compile(r"https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"]")


_FOUND: OrderedDict[str, tuple[StyleRange, ...]] = OrderedDict()  # text -> its ranges, most recent last
_FOUND_KEPT = 8


def text_styles(text: str) -> list[StyleRange]:
    """Style ranges for Markdown or plain text, found in place (the markup stays in the text).

    Opening a document derives them again each time (they are not stored for text and Markdown):
    the last few texts' ranges are kept, keyed by the text itself, so a document opened again is
    styled without a second pass over it, and a new version of it is never styled as the old one."""
    found = _FOUND.get(text)
    if found is None:
        found = _FOUND[text] = tuple(_text_styles(text))
        if len(_FOUND) > _FOUND_KEPT:
            _FOUND.popitem(last=False)
    else:
        _FOUND.move_to_end(text)
    return list(found)


def _text_styles(text: str) -> list[StyleRange]:
    out: list[StyleRange] = []
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        _line_styles(line, pos, out)
        pos = end + 1
    return sorted(out)


def _line_styles(line: str, base: int, out: list[StyleRange]) -> None:
    if not line.strip():
        return
    if is_chrome(line):
        out.append(StyleRange(base, base + len(line), "chrome"))
        return
    if _RULE.match(line):
        out.append(StyleRange(base, base + len(line), "markup"))
        return
    m = _HEADING.match(line)
    if m:
        level = len(m.group(1))
        body = m.start(3)
        out.append(StyleRange(base, base + body, "markup"))
        out.append(StyleRange(base + body, base + len(line), f"heading{level}"))
        _inline(line, base, body, out)
        return
    m = _LIST.match(line)
    if m:
        out.append(StyleRange(base, base + len(line), "list_item"))
    m_quote = _QUOTE.match(line)
    if m_quote:
        out.append(StyleRange(base, base + m_quote.end(), "markup"))
        out.append(StyleRange(base + m_quote.end(), base + len(line), "quote"))
    _inline(line, base, 0, out)


def _inline(line: str, base: int, skip: int, out: list[StyleRange]) -> None:
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return a >= skip and all(b <= x or a >= y for x, y in taken)

    # Each pattern needs characters that most lines of prose do not hold: a line without them skips it.
    for m in _CODE.finditer(line) if "`" in line else ():
        if free(m.start(), m.end()):
            taken.append((m.start(), m.end()))
            out += [
                StyleRange(base + m.start(), base + m.start(2), "markup"),
                StyleRange(base + m.start(2), base + m.end(2), "code"),
                StyleRange(base + m.end(2), base + m.end(), "markup"),
            ]
    for m in _LINK.finditer(line) if "](" in line else ():
        if free(m.start(), m.end()):
            taken.append((m.start(), m.end()))
            out += [
                StyleRange(base + m.start(), base + m.start(1), "markup"),
                StyleRange(base + m.start(1), base + m.end(1), "link", m.group(2)),
                StyleRange(base + m.end(1), base + m.end(), "markup"),
            ]
    for m in _URL.finditer(line) if "://" in line else ():
        if free(m.start(), m.end()):
            taken.append((m.start(), m.end()))
            out.append(StyleRange(base + m.start(), base + m.end(), "link", m.group(0)))
    if "*" not in line and "_" not in line:
        return
    for pattern, kind in ((_BOLD, "bold"), (_ITALIC, "italic")):
        for m in pattern.finditer(line):
            if m.start() < skip or any(
                x < m.end() and m.start() < y and not (x >= m.start() and y <= m.end()) for x, y in taken
            ):
                continue  # never across a code span or link
            out += [
                StyleRange(base + m.start(), base + m.start(2), "markup"),
                StyleRange(base + m.start(2), base + m.end(2), kind),
                StyleRange(base + m.end(2), base + m.end(), "markup"),
            ]
