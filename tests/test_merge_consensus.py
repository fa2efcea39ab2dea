"""Reconciliation in a merge (issue 12): an adjudicator's consensus claims arrive with their sources and
her decisions with them; merging again changes nothing, undo takes them away; decisions that differ are
a conflict; one unit reconciled on two copies is listed, both consensus claims kept; an older file
(schema v6, no reconciliation tables) carries none."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from curator.cli import main
from curator.core.merge import plan_merge
from curator.core.merge_plan import DECIDED_DIFFERENTLY
from curator.core.models import ConsensusSource, ReconciliationDecision
from curator.core.reconcile import MEMBER, QUOTE, ConsensusDraft
from curator.core.reconcile_commands import DecideUnmatched, ReconcileUnit
from curator.core.records import ClaimDraft
from curator.io.project_reader import read_project
from tests.conftest import doc_id_by_file
from tests.test_merge import LEAD, dump, merge, opened

ANN, BEN, ADA, ABE = "Ann Extractor", "Ben Extractor", "Ada Adjudicator", "Abe Adjudicator"
BASE = 2000  # where the spans start in seed 002


def _claim(session, reviewer, start, end, **values):
    session.use_reviewer(reviewer)
    doc = doc_id_by_file(session, "002")
    return session.claims.create(ClaimDraft(doc, BASE + start, BASE + end, values))[0]


@pytest.fixture
def copies(tmp_path):
    """The lead's project: seed 002 extracted by Ann and Ben (both done: one matched unit, one claim of
    each unmatched); Ada and Abe adjudicate. Ada's and Abe's copies of it, opened once."""
    lead = tmp_path / "lead.sqlite3"
    s = opened(lead, LEAD)
    for name in (ANN, BEN, ADA, ABE):
        s.use_reviewer(name)
    s.use_reviewer(LEAD)
    team = s.team
    for name in (ADA, ABE):
        team.set_role(team.reviewer_named(name).id, "adjudicator")
    doc = doc_id_by_file(s, "002")
    team.assign(doc, [team.reviewer_named(ANN).id, team.reviewer_named(BEN).id])
    _claim(s, ANN, 0, 100, claim_type="association", statement="Ann's statement")
    _claim(s, BEN, 5, 100, claim_type="mechanism", statement="Ben's statement")
    _claim(s, BEN, 300, 360, claim_type="background")
    _claim(s, ANN, 500, 560, claim_type="evidence_gap")
    for name in (ANN, BEN):
        s.use_reviewer(name)
        team.set_done(doc, True)
    s.close()
    paths = {"lead": lead}
    for name, who in (("ada", ADA), ("abe", ABE)):
        paths[name] = tmp_path / f"{name}.sqlite3"
        shutil.copyfile(lead, paths[name])
        opened(paths[name], who).close()
    return paths


def reconcile_all(path, who, accept_ben=True):
    """`who` reconciles the matched unit (Ben's quote, Ann's values), accepts or rejects Ben's unmatched
    claim and rejects Ann's; returns the uuids of the consensus claims she made."""
    s = opened(path, who)
    doc = doc_id_by_file(s, "002")
    matched, ben_only, ann_only = s.reconcile.units(doc)
    made = ReconcileUnit(s, matched, ConsensusDraft(take={QUOTE: BEN}, edits={"statement": f"{who}'s"}, default=ANN))
    made.do()
    DecideUnmatched(s, ben_only, accept=accept_ben).do()
    DecideUnmatched(s, ann_only, accept=False).do()
    units = s.reconcile.units(doc)
    s.close()
    return [u.consensus.uuid for u in units if u.consensus is not None]


def reconciliation(session):
    """The document's units as (reviewers, consensus uuid, sources, decision), read back from the database."""
    doc = doc_id_by_file(session, "002")
    return [
        (u.reviewers, u.consensus.uuid if u.consensus else None, u.sources, u.decision)
        for u in session.reconcile.units(doc)
    ]


