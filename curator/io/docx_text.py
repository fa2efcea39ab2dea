"""Word (.docx) to canonical text plus style ranges, reading the package's XML directly.

A .docx is a zip of XML, and everything in a zip can lie. Nothing here trusts the zip's directory:
each part read is unpacked by this module in small chunks and refused as soon as it holds more than
its declared size, more than the budget, or unpacks too many times over; the checksum is verified.
Only the compressions Word writes (stored, deflate) are accepted, and no part is ever extracted.
XML is parsed by lxml as a stream (linear time, memory of about one paragraph), with no entities
resolved, no network and no DTD loaded; any DOCTYPE is refused before the first element is used, in
whatever encoding the declaration or BOM names. The sandbox in sandbox.py is the backstop; these
checks stand on their own.

Paragraph styles Heading 1–6 and Title become headings, numbered or bulleted paragraphs list
items, bold/italic runs emphasis, and hyperlinks link ranges (never followed).
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from curator.core.errors import ValidationError
from curator.core.styles import StyleRange

MAX_UNPACKED = 200 * 1024**2  # all parts read, together
MAX_RATIO = 100  # Word's XML packs 5–20 times; a bomb packs about 1,000 times
RATIO_FLOOR = 2 * 1024**2  # a small part may pack tighter without harm; 2 MB of empty paragraphs costs ~1 s
MAX_MEMBERS = 5000  # Word writes ~15 parts plus one per picture or embedded object
MAX_DEPTH = 256  # libxml2's own limit without huge_tree; Word nests tables in tables, ~4 levels each
MAX_PARAGRAPH = 8 * 1024**2  # markup in one paragraph; Word's largest are a few hundred KB
CHUNK = 64 * 1024
WORD_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
DOCUMENT, RELS, CORE = "word/document.xml", "word/_rels/document.xml.rels", "docProps/core.xml"
_READ = {name.lower(): name for name in (DOCUMENT, RELS, CORE)}
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_OFF = {"0", "false", "none"}
_P, _R, _HYPERLINK = f"{W}p", f"{W}r", f"{W}hyperlink"
_RUN_CONTAINERS = {f"{W}hyperlink", f"{W}ins", f"{W}smartTag"}
_OUTSIDE = re.compile(r"^[/\\]|^[A-Za-z]:|(^|[/\\])\.\.([/\\]|$)|\x00")


@dataclass(frozen=True)
class DocxText:
    text: str
    styles: list[StyleRange]
    title: str
    authors: str
    created: str


class _Budget:
    """Bytes still allowed to be unpacked, shared by every part read from one file."""

    def __init__(self, left: int):
        self.left = left


def _shown(name: str) -> str:
    """A part name for a message: quoted, control characters escaped, never very long."""
    text = repr(name)
    return text if len(text) <= 80 else text[:77] + "…'"


def _members(archive: zipfile.ZipFile, label: str) -> dict[str, zipfile.ZipInfo]:
    """Check the whole directory; return the parts read, by name, each found at most once."""
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise ValidationError(
            f"{label}: holds {len(infos):,} parts, more than a Word document plausibly has (at most {MAX_MEMBERS:,}); refused"
        )
    found: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        # Nothing is ever extracted, but a name pointing outside the package is a sign of a crafted file.
        if _OUTSIDE.search(info.orig_filename):
            raise ValidationError(
                f"{label}: holds a part named {_shown(info.orig_filename)} outside the document, "
                "which Word never writes; refused as unsafe"
            )
        if info.flag_bits & 0x41:  # 0x01 encrypted, 0x40 strong encryption
            raise ValidationError(f"{label}: is password-protected; remove the password in Word and import it again")
        if info.compress_type not in WORD_METHODS:
            raise ValidationError(
                f"{label}: uses a compression Word does not write (method {info.compress_type}); save it again from Word"
            )
        # Part names are case-insensitive in a Word package, so WORD/Document.xml is the same part.
        key = _READ.get(info.filename.lower())
        if key is not None:
            if key in found:
                raise ValidationError(
                    f"{label}: holds {key} twice, so which one Word would read is unclear; save it again from Word"
                )
            found[key] = info
    if DOCUMENT not in found:
        raise ValidationError(
            f"{label}: a zip file but not a Word document (no {DOCUMENT}); in Word use Save As → Word Document (.docx)"
        )
    declared = sum(info.file_size for info in found.values())
    if declared > MAX_UNPACKED:
        raise ValidationError(
            f"{label}: unpacks to {declared / 1024**2:,.0f} MB, more than a document plausibly holds; refused"
        )
    return found


def _damaged(label: str, name: str, what: str) -> ValidationError:
    return ValidationError(f"{label}: damaged ({name} {what}); save it again from Word")


def _unpacked(fh: BinaryIO, info: zipfile.ZipInfo, label: str, budget: _Budget) -> Iterator[bytes]:
    """Yield one part's bytes in chunks, refusing as soon as they pass what the directory declares.

    zipfile is used only for the directory: its reader inflates a whole member in one call (a 2 MB
    file cost 2.1 GB) and raises raw errors for the lies refused here in words.
    """
    name = info.filename
    size = fh.seek(0, 2)
    fh.seek(info.header_offset)
    head = fh.read(30)
    if len(head) < 30 or head[:4] != b"PK\x03\x04":
        raise _damaged(label, name, "has no local header where the directory says")
    flags, name_len, extra_len = struct.unpack("<H", head[6:8])[0], *struct.unpack("<HH", head[26:30])
    local = fh.read(name_len).decode("utf-8" if flags & 0x800 else "cp437", errors="replace")
    if local != info.orig_filename:
        # Two names for one place: different readers would see different documents.
        raise _damaged(label, name, f"is named {_shown(local)} in its local header")
    start = info.header_offset + 30 + name_len + extra_len
    if start + info.compress_size > size:
        raise _damaged(label, name, "is cut short")
    if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
        raise _damaged(label, name, "is stored unpacked under two different sizes")
    fh.seek(start)
    inflate = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    limit = min(info.file_size, budget.left)
    left, consumed, produced, crc, pending = info.compress_size, 0, 0, 0, b""
    while True:
        if not pending and left:
            pending = fh.read(min(CHUNK, left))
            if not pending:
                raise _damaged(label, name, "is cut short")
            left -= len(pending)
            consumed += len(pending)
        if inflate is None:
            out, pending = pending, b""
        else:
            try:
                # Ask for at most one byte past what is allowed: enough to know the size is a lie.
                out = inflate.decompress(pending, min(CHUNK, limit + 1 - produced))
            except zlib.error:
                raise _damaged(label, name, "cannot be unpacked") from None
            pending = inflate.unconsumed_tail
        produced += len(out)
        if produced > info.file_size:
            raise ValidationError(
                f"{label}: {name} holds more than its zip directory declares "
                f"({info.file_size:,} bytes), so the file was altered after it was saved; save it again from Word"
            )
        if produced > budget.left:
            raise ValidationError(
                f"{label}: unpacks to more than {MAX_UNPACKED // 1024**2} MB, more than a document plausibly holds; refused"
            )
        if produced > RATIO_FLOOR and produced > MAX_RATIO * (consumed - len(pending)):
            raise ValidationError(
                f"{label}: {name} unpacks to more than {MAX_RATIO} times its packed size, "
                "which text never does; refused as a decompression bomb"
            )
        if out:
            crc = zlib.crc32(out, crc)
            yield out
        elif inflate is None or inflate.eof or (not pending and not left):
            break
    if inflate is not None and not inflate.eof:
        raise _damaged(label, name, "is cut short")
    if produced != info.file_size:
        raise ValidationError(f"{label}: {name} is shorter than its zip directory declares; save it again from Word")
    if crc != info.CRC:
        raise _damaged(label, name, "fails its checksum")
    budget.left -= produced


_Events = Iterator[tuple[str, "etree._Element | None"]]


def _events(fh: BinaryIO, info: zipfile.ZipInfo, label: str, budget: _Budget, tag: str | None = None) -> _Events:
    """Parse one part as a stream of ("start" | "end", element), refusing any DTD and deep nesting
    (libxml2 stops at MAX_DEPTH itself; the count here holds even if that changed).

    With tag, only that tag's events reach Python (lxml filters them, several times faster). After
    each chunk fed, ("fed", None) tells the consumer how far the parser has read.
    """
    parser = etree.XMLPullParser(
        events=("start", "end"),
        tag=tag,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,  # keeps libxml2's limits: MAX_DEPTH levels, 10 MB in one text node
        remove_comments=True,
        remove_pis=True,
    )
    name, depth, checked = info.filename, 0, False
    try:
        for chunk in chain(_unpacked(fh, info, label, budget), [None]):
            if chunk is None:
                root = parser.close()
                if not checked:  # no event at all (tag filtered): nothing was used, but still refuse
                    _no_dtd(root, label)
            else:
                parser.feed(chunk)
            for event, el in parser.read_events():
                if not checked:
                    # A DOCTYPE precedes the first element, and nothing has been used yet.
                    _no_dtd(el, label)
                    checked = True
                if tag is None:
                    depth += 1 if event == "start" else -1
                    if depth > MAX_DEPTH:
                        raise _too_deep(label, name)
                yield event, el
            yield "fed", None
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc).lower():
            raise _too_deep(label, name) from None
        why = " ".join((getattr(exc, "msg", None) or str(exc)).split())[:120]  # one line, however hostile
        raise _damaged(label, name, f"is not well-formed XML: {why}") from None


def _no_dtd(el: etree._Element, label: str) -> None:
    docinfo = el.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise ValidationError(f"{label}: declares XML entities, which Word never writes; refused as unsafe")


def _too_deep(label: str, name: str) -> ValidationError:
    return ValidationError(
        f"{label}: {name} nests elements more than {MAX_DEPTH} deep, which Word never writes; refused as unsafe"
    )


def _forget(el: etree._Element) -> None:
    """Drop a finished element and everything finished before it, so memory holds one paragraph."""
    el.clear(keep_tail=False)
    node = el
    while (parent := node.getparent()) is not None:
        while node.getprevious() is not None:
            del parent[0]
        node = parent


_T, _TAB, _BREAKS = f"{W}t", f"{W}tab", {f"{W}br", f"{W}cr"}
_PPR, _PSTYLE, _NUMPR, _RPR, _VAL = f"{W}pPr", f"{W}pStyle", f"{W}numPr", f"{W}rPr", f"{W}val"
_BOLD, _ITALIC, _RID, _ANCHOR = f"{W}b", f"{W}i", f"{R}id", f"{W}anchor"
_HEADING = re.compile(r"(?i)heading\s*([1-6])|(title)")


def _on(props: etree._Element, tag: str) -> bool:
    """Whether a toggle property (bold, italic) is set; lxml's find() is Python code, ~20x slower."""
    for el in props:
        if el.tag == tag:
            return el.get(_VAL, "1").lower() not in _OFF
    return False


