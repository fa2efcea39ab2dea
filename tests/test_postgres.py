"""The same services on PostgreSQL, in a database of their own on a throwaway server (conftest.py's
postgres_url, tests/pg_server.py), or on CURATOR_TEST_POSTGRES_URL's server when that is set."""

import pytest

from curator.core.commands import CreateClaim, DeleteClaim
from curator.core.migrations import SchemaError
from curator.core.paths import SEEDS
from curator.core.records import ClaimDraft, TermRef
from curator.core.session import open_session
from curator.io.seeds import seed_new_project
from curator.io.xlsx_export import export_xlsx


@pytest.fixture
def fresh_database(postgres_url):
    """An empty database, given its tables by `curator migrate` as a team would."""
    from curator.cli import main

    with pytest.raises(SchemaError, match="no Curator tables yet.*curator --db .* migrate"):
        open_session(postgres_url)
    assert main(["--db", postgres_url, "migrate"]) == 0
    return postgres_url


def test_only_one_client_migrates_at_a_time(fresh_database):
    import psycopg2

    from curator.core.db import make_database
    from curator.core.migrations import PG_MIGRATION_LOCK, MigrationError, migrate

    other = psycopg2.connect(fresh_database)
    other.cursor().execute("SELECT pg_advisory_lock(%s)", (PG_MIGRATION_LOCK,))
    db = make_database(fresh_database)
    db.connect()
    try:
        with pytest.raises(MigrationError, match="another Curator is migrating"):
            migrate(db)
    finally:
        other.close()
        db.close()


def test_claim_lifecycle_and_export_on_postgresql(fresh_database, tmp_path):
    session = open_session(fresh_database)
    try:
        seed_new_project(session, SEEDS)
        session.use_reviewer("PG Reviewer")
        doc_id = next(d.id for d in session.documents.summaries() if d.source_kind == "peer_reviewed")
        text = session.documents.get(doc_id).text
        quote = "Pilot trials report modest reductions in relapse rate (RR\u00a0≈\u00a00.85)"
        start = text.index(quote)
        ms = next(t for t in session.terms.all() if t.label == "Multiple sclerosis")
        create = CreateClaim(
            session.claims,
            ClaimDraft(
                doc_id,
                start,
                start + len(quote),
                {"effect_value": 0.85},
                (TermRef("condition", ms.label, ms.identifier, ms.id),),
            ),
        )
        create.do()
        create.undo()
        create.do()  # restores the same id
        record = session.claims.get(create.claim_id)
        assert record.anchor.exact == quote and record.values["effect_value"] == 0.85
        delete = DeleteClaim(session.claims, record.id)
        delete.do()
        delete.undo()
        assert session.claims.get(record.id).terms == record.terms
        assert export_xlsx(session, tmp_path / "pg.xlsx").claims == session.claims.count()
        assert not session.search.uses_fts()  # the portable scan on PostgreSQL
        hits = session.search.search("relapse rate")
        assert any(h.kind == "claim" and h.claim_id == record.id for h in hits)
        assert any(h.kind == "document" and h.document_id == doc_id for h in hits)
        session.drafts.save(record.id, record.as_draft())
        assert session.drafts.load().draft == record.as_draft()
        session.drafts.discard()
        assert session.drafts.load() is None
        session.terms.delete(ms.id)  # retired: not brought back by the codebook
        assert session.terms.sync_codebook(session.codebook) == 0
    finally:
        session.close()
