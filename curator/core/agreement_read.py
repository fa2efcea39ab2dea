"""The claims agreement compares, read narrowly: what the matching and the coefficients use, nothing else.

`session.claims.all()` builds a full ClaimRecord per claim (quote, context, every field, two datetimes,
a TermRef per term): at 200,000 claims that took longer than all of agreement's own work. Agreement
needs a claim's document, reviewer, span, the choice and number fields and its terms by role, so
read_claims selects those columns (peewee's SQL, the driver's rows: portable to PostgreSQL) with the
same visibility as every other view (blind extraction), and the terms in one query. from_records gives
the same values for records a caller has already read (an export), so both paths share one pipeline
(tests/test_agreement.py compares their reports on a random project).
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
    values: tuple  # the choice and number fields' values as stored, in the order of compared_keys
    roles: dict[str, set[str]]  # role -> its terms, each by identifier where it has one, else its label folded


def compared_fields(codebook: Codebook) -> list:
    """The value fields agreement compares: choice and number fields, in the codebook's order."""
    return [f for f in codebook.value_fields if f.kind == "choice" or f.kind in NUMBER_KINDS]


def compared_keys(codebook: Codebook) -> list[str]:
    return [f.key for f in compared_fields(codebook)]


def read_claims(session: Session) -> list[AgreementClaim]:
    """The claims the current reviewer may see, anchored in their document's current text and made by a
    named reviewer, in reading order (start, then id: as ClaimService.all gives them)."""
    keys = compared_keys(session.codebook)
    where = Claim.anchor_status != "orphaned"  # an orphaned quote has no position in the current text
    visible = session.team.visible_claims()  # blind extraction: others' claims stay out, as in every view
    if visible is not None:
        where &= visible
    query = (
        Claim.select(
            Claim.id, Claim.document, Reviewer.name, Claim.start, Claim.end, *(Claim._meta.fields[k] for k in keys)
        )
        .join(Reviewer)  # a claim without a reviewer is nobody's extraction
        .where(where)
        .order_by(Claim.start, Claim.id)
    )
    terms = ClaimTerm.select(ClaimTerm.claim, ClaimTerm.role, ClaimTerm.identifier, ClaimTerm.label)
    if visible is not None:  # a subquery, not thousands of bound ids
        terms = terms.where(ClaimTerm.claim.in_(Claim.select(Claim.id).where(where)))
    db = Claim._meta.database
    rows = db.execute(query).fetchall()
    roles: dict[int, dict[str, set[str]]] = {}
    for claim_id, role, identifier, label in db.execute(terms):
        by_role = roles.get(claim_id)
        if by_role is None:
            by_role = roles[claim_id] = {}
        term = identifier or label.casefold()
        found = by_role.get(role)
        if found is None:
            by_role[role] = {term}
        else:
            found.add(term)
    none: dict[str, set[str]] = {}
    return [AgreementClaim(r[0], r[1], r[2], Span(r[3], r[4]), r[5:], roles.get(r[0], none)) for r in rows if r[2]]


def from_records(records: Iterable[ClaimRecord], codebook: Codebook) -> list[AgreementClaim]:
    """What read_claims gives, from records already read (the caller filters them)."""
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
