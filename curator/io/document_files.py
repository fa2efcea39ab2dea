"""Reviewers' files to documents: plain text, Markdown, HTML and Word, one at a time or whole
folders. Each file becomes one canonical text (the only text anchors refer to) plus style ranges.

Refused, with the file named and nothing written: unsupported kinds, files over MAX_BYTES, empty
files, binary files (NUL bytes), text that is not UTF-8 unless an encoding is confirmed. The same
bytes imported twice are recognised by SHA-256 and not stored again.

Only regular files are opened (no FIFOs, devices or sockets), and inside a chosen folder no link
that leads out of it. The parsing itself runs in curator.io.sandbox's worker process, so a file
that makes a parser abort, loop or swallow memory is refused by name instead of taking the app
down; a file whose name is not valid text is refused by name too, and the rest of a folder imports.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from curator.core.errors import CuratorError, PasswordNeeded, ValidationError
from curator.core.records import NewDocument
from curator.core.styles import chrome_styles, text_styles
from curator.io import sandbox
from curator.io.decode import EncodingNeeded, decode
from curator.io.entities import find_entities
from curator.io.metadata import find_metadata

MAX_BYTES = 20 * 1024 * 1024  # one document; the README says so
MAX_PDF_BYTES = 100 * 1024 * 1024  # articles with figures are 2–30 MB; the text is what is kept
FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}
SUPPORTED = ", ".join(sorted(FORMATS))
STEPS = 1000  # import_documents' progress steps per file: a long PDF's pages move the bar within it


def read_document(path: Path, encoding: str | None = None, password: str | None = None, waiting=None) -> NewDocument:
    """Read one file; raises ValidationError, EncodingNeeded or PasswordNeeded with the file named.

    `password` opens an encrypted PDF; it goes to the worker for this call only and is never kept."""
    path = Path(path)
    name = sandbox.display_name(path)
    if name != path.name:  # it could be neither shown nor stored (UnicodeEncodeError)
        raise ValidationError(f"{name}: the file's name is not valid text (UTF-8); rename the file and import it again")
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise ValidationError(f"{path.name}: not a kind of file Curator imports ({SUPPORTED})")
    size = sandbox.check_regular_file(path).st_size
    limit = MAX_PDF_BYTES if kind == "pdf" else MAX_BYTES
    if size > limit:
        raise ValidationError(
            f"{path.name}: {size / 1e6:.1f} MB is over the {limit // 2**20} MB limit for one document"
        )
    limits = sandbox.limits_for_pdf(path) if kind == "pdf" else sandbox.limits_for(path)
    # The limit is passed, not looked up in the worker, so the limit in force here is the one applied.
    return sandbox.run(
        parse_document, path, kind, encoding, limit, password, name=path.name, limits=limits, waiting=waiting
    )


def parse_document(
    path: Path, kind: str, encoding: str | None, max_bytes: int, password: str | None = None
) -> NewDocument:
    """read_document's reading and parsing, run only inside the sandbox's worker."""
    raw = sandbox.read_regular_file(path, max_bytes)
    if not raw.strip():
        raise ValidationError(f"{path.name}: the file is empty")
    sha = hashlib.sha256(raw).hexdigest()
    if kind == "pdf":
        return _pdf_document(path.name, raw, sha, password)
    declared: dict[str, str] = {}  # what an HTML page says about itself: citation_*, DC, PRISM, JSON-LD, OG
    if kind == "docx":
        from curator.io.docx_text import read_docx

        doc = read_docx(path)
        text, styles, encoding_used = doc.text, list(doc.styles), ""
        title, extra = doc.title, {"authors": doc.authors, "published": doc.created}
    else:
        decoded = decode(raw, path.name, encoding)
        encoding_used = decoded.encoding
        if kind == "html":
            from curator.io.html_meta import html_metadata
            from curator.io.html_text import html_to_text

            text, styles, title = html_to_text(decoded.text)
            declared = html_metadata(decoded.text)
            styles = styles + chrome_styles(text)
        else:
            text, styles, title = decoded.text, text_styles(decoded.text), ""
        extra = {}
    if not text.strip():
        raise ValidationError(f"{path.name}: holds no text")
    found = dataclasses.asdict(find_metadata(text))
    if title:
        found["title"] = title
    found.update(declared)  # a page's own details beat what find_metadata guesses from its text
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


def _pdf_document(name: str, raw: bytes, sha: str, password: str | None) -> NewDocument:
    from curator.io.pdf_text import read_pdf

    read = read_pdf(raw, name, password)
    text = read["text"]
    found = dataclasses.asdict(find_metadata(text))
    found.update({k: v for k, v in read["details"].items() if v})  # the file's own details beat guesses
    return NewDocument(
        text=text,
        sha256=sha,
        file_name=name,
        format="pdf",
        styles=(),
        entities=tuple(find_entities(text)),
        pdf=raw,
        pages=read["pages"],
        warnings=read["warnings"],
        **found,
    )


def collect(paths: Iterable[Path]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Files to import from files and folders (folders recursively, hidden entries skipped)."""
    files: list[Path] = []
    refused: list[tuple[Path, str]] = []
    for path in map(Path, paths):
        if path.is_dir():
            found, links_out = _walk(path)
            files += found
            refused += links_out
        elif os.path.lexists(path):
            files.append(path)  # read_document refuses it by name if it is not a regular file
        else:
            refused.append((path, f"{sandbox.display_name(path)}: no such file or folder"))
    return files, refused


