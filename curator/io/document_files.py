"""Reviewers' files to documents: plain text, Markdown, HTML and Word, one at a time or whole
folders. Each file becomes one canonical text (the only text anchors refer to) plus style ranges.

Refused, with the file named and nothing written: unsupported kinds, files over MAX_BYTES, empty
files, binary files (NUL bytes), text that is not UTF-8 unless an encoding is confirmed. The same
bytes imported twice are recognised by SHA-256 and not stored again.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from curator.core.errors import CuratorError, ValidationError
from curator.core.records import NewDocument
from curator.core.styles import chrome_styles, text_styles
from curator.io.decode import EncodingNeeded, decode
from curator.io.entities import find_entities
from curator.io.metadata import find_metadata

MAX_BYTES = 20 * 1024 * 1024  # one document; the README says so
FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".docx": "docx",
}
SUPPORTED = ", ".join(sorted(FORMATS))


def read_document(path: Path, encoding: str | None = None) -> NewDocument:
    """Read one file; raises ValidationError or EncodingNeeded with the file named."""
    path = Path(path)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ValidationError(f"{path.name}: not a kind of file Curator imports ({SUPPORTED})")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ValidationError(
                f"{path.name}: {size / 1e6:.1f} MB is over the {MAX_BYTES // 2**20} MB limit for one document"
            )
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    if not raw.strip():
        raise ValidationError(f"{path.name}: the file is empty")
    sha = hashlib.sha256(raw).hexdigest()
    if kind == "docx":
        from curator.io.docx_text import read_docx

        doc = read_docx(path)
        text, styles, encoding_used = doc.text, list(doc.styles), ""
        title, extra = doc.title, {"authors": doc.authors, "published": doc.created}
    else:
        decoded = decode(raw, path.name, encoding)
        encoding_used = decoded.encoding
        if kind == "html":
            from curator.io.html_text import html_to_text

            text, styles, title = html_to_text(decoded.text)
            styles = styles + chrome_styles(text)
        else:
            text, styles, title = decoded.text, text_styles(decoded.text), ""
        extra = {}
    if not text.strip():
        raise ValidationError(f"{path.name}: holds no text")
    found = dataclasses.asdict(find_metadata(text))
    if title:
        found["title"] = title
    found.update({k: v for k, v in extra.items() if v and not found.get(k)})
    return NewDocument(
        text=text,
        sha256=sha,
        file_name=path.name,
        format=kind,
        encoding=encoding_used,
        styles=tuple(sorted(styles)),
        entities=tuple(find_entities(text)),
        **found,
    )


def collect(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files to import from files and folders (folders recursively, hidden entries skipped)."""
    files, refused = [], []
    for path in map(Path, paths):
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if (
                    child.is_file()
                    and not any(part.startswith(".") for part in rel.parts)
                    and child.suffix.lower() in FORMATS
                ):
                    files.append(child)
        elif path.exists():
            files.append(path)
        else:
            refused.append((path, f"{path.name}: no such file or folder"))
    return files, refused


@dataclass
class DocumentImportSummary:
    imported: list[tuple[Path, int]] = field(default_factory=list)
    duplicates: list[tuple[Path, int]] = field(default_factory=list)
    refused: list[tuple[Path, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"imported {len(self.imported)}, already there {len(self.duplicates)}, refused {len(self.refused)}"]
        out += [f"  imported: {p.name}" for p, _ in self.imported]
        out += [f"  already there (same bytes): {p.name}" for p, _ in self.duplicates]
        out += [f"  refused: {reason}" for _, reason in self.refused]
        return out


def import_documents(
    session,
    paths: Iterable[Path],
    encoding: str | None = None,
    choose_encoding: Callable[[EncodingNeeded], str | None] | None = None,
    progress: Callable[[int, int], bool] | None = None,
) -> DocumentImportSummary:
    """Import every file; one transaction per document, so a refusal never half-writes one.

    `choose_encoding` is asked for files that are not UTF-8 (None skips the file); `progress(done,
    total)` returning False stops before the next file.
    """
    files, refused = collect(paths)
    summary = DocumentImportSummary(refused=refused)
    for n, path in enumerate(files):
        if progress and progress(n, len(files)) is False:
            break
        try:
            try:
                new = read_document(path, encoding)
            except EncodingNeeded as needed:
                chosen = choose_encoding(needed) if choose_encoding else None
                if not chosen:
                    raise
                new = read_document(path, chosen)
            doc_id, added = session.documents.add(new)
        except CuratorError as exc:
            summary.refused.append((path, str(exc)))
            continue
        (summary.imported if added else summary.duplicates).append((path, doc_id))
    if progress:
        progress(len(files), len(files))
    return summary