def _runs(node: etree._Element) -> Iterator[etree._Element]:
    """Runs of a paragraph child, through nested hyperlinks, insertions and smart tags.

    Never into a run or a paragraph: a nested paragraph (a text box) is read on its own, and
    reading it here as well made text grow with the square of the nesting.
    """
    if node.tag == _R:
        yield node
        return
    stack = list(reversed(node))
    while stack:
        el = stack.pop()
        tag = el.tag
        if tag == _R:
            yield el
        elif tag != _P:
            stack.extend(reversed(el))


class _Writer:
    """Canonical text and style ranges, built paragraph by paragraph."""

    def __init__(self, targets: dict[str, str]):
        self.targets = targets
        self.parts: list[str] = []
        self.styles: list[StyleRange] = []
        self.length = 0

    def paragraph(self, para: etree._Element) -> None:
        start = self.length
        style, listed, link = "", False, None
        for node in para:
            tag = node.tag
            if tag == _PPR:
                for prop in node:
                    if prop.tag == _PSTYLE:
                        style = prop.get(_VAL, "")
                    elif prop.tag == _NUMPR:
                        listed = True
                listed = listed or style.lower().startswith("list")
                if listed:
                    self.parts.append("• ")
                    self.length += 2
                continue
            if tag != _R and tag not in _RUN_CONTAINERS:
                continue
            link = self.targets.get(node.get(_RID), node.get(_ANCHOR, "")) if tag == _HYPERLINK else None
            link_start = self.length
            for run in _runs(node):
                self.run(run)
            if link is not None and self.length > link_start:
                self.styles.append(StyleRange(link_start, self.length, "link", link))
        m = _HEADING.fullmatch(style) if style else None
        if m and self.length > start:
            self.styles.append(StyleRange(start, self.length, f"heading{m.group(1) or 1}"))
        elif listed and self.length > start + 2:
            self.styles.append(StyleRange(start + 2, self.length, "list_item"))
        end = "\n" if listed else "\n\n"
        self.parts.append(end)
        self.length += len(end)

    def run(self, run: etree._Element) -> None:
        run_start = length = self.length
        parts, rpr = self.parts, None
        for piece in run:
            tag = piece.tag
            if tag == _T:
                text = piece.text
                if text:
                    parts.append(text)
                    length += len(text)
            elif tag == _RPR:
                rpr = piece
            elif tag == _TAB:
                parts.append("\t")
                length += 1
            elif tag in _BREAKS:
                parts.append("\n")
                length += 1
        self.length = length
        if length > run_start and rpr is not None:
            if _on(rpr, _BOLD):
                self.styles.append(StyleRange(run_start, length, "bold"))
            if _on(rpr, _ITALIC):
                self.styles.append(StyleRange(run_start, length, "italic"))


