"""One change-log row per created, changed or deleted field."""

from __future__ import annotations

from typing import Any

import peewee

from curator.core.models import ChangeLog, Reviewer, utcnow


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def record(
    action: str, entity: str, entity_id: int, diffs: list[tuple[str, Any, Any]], reviewer_id: int | None
) -> None:
    """Store `diffs` as (field, old, new) rows; call inside the transaction that made the change."""
    if not diffs:
        return
    at = utcnow()
    rows = [
        {
            "reviewer": reviewer_id,
            "at": at,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "field": name,
            "old": _as_text(old),
            "new": _as_text(new),
        }
        for name, old, new in diffs
    ]
    ChangeLog.insert_many(rows).execute()


def history(entity: str, entity_id: int) -> list[dict]:
    query = (
        ChangeLog.select()
        .where((ChangeLog.entity == entity) & (ChangeLog.entity_id == entity_id))
        .order_by(ChangeLog.id)
        .dicts()
    )
    return list(query)


def last_change(entity: str, entity_id: int):
    """(reviewer name or "", when) of the latest change to the entity, or ("", None)."""
    row = (
        ChangeLog.select(Reviewer.name, ChangeLog.at)
        .join(Reviewer, peewee.JOIN.LEFT_OUTER, on=(ChangeLog.reviewer == Reviewer.id))
        .where((ChangeLog.entity == entity) & (ChangeLog.entity_id == entity_id))
        .order_by(ChangeLog.id.desc())
        .limit(1)
        .tuples()
        .first()
    )
    return (row[0] or "", row[1]) if row else ("", None)
