"""Reconciliation (issue 12): two extractors' claims on one document turned into consensus claims by an
adjudicator, field by field, undoably and resumably; on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from curator.core.errors import StaleClaimError, ValidationError
from curator.core.models import ConsensusSource, ReconciliationDecision
from curator.core.reconcile import MEMBER, QUOTE, ConsensusDraft, ReconUnit, Source
from curator.core.reconcile_commands import DecideUnmatched, ReconcileUnit
from curator.core.records import ClaimDraft, TermRef
from tests.conftest import assign_two_extractors, doc_id_by_file

pytestmark = pytest.mark.both_backends

BASE = 2000  # where the test's spans start in seed 002
ANN, BEN, ADA = "Ann Extractor", "Ben Extractor", "Ada Adjudicator"


def claim(session, reviewer, start, end, terms=(), **values):
    session.use_reviewer(reviewer)
    doc = doc_id_by_file(session, "002")
    return session.claims.create(ClaimDraft(doc, BASE + start, BASE + end, values, tuple(terms)))[0]


@pytest.fixture
def dual(session):
    """Seed 002 extracted by Ann and Ben (both done); Ada adjudicates. The session's reviewer leads."""
    doc = assign_two_extractors(session, (ANN, BEN), ADA)
    team = session.team
    ms = next(t for t in session.terms.for_role("condition") if t.label == "Multiple sclerosis")
    c = {
        "ann": claim(
            session,
            ANN,
            0,
            100,
            [TermRef("condition", ms.label, ms.identifier, ms.id)],
            claim_type="association",
            direction="benefit",
            statement="Ann's statement",
        ),
        "ben": claim(session, BEN, 5, 100, claim_type="mechanism", direction="harm", statement="Ben's statement"),
        "ben_only": claim(session, BEN, 300, 360, claim_type="background"),
        "ann_only": claim(session, ANN, 500, 560, claim_type="evidence_gap"),
    }
    for name in (ANN, BEN):
        session.use_reviewer(name)
        team.set_done(doc, True)
    session.use_reviewer(ADA)
    return session, doc, c


def test_units_side_by_side_with_differences_marked(dual):
    session, doc, c = dual
    units = session.reconcile.units(doc)
    assert [u.reviewers for u in units] == [(ANN, BEN), (BEN,), (ANN,)]
    first = units[0]
    assert first.matched and first.consensus is None and not first.reconciled
    assert {ANN: c["ann"].id, BEN: c["ben"].id} == {n: r.id for n, r in first.claims.items()}
    rows = {f.key: f for f in first.fields}
    assert rows["claim_type"].values == {ANN: "association", BEN: "mechanism"}
    assert rows["condition"].values == {ANN: ("Multiple sclerosis",), BEN: ()}
    assert {"quote", "claim_type", "direction", "statement", "condition"} <= set(first.differing)
    assert not rows["population"].differs and "status" not in rows
    assert session.reconcile.progress(doc) == (3, 0)