def test_consensus_claims_arrive_with_their_sources_and_decisions_once_and_undo_takes_them_away(copies):
    made = reconcile_all(copies["ada"], ADA)
    ada = opened(copies["ada"], ADA)
    expected = reconciliation(ada)
    ada.close()
    opened(copies["lead"], LEAD).close()  # the open's own writes happen before the snapshot
    before = dump(copies["lead"])

    lead = opened(copies["lead"], LEAD)
    plan, command = merge(lead, copies["ada"])
    assert sorted(w.row.uuid for w in plan.new_claims) == sorted(made)
    assert sorted(u for u, _ in plan.sources) == sorted(made) and len(plan.decisions) == 2
    assert "2 consensus claim(s) given their sources from there" in "\n".join(plan.summary_lines())
    assert reconciliation(lead) == expected
    assert lead.reconcile.progress(doc_id_by_file(lead, "002")) == (3, 3)
    consensus = next(c for c in lead.claims.all() if c.uuid == made[0])
    members = [s for s in lead.reconcile.sources([consensus.id])[consensus.id] if s.field_key == MEMBER]
    assert sorted(s.reviewer for s in members) == [ANN, BEN]  # the matched unit's two claims

    again = plan_merge(lead, read_project(copies["ada"]))
    assert not again.has_changes and not again.conflicts and not again.duplicates, again.summary_lines()
    assert ConsensusSource.select().count() == sum(len(rows) for _, rows in plan.sources)

    command.undo()
    assert not ConsensusSource.select().exists() and not ReconciliationDecision.select().exists()
    lead.close()
    assert dump(copies["lead"]) == before
    lead = opened(copies["lead"], LEAD)
    command.do()  # redo
    assert reconciliation(lead) == expected
    lead.close()

    # and back: Ada's copy takes the lead's (its own) reconciliation as the same, nothing to write
    ada = opened(copies["ada"], ADA)
    back = plan_merge(ada, read_project(copies["lead"]))
    assert not back.sources and not back.decisions and not back.conflicts
    ada.close()


def test_decisions_that_differ_are_a_conflict_kept_as_here_unless_prefer_theirs(copies):
    reconcile_all(copies["ada"], ADA, accept_ben=True)
    reconcile_all(copies["abe"], ABE, accept_ben=False)
    ada = opened(copies["ada"], ADA)
    plan, _ = merge(ada, copies["abe"])
    ben_only = reconciliation(ada)[1]
    (conflict,) = [c for c in plan.conflicts if c.kind == DECIDED_DIFFERENTLY]
    assert conflict.reviewer == BEN and conflict.resolution == ""
    assert ("Decision", "accepted", "rejected") in conflict.fields
    assert ("Decided by", ADA, ABE) in conflict.fields
    text = "\n".join(plan.summary_lines())
    assert "conflict (decided differently, kept as here for now)" in text
    assert ben_only[3] == "accepted"  # kept as here
    # both rejected Ann's unmatched claim: the same decision, no conflict and nothing written
    assert all(d.claim_uuid != reconciliation(ada)[2][0] for d in plan.decisions)

    settled, _ = merge(ada, copies["abe"], prefer="theirs")
    assert [c.resolution for c in settled.conflicts if c.kind == DECIDED_DIFFERENTLY] == ["theirs"]
    assert reconciliation(ada)[1][3] == "rejected"
    assert not plan_merge(ada, read_project(copies["abe"])).conflicts
    ada.close()


def test_a_unit_reconciled_on_two_copies_keeps_both_consensus_claims_and_says_so(copies):
    (ada_unit, _) = reconcile_all(copies["ada"], ADA)
    (abe_unit,) = reconcile_all(copies["abe"], ABE, accept_ben=False)  # Ben's unmatched claim: no consensus
    lead = opened(copies["lead"], LEAD)
    first, _ = merge(lead, copies["ada"])
    assert not first.duplicates
    plan, _ = merge(lead, copies["abe"])
    (duplicate,) = plan.duplicates
    assert set(duplicate.claim_uuids) == {ada_unit, abe_unit} and set(duplicate.adjudicators) == {ADA, ABE}
    text = "\n".join(plan.summary_lines())
    assert "1 unit(s) reconciled twice" in text
    quote = " ".join(lead.documents.get(doc_id_by_file(lead, "002")).text[BASE + 5 : BASE + 100].split())
    line = next(line for line in text.splitlines() if "reconciled twice:" in line)
    assert quote[:40] in line and f"(character {BASE + 5:,})" in line
    assert "both consensus claims are kept; the adjudicator should delete one" in line
    uuids = {c.uuid for c in lead.claims.all()}
    assert {ada_unit, abe_unit} <= uuids  # nothing lost
    # listed again while both stand
    assert len(plan_merge(lead, read_project(copies["abe"])).duplicates) == 1
    lead.close()


