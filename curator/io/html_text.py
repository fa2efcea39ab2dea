"""HTML to canonical text plus style ranges, through the HTML5 parsing algorithm (lexbor, via selectolax).

Source HTML is never handed to Qt's rich-text engine: it reads local files (`<img src="file:…">`,
`/dev/zero` aborts the process) and honours raw HTML in Markdown. Here nothing is fetched or
opened: scripts, styles and embedded objects are dropped, images are reduced to their alt text,
and links are kept as style ranges that the reader shows but never follows.

The tree is the one a browser builds (void elements, implied end tags, a `<head>` left open), so
no tag bookkeeping lives here. The HTML5 algorithm itself costs time in proportion to the depth of
its stack of open elements for every misnested end tag, and re-opens every still-active formatting
element at each new paragraph: 100,000 unclosed `<b>` then 100,000 `</i>` is quadratic in any
conforming parser. Browsers cap the tree's depth for that reason (Blink at 512); lexbor does not, so
`bounded_html` caps it before lexbor sees the bytes, in one linear pass.
"""

from __future__ import annotations

import re
from collections import Counter

from selectolax.lexbor import LexborHTMLParser, LexborNode

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
PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "blockquote", "pre"}
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

# -- the depth cap --------------------------------------------------------------------------------
# A model of the parser's stack that may be deeper than lexbor's, never shallower: it pops only
# where the HTML5 algorithm certainly pops at least as much. Start tags that would take it past
# MAX_DEPTH, and formatting tags past MAX_FORMATTING still awaiting their end tag, are left out;
# their text stays. Real pages stay far below both (a deep news page nests about 40 elements).
MAX_DEPTH = 256
MAX_FORMATTING = 8
_SEARCH = 48  # how far down an end tag looks for its element; past that the model keeps it open
# lexbor re-walks a <select>'s options for each new one (quadratic: 20,000 options take 4 s); a
# select's text is never kept, so options past this many in a document are left out.
MAX_OPTIONS = 1000


def _set(words: str) -> set[str]:
    return set(words.split())


VOID = _set("area base basefont bgsound br col embed frame hr image img input keygen link meta param source track wbr")
FORMATTING = _set("a b big code em font i nobr s small strike strong tt u")
# Elements that stop an end tag's search (HTML5 "special" elements, foreign integration points too).
SPECIAL = VOID | _set(
    "address applet article aside blockquote body button caption center colgroup dd details dialog dir div dl dt"
    " fieldset figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 head header hgroup html iframe li listing"
    " main marquee menu nav noembed noframes noscript object ol p plaintext pre script search section select style"
    " summary table tbody td template textarea tfoot th thead title tr ul xmp svg math foreignobject desc mi mo mn"
    " ms mtext annotation-xml"
)
# Elements that end an end tag's scope: HTML5's "in scope" and its narrower variants.
_SCOPE = _set(
    "applet caption html table td th marquee object template svg math foreignobject desc title mi mo mn ms mtext"
    " annotation-xml"
)
_BUTTON_SCOPE = _SCOPE | {"button"}
_LIST_SCOPE = _SCOPE | {"ol", "ul"}
_LI_STOPS = SPECIAL - {"address", "div", "p"}  # where a new <li> stops looking for an open one
_TABLE_PARTS = _set("table tbody thead tfoot tr td th caption colgroup")
_TABLE_SCOPE = {"html", "table", "template"}
_MARKERS = ("td", "th", "caption", "applet", "marquee", "object", "template")  # the formatting list's markers
# Start tags that close an element of these names when it is the innermost one.
_CLOSES = {
    "option": {"option"},
    "optgroup": {"option", "optgroup"},
    "tr": {"tr", "td", "th"},
    "td": {"td", "th"},
    "th": {"td", "th"},
}
_CLOSES_P = (BLOCKS - {"tr"}) | _set("dir menu hgroup search center dialog listing xmp plaintext")
# Raw text: markup inside is text. Only outside <svg>/<math>, where these are ordinary elements.
_RAW = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes")
_NAME = re.compile(r"[a-zA-Z][^\t\n\f\r />]*")
# The rest of a tag, linear: possessive, so an unclosed quote fails at once instead of backtracking.
_TAG_REST = re.compile(r"(?:[^>=]|=[\t\n\f\r ]*+(?>\"[^\"]*\"|'[^']*'|))*+>")