def test_reconcile_a_unit_field_by_field_undo_redo_and_resume(dual):
    session, doc, c = dual
    unit = session.reconcile.units(doc)[0]
    before = session.claims.get_many([c["ann"].id, c["ben"].id])
    command = ReconcileUnit(
        session,
        unit,
        ConsensusDraft(take={"direction": BEN, QUOTE: BEN}, edits={"statement": "Agreed statement"}, default=ANN),
    )
    command.do()
    made = session.claims.get(command.consensus_id)
    assert made.reviewer_name == ADA and made.values["status"] == "confirmed"
    assert (made.values["claim_type"], made.values["direction"], made.values["statement"]) == (
        "association",
        "harm",
        "Agreed statement",
    )
    assert made.anchor == c["ben"].anchor and [t.label for t in made.terms] == ["Multiple sclerosis"]
    sources = {s.field_key: s for s in session.reconcile.sources([made.id])[made.id] if s.field_key != MEMBER}
    assert sources["claim_type"] == Source("claim_type", ANN, c["ann"].uuid)
    assert sources["direction"] == Source("direction", BEN, c["ben"].uuid)
    assert sources["statement"] == Source("statement", edited=True)
    assert sources[QUOTE].reviewer == BEN and sources["condition"].reviewer == ANN
    # the extractors' claims are untouched
    assert session.claims.get_many([c["ann"].id, c["ben"].id]) == before

    # resumable: read again from the database, the unit has its consensus; consensus claims are no unit
    units = session.reconcile.units(doc)
    assert len(units) == 3 and units[0].consensus.id == made.id and units[0].sources["direction"].reviewer == BEN
    assert session.reconcile.progress(doc) == (3, 1)

    command.undo()
    assert session.reconcile.progress(doc) == (3, 0)
    assert not ConsensusSource.select().where(ConsensusSource.claim == made.id).exists()
    command.do()
    again = session.claims.get(made.id)
    assert again.uuid == made.uuid and again.values == made.values
    assert session.reconcile.units(doc)[0].sources == units[0].sources

    # re-reconciling replaces the consensus claim's values (an edit, version-checked), undoably
    unit = session.reconcile.units(doc)[0]
    edit = ReconcileUnit(session, unit, ConsensusDraft(take={"claim_type": BEN}, default=ANN))
    edit.do()
    now = session.claims.get(made.id)
    assert (now.values["claim_type"], now.values["direction"], now.values["statement"]) == (
        "mechanism",
        "benefit",
        "Ann's statement",
    )
    assert session.reconcile.units(doc)[0].sources["statement"] == Source("statement", ANN, c["ann"].uuid)
    edit.undo()
    assert session.claims.get(made.id).values == made.values
    assert session.reconcile.units(doc)[0].sources["statement"].edited
    # a unit read before it was reconciled (another adjudicator's window) makes no second consensus
    with pytest.raises(ValidationError, match="reconciled since"):
        ReconcileUnit(session, ReconUnit(doc, unit.claims, unit.fields), ConsensusDraft()).do()
    # a stale unit (read before another change to its consensus) is refused
    stale = ReconcileUnit(session, unit, ConsensusDraft(default=BEN))
    with pytest.raises(StaleClaimError):
        stale.do()


def test_accept_and_reject_unmatched_claims(dual):
    session, doc, c = dual
    _, ben_only, ann_only = session.reconcile.units(doc)
    accept = DecideUnmatched(session, ben_only, accept=True)
    accept.do()
    reject = DecideUnmatched(session, ann_only, accept=False)
    reject.do()
    units = session.reconcile.units(doc)
    assert units[1].decision == "accepted" and units[1].consensus.values["claim_type"] == "background"
    assert units[1].consensus.values["status"] == "confirmed" and units[1].consensus.reviewer_name == ADA
    assert {s.reviewer for s in units[1].sources.values()} == {BEN}
    assert units[2].decision == "rejected" and units[2].consensus is None and units[2].reconciled
    assert ReconciliationDecision.get_by_id(c["ann_only"].uuid).decided_by == ADA
    assert session.reconcile.progress(doc) == (3, 2)
    reject.undo()
    accept.undo()
    assert session.reconcile.progress(doc) == (3, 0)
    accept.do()
    assert session.reconcile.units(doc)[1].consensus.uuid == units[1].consensus.uuid
    # changing one's mind: rejecting the accepted claim takes its consensus away, undo brings it back
    change = DecideUnmatched(session, session.reconcile.units(doc)[1], accept=False)
    change.do()
    assert session.reconcile.units(doc)[1].consensus is None and session.reconcile.progress(doc) == (3, 1)
    change.undo()
    assert session.reconcile.units(doc)[1].decision == "accepted"
    with pytest.raises(ValidationError, match="several reviewers"):
        DecideUnmatched(session, units[0], accept=True)


def test_an_extractor_may_not_reconcile(dual):
    session, doc, _ = dual
    unit = session.reconcile.units(doc)[0]
    session.use_reviewer(ANN)
    with pytest.raises(ValidationError, match="Extractor"):
        ReconcileUnit(session, unit, ConsensusDraft()).do()
    with pytest.raises(ValidationError, match="Extractor"):
        DecideUnmatched(session, session.reconcile.units(doc)[1], accept=False).do()
    session.use_reviewer(ADA)
    with pytest.raises(ValidationError, match="no claim in this unit"):
        ReconcileUnit(session, unit, ConsensusDraft(take={"direction": "Nobody"})).do()


