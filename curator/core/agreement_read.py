"""The claims agreement compares, read narrowly: what the matching and the coefficients use, nothing else.

`session.claims.all()` builds a full ClaimRecord per claim (quote, context, every field, two datetimes,
a TermRef per term): at 200,000 claims that took longer than all of agreement's own work. Agreement
needs a claim's document, reviewer, span, the choice and number fields and its terms by role, so
read_scoped selects those columns (peewee's SQL, the driver's rows: portable to PostgreSQL) with the
same visibility as every other view (blind extraction), each choice as a small integer code, and the
terms in one query; it filters and groups the claims as agreement.measure does records. from_records
gives the same values, as stored, for records a caller has already read (an export), so both paths
share one pipeline (tests/test_agreement.py compares their reports on a random project).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

import peewee

from curator.core.models import Assignment, Claim, ClaimTerm, Reviewer
from curator.core.records import ClaimRecord

if TYPE_CHECKING:
    from curator.core.codebook import Codebook
    from curator.core.session import Session

NUMBER_KINDS = ("number", "integer")


class Span(NamedTuple):
    """Where a quote lies, as ClaimRecord.anchor gives it (what overlap and the matching read)."""

    start: int
    end: int


class AgreementClaim(NamedTuple):
    """A claim as agreement compares it: its span, the compared fields and its terms by role."""

    id: int
    document_id: int
    reviewer_name: str
    anchor: Span
    # the choice and number fields' values in the order of compared_keys: as stored (from_records), or with each
    # choice as a small integer code (read_scoped: equal values, equal codes; the empty value 0)
    values: tuple
    roles: dict[str, set[str]]  # role -> its terms, each by identifier where it has one, else its label folded


def compared_fields(codebook: Codebook) -> list:
    """The value fields agreement compares: choice and number fields, in the codebook's order."""
    return [f for f in codebook.value_fields if f.kind == "choice" or f.kind in NUMBER_KINDS]


def compared_keys(codebook: Codebook) -> list[str]:
    return [f.key for f in compared_fields(codebook)]


def read_scoped(
    session: Session,
    consensus: set[int],
    keep: set[str] | None = None,
    documents: set[int] | None = None,
) -> dict[int, dict[str, list[AgreementClaim]]]:
    """Document -> reviewer -> her claims, as agreement compares them: the claims the current reviewer may
    see, anchored in their document's current text, made by a named reviewer (of `keep`, if given), not a
    consensus claim, on `documents` (if given) and, on an assigned document, by one of its extractors.

    The same grouping, in the same orders, as measure filtering records claim by claim: documents in the
    order of their first claim in reading order (start, then id), a document's reviewers in the order of
    their first claim on it, each reviewer's claims in reading order. The rows come ordered by document,
    so the filters are decided once per document and reviewer, and claims of documents left out are not
    built (at 200,000 claims the per-claim filtering and grouping took longer than building the units)."""
    fields = compared_fields(session.codebook)
    where = Claim.anchor_status != "orphaned"  # an orphaned quote has no position in the current text
    visible = session.team.visible_claims()  # blind extraction: others' claims stay out, as in every view
    if visible is not None:
        where &= visible
    codes = choice_codes(fields)
    query = (
        Claim.select(
            Claim.id,
            Claim.document,
            Claim.reviewer,
            Claim.start,
            Claim.end,
            *(_coded(Claim._meta.fields[f.key], codes.get(i)) for i, f in enumerate(fields)),
        )
        .where(where)
        .order_by(Claim.document, Claim.start, Claim.id)
    )
    db = Claim._meta.database
    rows = db.execute(query).fetchall()
    unknown = _decode_unknown(
        db, rows, fields, codes, where
    )  # claim id -> its values, where a choice is off the codebook
    roles = _roles(db, where if visible is not None else None)
    # a claim without a reviewer, or of one without a name, is nobody's extraction
    named = {rid: name for rid, name in db.execute(Reviewer.select(Reviewer.id, Reviewer.name)) if name}
    if keep is not None:
        named = {rid: name for rid, name in named.items() if name in keep}
    extractors = extractor_ids_by_document()
    none: dict[str, set[str]] = {}
    new_claim, new_span = tuple.__new__, tuple.__new__  # the named tuples built in C (200,000 of each)
    firsts: list[tuple[int, int, int]] = []  # (start, id) of each document's first kept claim, the document
    found: dict[int, dict[str, list[AgreementClaim]]] = {}
    doc = None
    allowed: dict[int, str] = {}
    by: dict[str, list[AgreementClaim]] = {}
    for r in rows:
        if r[1] != doc:
            doc = r[1]
            if documents is not None and doc not in documents:
                allowed = {}
            elif doc in extractors:  # on an assigned document only its extractors' claims are an extraction
                assigned = extractors[doc]
                allowed = {rid: name for rid, name in named.items() if rid in assigned}
            else:
                allowed = named
            by = {}
        name = allowed.get(r[2])
        if name is None or r[0] in consensus:
            continue
        values = r[5:]
        if unknown and r[0] in unknown:
            values = unknown[r[0]]
        claim = new_claim(
            AgreementClaim, (r[0], doc, name, new_span(Span, (r[3], r[4])), values, roles.get(r[0], none))
        )
        mine = by.get(name)
        if mine is not None:
            mine.append(claim)
            continue
        if not by:
            firsts.append((r[3], r[0], doc))
            found[doc] = by
        by[name] = [claim]
    return {doc: found[doc] for _, _, doc in sorted(firsts)}


