import sqlite3

import peewee
import pytest

from curator.core import changelog
from curator.core.commands import CreateClaim, DeleteClaim, EditClaim
from curator.core.db import APPLICATION_ID
from curator.core.errors import NotFoundError, ValidationError, user_message
from curator.core.migrations import SchemaError
from curator.core.models import Claim, ClaimTerm
from curator.core.records import ClaimDraft, TermRef
from curator.core.session import open_session
from tests.conftest import doc_id_by_file

pytestmark = pytest.mark.both_backends


def term(session, label):
    t = next(t for t in session.terms.all() if t.label == label)
    return t


def ref(session, role, label):
    t = term(session, label)
    return TermRef(role, t.label, t.identifier, t.id)


def draft_for(session, doc_id, quote, values=None, terms=()):
    text = session.documents.get(doc_id).text
    start = text.index(quote)
    return ClaimDraft(doc_id, start, start + len(quote), values or {}, terms)


@pytest.fixture
def ms_doc(session):
    return doc_id_by_file(session, "002")


def test_create_stores_anchor_values_terms_and_logs_each_field(session, ms_doc):
    d = draft_for(
        session,
        ms_doc,
        "Pilot trials report modest reductions in relapse rate (RR\u00a0≈\u00a00.85)",
        {
            "statement": "  Pilot trials cut relapses.  ",
            "claim_type": "intervention_effect",
            "effect_value": "0.85",
            "n_studies": "3",
        },
        (ref(session, "condition", "Multiple sclerosis"), ref(session, "outcome", "Relapse rate")),
    )
    record, changes = session.claims.create(d)
    text = session.documents.get(ms_doc).text
    assert record.anchor.exact == text[record.anchor.start : record.anchor.end]
    assert record.anchor.prefix == text[record.anchor.start - 32 : record.anchor.start]
    assert record.document_sha256 == session.documents.get(ms_doc).sha256
    assert record.values["statement"] == "Pilot trials cut relapses."
    assert record.values["effect_value"] == 0.85 and record.values["n_studies"] == 3
    assert record.values["status"] == "draft"  # codebook default
    assert [(t.role, t.identifier) for t in record.terms] == [("condition", "MESH:D009103"), ("outcome", "")]
    assert record.reviewer_name == "Test Reviewer"
    assert changes.documents == {ms_doc} and changes.claims == {record.id}
    logged = {row["field"]: row for row in changelog.history("claim", record.id)}
    assert logged["claim_type"]["new"] == "intervention_effect" and logged["claim_type"]["action"] == "create"
    assert logged["terms"]["new"].startswith("condition: Multiple sclerosis (MESH:D009103)")
    assert all(row["reviewer"] == session.reviewer_id for row in logged.values())


def test_update_logs_old_and_new_per_field_and_nothing_when_unchanged(session, ms_doc):
    record, _ = session.claims.create(
        draft_for(session, ms_doc, "Akkermansia muciniphila", {"claim_type": "association"})
    )
    changed = session.claims.update(
        record.id,
        draft_for(session, ms_doc, "Akkermansia muciniphila", {"claim_type": "mechanism", "direction": "unclear"}),
    )
    assert changed.claims == {record.id}
    rows = [r for r in changelog.history("claim", record.id) if r["action"] == "update"]
    assert {(r["field"], r["old"], r["new"]) for r in rows} == {
        ("claim_type", "association", "mechanism"),
        ("direction", "", "unclear"),
    }
    assert (
        session.claims.update(
            record.id,
            draft_for(session, ms_doc, "Akkermansia muciniphila", {"claim_type": "mechanism", "direction": "unclear"}),
        ).claims
        == frozenset()
    )


@pytest.mark.parametrize(
    "values,message",
    [
        ({"claim_type": "rumour"}, "Claim type: 'rumour' is not one of"),
        ({"effect_value": "big"}, "Effect value: 'big' is not a number"),
        ({"n_participants": "-4"}, "Participants: a count cannot be negative"),
        ({"p_value": "1.5"}, "p-value: must lie between 0 and 1"),
        ({"ci_low": "2", "ci_high": "1"}, "lower bound is above the upper bound"),
        ({"colour": "red"}, "unknown claim field(s): colour"),
    ],
)
def test_invalid_values_are_refused_naming_the_field_and_nothing_is_written(session, ms_doc, values, message):
    before = Claim.select().count()
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        session.claims.create(draft_for(session, ms_doc, "Roseburia", values))
    assert Claim.select().count() == before