def _reconciled(dual):
    """The matched unit reconciled (Ann's type, Ben's direction, an edited statement); Ben's unmatched
    claim accepted; Ann's rejected."""
    session, doc, _ = dual
    first, ben_only, ann_only = session.reconcile.units(doc)
    command = ReconcileUnit(
        session, first, ConsensusDraft(take={"direction": BEN}, edits={"statement": "Agreed"}, default=ANN)
    )
    command.do()
    accept = DecideUnmatched(session, ben_only, accept=True)
    accept.do()
    DecideUnmatched(session, ann_only, accept=False).do()
    return session.claims.get(command.consensus_id), session.claims.get(accept.made.record.id)


def _claims_sheet(path):
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    rows = list(book["Claims"].iter_rows(values_only=True))
    agreement = "Agreement" in book.sheetnames and [r for r in book["Agreement"].iter_rows(values_only=True)]
    book.close()
    return [dict(zip(rows[0], r)) for r in rows[1:]], agreement


def test_exports_hold_the_consensus_by_default_and_every_claim_on_request(dual, tmp_path):
    import csv
    import json

    from curator.cli import main
    from curator.io.flat_export import export_csv, export_jsonld
    from curator.io.xlsx_export import export_xlsx

    session, _, c = dual
    made, accepted = _reconciled(dual)
    unreconciled = claim(session, ANN, 700, 760, claim_type="background")  # Ann's after reconciling
    session.use_reviewer(ADA)

    export_xlsx(session, tmp_path / "default.xlsx")
    rows, agreement = _claims_sheet(tmp_path / "default.xlsx")
    on_doc = {r["Claim UUID"]: r for r in rows if r["Claim ID"] in {made.id, accepted.id, unreconciled.id}}
    assert {r["Claim UUID"] for r in rows} >= {made.uuid, accepted.uuid, unreconciled.uuid}
    assert not {c[k].uuid for k in c} & {r["Claim UUID"] for r in rows}  # replaced by the consensus, or rejected
    assert on_doc[made.uuid]["Consensus"] == f"consensus of {ANN}, {BEN}"
    assert on_doc[made.uuid]["Reviewer"] == ADA and on_doc[made.uuid]["Statement"] == "Agreed"
    assert on_doc[accepted.uuid]["Consensus"] == f"consensus of {BEN}"
    assert on_doc[unreconciled.uuid]["Consensus"] == "not reconciled"
    # every existing column is kept, in its place; Consensus comes last
    assert list(rows[0])[-2:] == ["Claim UUID", "Consensus"]
    # what the Disagreements sheet's Resolution column can say, per claim and field
    from curator.core.reconcile_view import resolutions

    said = resolutions(session)
    assert said[(c["ann"].uuid, "direction")] == said[(c["ben"].uuid, "direction")] == f"took {BEN}'s value"
    assert said[(c["ben"].uuid, "statement")] == "edited by the adjudicator"
    assert (said[(c["ben_only"].uuid, "")], said[(c["ann_only"].uuid, "")]) == ("accepted", "rejected")
    # agreement is still the extractors' own: the adjudicator is no third reviewer
    assert agreement and not any(ADA in str(cell) for row in agreement for cell in row)

    export_csv(session, tmp_path / "claims.csv")
    with open(tmp_path / "claims.csv", encoding="utf-8-sig", newline="") as f:
        csv_rows = list(csv.DictReader(f))
    assert {r["Claim UUID"]: r["Consensus"] for r in csv_rows}[made.uuid] == f"consensus of {ANN}, {BEN}"

    export_jsonld(session, tmp_path / "claims.jsonld", all_reviewers=True)
    items = json.loads((tmp_path / "claims.jsonld").read_text(encoding="utf-8"))["first"]["items"]
    by_id = {i["id"]: i for i in items}
    derived = by_id[f"urn:uuid:{made.uuid}"]["prov:wasDerivedFrom"]
    assert derived == [f"urn:uuid:{c['ann'].uuid}", f"urn:uuid:{c['ben'].uuid}"]
    assert all(u in by_id for u in derived)  # with every reviewer's claims, the sources are in the collection too
    assert "prov:wasDerivedFrom" not in by_id[f"urn:uuid:{c['ann'].uuid}"]

    # the default workbook imports back unchanged (the Consensus column is read-only)
    from curator.io.claim_import import plan_import

    plan = plan_import(session, tmp_path / "default.xlsx")
    assert plan.ok and not plan.has_changes and "Consensus" not in plan.ignored_columns, plan.summary()

    # the command line, last: it opens the project on its own
    assert main(["--db", str(session.target), "export", str(tmp_path / "all.xlsx"), "--all-reviewers"]) == 0
    rows, _ = _claims_sheet(tmp_path / "all.xlsx")
    words = {r["Claim UUID"]: r["Consensus"] for r in rows}
    assert words[c["ann"].uuid] == words[c["ben"].uuid] == words[c["ben_only"].uuid] == "reconciled"
    assert words[c["ann_only"].uuid] == "rejected" and words[made.uuid] == f"consensus of {ANN}, {BEN}"