OFF_CODEBOOK = -1  # the code of a stored choice the codebook no longer offers (read again as it is stored)
REREAD_ALL = 5_000  # more claims than this with such a choice: their values are read by one scan, not by id


def choice_codes(fields: list) -> dict[int, dict[str, int]]:
    """Index of each choice field among `fields` -> its choices' codes, from 1 (0 is the empty value)."""
    return {
        i: {key: n for n, key in enumerate(sorted(f.choice_keys), 1)}
        for i, f in enumerate(fields)
        if f.kind == "choice"
    }


def _coded(column, codes: dict[str, int] | None):
    """A choice column as a small integer: 0 empty (NULL or ""), its code, or OFF_CODEBOOK; other columns as
    stored. The driver builds no string per value (1.5 million of them at 200,000 claims), and counting
    pairs of small integers is faster than of strings. Every branch an integer: PostgreSQL types a CASE."""
    if codes is None:
        return column
    return peewee.Case(peewee.fn.COALESCE(column, ""), [("", 0), *codes.items()], OFF_CODEBOOK)


def _decode_unknown(db, rows: list, fields: list, codes: dict[int, dict[str, int]], where) -> dict[int, tuple]:
    """Claim id -> its values, for the claims with a choice off the codebook: each such value gets a code of
    its own below OFF_CODEBOOK (equal values, equal codes), so coded values compare as the stored ones do."""
    coded = {r[0]: r[5:] for r in rows if OFF_CODEBOOK in r[5:]}
    if not coded:
        return {}
    ids = list(coded)
    more: dict[int, dict[str, int]] = {i: {} for i in codes}
    out = {}
    columns = [Claim._meta.fields[f.key] for f in fields]
    if len(ids) > REREAD_ALL:  # a renamed choice on most claims: one more scan, not hundreds of batches
        found = (r for r in db.execute(Claim.select(Claim.id, *columns).where(where)) if r[0] in coded)
    else:  # bound ids in batches: SQLite limits the parameters of a statement
        found = (
            r
            for at in range(0, len(ids), 500)
            for r in db.execute(Claim.select(Claim.id, *columns).where(Claim.id.in_(ids[at : at + 500])))
        )
    for claim_id, *raw in found:
        values = list(coded[claim_id])
        for i, value in enumerate(values):
            if i in codes and value == OFF_CODEBOOK:
                own = more[i]
                values[i] = own.setdefault(raw[i], OFF_CODEBOOK - 1 - len(own))
        out[claim_id] = tuple(values)
    return out


def _roles(db, where) -> dict[int, dict[str, set[str]]]:
    """Claim id -> role -> its terms (by identifier where it has one, else the label folded), for the
    claims `where` selects (None: every claim)."""
    # the label only where it is the term's key: no string built for the 80 % of rows with an identifier
    unnamed = ClaimTerm.identifier.is_null() | (ClaimTerm.identifier == "")
    label = peewee.Case(None, [(unnamed, ClaimTerm.label)])
    terms = ClaimTerm.select(ClaimTerm.claim, ClaimTerm.role, ClaimTerm.identifier, label)
    if where is not None:  # a subquery, not thousands of bound ids
        terms = terms.where(ClaimTerm.claim.in_(Claim.select(Claim.id).where(where)))
    roles: dict[int, dict[str, set[str]]] = {}
    for claim_id, role, identifier, label in db.execute(terms).fetchall():
        by_role = roles.get(claim_id)
        if by_role is None:
            by_role = roles[claim_id] = {}
        term = identifier or label.casefold()
        found = by_role.get(role)
        if found is None:
            by_role[role] = {term}
        else:
            found.add(term)
    return roles


def from_records(records: Iterable[ClaimRecord], codebook: Codebook) -> list[AgreementClaim]:
    """AgreementClaims of records already read (the caller filters them), values as stored."""
    keys = compared_keys(codebook)
    out = []
    for c in records:
        by_role: dict[str, set[str]] = {}
        for t in c.terms:
            by_role.setdefault(t.role, set()).add(t.identifier or t.label.casefold())
        values = c.values
        out.append(
            AgreementClaim(
                c.id,
                c.document_id,
                c.reviewer_name,
                Span(c.anchor.start, c.anchor.end),
                tuple(values.get(k) for k in keys),
                by_role,
            )
        )
    return out


def extractors_by_document() -> dict[int, set[str]]:
    """Document id -> the names of the reviewers assigned to it (TeamService.states' extractors), in one
    query of two columns: states() also reads and converts every assignment's dates."""
    query = Assignment.select(Assignment.document, Reviewer.name).join(Reviewer)
    out: dict[int, set[str]] = {}
    for doc, name in Claim._meta.database.execute(query):
        out.setdefault(doc, set()).add(name)
    return out


def dual_document_ids() -> set[int]:
    """Documents assigned to two or more reviewers, by one grouped count."""
    query = (
        Assignment.select(Assignment.document)
        .join(Reviewer)
        .group_by(Assignment.document)
        .having(peewee.fn.COUNT(Assignment.id) >= 2)
    )
    return {row[0] for row in Claim._meta.database.execute(query)}


def extractor_ids_by_document() -> dict[int, set[int]]:
    """Document id -> the ids of the reviewers assigned to it (extractors_by_document by id)."""
    out: dict[int, set[int]] = {}
    for doc, reviewer in Claim._meta.database.execute(
        Assignment.select(Assignment.document, Assignment.reviewer).join(Reviewer)
    ):
        out.setdefault(doc, set()).add(reviewer)
    return out
