"""HTML to canonical text plus style ranges, with the standard library's tokenizer.

Source HTML is never handed to Qt's rich-text engine: it reads local files (`<img src="file:…">`,
`/dev/zero` aborts the process) and honours raw HTML in Markdown. Here nothing is fetched or
opened: scripts, styles and embedded objects are dropped, images are reduced to their alt text,
and links are kept as style ranges that the reader shows but never follows.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from curator.core.styles import StyleRange

BLOCKS = {
    "p",
    "div",
    "section",
    "article",
    "header",
    "footer",
    "main",
    "aside",
    "nav",
    "blockquote",
    "pre",
    "ul",
    "ol",
    "li",
    "table",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "figure",
    "figcaption",
    "dl",
    "dt",
    "dd",
    "hr",
    "address",
    "form",
    "fieldset",
    "details",
    "summary",
}
SKIPPED = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "math",
    "iframe",
    "object",
    "embed",
    "canvas",
    "video",
    "audio",
    "head",
    "select",
    "button",
}
INLINE_KINDS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "cite": "italic",
    "code": "code",
    "kbd": "code",
    "samp": "code",
    "a": "link",
}
_SPACES = re.compile(r"[ \t\n\r\f]+")


class _Converter(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0
        self.styles: list[StyleRange] = []
        self.open: list[tuple[str, int, str]] = []  # (tag, start, data)
        self.skip_depth = 0
        self.pre_depth = 0
        self.title = ""
        self._in_title = False

    # -- text ----------------------------------------------------------------------------------
    def _emit(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.length += len(text)

    def _tail(self) -> str:
        return self.parts[-1][-1] if self.parts else "\n"

    def _break(self, blank: bool = False) -> None:
        """End the current line (and leave a blank line after paragraphs)."""
        while self.parts and self.parts[-1].endswith(" "):
            last = self.parts.pop()
            self.length -= len(last)
            self._emit(last.rstrip(" "))
        if not self.parts:
            return
        text = "".join(self.parts[-2:])
        wanted = "\n\n" if blank else "\n"
        have = len(text) - len(text.rstrip("\n"))
        self._emit(wanted[have:] if have < len(wanted) else "")

    # -- parser callbacks ----------------------------------------------------------------------
    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in_title = True
        if tag in SKIPPED:
            self.skip_depth += 1
            return
        if self.skip_depth:
            return
        if tag == "br":
            self._emit("\n")
            return
        if tag == "img":
            alt = (attrs.get("alt") or "").strip()
            if alt:
                self._emit(f"[{alt}]")
            return
        if tag in BLOCKS:
            self._break(
                blank=tag in {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "pre"}
            )
        if tag == "li":
            self._emit("• ")
        if tag == "pre":
            self.pre_depth += 1
        if tag in {"td", "th"} and self._tail() not in "\n\t":
            self._emit("\t")
        data = (attrs.get("href") or "") if tag == "a" else ""
        self.open.append((tag, self.length, data))

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag in SKIPPED:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if self.skip_depth:
            return
        for i in range(len(self.open) - 1, -1, -1):
            if self.open[i][0] == tag:
                _, start, data = self.open.pop(i)
                self._close(tag, start, data)
                break
        if tag == "pre":
            self.pre_depth = max(0, self.pre_depth - 1)
        if tag in BLOCKS:
            self._break(
                blank=tag in {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "pre"}
            )

    def _close(self, tag: str, start: int, data: str) -> None:
        end = self.length
        for part in reversed(self.parts):  # trailing white space is not part of the styled span
            kept = part.rstrip(" \n\t")
            end -= len(part) - len(kept)
            if kept or end <= start:
                break
        if end <= start:
            return
        if re.fullmatch(r"h[1-6]", tag):
            self.styles.append(StyleRange(start, end, f"heading{tag[1]}"))
        elif tag == "li":
            self.styles.append(StyleRange(start, end, "list_item"))
        elif tag == "blockquote":
            self.styles.append(StyleRange(start, end, "quote"))
        elif tag in INLINE_KINDS:
            self.styles.append(StyleRange(start, end, INLINE_KINDS[tag], data))

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self.skip_depth:
            return
        if self.pre_depth:
            self._emit(data)
            return
        text = _SPACES.sub(" ", data)
        if self._tail() in "\n\t " and text.startswith(" "):
            text = text[1:]
        self._emit(text)


def html_to_text(source: str) -> tuple[str, list[StyleRange], str]:
    """(canonical text, style ranges, the <title>) of an HTML document."""
    converter = _Converter()
    converter.feed(source)
    converter.close()
    text = "".join(converter.parts)
    stripped = text.rstrip()
    lead = len(text) - len(text.lstrip("\n"))
    text = stripped[lead:]
    styles = [
        StyleRange(r.start - lead, min(r.end - lead, len(text)), r.kind, r.data)
        for r in converter.styles
        if r.end - lead > 0 and r.start - lead < len(text)
    ]
    return text + "\n", sorted(styles), " ".join(converter.title.split())