def _body(events: _Events, writer: _Writer, label: str) -> None:
    """Feed each outermost paragraph to the writer once it is complete, then forget it."""
    open_paras = unread = 0
    for event, el in events:
        if el is None:
            # Markup that ends no paragraph stays in memory until one ends: bound it.
            unread += CHUNK
            if unread > MAX_PARAGRAPH:
                raise ValidationError(
                    f"{label}: {DOCUMENT} holds more than {MAX_PARAGRAPH / 1024**2:g} MB of markup in one paragraph, "
                    "more than Curator reads safely; split that paragraph in Word and import it again"
                )
        elif event == "start":
            open_paras += 1
        else:
            open_paras -= 1
            if open_paras == 0:
                # Nested paragraphs (text boxes) follow their outer one, in document order.
                for para in el.iter(_P):
                    writer.paragraph(para)
                _forget(el)
                unread = 0


def _relationships(events: _Events) -> dict[str, str]:
    targets: dict[str, str] = {}
    for event, el in events:
        if event == "end" and el is not None and el.getparent() is not None:
            targets[el.get("Id", "")] = el.get("Target", "")
            _forget(el)
    return targets


def _properties(events: _Events) -> dict[str, str]:
    meta: dict[str, str] = {}
    depth = 0
    for event, el in events:
        if el is None:
            continue
        depth += 1 if event == "start" else -1
        if event == "end" and depth == 1:
            meta[etree.QName(el).localname] = (el.text or "").strip()
            _forget(el)
    return meta


