"""Claims read as records the fast way: one query per table, plain tuples, records built here.

peewee's per-row conversion (`.dicts()`, process_row) cost 4× the driver's own fetch at 100,000
claims (bench/RESULTS.md), so the SQL is peewee's, built once per call, and the rows are the
driver's. What peewee would convert is converted here: SQLite's text timestamps (PostgreSQL's
driver returns datetimes); every other column comes from the driver as peewee would give it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import peewee

from curator.core.anchoring import Anchor
from curator.core.db import is_sqlite
from curator.core.models import Claim, ClaimTerm, Reviewer
from curator.core.records import ClaimRecord, TermRef


def read_records(where, value_keys: list[str]) -> list[ClaimRecord]:
    """The claims matching `where` (all if None) in reading order, with their terms in position order."""
    db = Claim._meta.database
    query = (
        Claim.select(*_CLAIM_COLUMNS, Reviewer.name, *(Claim._meta.fields[k] for k in value_keys))
        .join(Reviewer, peewee.JOIN.LEFT_OUTER)
        .order_by(Claim.start, Claim.id)
    )
    term_query = ClaimTerm.select(
        ClaimTerm.claim, ClaimTerm.role, ClaimTerm.label, ClaimTerm.identifier, ClaimTerm.term
    ).order_by(ClaimTerm.claim, ClaimTerm.position, ClaimTerm.id)
    if where is not None:
        query = query.where(where)
        # a subquery, not thousands of bound ids
        term_query = term_query.where(ClaimTerm.claim.in_(Claim.select(Claim.id).where(where)))
    claims = db.execute(query).fetchall()
    if not claims:
        return []
    terms: dict[int, list[TermRef]] = {c[0]: [] for c in claims}
    refs: dict[tuple, TermRef] = {}  # TermRefs are frozen: one instance serves every claim with that term
    for row in db.execute(term_query):
        group = terms.get(row[0])
        if group is not None:
            key = row[1:]
            ref = refs.get(key)
            if ref is None:
                ref = refs[key] = TermRef(*key)
            group.append(ref)
    if not is_sqlite():
        return _build(claims, terms, value_keys, _same)
    try:
        return _build(claims, terms, value_keys, dt.datetime.fromisoformat)  # the text peewee writes
    except (TypeError, ValueError):  # text another program wrote: each value as peewee reads it
        return _build(claims, terms, value_keys, _sqlite_datetime)


# The columns read_records reads, in the order _build indexes them (then the reviewer's name, then the values).
_CLAIM_COLUMNS = (
    Claim.id,
    Claim.document,
    Claim.reviewer,
    Claim.start,
    Claim.end,
    Claim.exact,
    Claim.prefix,
    Claim.suffix,
    Claim.document_sha256,
    Claim.anchor_status,
    Claim.created_at,
    Claim.updated_at,
    Claim.uuid,
    Claim.version,
)
_DATETIME = Claim.created_at


def _sqlite_datetime(value: Any) -> Any:
    """SQLite's text for a DateTimeField as peewee reads it: the ISO form at C speed, anything else by peewee."""
    try:
        return dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return _DATETIME.python_value(value)


def _same(value: Any) -> Any:
    return value


_RECORD_FIELDS = tuple(f.name for f in dataclasses.fields(ClaimRecord))
_ANCHOR_FIELDS = tuple(f.name for f in dataclasses.fields(Anchor))


def _build(claims: list[tuple], terms: dict[int, list[TermRef]], value_keys: list[str], when) -> list[ClaimRecord]:
    """Records from read_records' rows (_CLAIM_COLUMNS, the reviewer's name, the values).

    A frozen dataclass's __init__ sets each field through object.__setattr__ (half the cost of a
    record at 100,000): the fields go into __dict__ at once instead, which gives equal, equally
    immutable records (tests/test_claim_reading.py compares them with records built the usual way)."""
    new = object.__new__
    out = []
    for c in claims:
        anchor = new(Anchor)
        anchor.__dict__.update(zip(_ANCHOR_FIELDS, c[3:8]))
        record = new(ClaimRecord)
        record.__dict__.update(
            zip(
                _RECORD_FIELDS,
                (
                    c[0],
                    c[1],
                    c[2],
                    c[14] or "",
                    anchor,
                    c[8],
                    dict(zip(value_keys, c[15:])),
                    tuple(terms[c[0]]),
                    when(c[10]),
                    when(c[11]),
                    c[9],
                    c[12],
                    c[13],
                ),
            )
        )
        out.append(record)
    return out
