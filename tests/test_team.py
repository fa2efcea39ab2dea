"""Team review in one process: roles, assignments, blind extraction and stale edits, on SQLite and PostgreSQL.

The reviewers take turns on one session (`use_reviewer`), as three people would on one shared
database; tests/test_team_concurrency.py runs them as separate processes.
"""

from __future__ import annotations

import dataclasses

import openpyxl
import pytest

from curator.core.commands import DeleteClaim, EditClaim
from curator.core.errors import StaleClaimError, ValidationError
from curator.core.live import ChangeWatcher
from curator.core.paths import SEEDS
from curator.core.records import ClaimDraft
from curator.core.session import open_session
from curator.io.seeds import seed_new_project
from curator.io.xlsx_export import export_xlsx
from tests.conftest import doc_id_by_file


@pytest.fixture(params=["sqlite", "postgresql"])
def team(request, tmp_path):
    """A seeded project whose first reviewer, Lena Lead, leads it; Ann and Ben are extractors."""
    if request.param == "sqlite":
        target = tmp_path / "team.sqlite3"
    else:
        from curator.cli import main

        target = request.getfixturevalue("postgres_url")
        assert main(["--db", target, "migrate"]) == 0  # a shared database is created on request only
    session = open_session(target)
    seed_new_project(session, SEEDS)
    for name in ("Lena Lead", "Ann Extractor", "Ben Extractor", "Ada Adjudicator"):
        session.use_reviewer(name)
    session.use_reviewer("Lena Lead")
    ada = session.team.reviewer_named("Ada Adjudicator")
    session.team.set_role(ada.id, "adjudicator")
    yield session
    session.close()


def quote_draft(session, doc_id: int, quote: str, **values) -> ClaimDraft:
    text = session.documents.get(doc_id).text
    start = text.index(quote)
    return ClaimDraft(doc_id, start, start + len(quote), values)


def as_reviewer(session, name: str):
    session.use_reviewer(name)
    return session


def seen_quotes(session, doc_id: int) -> set[str]:
    return {c.anchor.exact for c in session.claims.for_document(doc_id)}


def test_roles_the_first_reviewer_leads_and_only_the_lead_assigns(team):
    roles = {r.name: r.role for r in team.team.reviewers()}
    assert roles == {
        "Lena Lead": "lead",
        "Ann Extractor": "extractor",
        "Ben Extractor": "extractor",
        "Ada Adjudicator": "adjudicator",
    }
    doc = doc_id_by_file(team, "002")
    ann = team.team.reviewer_named("ann extractor")  # names match case-insensitively
    as_reviewer(team, "Ann Extractor")
    with pytest.raises(
        ValidationError, match="only the project's lead can assign documents; Ann Extractor is Extractor"
    ):
        team.team.assign(doc, [ann.id])
    as_reviewer(team, "Lena Lead")
    with pytest.raises(ValidationError, match="a project needs a lead"):
        team.team.set_role(team.reviewer.id, "extractor")
    assert team.reviewer.role == "lead"


def test_three_reviewers_extract_blind_then_the_lead_sees_both(team, tmp_path):
    doc = doc_id_by_file(team, "002")
    other_doc = doc_id_by_file(team, "001")
    ann, ben = team.team.reviewer_named("Ann Extractor"), team.team.reviewer_named("Ben Extractor")
    changes = team.team.assign(doc, [ann.id, ben.id])
    assert changes.team and doc in changes.documents
    assert team.team.states()[doc].label == "0 of 2 done · blind"

    as_reviewer(team, "Ann Extractor")
    ann_claim, _ = team.claims.create(quote_draft(team, doc, "Roseburia", statement="Ann's Roseburia claim"))
    team.claims.create(quote_draft(team, other_doc, team.documents.get(other_doc).text[:40].split()[0]))
    as_reviewer(team, "Ben Extractor")
    ben_claim, _ = team.claims.create(quote_draft(team, doc, "Faecalibacterium", statement="Ben's claim"))

    # Ben sees only his own claim on the blind document: reader, table, counts, search, export
    assert seen_quotes(team, doc) == {"Faecalibacterium"}
    assert ann_claim.id not in {c.id for c in team.claims.all()}
    assert team.claims.count() == 2  # his own, and Ann's on the document nobody was assigned
    assert {s.id: s.claim_count for s in team.documents.summaries()}[doc] == 1
    assert not [h for h in team.search.search("Ann's Roseburia") if h.kind == "claim"]
    with pytest.raises(Exception, match="hidden while extraction is blind"):
        team.claims.get(ann_claim.id)
    export_xlsx(team, tmp_path / "ben.xlsx")
    statements = [row[0] for row in _claim_cells(tmp_path / "ben.xlsx", "Statement")]
    assert "Ben's claim" in statements and "Ann's Roseburia claim" not in statements

    # the lead and the adjudicator, not extracting it, see both while it is blind
    for name in ("Lena Lead", "Ada Adjudicator"):
        assert seen_quotes(as_reviewer(team, name), doc) == {"Roseburia", "Faecalibacterium"}

    # both mark done: the document is ready for reconciliation and nobody is blind any more
    for name in ("Ann Extractor", "Ben Extractor"):
        as_reviewer(team, name)
        team.team.set_done(doc)
    assert team.team.states()[doc].ready_for_reconciliation
    assert team.team.states()[doc].label == "ready for reconciliation"
    assert seen_quotes(as_reviewer(team, "Ann Extractor"), doc) == {"Roseburia", "Faecalibacterium"}
    # taking "done" back makes it blind again
    team.team.set_done(doc, done=False)
    assert seen_quotes(team, doc) == {"Roseburia"}

    # the lead's export has every claim, with reviewer and UUID
    as_reviewer(team, "Lena Lead")
    export_xlsx(team, tmp_path / "lead.xlsx")
    rows = _claim_cells(tmp_path / "lead.xlsx", "Statement", "Reviewer", "Claim UUID")
    assert ("Ann's Roseburia claim", "Ann Extractor", ann_claim.uuid) in rows
    assert ("Ben's claim", "Ben Extractor", ben_claim.uuid) in rows