def _walk(root: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """A folder's importable files; links that lead out of it are refused by name, not followed."""
    real_root = os.path.realpath(root)

    def outside(link: Path) -> bool:
        target = os.path.realpath(link)
        return os.path.commonpath([real_root, target]) != real_root

    files, refused = [], []
    for here, dirs, names in os.walk(root):  # followlinks=False: a linked folder is never walked
        folder = Path(here)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for d in dirs:
            if (folder / d).is_symlink() and outside(folder / d):
                link = sandbox.display_name(folder / d)
                refused.append(
                    (folder / d, f"{link}: is a link to a folder outside the folder; import that folder itself")
                )
        for n in sorted(names):
            child = folder / n
            if n.startswith(".") or child.suffix.lower() not in FORMATS:
                continue
            if child.is_symlink() and outside(child):
                link = sandbox.display_name(child)
                refused.append((child, f"{link}: is a link to a file outside the folder; import the file itself"))
                continue
            files.append(child)
    return sorted(files), refused


def _with_password(path: Path, encoding, locked: PasswordNeeded, ask, waiting=None) -> NewDocument:
    """Ask until the password opens the file or the reviewer gives up (then the refusal stands)."""
    while True:
        password = ask(locked) if ask else None
        if not password:
            raise locked
        try:
            return read_document(path, encoding, password, waiting)
        except PasswordNeeded as again:
            locked = again


@dataclass
class DocumentImportSummary:
    imported: list[tuple[Path, int]] = field(default_factory=list)
    duplicates: list[tuple[Path, int]] = field(default_factory=list)
    refused: list[tuple[Path, str]] = field(default_factory=list)
    warnings: list[tuple[Path, str]] = field(default_factory=list)  # what an import did not do (NewDocument.warnings)

    def lines(self) -> list[str]:
        out = [f"imported {len(self.imported)}, already there {len(self.duplicates)}, refused {len(self.refused)}"]
        out += [f"  imported: {p.name}" for p, _ in self.imported]
        out += [f"  note: {p.name}: {warning}" for p, warning in self.warnings]
        out += [f"  already there (same bytes): {p.name}" for p, _ in self.duplicates]
        out += [f"  refused: {reason}" for _, reason in self.refused]
        return out


def import_documents(
    session,
    paths: Iterable[Path],
    encoding: str | None = None,
    choose_encoding: Callable[[EncodingNeeded], str | None] | None = None,
    progress: Callable[[int, int], bool] | None = None,
    ask_password: Callable[[PasswordNeeded], str | None] | None = None,
    reading: Callable[[Path, int, int], None] | None = None,
) -> DocumentImportSummary:
    """Import every file; one transaction per document, so a refusal never half-writes one.

    `choose_encoding` is asked for files that are not UTF-8 (None skips the file). `progress(done,
    total)` counts STEPS per file (file n starts at n × STEPS; a PDF's pages move it on within the
    file) and is called at least every 0.1 s while a file is read; returning False stops the import
    (the file being read is cancelled, nothing of it is written). `reading(path, done, total)` hears
    how far the worker is in one file (a PDF's pages). `ask_password` is asked for an encrypted PDF
    (again after a wrong one; None skips the file); the password is used for that file only.
    """
    files, refused = collect(paths)
    summary = DocumentImportSummary(refused=refused)
    stopped = False
    whole = len(files) * STEPS
    for n, path in enumerate(files):
        if progress and progress(n * STEPS, whole) is False:
            break

        def waiting(latest: tuple[int, int] | None, n: int = n, path: Path = path) -> bool:
            # while one file is read (a long PDF takes seconds): the window repaints, Cancel is heard
            nonlocal stopped
            within = 0
            if latest is not None:
                done, total = latest
                within = min(STEPS - 1, done * STEPS // max(total, 1))
                if reading:
                    reading(path, done, total)
            stopped = stopped or progress(n * STEPS + within, whole) is False
            return not stopped

        wait = waiting if progress else None
        try:
            try:
                new = read_document(path, encoding, waiting=wait)
            except EncodingNeeded as needed:
                chosen = choose_encoding(needed) if choose_encoding else None
                if not chosen:
                    raise
                new = read_document(path, chosen, waiting=wait)
            except PasswordNeeded as locked:
                new = _with_password(path, encoding, locked, ask_password, wait)
            doc_id, added = session.documents.add(new)
        except CuratorError as exc:
            summary.refused.append((path, str(exc)))
            if stopped:
                break
            continue
        (summary.imported if added else summary.duplicates).append((path, doc_id))
        if added:
            summary.warnings += [(path, w) for w in new.warnings]
    if progress:
        progress(whole, whole)
    return summary