def bounded_html(source: str) -> str:
    """`source` less the start tags that would nest lexbor's tree past the caps (usually none)."""
    model = _Model()
    kept: list[str] = []
    copied = pos = 0
    while (pos := source.find("<", pos)) != -1:
        start = pos
        pos = _skip_markup(source, pos)
        if pos < 0:
            break
        if pos > start:
            continue
        closing = source.startswith("/", start + 1)
        m = _NAME.match(source, start + 2 if closing else start + 1)
        if not m:
            pos = start + 1
            continue
        rest = _TAG_REST.match(source, m.end())
        if not rest:
            break  # a tag running to the end of the file: the parser drops it and everything after
        pos = rest.end()
        name = m.group().lower()
        if closing:
            model.close(name)
        elif not model.open(name, source[m.end() : pos - 1].strip(" \t\n\r\f/")):
            kept.append(source[copied:start])
            copied = pos
        elif name in _RAW and not (model.names["svg"] or model.names["math"]):
            end = re.compile(rf"</{name}[\t\n\f\r />]", re.I).search(source, pos)
            pos = end.start() if end else len(source)
    if not kept:
        return source
    return "".join(kept) + source[copied:]


def _skip_markup(source: str, pos: int) -> int:
    """Where a comment, doctype or processing instruction at `pos` ends; `pos` if none starts there, -1 at EOF."""
    if source.startswith("<!--", pos):
        if source.startswith((">", "->"), pos + 4):  # "<!-->" and "<!--->" are whole comments
            return source.find(">", pos + 4) + 1
        ends = [e for e in (source.find("-->", pos + 4), source.find("--!>", pos + 4)) if e != -1]
        return source.find(">", min(ends)) + 1 if ends else -1
    if source.startswith(("<!", "<?"), pos) or (
        source.startswith("</", pos) and not source[pos + 2 : pos + 3].isalpha()
    ):
        end = source.find(">", pos)
        return end + 1 if end != -1 else -1
    return pos


