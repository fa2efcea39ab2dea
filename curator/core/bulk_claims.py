"""Write an import in one transaction: new terms, many new claims at once, and field-by-field updates.

New claims go in through SQL that peewee builds once and the driver runs with executemany: per-row
ORM inserts cost ~20× raw SQL (../shared/notes/performance.md), which at 100,000 rows is minutes.

An import is planned outside any transaction, so another process may write the same rows between
the plan and the write. The writing transaction therefore looks again, under the writer's lock,
and leaves out every new claim that is by then stored: the second of two imports of one workbook
changes nothing. SQLite's BEGIN IMMEDIATE is that lock. PostgreSQL's READ COMMITTED would let two
imports each see the other's rows as absent, so imports take a transaction-scoped advisory lock
first: imports are rare and whole, so queueing one behind another costs nothing, whereas
SERIALIZABLE would abort the later import after all its work (and could abort a reviewer's
ordinary save) and need a retry loop around a transaction that may hold 100,000 rows.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from operator import itemgetter
from typing import TYPE_CHECKING

import peewee

from curator.core.anchoring import AnchorError, make_anchor
from curator.core.db import database, is_sqlite, write_transaction
from curator.core.errors import NotFoundError, ValidationError
from curator.core.models import ChangeLog, Claim, ClaimTerm, Document, Term, Vocabulary, new_uuid, utcnow
from curator.core.records import Changes, ClaimDraft, ClaimRecord, TermRef

if TYPE_CHECKING:
    from curator.core.session import Session

BATCH = 2000
PG_IMPORT_LOCK = 0x43555249  # an arbitrary, fixed advisory-lock key ("CURI"), not the migration lock's
# Rows hold plain values (ints for foreign keys, datetimes for dates), which the driver takes as
# they are; peewee's per-cell conversion would cost a Python call per cell.
_PLAIN_FIELDS = (
    peewee.IntegerField,
    peewee.FloatField,
    peewee.TextField,
    peewee.CharField,
    peewee.DateTimeField,
    peewee.ForeignKeyField,
)


@contextmanager
def no_cyclic_gc():
    """Pause the cyclic garbage collector during bulk work that makes many acyclic objects.

    At 100,000 rows the collector's repeated passes over a growing heap took half of the import's
    planning time (bench/RESULTS.md); reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _insert_rows(model: type[peewee.Model], rows: list[dict]) -> None:
    """INSERT every row (all with the same keys, plain values) through one prepared statement."""
    if not rows:
        return
    # peewee orders an INSERT's columns by field definition, whatever the dict's order
    fields = sorted((model._meta.fields[name] for name in rows[0]), key=lambda f: f._sort_key)
    sql, first_params = model.insert(rows[0]).sql()
    if [f.db_value(rows[0][f.name]) for f in fields] != list(first_params):
        raise RuntimeError(f"bulk insert into {model.__name__}: parameter order differs from peewee's")
    plain = [f for f in fields if not isinstance(f, _PLAIN_FIELDS)]
    if plain:
        raise TypeError(
            f"bulk insert into {model.__name__}: {', '.join(f.name for f in plain)} need peewee's conversion"
        )
    values_of = itemgetter(*(f.name for f in fields))  # a tuple per row, at C speed
    cursor = database.obj.cursor()
    for i in range(0, len(rows), BATCH):
        cursor.executemany(sql, list(map(values_of, rows[i : i + BATCH])))


def _next_ids(model: type[peewee.Model], n: int) -> list[int] | None:
    """Ids for n new rows: on SQLite (writer lock held) max+1…; elsewhere None (the server assigns)."""
    if not is_sqlite():
        return None
    top = model.select(peewee.fn.MAX(model.id)).scalar() or 0
    return list(range(top + 1, top + 1 + n))


def _add_terms(
    session: Session,
    new_terms: list[tuple[str, str]],
    created: list[int] | None = None,
) -> dict[tuple[str, str], tuple[int, str]]:
    """Add each (role, label) to the first vocabulary serving the role; return their ids. The ids of
    terms this call created (not found already there) are appended to `created`."""
    out = {}
    for role, label in new_terms:
        vocabularies = session.terms.vocabularies_for_role(role)
        if not vocabularies:
            raise ValidationError(f"no vocabulary takes {role} terms; add '{label}' to the codebook instead")
        key = vocabularies[0][0]
        vocabulary = Vocabulary.get(Vocabulary.key == key)
        term = Term.get_or_none((Term.vocabulary == vocabulary) & (peewee.fn.LOWER(Term.label) == label.lower()))
        if term is None:
            term = Term.create(vocabulary=vocabulary, label=label, added_by=session.reviewer_id)
            if created is not None:
                created.append(term.id)
        out[(role, label.casefold())] = (term.id, term.identifier)
    return out


def _with_term_ids(terms: tuple[TermRef, ...], added: dict) -> tuple[TermRef, ...]:
    return tuple(
        TermRef(t.role, t.label, added[(t.role, t.label.casefold())][1], added[(t.role, t.label.casefold())][0])
        if t.term_id is None and (t.role, t.label.casefold()) in added
        else t
        for t in terms
    )


