"""Other clients' changes, found in the change log, as the `Changes` the views already refresh from.

Every write of every client goes through the change log in the same transaction, so reading the rows
added since the last look tells a window what to refresh — on a shared PostgreSQL server and on an
SQLite file opened by two programs alike. One indexed `MAX(id)` query per poll when nothing changed.
Rows this session wrote itself are skipped (`skip_own` after each of its writes): its views refreshed
when it made them. A reviewer signed in under the same name on two machines at once may miss the
other machine's rows written between a poll and a write of her own; the next change shows them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import peewee

from curator.core.models import ChangeLog, Claim
from curator.core.records import Changes

if TYPE_CHECKING:
    from curator.core.session import Session

# change-log entities and what a view must refresh for them
_VOCABULARY = {"term", "vocabulary"}
_CODEBOOK = {"choice"}
_TEAM = {"assignment", "reviewer", "project"}


class ChangeWatcher:
    def __init__(self, session: Session):
        self.session = session
        self.seen = self.latest()
        self.own_upto = 0  # rows up to here written under this reviewer are this session's own

    @staticmethod
    def latest() -> int:
        return ChangeLog.select(peewee.fn.MAX(ChangeLog.id)).scalar() or 0

    def poll(self) -> Changes:
        """What other clients changed since the last poll (empty Changes if nothing)."""
        latest = self.latest()
        if latest <= self.seen:
            return Changes()
        rows = (
            ChangeLog.select(ChangeLog.id, ChangeLog.entity, ChangeLog.entity_id, ChangeLog.field, ChangeLog.reviewer)
            .where((ChangeLog.id > self.seen) & (ChangeLog.id <= latest))
            .tuples()
        )
        me = self.session.reviewer_id
        claims: set[int] = set()
        documents: set[int] = set()
        texts: set[int] = set()
        vocabulary = codebook = team = False
        for log_id, entity, entity_id, field, reviewer in rows:
            if reviewer is not None and reviewer == me and log_id <= self.own_upto:
                continue
            if entity == "claim":
                claims.add(entity_id)
            elif entity == "document":
                documents.add(entity_id)
                if field in ("sha256", "text"):
                    texts.add(entity_id)
            elif entity in _VOCABULARY:
                vocabulary = True
            elif entity in _CODEBOOK:
                codebook = True
            elif entity in _TEAM:
                team = True
                if entity == "assignment":
                    documents.add(entity_id)
        self.seen = latest
        if claims:  # the documents of claims that still exist; a deleted claim's view finds it gone
            ids = sorted(claims)
            for i in range(0, len(ids), 900):
                documents.update(
                    r[0] for r in Claim.select(Claim.document).where(Claim.id.in_(ids[i : i + 900])).distinct().tuples()
                )
        return Changes(frozenset(documents), frozenset(claims), vocabulary, frozenset(texts), codebook, team)

    def skip_own(self) -> None:
        """Call after this session's own write has refreshed the views: rows up to now are not news."""
        self.own_upto = self.latest()