def test_commands_undo_and_redo_keep_the_claim_id(session, ms_doc):
    create = CreateClaim(
        session.claims,
        draft_for(
            session,
            ms_doc,
            "Faecalibacterium",
            {"claim_type": "association"},
            (ref(session, "taxon", "Faecalibacterium"),),
        ),
    )
    create.do()
    claim_id = create.claim_id
    create.undo()
    assert (
        Claim.get_or_none(Claim.id == claim_id) is None
        and ClaimTerm.select().where(ClaimTerm.claim == claim_id).count() == 0
    )
    create.do()
    restored = session.claims.get(claim_id)
    assert restored.terms[0].label == "Faecalibacterium" and restored.values["claim_type"] == "association"

    edit = EditClaim(
        session.claims, claim_id, draft_for(session, ms_doc, "Faecalibacterium", {"claim_type": "background"})
    )
    edit.do()
    assert session.claims.get(claim_id).values["claim_type"] == "background"
    edit.undo()
    assert session.claims.get(claim_id).values["claim_type"] == "association"
    assert session.claims.get(claim_id).terms == restored.terms

    delete = DeleteClaim(session.claims, claim_id)
    delete.do()
    with pytest.raises(NotFoundError):
        session.claims.get(claim_id)
    delete.undo()
    assert session.claims.get(claim_id) == restored.__class__(
        **{**restored.__dict__, "updated_at": session.claims.get(claim_id).updated_at}
    )
    actions = [r["action"] for r in changelog.history("claim", claim_id) if r["field"] == "quote"]
    assert actions == ["create", "delete", "create", "delete", "create"]


def test_deleting_or_merging_a_term_never_deletes_a_claim(session, ms_doc):
    added, _ = session.terms.add("outcomes", "Walking speed", "")
    other, _ = session.terms.add("outcomes", "Gait velocity", "")
    record, _ = session.claims.create(
        draft_for(session, ms_doc, "fatigue", {}, (TermRef("outcome", added.label, "", added.id),))
    )
    second, _ = session.claims.create(
        draft_for(session, ms_doc, "relapse rates", {}, (TermRef("outcome", other.label, "", other.id),))
    )
    session.terms.merge(other.id, added.id)
    assert session.claims.get(second.id).terms == (TermRef("outcome", "Walking speed", "", added.id),)
    session.terms.delete(added.id)
    assert session.claims.get(record.id).terms == (TermRef("outcome", "Walking speed", "", None),)
    assert session.claims.get(second.id).terms[0].label == "Walking speed"
    assert Claim.select().count() == 2


def test_a_deleted_codebook_term_stays_deleted_when_the_project_reopens(session, ms_doc, db_target):
    ms = next(t for t in session.terms.all() if t.label == "Multiple sclerosis")
    fatigue = next(t for t in session.terms.all() if t.label == "Fatigue")
    record, _ = session.claims.create(
        draft_for(session, ms_doc, "fatigue", {}, (TermRef("condition", ms.label, ms.identifier, ms.id),))
    )
    session.terms.delete(ms.id)
    session.terms.merge(fatigue.id, next(t for t in session.terms.all() if t.label == "Relapse rate").id)
    session.close()
    again = open_session(db_target)
    labels = {t.label for t in again.terms.all()}
    assert "Multiple sclerosis" not in labels and "Fatigue" not in labels
    assert again.claims.get(record.id).terms == (TermRef("condition", "Multiple sclerosis", ms.identifier, None),)
    again.terms.add(ms.vocabulary_key, "Multiple sclerosis", ms.identifier)  # a reviewer may bring it back
    again.close()
    assert "Multiple sclerosis" in {t.label for t in open_session(db_target).terms.all()}


def test_document_list_counts_claims_and_reading_status_is_logged(session, ms_doc):
    session.claims.create(draft_for(session, ms_doc, "Roseburia"))
    counts = {d.id: d.claim_count for d in session.documents.summaries()}
    assert counts[ms_doc] == 1 and sum(counts.values()) == 1
    session.documents.set_reading_status(ms_doc, "done")
    assert session.documents.get(ms_doc).reading_status == "done"
    with pytest.raises(ValidationError):
        session.documents.set_reading_status(ms_doc, "skimmed")


