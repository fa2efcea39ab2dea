"""Rows a merge writes, as tuples in one fixed column order, and the bulk INSERT that takes them.

At 100,000 claims a dict per row (and a datetime parsed and formatted again per timestamp) cost
more than SQLite's own work; peewee still builds the SQL, once, and checks its column order.
"""

from __future__ import annotations

import datetime as dt
from operator import itemgetter
from typing import Any

import peewee

from curator.core import db as dbmod
from curator.core.bulk_claims import BATCH, _next_ids
from curator.core.merge_types import VALUE_COLUMNS, ClaimRow
from curator.core.models import CLAIM_FIELD_COLUMNS, Claim

# The claim's own columns (every one but the codebook's values), in the model's order, then the values:
# CLAIM_FIELD_COLUMNS is what the model leaves to the codebook, so a column added to the claim is named here too.
OWN_NAMES = tuple(n for n in Claim._meta.sorted_field_names if n != "id" and n not in CLAIM_FIELD_COLUMNS)
CLAIM_NAMES = (*OWN_NAMES, *VALUE_COLUMNS)
TERM_NAMES = ("claim", "term", "role", "label", "identifier", "position")
LOG_NAMES = ("reviewer", "at", "action", "entity", "entity_id", "field", "old", "new")
BASE_NAMES = ("project", "claim_uuid", "digest")


def stamp(text: str | None, sqlite: bool, now: dt.datetime) -> Any:
    """Another project's timestamp as this database stores it (SQLite: peewee's text); now if unreadable."""
    if sqlite and text.__class__ is str and len(text) in (19, 26) and text[10] == " ":
        try:
            dt.datetime.fromisoformat(text)
            return text  # already peewee's own spelling: stored as it is
        except ValueError:
            pass
    try:
        when = dt.datetime.fromisoformat(text) if text else now
    except (TypeError, ValueError):
        when = now
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when.isoformat(" ") if sqlite else when


def claim_tuple(row: ClaimRow, document: int, reviewer: int | None, created: Any, updated: Any, version: int) -> tuple:
    """The claim's columns in CLAIM_NAMES order (tests/test_merge.py pins which value lands in which column)."""
    return (
        document,
        reviewer,
        row.start,
        row.end,
        row.exact,
        row.prefix,
        row.suffix,
        row.anchor_sha256,
        row.anchor_status,
        created,
        updated,
        row.uuid,
        version,
        *row.values,
    )


def term_tuples(claim_id: int, row: ClaimRow, term_ids: dict[int, int]) -> list[tuple]:
    """The claim's terms in TERM_NAMES order, pointed at this project's terms."""
    return [
        (claim_id, term_ids.get(term_id), role, label, identifier, position)
        for position, (role, label, identifier, term_id) in enumerate(row.terms)
    ]


def log_tuples(reviewer: int | None, at: Any, action: str, items: list[tuple[int, str, Any, Any]]) -> list[tuple]:
    """Change-log rows (LOG_NAMES order) for (claim id, field, old, new)."""
    return [
        (
            reviewer,
            at,
            action,
            "claim",
            claim_id,
            name,
            None if old is None else str(old),
            None if new is None else str(new),
        )
        for claim_id, name, old, new in items
    ]


def insert_tuples(model: type[peewee.Model], names: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT every row (a tuple in `names` order, plain values) through one prepared statement."""
    if not rows:
        return
    fields = sorted((model._meta.fields[name] for name in names), key=lambda f: f._sort_key)
    sample = dict(zip(names, rows[0]))
    sql, params = model.insert(sample).sql()
    if [f.db_value(sample[f.name]) for f in fields] != list(params):
        raise RuntimeError(f"bulk insert into {model.__name__}: parameter order differs from peewee's")
    in_peewee_order = itemgetter(*(names.index(f.name) for f in fields))
    cursor = dbmod.database.obj.cursor()
    for i in range(0, len(rows), BATCH):
        cursor.executemany(sql, list(map(in_peewee_order, rows[i : i + BATCH])))


def insert_with_ids(model: type[peewee.Model], names: tuple[str, ...], rows: list[tuple]) -> list[int]:
    """Insert the rows and return their new ids, in order."""
    if not rows:
        return []
    ids = _next_ids(model, len(rows))  # SQLite, under the writer's lock
    if ids is not None:
        insert_tuples(model, ("id", *names), [(i, *row) for i, row in zip(ids, rows)])
        return ids
    out: list[int] = []
    for i in range(0, len(rows), BATCH):
        chunk = [dict(zip(names, row)) for row in rows[i : i + BATCH]]
        out += [r[0] for r in model.insert_many(chunk).returning(model.id).tuples().execute()]
    return out
