"""The claim form's autosaved input: one draft per reviewer, kept until it is saved or dropped.

A crash, a power cut or a killed process loses at most the last second of typing: the window
writes the draft shortly after each edit and recovers it at the next start.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from curator.core.db import read_only_reason, write_transaction
from curator.core.models import Claim, Document, FormDraft, utcnow
from curator.core.records import ClaimDraft, TermRef

if TYPE_CHECKING:
    from curator.core.session import Session


@dataclass(frozen=True)
class SavedDraft:
    claim_id: int | None  # the claim being edited, or None for a new claim
    claim_exists: bool  # False when the claim was deleted since (the input becomes a new claim)
    draft: ClaimDraft
    saved_at: dt.datetime  # naive UTC


class DraftService:
    def __init__(self, session: Session):
        self.session = session

    def _mine(self):
        rid = self.session.reviewer_id
        return FormDraft.reviewer.is_null() if rid is None else FormDraft.reviewer == rid

    def save(self, claim_id: int | None, draft: ClaimDraft) -> bool:
        """Store the form's input; False (and nothing written) when the project is read-only."""
        if read_only_reason() is not None:
            return False
        payload = json.dumps(
            {
                "start": draft.start,
                "end": draft.end,
                "values": draft.values,
                "terms": [[t.role, t.label, t.identifier, t.term_id] for t in draft.terms],
                "version": draft.version,  # a recovered edit is still refused if the claim moved on
                "uuid": draft.uuid,
            },
            ensure_ascii=False,
        )
        with write_transaction():
            FormDraft.delete().where(self._mine()).execute()
            FormDraft.create(
                reviewer=self.session.reviewer_id,
                document=draft.document_id,
                claim_id=claim_id,
                payload=payload,
                saved_at=utcnow(),
            )
        return True

    def load(self) -> SavedDraft | None:
        row = FormDraft.select().where(self._mine()).first()
        if row is None or Document.get_or_none(Document.id == row.document_id) is None:
            return None
        data = json.loads(row.payload)
        draft = ClaimDraft(
            row.document_id,
            int(data["start"]),
            int(data["end"]),
            dict(data["values"]),
            tuple(TermRef(*t) for t in data["terms"]),
            data.get("version") if isinstance(data.get("version"), int) else None,
            data.get("uuid") if isinstance(data.get("uuid"), str) else "",
        )
        exists = (
            row.claim_id is not None
            and Claim.get_or_none((Claim.id == row.claim_id) & (Claim.document == row.document_id)) is not None
        )
        return SavedDraft(row.claim_id, exists, draft, row.saved_at)

    def discard(self) -> None:
        if read_only_reason() is None:
            with write_transaction():
                FormDraft.delete().where(self._mine()).execute()