def _same_content(record: ClaimRecord, draft: ClaimDraft, session: Session) -> bool:
    """The stored claim says what the draft says (the planner's notion of an unchanged row)."""
    for f in session.codebook.value_fields:
        before, after = record.values.get(f.key), draft.values.get(f.key)
        if before != after and not (before in (None, "") and after in (None, "")):
            return False
    return [(t.role, t.label.casefold()) for t in record.terms] == [(t.role, t.label.casefold()) for t in draft.terms]


def _already_stored(session: Session, creates: list[tuple[ClaimDraft, str]]) -> set[int]:
    """Positions in `creates` of drafts a claim now stored already makes (same passage, same content).

    Run inside the writing transaction: rows another import committed since the plan are seen here."""
    spans = {(d.document_id, d.start, d.end) for d, _ in creates}
    documents = sorted({doc for doc, _, _ in spans})
    candidates = []
    for i in range(0, len(documents), 900):
        query = Claim.select(Claim.id, Claim.document, Claim.start, Claim.end).where(
            Claim.document.in_(documents[i : i + 900])
        )
        candidates += [claim_id for claim_id, *span in query.tuples() if tuple(span) in spans]
    if not candidates:
        return set()
    stored: dict[tuple[int, int, int], list[ClaimRecord]] = {}
    for record in session.claims.get_many(candidates):
        stored.setdefault((record.document_id, record.anchor.start, record.anchor.end), []).append(record)
    return {
        n
        for n, (draft, _) in enumerate(creates)
        if any(_same_content(r, draft, session) for r in stored.get((draft.document_id, draft.start, draft.end), ()))
    }


def import_rows(
    session: Session,
    creates: list[tuple[ClaimDraft, str]],
    updates: list[tuple[int, ClaimDraft]],
    new_terms: list[tuple[str, str]],
    created_terms: list[int] | None = None,
) -> Changes:
    """Create and update claims all or nothing; `creates` pairs each draft with where it came from."""
    reviewer = session.reviewer_id
    documents, claims = set(), set()
    texts: dict[int, tuple[str, str]] = {}
    with no_cyclic_gc(), write_transaction():
        if not is_sqlite():
            database.obj.execute_sql("SELECT pg_advisory_xact_lock(%s)", (PG_IMPORT_LOCK,))
        stored = _already_stored(session, creates)
        if stored:  # written by another import since this one was planned
            creates = [c for n, c in enumerate(creates) if n not in stored]
        added = _add_terms(session, new_terms, created_terms)
        now = utcnow()
        # SQLite stores peewee datetimes as this text; formatting once spares 300,000 conversions
        stamp = now.isoformat(" ") if is_sqlite() else now
        rows, sources = [], []
        for draft, source in creates:
            if draft.document_id not in texts:
                doc = Document.get_or_none(Document.id == draft.document_id)
                if doc is None:
                    raise NotFoundError(f"{source}: document {draft.document_id} no longer exists")
                texts[draft.document_id] = (doc.text, doc.sha256)
            text, sha = texts[draft.document_id]
            try:
                a = make_anchor(text, draft.start, draft.end)
            except AnchorError as exc:
                raise ValidationError(f"{source}: {exc}") from None
            rows.append(
                {
                    "document": draft.document_id,
                    "reviewer": reviewer,
                    "start": a.start,
                    "end": a.end,
                    "exact": a.exact,
                    "prefix": a.prefix,
                    "suffix": a.suffix,
                    "document_sha256": sha,
                    "anchor_status": "",
                    "created_at": stamp,
                    "updated_at": stamp,
                    "uuid": new_uuid(),
                    "version": 1,
                    **draft.values,
                }
            )
            sources.append(source)
        ids = _next_ids(Claim, len(rows))
        if ids is not None:
            for row, claim_id in zip(rows, ids):
                row["id"] = claim_id
            _insert_rows(Claim, rows)
        else:
            ids = []
            for i in range(0, len(rows), BATCH):
                ids += [r[0] for r in Claim.insert_many(rows[i : i + BATCH]).returning(Claim.id).tuples().execute()]
        term_rows, log_rows = [], []
        for claim_id, (draft, source) in zip(ids, creates):
            for position, t in enumerate(_with_term_ids(draft.terms, added)):
                term_rows.append(
                    {
                        "claim": claim_id,
                        "term": t.term_id,
                        "role": t.role,
                        "label": t.label,
                        "identifier": t.identifier,
                        "position": position,
                    }
                )
            log_rows.append(
                {
                    "reviewer": reviewer,
                    "at": stamp,
                    "action": "create",
                    "entity": "claim",
                    "entity_id": claim_id,
                    "field": "import",
                    "old": None,
                    "new": source,
                }
            )
            documents.add(draft.document_id)
            claims.add(claim_id)
        _insert_rows(ClaimTerm, term_rows)
        _insert_rows(ChangeLog, log_rows)
        for claim_id, draft in updates:
            draft = ClaimDraft(
                draft.document_id, draft.start, draft.end, draft.values, _with_term_ids(draft.terms, added)
            )
            changes = session.claims.update(claim_id, draft)
            documents |= changes.documents
            claims |= changes.claims
    return Changes(frozenset(documents), frozenset(claims), vocabulary=bool(added))
