"""Bulk status change and bulk delete: one transaction, one undo step, everything back on undo."""

import pytest

from curator.core import changelog
from curator.core.bulk_edit import DeleteClaims, SetClaimsStatus
from curator.core.errors import NotFoundError, ValidationError
from curator.core.models import ClaimTerm
from curator.core.records import ClaimDraft, TermRef
from tests.conftest import doc_id_by_file

pytestmark = pytest.mark.both_backends

QUOTES = {
    "002": ["Roseburia", "Akkermansia muciniphila", "Multiple sclerosis (MS) is a chronic autoimmune disease"],
    "003": ["the"],
}


def ref(session, role, label):
    t = next(t for t in session.terms.all() if t.label == label)
    return TermRef(role, t.label, t.identifier, t.id)


@pytest.fixture
def claims(session):
    """Four claims over two documents, with terms; one already confirmed."""
    made = []
    for prefix, quotes in QUOTES.items():
        doc_id = doc_id_by_file(session, prefix)
        text = session.documents.get(doc_id).text
        for quote in quotes:
            start = text.index(quote)
            values = {"claim_type": "association", "status": "confirmed" if quote == "the" else "draft"}
            terms = (ref(session, "condition", "Multiple sclerosis"), TermRef("outcome", "Free text outcome"))
            made.append(session.claims.create(ClaimDraft(doc_id, start, start + len(quote), values, terms))[0])
    return made


def status_rows(claim_id):
    return [(r["action"], r["old"], r["new"]) for r in changelog.history("claim", claim_id) if r["field"] == "status"]


def test_set_status_changes_logs_and_undoes_each_claims_own_status(session, claims):
    ids = [c.id for c in claims]
    before = {r.id: r for r in session.claims.get_many(ids)}
    command = SetClaimsStatus(session, ids, "confirmed")
    assert command.text == "Set status of 4 claims"

    changes = command.do()
    after = {r.id: r for r in session.claims.get_many(ids)}
    assert {r.values["status"] for r in after.values()} == {"confirmed"}
    already = claims[3].id  # was confirmed: neither touched nor logged nor reported
    assert changes.claims == set(ids) - {already}
    assert changes.documents == {claims[0].document_id}
    assert after[already] == before[already]
    assert status_rows(claims[0].id) == [("create", None, "draft"), ("update", "draft", "confirmed")]
    assert status_rows(already) == [("create", None, "confirmed")]

    assert command.undo() == changes
    assert {r.id: r for r in session.claims.get_many(ids)} == before  # status and updated_at, exactly
    assert status_rows(claims[0].id)[-1] == ("update", "confirmed", "draft")

    command.do()  # redo
    assert {r.values["status"] for r in session.claims.get_many(ids)} == {"confirmed"}


def test_set_status_refuses_a_status_the_codebook_does_not_have(session, claims):
    with pytest.raises(ValidationError, match="Status: 'done' is not one of the codebook's choices"):
        SetClaimsStatus(session, [claims[0].id], "done")


def test_set_status_of_claims_that_are_gone_says_so(session, claims):
    command = SetClaimsStatus(session, [10_000, 10_001], "rejected")
    with pytest.raises(NotFoundError):
        command.do()


def test_delete_removes_claims_and_terms_and_undo_restores_them_exactly(session, claims):
    ids = [claims[0].id, claims[2].id, claims[3].id]
    before = session.claims.get_many(ids)
    assert all(r.terms for r in before)
    command = DeleteClaims(session, ids + [ids[0]])  # a repeated id counts once
    assert command.text == "Delete 3 claims"

    changes = command.do()
    assert changes.claims == set(ids)
    assert changes.documents == {claims[0].document_id, claims[3].document_id}
    assert session.claims.get_many(ids) == []
    assert ClaimTerm.select().where(ClaimTerm.claim.in_(ids)).count() == 0
    assert [r.id for r in session.claims.all()] == [claims[1].id]
    logged = {r["field"]: r for r in changelog.history("claim", ids[0]) if r["action"] == "delete"}
    assert logged["quote"]["old"] == "Roseburia" and logged["terms"]["old"].startswith("condition: Multiple sclerosis")

    assert command.undo() == changes
    assert sorted(session.claims.get_many(ids), key=lambda r: r.id) == sorted(before, key=lambda r: r.id)

    command.do()  # redo, then undo once more: still the same claims, same ids and terms
    assert session.claims.get_many(ids) == []
    command.undo()
    assert sorted(session.claims.get_many(ids), key=lambda r: r.id) == sorted(before, key=lambda r: r.id)


def test_delete_of_claims_that_are_gone_says_so(session, claims):
    DeleteClaims(session, [claims[0].id]).do()
    with pytest.raises(NotFoundError):
        DeleteClaims(session, [claims[0].id]).do()


def test_bulk_commands_run_as_one_undo_step(qtbot, session, claims):
    from PySide6.QtGui import QUndoStack

    from curator.ui.undo import run_command

    stack, seen, errors = QUndoStack(), [], []
    ids = [c.id for c in claims]
    assert run_command(stack, DeleteClaims(session, ids), seen.append, errors.append)
    assert stack.count() == 1 and stack.undoText() == "Delete 4 claims" and session.claims.count() == 0
    stack.undo()
    assert session.claims.count() == 4 and errors == [] and seen[-1].claims == set(ids)