def _as_schema_6(path, to):
    shutil.copyfile(path, to)
    with sqlite3.connect(to) as con:
        con.execute("DROP TABLE consensus_source")
        con.execute("DROP TABLE reconciliation_decision")
        con.execute("UPDATE schema_info SET value = '6' WHERE key = 'schema_version'")
    con.close()


def test_an_older_file_carries_no_reconciliation_and_a_later_merge_fills_the_sources_in(copies, tmp_path):
    made = reconcile_all(copies["ada"], ADA)
    ada = opened(copies["ada"], ADA)
    expected = reconciliation(ada)
    ada.close()
    old = tmp_path / "ada-v6.sqlite3"
    _as_schema_6(copies["ada"], old)
    snapshot = read_project(old)
    assert snapshot.schema_version == 6 and (snapshot.consensus_sources, snapshot.decisions) == ((), ())

    lead = opened(copies["lead"], LEAD)
    plan, _ = merge(lead, old)
    assert sorted(w.row.uuid for w in plan.new_claims) == sorted(made)  # as plain claims
    assert not plan.sources and not plan.decisions and not ConsensusSource.select().exists()
    # Ada's own file, read as it is, gives the consensus claims their sources and her decisions
    plan, _ = merge(lead, copies["ada"])
    assert not plan.new_claims and sorted(u for u, _ in plan.sources) == sorted(made) and len(plan.decisions) == 2
    assert reconciliation(lead) == expected
    # the older file again takes nothing away
    assert not plan_merge(lead, read_project(old)).has_changes
    lead.close()


def test_reconciliation_merges_into_a_postgresql_project(copies, postgres_url, capsys):
    made = reconcile_all(copies["ada"], ADA)
    ada = opened(copies["ada"], ADA)
    expected = reconciliation(ada)
    ada.close()
    assert main(["--db", postgres_url, "migrate"]) == 0
    assert main(["--db", postgres_url, "--reviewer", LEAD, "merge", str(copies["ada"])]) == 0
    assert "2 consensus claim(s) given their sources from there" in capsys.readouterr().out
    assert main(["--db", postgres_url, "--reviewer", LEAD, "merge", str(copies["ada"])]) == 0
    assert "nothing to change" in capsys.readouterr().out

    from curator.core.session import open_session

    s = open_session(postgres_url)
    try:
        s.use_reviewer(ADA)
        assert reconciliation(s) == expected and {c for _, c, _, _ in expected if c} == set(made)
    finally:
        s.close()


def test_a_consensus_claim_deleted_there_goes_with_its_sources_and_undo_brings_both_back(copies):
    _, accepted = reconcile_all(copies["ada"], ADA)
    lead = opened(copies["lead"], LEAD)
    merge(lead, copies["ada"])
    lead.close()
    ada = opened(copies["ada"], ADA)
    merge(ada, copies["lead"])  # both sides know they agree
    DecideUnmatched(ada, reconciliation_units(ada)[1], accept=False).do()  # Ada changes her mind
    ada.close()
    lead = opened(copies["lead"], LEAD)
    before = reconciliation(lead)
    plan, command = merge(lead, copies["ada"])
    assert [d.claim_uuid for d in plan.deleted_claims] == [accepted]
    # no merge base for a decision: her change of mind is listed as a conflict until settled
    assert [c.kind for c in plan.conflicts] == [DECIDED_DIFFERENTLY]
    assert accepted not in {c.uuid for c in lead.claims.all()}
    command.undo()
    assert reconciliation(lead) == before
    lead.close()


def reconciliation_units(session):
    return session.reconcile.units(doc_id_by_file(session, "002"))


def test_a_consensus_claim_reconciled_again_there_takes_its_sources_with_its_values(copies):
    (unit, _) = reconcile_all(copies["ada"], ADA)
    lead = opened(copies["lead"], LEAD)
    merge(lead, copies["ada"])
    lead.close()
    ada = opened(copies["ada"], ADA)
    merge(ada, copies["lead"])
    ReconcileUnit(ada, reconciliation_units(ada)[0], ConsensusDraft(take={"claim_type": BEN}, default=ANN)).do()
    expected = reconciliation(ada)
    ada.close()
    lead = opened(copies["lead"], LEAD)
    plan, _ = merge(lead, copies["ada"])
    assert [w.row.uuid for w in plan.updated_claims] == [unit] and [u for u, _ in plan.sources] == [unit]
    assert reconciliation(lead) == expected and expected[0][2]["claim_type"].reviewer == BEN
    assert not plan_merge(lead, read_project(copies["ada"])).has_changes
    lead.close()