def test_blind_extraction_is_a_project_setting(team):
    doc = doc_id_by_file(team, "002")
    ann, ben = team.team.reviewer_named("Ann Extractor"), team.team.reviewer_named("Ben Extractor")
    team.team.assign(doc, [ann.id, ben.id])
    as_reviewer(team, "Ann Extractor")
    team.claims.create(quote_draft(team, doc, "Roseburia"))
    as_reviewer(team, "Ben Extractor")
    assert seen_quotes(team, doc) == set()
    with pytest.raises(ValidationError, match="only the project's lead"):
        team.team.set_blind(False)
    as_reviewer(team, "Lena Lead")
    team.team.set_blind(False)
    assert seen_quotes(as_reviewer(team, "Ben Extractor"), doc) == {"Roseburia"}
    assert team.team.states()[doc].label == "0 of 2 done"


def test_one_extractor_is_not_blind_and_an_unassigned_reviewer_cannot_mark_done(team):
    doc = doc_id_by_file(team, "002")
    ann = team.team.reviewer_named("Ann Extractor")
    team.team.assign(doc, [ann.id])
    team.claims.create(quote_draft(team, doc, "Roseburia"))  # the lead's own claim
    assert seen_quotes(as_reviewer(team, "Ann Extractor"), doc) == {"Roseburia"}
    as_reviewer(team, "Ben Extractor")
    with pytest.raises(ValidationError, match="Ben Extractor is not assigned to this document"):
        team.team.set_done(doc)
    assert as_reviewer(team, "Ann Extractor").team.mine()[doc].done is False


def test_a_stale_edit_or_delete_is_refused_naming_who_changed_it(team):
    doc = doc_id_by_file(team, "002")
    record, _ = team.claims.create(quote_draft(team, doc, "Roseburia", statement="first"))
    loaded = record.as_draft()  # what a second client's form holds
    as_reviewer(team, "Ann Extractor")
    team.claims.update(record.id, _with(record.as_draft(), statement="Ann's edit"))
    as_reviewer(team, "Lena Lead")
    with pytest.raises(StaleClaimError, match=r"changed by Ann Extractor at \d{4}-\d\d-\d\d \d\d:\d\d UTC") as refused:
        team.claims.update(record.id, _with(loaded, statement="Lena's edit"))
    assert refused.value.current.values["statement"] == "Ann's edit"
    assert refused.value.current.version == record.version + 1
    with pytest.raises(StaleClaimError):
        team.claims.delete(record.id, version=record.version)
    assert team.claims.get(record.id).values["statement"] == "Ann's edit"
    # on the current version the edit goes through
    team.claims.update(record.id, _with(refused.value.current.as_draft(), statement="Lena's edit"))
    assert team.claims.get(record.id).values["statement"] == "Lena's edit"


def test_undo_of_an_edit_is_refused_when_another_client_changed_the_claim_since(team):
    doc = doc_id_by_file(team, "002")
    record, _ = team.claims.create(quote_draft(team, doc, "Roseburia", statement="first"))
    edit = EditClaim(team.claims, record.id, _with(record.as_draft(), statement="second"))
    edit.do()
    current = team.claims.get(record.id)
    team.claims.update(record.id, _with(current.as_draft(), statement="someone else's"))
    with pytest.raises(StaleClaimError):
        edit.undo()
    assert team.claims.get(record.id).values["statement"] == "someone else's"
    # without interference, undo and redo each move the version on
    other, _ = team.claims.create(quote_draft(team, doc, "Faecalibacterium"))
    edit = EditClaim(team.claims, other.id, _with(other.as_draft(), statement="x"))
    edit.do(), edit.undo(), edit.do()
    assert team.claims.get(other.id).values["statement"] == "x" and team.claims.get(other.id).version == 4
    delete = DeleteClaim(team.claims, other.id)
    delete.do(), delete.undo()
    assert team.claims.get(other.id).version == 5  # a client holding version 4 cannot write over the restore