def test_a_document_still_blind_for_the_adjudicator_is_refused(dual):
    session, doc, _ = dual
    lead = next(r for r in session.team.reviewers() if r.role == "lead")
    session.use_reviewer(lead.name)
    session.team.assign(doc, [session.team.reviewer_named(ADA).id])  # Ada extracts too, and is not done
    session.use_reviewer(ADA)
    with pytest.raises(ValidationError, match="blind"):
        session.reconcile.units(doc)
    session.team.set_done(doc, True)
    assert session.reconcile.progress(doc) == (3, 0)


def test_agreement_leaves_consensus_out_and_the_disagreements_say_how_each_was_resolved(dual, tmp_path):
    import openpyxl

    from curator.core.agreement import measure
    from curator.io.xlsx_export import export_xlsx

    session, doc, c = dual
    units = session.reconcile.units(doc)
    ReconcileUnit(session, units[0], ConsensusDraft(take={"direction": BEN}, default=ANN)).do()
    DecideUnmatched(session, units[2], accept=False).do()  # Ann's only claim: rejected
    report = measure(session)
    assert report.reviewers == (ANN, BEN)  # the adjudicator's consensus is no third extraction
    export_xlsx(session, tmp_path / "x.xlsx", all_reviewers=True)
    rows = list(openpyxl.load_workbook(tmp_path / "x.xlsx")["Disagreements"].iter_rows(values_only=True))[1:]
    resolution = {(r[2], r[7]): r[9] for r in rows}
    assert "Ben" in resolution[("Direction", c["ann"].uuid)]
    assert "Ann" in resolution[("Claim type", c["ann"].uuid)]
    assert resolution[("Claim", c["ann_only"].uuid)] == "rejected"
    assert resolution[("Claim", c["ben_only"].uuid)] == "not reconciled yet"


def test_edited_terms_become_the_consensus_terms(dual):
    session, doc, _ = dual
    unit = session.reconcile.units(doc)[0]
    by_label = {t.label: t for t in session.terms.for_role("condition")}
    ms, other = (
        by_label["Multiple sclerosis"],
        next(t for label, t in by_label.items() if label != "Multiple sclerosis"),
    )
    chosen = (TermRef("condition", ms.label, ms.identifier, ms.id), TermRef("condition", other.label, "", other.id))
    command = ReconcileUnit(session, unit, ConsensusDraft(edits={"condition": chosen}, default=BEN))
    command.do()
    made = session.claims.get(command.consensus_id)
    assert [(t.role, t.term_id) for t in made.terms] == [("condition", ms.id), ("condition", other.id)]
    assert made.terms[1].identifier == other.identifier  # the vocabulary's, whatever the draft said
    again = session.reconcile.units(doc)[0]
    assert again.sources["condition"] == Source("condition", edited=True) and not again.stale
    command.undo()
    assert session.reconcile.units(doc)[0].consensus is None


