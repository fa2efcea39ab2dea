"""This project's side of a merge: its claims as digests, and an identity that follows the file.

A reviewer's project is often a file copy of the lead's, so both would carry the same project_uuid
and a merge could not tell them apart. The identity therefore belongs to the file: the project
stores where it lives, and a writable open at another path (a copy, or a file moved) gives it a new
identity. The copy keeps what it shared with the original as merge bases under the original's
identity, so the first merge back knows which side changed a claim since the copy was made.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import peewee

from curator.core.db import write_transaction
from curator.core.merge_types import VALUE_COLUMNS, claim_content, content_digest
from curator.core.migrations import PROJECT_UUID_KEY
from curator.core.models import Claim, ClaimTerm, MergeBase, Reviewer, SchemaInfo, new_uuid

PROJECT_PATH_KEY = "project_path"


class LocalClaim(NamedTuple):
    id: int
    document_id: int
    version: int
    content: list  # merge_types.claim_content
    digest: str


def project_uuid() -> str:
    row = SchemaInfo.get_or_none(SchemaInfo.key == PROJECT_UUID_KEY)
    return row.value if row else ""


def local_claims(uuids: list[str] | None = None) -> dict[str, LocalClaim]:
    """Every claim (or at least those with these uuids) by uuid, whatever blind extraction hides from
    a view: a merge works on the project, not on what its current reviewer may see."""
    db = Claim._meta.database
    columns = [
        Claim.id,
        Claim.uuid,
        Claim.document,
        Claim.version,
        Claim.document_sha256,
        Claim.start,
        Claim.end,
        Claim.exact,
        Claim.anchor_status,
        Reviewer.name,
    ] + [Claim._meta.fields[c] for c in VALUE_COLUMNS]
    query = Claim.select(*columns).join(Reviewer, peewee.JOIN.LEFT_OUTER)
    term_query = ClaimTerm.select(ClaimTerm.claim, ClaimTerm.role, ClaimTerm.label, ClaimTerm.identifier).order_by(
        ClaimTerm.claim, ClaimTerm.position, ClaimTerm.id
    )
    rows: list[tuple] = []
    if uuids is not None and len(uuids) > 900:
        uuids = None  # one scan beats many IN lists (peewee converts every bound value in Python)
    if uuids is None:
        rows = db.execute(query).fetchall()
    else:
        for i in range(0, len(uuids), 900):
            rows += db.execute(query.where(Claim.uuid.in_(uuids[i : i + 900]))).fetchall()
    terms: dict[int, list[tuple[str, str, str]]] = {row[0]: [] for row in rows}
    if uuids is None:
        for claim_id, *term in db.execute(term_query):
            terms[claim_id].append(tuple(term))
    else:
        ids = sorted(terms)
        for i in range(0, len(ids), 900):
            for claim_id, *term in db.execute(term_query.where(ClaimTerm.claim.in_(ids[i : i + 900]))):
                terms[claim_id].append(tuple(term))
    out = {}
    for row in rows:
        content = claim_content(row[4], row[5], row[6], row[7], row[8], row[10:], tuple(terms[row[0]]), row[9])
        out[row[1]] = LocalClaim(row[0], row[2], row[3], content, content_digest(content))
    return out


def follow_file(path: Path) -> None:
    """Record where the project lives; at another path than recorded, give it an identity of its own."""
    where = str(Path(path).resolve())
    stored = SchemaInfo.get_or_none(SchemaInfo.key == PROJECT_PATH_KEY)
    if stored is not None and stored.value == where:
        return
    with write_transaction():
        if stored is not None:
            original = project_uuid()
            claims = local_claims()
            if original and claims:
                rows = [{"project": original, "claim_uuid": u, "digest": c.digest} for u, c in claims.items()]
                for i in range(0, len(rows), 500):
                    MergeBase.insert_many(rows[i : i + 500]).on_conflict_ignore().execute()
            _set(PROJECT_UUID_KEY, new_uuid())
        _set(PROJECT_PATH_KEY, where)


def _set(key: str, value: str) -> None:
    SchemaInfo.insert(key=key, value=value).on_conflict(
        conflict_target=[SchemaInfo.key], update={SchemaInfo.value: value}
    ).execute()
