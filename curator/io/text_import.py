"""Read a plain-text document into one canonical text (the text every anchor refers to)."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

from curator.core.errors import ValidationError
from curator.core.records import NewDocument
from curator.io.metadata import find_metadata

MAX_BYTES = 20 * 1024 * 1024


def canonical_text(raw: bytes, name: str) -> str:
    """Decode (BOM honoured, strict UTF-8) and normalise newlines, once, here."""
    if b"\x00" in raw:
        raise ValidationError(f"{name}: contains NUL bytes — this looks like a binary file, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"{name}: not valid UTF-8 (byte {exc.start}); save it as UTF-8 and import it again"
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text_document(path: Path) -> NewDocument:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ValidationError(f"{path.name}: {size / 1e6:.1f} MB is over the {MAX_BYTES // 2**20} MB limit for one document")
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    text = canonical_text(raw, path.name)
    if not text.strip():
        raise ValidationError(f"{path.name}: the file is empty")
    return NewDocument(
        text=text, sha256=hashlib.sha256(raw).hexdigest(), file_name=path.name, format="text",
        **dataclasses.asdict(find_metadata(text)),
    )
