"""Word (.docx) to canonical text plus style ranges, reading the package's XML directly.

A .docx is a zip of XML like an .xlsx and meets the same hostility: sizes are checked from the
zip's directory before anything is unpacked, and XML with a DOCTYPE (entity tricks) is refused.
Paragraph styles Heading 1–6 and Title become headings, numbered or bulleted paragraphs list
items, bold/italic runs emphasis, and hyperlinks link ranges (never followed).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree as ET

from curator.core.errors import ValidationError
from curator.core.styles import StyleRange

MAX_UNPACKED = 200 * 1024**2
MAX_RATIO = 100
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_OFF = {"0", "false", "none"}


@dataclass(frozen=True)
class DocxText:
    text: str
    styles: list[StyleRange]
    title: str
    authors: str
    created: str


def _xml(archive: zipfile.ZipFile, name: str, label: str) -> ET.Element | None:
    try:
        data = archive.read(name)
    except KeyError:
        return None
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        raise ValidationError(f"{label}: declares XML entities, which Word never writes; refused as unsafe")
    try:
        return ET.fromstring(data)
    except ET.ParseError as exc:
        raise ValidationError(f"{label}: damaged ({name}: {exc}); save it again from Word") from None


def _on(props: ET.Element | None, tag: str) -> bool:
    if props is None:
        return False
    el = props.find(f"{W}{tag}")
    return el is not None and el.get(f"{W}val", "1").lower() not in _OFF


def read_docx(path: Path) -> DocxText:
    label = path.name
    if not zipfile.is_zipfile(path):
        raise ValidationError(f"{label}: not a Word document (.docx); in Word use Save As → Word Document (.docx)")
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        total = sum(m.file_size for m in members)
        if total > MAX_UNPACKED or any(
            m.compress_size and m.file_size / m.compress_size > MAX_RATIO and m.file_size > 10 * 1024**2
            for m in members
        ):
            raise ValidationError(
                f"{label}: unpacks to {total / 1024**2:,.0f} MB, more than a document plausibly holds; refused"
            )
        body = _xml(archive, "word/document.xml", label)
        if body is None:
            raise ValidationError(f"{label}: a zip file but not a Word document (no word/document.xml)")
        rels = _xml(archive, "word/_rels/document.xml.rels", label)
        core = _xml(archive, "docProps/core.xml", label)
    targets = {r.get("Id"): r.get("Target", "") for r in (rels if rels is not None else [])}
    parts: list[str] = []
    styles: list[StyleRange] = []
    length = 0
    for para in body.iter(f"{W}p"):
        start = length
        ppr = para.find(f"{W}pPr")
        style = (
            ppr.find(f"{W}pStyle").get(f"{W}val", "") if ppr is not None and ppr.find(f"{W}pStyle") is not None else ""
        )
        listed = (ppr is not None and ppr.find(f"{W}numPr") is not None) or style.lower().startswith("list")
        if listed:
            parts.append("• ")
            length += 2
        for node in para:
            link = targets.get(node.get(f"{R}id"), node.get(f"{W}anchor", "")) if node.tag == f"{W}hyperlink" else None
            runs = node.iter(f"{W}r") if node.tag in (f"{W}r", f"{W}hyperlink", f"{W}ins", f"{W}smartTag") else ()
            link_start = length
            for run in runs:
                rpr = run.find(f"{W}rPr")
                run_start = length
                for piece in run:
                    if piece.tag == f"{W}t":
                        text = piece.text or ""
                    elif piece.tag == f"{W}tab":
                        text = "\t"
                    elif piece.tag in (f"{W}br", f"{W}cr"):
                        text = "\n"
                    else:
                        continue
                    parts.append(text)
                    length += len(text)
                if length > run_start:
                    if _on(rpr, "b"):
                        styles.append(StyleRange(run_start, length, "bold"))
                    if _on(rpr, "i"):
                        styles.append(StyleRange(run_start, length, "italic"))
            if link is not None and length > link_start:
                styles.append(StyleRange(link_start, length, "link", link))
        m = re.fullmatch(r"(?i)heading\s*([1-6])|(title)", style)
        if m and length > start:
            styles.append(StyleRange(start, length, f"heading{m.group(1) or 1}"))
        elif listed and length > start + 2:
            styles.append(StyleRange(start + 2, length, "list_item"))
        parts.append("\n\n" if not listed else "\n")
        length += len(parts[-1])
    text = "".join(parts).rstrip() + "\n"
    styles = [StyleRange(r.start, min(r.end, len(text)), r.kind, r.data) for r in styles if r.start < len(text)]
    meta = {}
    if core is not None:
        for el in core:
            meta[el.tag.rsplit("}", 1)[-1]] = (el.text or "").strip()
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