class _Model:
    """The parser's stack of open elements and list of active formatting elements, as upper bounds."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.names: Counter[str] = Counter()
        self.formatting: Counter[tuple[str, str]] = Counter()  # HTML5 keeps 3 alike at most ("Noah's Ark")
        self.active = 0
        self.options = 0

    def push(self, name: str) -> None:
        self.stack.append(name)
        self.names[name] += 1

    def pop_to(self, depth: int) -> None:
        for _ in range(depth):
            self.names[self.stack.pop()] -= 1

    def find(self, name: str, stops: set[str]) -> int:
        """How far down `name` is; 0 if a stop comes first or it lies deeper than _SEARCH."""
        if not self.names[name]:
            return 0
        for depth in range(1, min(len(self.stack), _SEARCH) + 1):
            here = self.stack[-depth]
            if here == name:
                return depth
            if here in stops:
                return 0
        return 0

    def open(self, name: str, attributes: str) -> bool:
        """Model a start tag; False if it is to be left out."""
        if name in VOID or name in ("html", "head", "body"):
            if name == "col" and self.stack[-1:] == ["table"]:
                self.push("colgroup")
            return True
        if name in _CLOSES_P:
            self.pop_to(self.find("p", _BUTTON_SCOPE))
        if name == "li":
            self.pop_to(self.find("li", _LI_STOPS))
        elif name in ("dt", "dd"):
            self.pop_to(max(self.find("dt", _LI_STOPS), self.find("dd", _LI_STOPS)))
        while self.stack and self.stack[-1] in _CLOSES.get(name, ()):
            self.pop_to(1)
        if name in ("td", "th", "tr") and self.stack[-1:] == ["table"]:
            self.push("tbody")
        if name in ("td", "th") and self.stack[-1:] in (["tbody"], ["thead"], ["tfoot"]):
            self.push("tr")
        if name == "option":
            self.options += 1
            if self.options > MAX_OPTIONS:
                return False
        key = (name, attributes)
        counted = name in FORMATTING and self.formatting[key] < 3
        if len(self.stack) >= MAX_DEPTH or (counted and self.active >= MAX_FORMATTING):
            return False
        self.push(name)
        if counted:
            self.formatting[key] += 1
            self.active += 1
        return True

    def close(self, name: str) -> None:
        """Pop up to `name` only where the HTML5 algorithm certainly does."""
        if name in ("html", "head", "body", "br"):
            return  # </body> and </html> pop nothing; </br> is a <br>; <head> is never on the model's stack
        if name in _TABLE_PARTS:
            stops = _TABLE_SCOPE
        elif name == "p":
            stops = _BUTTON_SCOPE
        elif name == "li":
            stops = _LIST_SCOPE
        else:
            stops = _SCOPE if name in SPECIAL else SPECIAL
        depth = self.find(name, stops)
        self.pop_to(depth)
        if name in FORMATTING and (depth or not (self.names[name] or any(self.names[m] for m in _MARKERS))):
            # Popped by its end tag, or not open (and no table cell hides it): it leaves the parser's list.
            key = next((k for k in self.formatting if k[0] == name), None)
            if key is not None:
                self.formatting[key] -= 1
                self.active -= 1
                if not self.formatting[key]:
                    del self.formatting[key]


def parse_html(source: str) -> LexborHTMLParser:
    """The document tree a browser would build, its depth capped (see the module's docstring)."""
    return LexborHTMLParser(bounded_html(source))


# -- the tree to text -----------------------------------------------------------------------------
class _Text:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.styles: list[StyleRange] = []

    def emit(self, text: str) -> None:
        if text:
            self.parts.append(text)
            self.length += len(text)

    def tail(self) -> str:
        return self.parts[-1][-1] if self.parts else "\n"

    def line_break(self, blank: bool = False) -> None:
        """End the current line (and leave a blank line after paragraphs)."""
        while self.parts and self.parts[-1].endswith(" "):
            last = self.parts.pop()
            self.length -= len(last)
            self.emit(last.rstrip(" "))
        if not self.parts:
            return
        text = "".join(self.parts[-2:])
        wanted = "\n\n" if blank else "\n"
        have = len(text) - len(text.rstrip("\n"))
        self.emit(wanted[have:] if have < len(wanted) else "")

    def data(self, data: str, pre: bool) -> None:
        if pre:
            self.emit(data)
            return
        text = _SPACES.sub(" ", data)
        if self.tail() in "\n\t " and text.startswith(" "):
            text = text[1:]
        self.emit(text)

    def style(self, tag: str, start: int, data: str) -> None:
        end = self.length
        for part in reversed(self.parts):  # trailing white space is not part of the styled span
            kept = part.rstrip(" \n\t")
            end -= len(part) - len(kept)
            if kept or end <= start:
                break
        if end <= start:
            return
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.styles.append(StyleRange(start, end, f"heading{tag[1]}"))
        elif tag == "li":
            self.styles.append(StyleRange(start, end, "list_item"))
        elif tag == "blockquote":
            self.styles.append(StyleRange(start, end, "quote"))
        elif tag in INLINE_KINDS:
            self.styles.append(StyleRange(start, end, INLINE_KINDS[tag], data))


def _enter(node: LexborNode, out: _Text) -> bool:
    """Emit what an element's start contributes; False when its content is not text."""
    tag = node.tag or ""
    if tag in SKIPPED:
        return False
    if tag == "br":
        out.emit("\n")
    elif tag == "img":
        alt = (node.attributes.get("alt") or "").strip()
        if alt:
            out.emit(f"[{' '.join(alt.split())}]")
    elif tag in BLOCKS:
        out.line_break(blank=tag in PARAGRAPHS)
    if tag == "li":
        out.emit("• ")
    if tag in ("td", "th") and out.tail() not in "\n\t":
        out.emit("\t")
    return tag not in VOID


def _walk(root: LexborNode, out: _Text) -> None:
    """Depth first without recursion, so no tree depth can exhaust Python's stack."""
    open_: list[tuple[LexborNode, int, str]] = []  # element, where its text starts, its link target
    pre = 0
    node: LexborNode | None = root.child
    while node is not None:
        descend = False
        if node.is_text_node:
            out.data(node.text_content or "", pre > 0)
        elif node.is_element_node and _enter(node, out):
            tag = node.tag or ""
            pre += tag in ("pre", "textarea", "listing")
            link = (node.attributes.get("href") or "") if tag == "a" else ""
            open_.append((node, out.length, link))
            descend = node.child is not None
        if descend:
            node = node.child
            continue
        if open_ and open_[-1][0].mem_id == node.mem_id:  # (LexborNode's == compares serialised HTML)
            pre -= _leave(open_.pop(), out)
        while node is not None and node.next is None:
            node = node.parent
            if node is None or node.mem_id == root.mem_id:
                return
            pre -= _leave(open_.pop(), out)
        node = node.next if node is not None else None


def _leave(entry: tuple[LexborNode, int, str], out: _Text) -> int:
    node, start, link = entry
    tag = node.tag or ""
    out.style(tag, start, link)
    if tag in BLOCKS:
        out.line_break(blank=tag in PARAGRAPHS)
    return tag in ("pre", "textarea", "listing")


def _title(tree: LexborHTMLParser) -> str:
    head = tree.head
    found = head.css_first("title") if head is not None else None
    return " ".join(found.text().split()) if found is not None else ""


def html_to_text(source: str) -> tuple[str, list[StyleRange], str]:
    """(canonical text, style ranges, the <title>) of an HTML document."""
    tree = parse_html(source)
    out = _Text()
    body = tree.body
    if body is not None:
        _walk(body, out)
    text = "".join(out.parts)
    stripped = text.rstrip()
    lead = len(text) - len(text.lstrip("\n"))
    text = stripped[lead:]
    styles = [
        StyleRange(r.start - lead, min(r.end - lead, len(text)), r.kind, r.data)
        for r in out.styles
        if r.end - lead > 0 and r.start - lead < len(text)
    ]
    return text + "\n", sorted(styles), _title(tree)