def read_docx(path: Path) -> DocxText:
    label = path.name
    try:
        return _read(path, label)
    except OSError as exc:
        raise ValidationError(f"{label}: cannot be read ({exc.strerror or exc})") from None


def _read(path: Path, label: str) -> DocxText:
    with path.open("rb") as fh:
        if not zipfile.is_zipfile(fh):
            raise ValidationError(f"{label}: not a Word document (.docx); in Word use Save As → Word Document (.docx)")
        try:
            archive = zipfile.ZipFile(fh)
        except (zipfile.BadZipFile, ValueError, EOFError, struct.error):
            # ValueError includes names flagged UTF-8 that are not; zipfile's own words name no file.
            raise ValidationError(
                f"{label}: damaged (its zip directory cannot be read); save it again from Word"
            ) from None
        found = _members(archive, label)
        budget = _Budget(MAX_UNPACKED)
        targets = _relationships(_events(fh, found[RELS], label, budget)) if RELS in found else {}
        meta = _properties(_events(fh, found[CORE], label, budget)) if CORE in found else {}
        writer = _Writer(targets)
        _body(_events(fh, found[DOCUMENT], label, budget, tag=_P), writer, label)
    text = "".join(writer.parts).rstrip() + "\n"
    styles = [StyleRange(r.start, min(r.end, len(text)), r.kind, r.data) for r in writer.styles if r.start < len(text)]
    return DocxText(
        text, sorted(_merge(styles)), meta.get("title", ""), meta.get("creator", ""), meta.get("created", "")[:10]
    )


def _merge(styles: list[StyleRange]) -> list[StyleRange]:
    """Adjacent runs with the same emphasis are one range (Word splits runs freely)."""
    out: list[StyleRange] = []
    for r in sorted(styles, key=lambda r: (r.kind, r.data, r.start)):
        if out and out[-1].kind == r.kind and out[-1].data == r.data and out[-1].end == r.start:
            out[-1] = StyleRange(out[-1].start, r.end, r.kind, r.data)
        else:
            out.append(r)
    return out
