"""What another reviewer's project may hold that this one cannot store: checked before a merge
writes anything, so a bad row is skipped by name instead of failing the whole merge (PostgreSQL
refuses a NUL or an over-long varchar in the middle of the transaction; SQLite would keep it)."""

from __future__ import annotations

from operator import attrgetter, itemgetter
from typing import Any

from curator.core import styles as style_ranges
from curator.core.claims import unstorable_text
from curator.core.merge_types import FLOAT_COLUMNS, INT_COLUMNS, VALUE_COLUMNS, ClaimRow, DocumentRow
from curator.core.models import Claim, ClaimTerm, Document


def styles_readable(stored: str) -> bool:
    """Styles another program wrote are dropped (the text still shows) rather than break the reader."""
    try:
        style_ranges.loads(stored)
    except (ValueError, TypeError):
        return False
    return True


def _too_long(model, values: dict[str, Any]) -> bool:
    """A value longer than its column: SQLite would take it, PostgreSQL's varchar refuses the whole merge."""
    fields = model._meta.fields
    return any(
        isinstance(v, str) and getattr(fields[k], "max_length", None) and len(v) > fields[k].max_length
        for k, v in values.items()
    )


def unstorable_document(d: DocumentRow) -> bool:
    strings = [v for v in d[: DocumentRow._fields.index("versions")] if isinstance(v, str)]
    strings += [t for v in d.versions for t in v if isinstance(t, str)]
    strings += [t for e in d.entities for t in e if isinstance(t, str)]
    return bool(unstorable_text("\n".join(strings))) or _too_long(
        Document, {k: v for k, v in d._asdict().items() if k in Document._meta.fields}
    )


def _column_limits(model, names) -> list[tuple[int, int]]:
    """(position in `names`, max_length) of each varchar column among them."""
    fields = model._meta.fields
    return [(i, fields[n].max_length) for i, n in enumerate(names) if getattr(fields[n], "max_length", None)]


_VALUE_LIMITS = _column_limits(Claim, VALUE_COLUMNS)
_TERM_LIMITS = _column_limits(ClaimTerm, ("role", "label", "identifier"))
_UNSTORABLE = "a field holds a character no database can store (a NUL or half of a character); fix it there"
_TOO_LONG = "a field holds a value longer than this project's column allows; shorten it there and merge again"


def _storable(text: str) -> bool:
    """No NUL and no half of a character, at C speed (unstorable_text says which, claim by claim)."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# the reader gives text columns as str and number columns as numbers or None
_TEXT_AT = tuple(i for i, name in enumerate(VALUE_COLUMNS) if name not in FLOAT_COLUMNS | INT_COLUMNS)


def unstorable_claims(claims: tuple[ClaimRow, ...]) -> dict[str, str]:
    """Why some incoming claims cannot be stored, by uuid. Checked a column at a time over all claims
    (C loops); only when a column is at fault are the claims searched one by one."""
    values = list(map(attrgetter("values"), claims))
    terms = [t for c in claims for t in c.terms]
    columns = [list(map(attrgetter(name), claims)) for name in ("exact", "prefix", "suffix", "reviewer_name")]
    texts = {i: list(map(itemgetter(i), values)) for i in _TEXT_AT}
    term_columns = [list(map(itemgetter(i), terms)) for i in range(3)]
    bad: dict[str, str] = {}
    if not all(_storable("\n".join(column)) for column in [*columns, *texts.values(), *term_columns]):
        for c in claims:
            strings = [c.exact, c.prefix, c.suffix, c.reviewer_name, *(t for term in c.terms for t in term[:3])]
            if unstorable_text("\n".join(strings + [c.values[i] for i in _TEXT_AT])):
                bad[c.uuid] = _UNSTORABLE
    too_long = any(max(map(len, texts[i]), default=0) > limit for i, limit in _VALUE_LIMITS if i in texts) or any(
        max(map(len, term_columns[i]), default=0) > limit for i, limit in _TERM_LIMITS
    )
    if too_long:
        for c in claims:
            if any(len(c.values[i]) > limit for i, limit in _VALUE_LIMITS if i in texts) or any(
                len(t[i]) > limit for t in c.terms for i, limit in _TERM_LIMITS
            ):
                bad.setdefault(c.uuid, _TOO_LONG)
    return bad


def claim_problem(claim: ClaimRow, texts: dict[str, str], bad: dict[str, str]) -> str | None:
    """Why an incoming claim cannot be stored as it is, or None."""
    if claim.uuid in bad:
        return bad[claim.uuid]
    if claim.anchor_status != "orphaned":
        text = texts.get(claim.document_sha256)
        if (
            text is None
            or not 0 <= claim.start < claim.end <= len(text)
            or text[claim.start : claim.end] != claim.exact
        ):
            return "its quote is not at its position in the document; run `curator check` on that project"
    return None
