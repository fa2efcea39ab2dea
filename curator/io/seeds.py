"""The bundled documents a new project starts with."""

from __future__ import annotations

from pathlib import Path

from curator.core.db import write_transaction
from curator.core.models import SchemaInfo
from curator.core.session import SEEDED_KEY, Session
from curator.io.document_files import read_document


def seed_new_project(session: Session, folder: Path) -> list[int]:
    """Import the seed documents once per project; later calls do nothing."""
    if session.read_only is not None:
        return []
    if SchemaInfo.get_or_none(SchemaInfo.key == SEEDED_KEY) is not None:
        return []
    documents = [read_document(path) for path in sorted(Path(folder).glob("*.txt"))]
    ids = [session.documents.add(doc)[0] for doc in documents]
    with write_transaction():
        SchemaInfo.insert(key=SEEDED_KEY, value=str(len(ids))).on_conflict_ignore().execute()
    return ids