def _rewind(doc):
    """As if every claim on the document was written a minute ago (timestamps have one-second
    resolution): an extractor's edit now is later than the consensus."""
    import datetime as dt

    from curator.core.models import Claim, utcnow

    Claim.update(updated_at=utcnow() - dt.timedelta(seconds=60)).where(Claim.document == doc).execute()


def test_a_claim_edited_after_reconciling_makes_the_unit_stale_and_it_reconciles_again(dual):
    session, doc, c = dual
    unit = session.reconcile.units(doc)[0]
    ReconcileUnit(session, unit, ConsensusDraft(take={"direction": BEN}, default=ANN)).do()
    made = session.reconcile.units(doc)[0].consensus
    _rewind(doc)
    assert not session.reconcile.units(doc)[0].stale

    # Ben edits his claim's direction (taken into the consensus) and type (not taken): only direction changed
    session.use_reviewer(BEN)
    ben = session.claims.get(c["ben"].id)
    session.claims.update(ben.id, replace_values(ben, direction="no_effect", claim_type="background"))
    session.use_reviewer(ADA)
    unit = session.reconcile.units(doc)[0]
    assert unit.stale and unit.changed == ("direction",) and unit.gone == () and unit.reconciled
    assert session.claims.get(made.id).values["direction"] == "harm"  # the consensus is not changed behind her

    # reconciled again: the consensus claim is updated (same claim), no longer stale; undo makes it stale again
    again = ReconcileUnit(session, unit, ConsensusDraft(take={"direction": BEN}, default=ANN))
    again.do()
    fresh = session.reconcile.units(doc)[0]
    assert fresh.consensus.id == made.id and fresh.consensus.values["direction"] == "no_effect" and not fresh.stale
    again.undo()
    back = session.reconcile.units(doc)[0]
    assert back.consensus.values["direction"] == "harm" and back.stale and back.changed == ("direction",)
    again.do()
    assert not session.reconcile.units(doc)[0].stale

    # reconciling again with nothing to change still says "reconciled now"
    _rewind(doc)
    session.use_reviewer(ANN)
    ann = session.claims.get(c["ann"].id)
    session.claims.update(ann.id, replace_values(ann, population="adults"))
    session.use_reviewer(ADA)
    unit = session.reconcile.units(doc)[0]
    assert unit.stale and unit.changed == ("population",)
    ReconcileUnit(session, unit, ConsensusDraft(take={"direction": BEN, "population": BEN}, default=ANN)).do()
    assert not session.reconcile.units(doc)[0].stale


def test_a_deleted_source_claim_makes_the_unit_stale(dual):
    session, doc, c = dual
    unit = session.reconcile.units(doc)[0]
    ReconcileUnit(session, unit, ConsensusDraft(take={"direction": BEN, "statement": BEN}, default=ANN)).do()
    made = session.reconcile.units(doc)[0].consensus
    session.use_reviewer(BEN)
    session.claims.delete(c["ben"].id)
    session.use_reviewer(ADA)
    unit = session.reconcile.units(doc)[0]
    assert unit.reviewers == (ANN,) and unit.consensus.id == made.id
    assert unit.stale and unit.gone == (BEN,) and {"direction", "statement"} <= set(unit.changed)
    assert "claim_type" not in unit.changed  # taken from Ann, whose claim is unchanged
    # accepting Ann's claim again: the consensus takes her values, and reconciles her claim only
    accept = DecideUnmatched(session, unit, accept=True)
    accept.do()
    now = session.reconcile.units(doc)[0]
    assert not now.stale and now.consensus.id == made.id and now.decision == "accepted"
    assert now.consensus.values["direction"] == "benefit" and now.members == {c["ann"].uuid: ANN}
    accept.undo()
    undone = session.reconcile.units(doc)[0]
    assert undone.stale and undone.consensus.values["direction"] == "harm" and undone.decision == ""


def replace_values(record, **values):
    draft = record.as_draft()
    return ClaimDraft(draft.document_id, draft.start, draft.end, {**draft.values, **values}, draft.terms, draft.version)