@pytest.mark.sqlite_only("SQLite's PRAGMAs and application_id")
def test_every_connection_gets_the_pragmas(session):
    db = session.database
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    db.close()
    db.connect()  # a fresh connection
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert db.execute_sql("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_a_foreign_sqlite_file_is_refused(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE invoices (id INTEGER)")
    con.commit()
    con.close()
    with pytest.raises(SchemaError, match="another program"):
        open_session(path)


def test_disk_full_is_reported_in_words():
    try:
        try:
            raise peewee.OperationalError("database or disk is full")
        finally:
            raise peewee.OperationalError("cannot rollback - no transaction is active")
    except peewee.OperationalError as exc:
        assert "disk is full" in user_message(exc)


@pytest.mark.sqlite_only("SQLite's PRAGMAs")
def test_a_connection_made_in_another_thread_gets_the_same_pragmas(session):
    import threading

    seen = {}

    def probe():
        db = session.database
        db.connect(reuse_if_open=True)  # peewee keeps one connection per thread
        seen.update(
            {
                name: db.execute_sql(f"PRAGMA {name}").fetchone()[0]
                for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
            }
        )
        db.close()

    thread = threading.Thread(target=probe)
    thread.start()
    thread.join()
    assert seen == {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1, "busy_timeout": 5000}


@pytest.mark.parametrize(
    "details,message",
    [
        ({"title": "  "}, "Title: a document needs a title"),
        ({"published": "02/05/2026"}, "Published:"),
        ({"doi": "not a doi"}, "DOI:"),
        ({"url": "javascript:alert(1)"}, "URL:"),
        ({"source_kind": "tweet"}, "Kind of source"),
        ({"text": "rewritten"}, "'text' is not a document detail"),
    ],
)
def test_document_details_are_checked_and_nothing_is_written(session, ms_doc, details, message):
    before = session.documents.get(ms_doc)
    with pytest.raises(ValidationError, match=message):
        session.documents.update_details(ms_doc, details)
    assert session.documents.get(ms_doc) == before


def test_every_problem_is_reported_at_once_with_its_field(session):
    doc_id = session.documents.summaries()[0].id
    draft = ClaimDraft(doc_id, 0, 10, {"effect_value": "abc", "p_value": "1.5", "ci_low": "2", "ci_high": "1"})
    with pytest.raises(ValidationError) as caught:
        session.claims.create(draft)
    fields = [key for key, _ in caught.value.problems]
    assert fields == ["effect_value", "p_value", "ci_low", "ci_high"]
    assert "Effect value: 'abc' is not a number" in str(caught.value)
    assert "p-value: must lie between 0 and 1" in str(caught.value)


def test_a_decimal_comma_is_read_as_a_point_and_half_counts_are_refused(session):
    cleaned = session.claims.clean_values({"effect_value": "0,3", "ci_low": " 0,1 ", "n_participants": 120.0})
    assert (cleaned["effect_value"], cleaned["ci_low"], cleaned["n_participants"]) == (0.3, 0.1, 120)
    with pytest.raises(ValidationError, match="Participants: '0.5' is not a whole number"):
        session.claims.clean_values({"n_participants": 0.5})


def test_an_effect_outside_its_interval_or_a_ratio_below_zero_is_refused(session):
    with pytest.raises(ValidationError) as caught:
        session.claims.clean_values({"effect_value": "5", "ci_low": "0.5", "ci_high": "0.9"})
    assert caught.value.problems[0] == ("effect_value", "Effect value: 5 lies outside its 95% CI (0.5 to 0.9)")
    with pytest.raises(ValidationError, match=r"Effect value: a risk ratio is above 0 \(1 means no effect\)"):
        session.claims.clean_values({"effect_measure": "rr", "effect_value": "-0.5"})
    assert session.claims.clean_values({"effect_measure": "md", "effect_value": "-0.5"})["effect_value"] == -0.5
    cleaned = session.claims.clean_values(
        {"effect_measure": "rr", "effect_value": "0.85", "ci_low": "0.7", "ci_high": "1"}
    )
    assert (cleaned["ci_low"], cleaned["effect_value"], cleaned["ci_high"]) == (0.7, 0.85, 1.0)