def test_the_change_watcher_reports_other_reviewers_changes_only(team):
    doc = doc_id_by_file(team, "002")
    watcher = ChangeWatcher(team)
    assert watcher.poll().claims == frozenset()
    record, _ = team.claims.create(quote_draft(team, doc, "Roseburia"))
    watcher.skip_own()
    assert not watcher.poll().claims  # the lead's own write: her views already refreshed
    as_reviewer(team, "Ann Extractor")
    team.claims.update(record.id, _with(record.as_draft(), statement="Ann's"))
    ann = team.team.reviewer_named("Ann Extractor")
    as_reviewer(team, "Lena Lead")
    changes = watcher.poll()
    assert changes.claims == {record.id} and changes.documents == {doc}
    team.team.assign(doc, [ann.id])
    as_reviewer(team, "Ann Extractor")
    watcher = ChangeWatcher(team)
    as_reviewer(team, "Lena Lead")
    team.team.assign(doc, [team.team.reviewer_named("Ben Extractor").id])
    as_reviewer(team, "Ann Extractor")
    changes = watcher.poll()
    assert changes.team and doc in changes.documents


def _with(draft: ClaimDraft, **values) -> ClaimDraft:
    return dataclasses.replace(draft, values={**draft.values, **values})


def _claim_cells(path, *headers: str) -> list[tuple]:
    sheet = openpyxl.load_workbook(path, read_only=True)["Claims"]
    rows = sheet.iter_rows(values_only=True)
    header = list(next(rows))
    columns = [header.index(h) for h in headers]
    return [tuple(row[i] for i in columns) for row in rows]


def test_a_postgresql_url_without_its_driver_says_how_to_install_it(monkeypatch):
    import importlib.util

    from curator.core import db as dbmod

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "psycopg2" else real(name, *a))
    with pytest.raises(dbmod.DatabaseOpenError, match=r'pip install -e "\.\[postgres\]"'):
        dbmod.make_database("postgresql://someone@server/curator")


def test_a_role_changed_by_the_lead_applies_to_a_client_already_signed_in(team):
    doc = doc_id_by_file(team, "002")
    ann, ben = team.team.reviewer_named("Ann Extractor"), team.team.reviewer_named("Ben Extractor")
    team.team.assign(doc, [ann.id, ben.id])
    as_reviewer(team, "Ann Extractor")
    team.claims.create(quote_draft(team, doc, "Roseburia"))
    as_reviewer(team, "Ada Adjudicator")
    ada_session_reviewer = team.reviewer
    assert seen_quotes(team, doc) == {"Roseburia"}
    as_reviewer(team, "Lena Lead")
    team.team.set_role(ada_session_reviewer.id, "extractor")
    team.reviewer = ada_session_reviewer  # Ada's client, signed in before the change, still says adjudicator
    assert team.reviewer.role == "adjudicator" and seen_quotes(team, doc) == set()


def test_a_claim_deleted_meanwhile_is_said_to_be_deleted_by_whom_and_when(team):
    doc = doc_id_by_file(team, "002")
    record, _ = team.claims.create(quote_draft(team, doc, "Roseburia"))
    loaded = record.as_draft()
    as_reviewer(team, "Ann Extractor")
    team.claims.delete(record.id)
    as_reviewer(team, "Lena Lead")
    with pytest.raises(StaleClaimError, match=r"deleted by Ann Extractor at \d{4}-\d\d-\d\d \d\d:\d\d UTC") as refused:
        team.claims.update(record.id, _with(loaded, statement="too late"))
    assert refused.value.current is None


def test_the_lead_gives_a_role_to_a_reviewer_not_yet_known_from_the_command_line(tmp_path, capsys):
    from curator.cli import main

    db = str(tmp_path / "p.sqlite3")
    assert main(["--db", db, "--reviewer", "Lena Lead", "import", str(SEEDS / "002_9f0cb06e6003dde7.txt")]) == 0
    assert main(["--db", db, "--reviewer", "Lena Lead", "role", "Cara Adjudicator", "adjudicator"]) == 0
    out = capsys.readouterr().out
    assert "added reviewer Cara Adjudicator" in out and "Cara Adjudicator is now adjudicator" in out
    session = open_session(db)
    try:
        assert session.team.reviewer_named("Cara Adjudicator").role == "adjudicator"
    finally:
        session.close()
