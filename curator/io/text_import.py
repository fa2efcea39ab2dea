"""Plain-text documents (the seeds): a thin name kept for callers of the first release."""

from __future__ import annotations

from pathlib import Path

from curator.core.records import NewDocument
from curator.io.document_files import MAX_BYTES, read_document

__all__ = ["MAX_BYTES", "read_text_document"]


def read_text_document(path: Path) -> NewDocument:
    return read_document(Path(path))
