"""A scripted dual extraction of two seed documents with known disagreements; the report matches κ and α
computed by hand (issue 12, "Done means")."""

from __future__ import annotations

import json

import pytest

from curator.cli import main
from curator.core.agreement import measure
from curator.core.records import ClaimDraft
from tests.conftest import doc_id_by_file

pytestmark = pytest.mark.both_backends

ANN, BEN = "Ann Extractor", "Ben Extractor"
# (seed, start, Ann's claim type, Ben's claim type): Ben's quote starts 5 characters later and ends at
# the same place, so every pair overlaps 95 of 100 characters and forms one unit.
UNITS = [
    ("000", 200, "association", "association"),
    ("000", 1200, "intervention_effect", "intervention_effect"),
    ("000", 2200, "association", "mechanism"),
    ("002", 300, "null_finding", "null_finding"),
    ("002", 1300, "intervention_effect", "association"),
    ("002", 2300, "evidence_gap", "evidence_gap"),
]


def claim(session, reviewer, seed, start, end, **values):
    session.use_reviewer(reviewer)
    doc = doc_id_by_file(session, seed)
    return session.claims.create(ClaimDraft(doc, start, end, values))[0]


@pytest.fixture
def extracted(session):
    lead = session.reviewer.name
    for name in (ANN, BEN):
        session.use_reviewer(name)
    session.use_reviewer(lead)
    for seed in ("000", "002"):
        doc = doc_id_by_file(session, seed)
        session.team.assign(doc, [session.team.reviewer_named(n).id for n in (ANN, BEN)])
    for seed, start, ann_type, ben_type in UNITS:
        claim(session, ANN, seed, start, start + 100, claim_type=ann_type, direction="benefit")
        claim(session, BEN, seed, start + 5, start + 100, claim_type=ben_type, direction="benefit")
    claim(session, ANN, "002", 4000, 4080, claim_type="background")  # Ben has nothing there
    claim(session, BEN, "002", 5000, 5060, claim_type="background")  # nor Ann here
    for name in (ANN, BEN):
        session.use_reviewer(name)
        for seed in ("000", "002"):
            session.team.set_done(doc_id_by_file(session, seed))
    session.use_reviewer(lead)
    return session


def test_the_report_matches_kappa_and_alpha_computed_by_hand(extracted):
    report = measure(extracted)
    assert report.reviewers == (ANN, BEN) and report.matched == 6
    assert report.unmatched == {ANN: 1, BEN: 1}
    # span F1: 6 matched of 7 claims each → 2·6 / (2·6 + 1 + 1)
    assert report.spans[(ANN, BEN)].f1 == pytest.approx(12 / 14)

    c = report.fields["claim_type"]
    # κ by hand: p_o = 4/6; Ann's margins association 2, intervention 2, null 1, gap 1; Ben's association
    # 2, intervention 1, mechanism 1, null 1, gap 1; p_e = (2·2 + 2·1 + 1·1 + 1·1) / 36 = 8/36;
    # κ = (24/36 − 8/36) / (28/36) = 4/7
    assert (c.n, c.percent) == (6, pytest.approx(4 / 6))
    assert c.kappa == pytest.approx(4 / 7)
    # α by hand (nominal, 12 pairable values): 4 disagreeing ordered pairs, D_o = 4/12; value counts
    # association 4, intervention 3, mechanism 1, null 2, gap 2 → D_e = (144 − 34) / (12·11) = 110/132;
    # α = 1 − (4/12) / (110/132) = 0.6
    assert c.alpha == pytest.approx(0.6)

    # everyone said "benefit": one category, κ and α undefined, said in words
    d = report.fields["direction"]
    assert d.percent == 1.0 and d.kappa is None and d.alpha is None and "only one value" in d.alpha_note

    # the same per document: 000 has units 1–3 (2 of 3 agree), 002 units 4–6 (2 of 3)
    per_document = {doc: fields["claim_type"].percent for doc, fields in report.by_document.items()}
    assert sorted(per_document.values()) == [pytest.approx(2 / 3)] * 2


def test_the_cli_prints_the_same_numbers(extracted, db_target, capsys):
    extracted.close()
    assert main(["--db", str(db_target), "--reviewer", "Test Reviewer", "agreement", "--json"]) == 0
    fields = json.loads(capsys.readouterr().out)["fields"]
    assert fields["claim_type"]["kappa"] == pytest.approx(4 / 7)
    assert fields["claim_type"]["alpha"] == pytest.approx(0.6)
    assert fields["direction"]["kappa"] is None and "only one value" in fields["direction"]["undefined"]["kappa"]
