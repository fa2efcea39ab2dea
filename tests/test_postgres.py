"""The same services on PostgreSQL. Runs when CURATOR_TEST_POSTGRES_URL names an empty database
(and psycopg2 is installed); skipped otherwise, since CI does not run a server yet."""

import os

import pytest

from curator.core.commands import CreateClaim, DeleteClaim
from curator.core.paths import SEEDS
from curator.core.records import ClaimDraft, TermRef
from curator.core.session import open_session
from curator.io.seeds import seed_new_project
from curator.io.xlsx_export import export_xlsx

URL = os.environ.get("CURATOR_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not URL, reason="set CURATOR_TEST_POSTGRES_URL to run against PostgreSQL")


def test_claim_lifecycle_and_export_on_postgresql(tmp_path):
    session = open_session(URL)
    try:
        seed_new_project(session, SEEDS)
        session.use_reviewer("PG Reviewer")
        doc_id = next(d.id for d in session.documents.summaries() if d.source_kind == "peer_reviewed")
        text = session.documents.get(doc_id).text
        quote = "Pilot trials report modest reductions in relapse rate (RR\u00a0≈\u00a00.85)"
        start = text.index(quote)
        ms = next(t for t in session.terms.all() if t.label == "Multiple sclerosis")
        create = CreateClaim(session.claims, ClaimDraft(doc_id, start, start + len(quote), {"effect_value": 0.85},
                                                        (TermRef("condition", ms.label, ms.identifier, ms.id),)))
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
    finally:
        session.close()
