"""Claims read the fast way (plain tuples, records built by hand) equal claims read through peewee's rows,
on SQLite and PostgreSQL: every field, terms in position order, orphans, missing reviewers, timestamps."""

import datetime as dt
import random

import peewee
import pytest

from curator.core.anchoring import Anchor
from curator.core.db import write_transaction
from curator.core.models import Claim, ClaimTerm, Reviewer, new_uuid
from curator.core.paths import SEEDS
from curator.core.records import ClaimRecord, TermRef
from curator.core.session import open_session
from curator.io.seeds import seed_new_project


def slow_records(session, where=None) -> list[ClaimRecord]:
    """ClaimService._records as it was: peewee's .dicts(), which converts every cell through its field."""
    value_keys = [f.key for f in session.codebook.value_fields]
    query = Claim.select(Claim, Reviewer.name).join(Reviewer, peewee.JOIN.LEFT_OUTER).order_by(Claim.start, Claim.id)
    if where is not None:
        query = query.where(where)
    claims = list(query.dicts())
    terms: dict[int, list[TermRef]] = {c["id"]: [] for c in claims}
    term_query = ClaimTerm.select().order_by(ClaimTerm.claim, ClaimTerm.position, ClaimTerm.id)
    for row in term_query.dicts():
        if row["claim"] in terms:
            terms[row["claim"]].append(TermRef(row["role"], row["label"], row["identifier"], row["term"]))
    return [
        ClaimRecord(
            id=c["id"],
            document_id=c["document"],
            reviewer_id=c["reviewer"],
            reviewer_name=c.get("name") or "",
            anchor=Anchor(c["start"], c["end"], c["exact"], c["prefix"], c["suffix"]),
            document_sha256=c["document_sha256"],
            values={k: c[k] for k in value_keys},
            terms=tuple(terms[c["id"]]),
            created_at=c["created_at"],
            updated_at=c["updated_at"],
            anchor_status=c["anchor_status"],
            uuid=c["uuid"],
        )
        for c in claims
    ]


def fill(session, seed: int, count: int = 300) -> None:
    """Random claims: values empty or not, 0–4 terms stored out of position order, some on deleted terms,
    orphaned anchors, claims of a reviewer since deleted, timestamps with and without microseconds."""
    rnd = random.Random(seed)
    docs = [session.documents.get(d.id) for d in session.documents.summaries()]
    terms = session.terms.all()
    gone = session.use_reviewer("Gone Reviewer").id
    reviewers = [session.use_reviewer("Ann").id, session.use_reviewer("Bo").id, gone, None]
    fields = session.codebook.value_fields
    claims, links = [], []
    for _ in range(count):
        doc = rnd.choice(docs)
        start = rnd.randrange(0, len(doc.text) - 50)
        end = start + rnd.randint(1, 50)
        stamp = dt.datetime(2026, 1, 1) + dt.timedelta(seconds=rnd.randrange(10**7))
        if rnd.random() < 0.3:
            stamp = stamp.replace(microsecond=rnd.randrange(1, 10**6))
        values = {}
        for f in fields:
            if rnd.random() < 0.3:
                continue  # the column's default
            if f.kind == "choice":
                values[f.key] = rnd.choice(sorted(f.choice_keys))
            elif f.kind == "number":
                values[f.key] = rnd.choice([None, rnd.uniform(-5, 5), 0.0, 1e-300])
            elif f.kind == "integer":
                values[f.key] = rnd.choice([None, 0, rnd.randrange(10**6)])
            else:
                values[f.key] = rnd.choice(["", "π ≈ 3.14", "two\nlines", "x" * rnd.randint(1, 400)])
        claims.append(
            {
                "document": doc.id,
                "reviewer": rnd.choice(reviewers),
                "start": start,
                "end": end,
                "exact": doc.text[start:end],
                "prefix": doc.text[max(0, start - 32) : start],
                "suffix": doc.text[end : end + 32],
                "document_sha256": rnd.choice([doc.sha256, ""]),
                "anchor_status": rnd.choice(["", "", "orphaned"]),
                "created_at": stamp,
                "updated_at": stamp + dt.timedelta(seconds=rnd.randrange(3)),
                "uuid": new_uuid(),
                **values,
            }
        )
    with write_transaction():
        ids = [Claim.insert(row).execute() for row in claims]
        for claim_id in ids:
            positions = list(range(rnd.randint(0, 4)))
            rnd.shuffle(positions)  # stored out of order: records list them by position
            for position in positions:
                t = rnd.choice(terms)
                links.append(
                    {
                        "claim": claim_id,
                        "term": t.id,
                        "role": rnd.choice(t.roles),
                        "label": t.label,
                        "identifier": t.identifier,
                        "position": position,
                    }
                )
        ClaimTerm.insert_many(links).execute()
    deleted = rnd.choice(terms).id
    session.terms.delete(deleted)  # its claim terms keep label and identifier, term_id becomes None
    Reviewer.delete().where(Reviewer.id == gone).execute()  # ON DELETE SET NULL on claim.reviewer


def check_same(session) -> None:
    fast = session.claims.all()
    assert fast == slow_records(session)
    assert any(r.orphaned for r in fast) and any(r.reviewer_id is None for r in fast)
    assert any(t.term_id is None for r in fast for t in r.terms)
    assert all(isinstance(r.created_at, dt.datetime) and isinstance(r.updated_at, dt.datetime) for r in fast)
    assert any(r.created_at.microsecond for r in fast)
    for doc in session.documents.summaries():
        assert session.claims.for_document(doc.id) == slow_records(session, Claim.document == doc.id)
    some = [r.id for r in fast[::7]] + [10**9]
    assert sorted(session.claims.get_many(some), key=lambda r: r.id) == sorted(
        (r for r in fast if r.id in some), key=lambda r: r.id
    )
    assert session.claims.get(fast[0].id) == fast[0]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_records_equal_peewee_rows_on_sqlite(session, seed):
    fill(session, seed)
    check_same(session)


def test_records_equal_peewee_rows_on_postgresql(postgres_url):
    from curator.cli import main

    assert main(["--db", postgres_url, "migrate"]) == 0
    session = open_session(postgres_url)
    try:
        seed_new_project(session, SEEDS)
        session.use_reviewer("PG Reviewer")
        fill(session, 4)
        check_same(session)
    finally:
        session.close()


def test_sqlite_timestamps_read_as_peewee_reads_them(session):
    """Other programs may write any text into a DATETIME column; each reads back as peewee reads it."""
    fill(session, 5, count=12)
    texts = [
        "2026-02-03 04:05:06",
        "2026-02-03 04:05:06.789",
        "2026-02-03T04:05:06",
        "2026-02-03",
        "2026-02-03 04:05:06+02:00",
        "2026-02-03 04:05:06Z",
        "not a date",
        "",
    ]
    ids = [r.id for r in session.claims.all()]
    for claim_id, text in zip(ids, texts):
        session.database.execute_sql(
            "UPDATE claim SET created_at = ?, updated_at = ? WHERE id = ?", (text, text, claim_id)
        )
    fast = {r.id: r for r in session.claims.all()}
    slow = {r.id: r for r in slow_records(session)}
    assert fast == slow
    for claim_id, text in zip(ids, texts):
        assert type(fast[claim_id].created_at) is type(slow[claim_id].created_at), text
    assert fast[ids[0]].created_at == dt.datetime(2026, 2, 3, 4, 5, 6)
    assert fast[ids[6]].created_at == "not a date"  # as peewee leaves it
