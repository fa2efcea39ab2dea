"""Agreement between reviewers on a real project: units matched by overlap, coefficients per field, the CLI."""

from __future__ import annotations

import json

import pytest

from curator.cli import main
from curator.core.agreement import build_units, measure, overlap
from curator.core.paths import SEEDS
from curator.core.records import ClaimDraft, TermRef
from curator.core.session import open_session
from curator.io.seeds import seed_new_project
from tests.conftest import doc_id_by_file

BASE = 2000  # where the test's spans start in seed 002


@pytest.fixture
def project(tmp_path):
    path = tmp_path / "agree.sqlite3"
    session = open_session(path)
    seed_new_project(session, SEEDS)
    session.use_reviewer("Lena Lead")
    yield session, path
    session.close()


def claim(session, reviewer: str, start: int, end: int, terms=(), **values):
    session.use_reviewer(reviewer)
    doc = doc_id_by_file(session, "002")
    record, _ = session.claims.create(ClaimDraft(doc, BASE + start, BASE + end, values, tuple(terms)))
    return record


def test_units_are_a_maximum_weight_matching_not_the_best_pair_first(project):
    session, _ = project
    # Ann: A1 0–100, A2 40–100; Ben: B1 10–100, B2 0–80. Overlaps: A1·B1 0.9, A1·B2 0.8, A2·B1 0.67,
    # A2·B2 0.4 (below 0.5). Taking the best pair first (A1·B1) would leave A2 and B2 unmatched;
    # the maximum-weight matching pairs A1·B2 and A2·B1 (1.47 against 0.9) and matches all four.
    a1 = claim(session, "Ann", 0, 100, claim_type="association")
    a2 = claim(session, "Ann", 40, 100, claim_type="intervention_effect")
    b1 = claim(session, "Ben", 10, 100, claim_type="association")
    b2 = claim(session, "Ben", 0, 80, claim_type="association")
    assert round(overlap(a1, b1), 2) == 0.9 and round(overlap(a2, b2), 2) == 0.4
    units = build_units(a1.document_id, {"Ann": [a1, a2], "Ben": [b1, b2]}, 0.5)
    pairs = {(u.claims["Ann"].id, u.claims["Ben"].id) for u in units}
    assert pairs == {(a1.id, b2.id), (a2.id, b1.id)}

    session.use_reviewer("Lena Lead")
    report = measure(session)
    assert report.reviewers == ("Ann", "Ben") and report.matched == 2
    assert report.unmatched == {"Ann": 0, "Ben": 0} and report.spans[("Ann", "Ben")].f1 == 1.0
    claim_type = report.fields["claim_type"]
    # pairs (association, association) and (intervention effect, association): p_o 0.5, p_e 0.5 → κ 0
    assert (claim_type.n, claim_type.percent, claim_type.kappa) == (2, 0.5, 0.0)


def test_unmatched_claims_terms_and_undefined_coefficients(project):
    session, _ = project
    ms = next(t for t in session.terms.for_role("condition") if t.label == "Multiple sclerosis")
    ms_ref = TermRef("condition", ms.label, ms.identifier, ms.id)
    claim(session, "Ann", 0, 100, terms=[ms_ref], claim_type="association", direction="benefit")
    claim(session, "Ben", 5, 100, terms=[ms_ref, TermRef("condition", "Fatigue")], claim_type="association")
    claim(session, "Ben", 300, 360, claim_type="association")  # Ann has nothing here
    session.use_reviewer("Lena Lead")
    report = measure(session)
    assert report.matched == 1 and report.unmatched == {"Ann": 0, "Ben": 1}
    assert report.spans[("Ann", "Ben")].f1 == pytest.approx(2 / 3)
    # one matched unit, both "association": only one category, κ and α undefined and said so
    c = report.fields["claim_type"]
    assert c.percent == 1.0 and c.kappa is None and "only one value" in c.kappa_note
    # an empty direction against "benefit" is a disagreement, not a missing value
    assert report.fields["direction"].percent == 0.0
    # conditions: MS both (agree), Fatigue Ben only (disagree) → 50 %, Jaccard 1/2
    assert report.fields["condition"].percent == 0.5 and report.jaccard["condition"] == 0.5


def test_blind_extraction_keeps_other_reviewers_claims_out_of_an_extractors_agreement(project):
    session, _ = project
    claim(session, "Ann", 0, 100, claim_type="association")
    claim(session, "Ben", 0, 100, claim_type="association")
    doc = doc_id_by_file(session, "002")
    session.use_reviewer("Lena Lead")
    session.team.assign(doc, [session.team.reviewer_named(n).id for n in ("Ann", "Ben")])
    session.use_reviewer("Ann")
    assert measure(session).reviewers == ()  # she sees only her own claims while blind
    session.use_reviewer("Lena Lead")
    assert measure(session).reviewers == ("Ann", "Ben")


def test_the_cli_prints_the_agreed_json_shape(project, capsys):
    session, path = project
    claim(session, "Ann", 0, 100, claim_type="association")
    claim(session, "Ben", 0, 90, claim_type="intervention_effect")
    claim(session, "Ann", 200, 260, claim_type="association")
    claim(session, "Ben", 200, 250, claim_type="association")
    session.close()
    assert main(["--db", str(path), "--reviewer", "Lena Lead", "agreement", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["reviewers"] == ["Ann", "Ben"]
    assert out["units"] == {"matched": 2, "unmatched": {"Ann": 0, "Ben": 0}}
    assert set(out["fields"]["claim_type"]) >= {"n", "percent", "kappa", "alpha"}
    assert out["fields"]["claim_type"]["n"] == 2 and out["fields"]["claim_type"]["percent"] == 0.5
    assert {"condition", "intervention", "effect_value", "status"} <= set(out["fields"])
    assert main(["--db", str(path), "--reviewer", "Lena Lead", "agreement"]) == 0
    text = capsys.readouterr().out
    assert "reviewers: Ann, Ben" in text and "Claim type" in text
    assert main(["--db", str(path), "agreement", "--threshold", "0"]) == 1
    assert "--threshold" in capsys.readouterr().err


def test_the_matching_by_overlapping_groups_equals_one_dense_matching_on_random_spans():
    import random

    from scipy.optimize import linear_sum_assignment

    from curator.core.agreement import match_pair
    from curator.core.anchoring import Anchor
    from curator.core.records import ClaimRecord

    def record(i, start, end):
        return ClaimRecord(i, 1, None, "", Anchor(start, end, "x", "", ""), "", {}, (), None, None)

    rng = random.Random(12)
    for _ in range(200):
        spans = [(s, s + rng.randint(1, 60)) for s in (rng.randint(0, 300) for _ in range(rng.randint(0, 14)))]
        first = [record(i, *span) for i, span in enumerate(spans[: len(spans) // 2])]
        second = [record(100 + i, *span) for i, span in enumerate(spans[len(spans) // 2 :])]
        found = match_pair(first, second, 0.5)
        assert len({i for i, _, _ in found}) == len(found) == len({j for _, j, _ in found})
        assert all(overlap(first[i], second[j]) == w >= 0.5 for i, j, w in found)
        if first and second:
            dense = [[w if (w := overlap(a, b)) >= 0.5 else 0.0 for b in second] for a in first]
            rows, columns = linear_sum_assignment(dense, maximize=True)
            best = sum(dense[r][c] for r, c in zip(rows, columns))
        else:
            best = 0.0
        assert sum(w for _, _, w in found) == pytest.approx(best)


def test_the_workbook_gains_agreement_and_disagreement_sheets_for_dual_extracted_documents(project, tmp_path):
    import openpyxl

    from curator.io.xlsx_export import export_xlsx

    session, _ = project
    export_xlsx(session, tmp_path / "one.xlsx")
    assert not {"Agreement", "Disagreements"} & set(openpyxl.load_workbook(tmp_path / "one.xlsx").sheetnames)

    a = claim(session, "Ann", 0, 100, claim_type="association", direction="benefit")
    b = claim(session, "Ben", 0, 95, claim_type="association", direction="harm")
    lonely = claim(session, "Ben", 300, 360, claim_type="association")
    session.use_reviewer("Lena Lead")
    export_xlsx(session, tmp_path / "unassigned.xlsx")  # two reviewers, but nobody assigned them: not dual
    assert "Agreement" not in openpyxl.load_workbook(tmp_path / "unassigned.xlsx").sheetnames
    session.team.assign(a.document_id, [session.team.reviewer_named(n).id for n in ("Ann", "Ben")])
    export_xlsx(session, tmp_path / "two.xlsx")
    book = openpyxl.load_workbook(tmp_path / "two.xlsx")
    rows = list(book["Agreement"].iter_rows(values_only=True))
    assert rows[0][:5] == ("Scope", "Field", "Field key", "Units", "Agreement")
    by_key = {r[2]: r for r in rows[1:] if r[0].startswith("All reviewers")}
    assert by_key["claim_type"][3:5] == (1, 1) and by_key["direction"][4] == 0
    assert "only one value" in by_key["claim_type"][8]
    assert any(r[1] == "Claims (spans)" and "F1 0.67" in r[8] for r in rows[1:])
    differences = list(book["Disagreements"].iter_rows(values_only=True))[1:]
    direction = next(r for r in differences if r[2] == "Direction")
    assert direction[3:9] == ("Ann", "Benefit", "Ben", "Harm", a.uuid, b.uuid)
    assert direction[9] == "not reconciled yet"
    assert any(r[2] == "Claim" and r[5] == "Ann" and r[7] == lonely.uuid for r in differences)
    about = [r[1] for r in book["About"].iter_rows(values_only=True) if r and r[0] in ("Agreement", "Disagreements")]
    assert "Cohen's kappa" in about and "Resolution" in about  # the data dictionary explains the new columns


def test_on_an_assigned_document_only_its_extractors_are_compared(project):
    session, _ = project
    a = claim(session, "Ann", 0, 100, claim_type="association")
    claim(session, "Ben", 0, 100, claim_type="association")
    claim(session, "Lena Lead", 0, 100, claim_type="mechanism")  # the lead's own claim there
    assert measure(session).reviewers == ("Ann", "Ben", "Lena Lead")  # nothing assigned: everyone
    session.use_reviewer("Lena Lead")
    session.team.assign(a.document_id, [session.team.reviewer_named(n).id for n in ("Ann", "Ben")])
    assert measure(session).reviewers == ("Ann", "Ben")


def test_two_reviewers_units_are_those_of_the_general_joining_at_random():
    """build_units' two-reviewer path (the matching is the units) against the general joining of
    pairwise matches (forced by a third reviewer without claims): the same units in the same order,
    on random spans that overlap in chains (groups of several edges, scipy's matching) and not at all."""
    import random
    from types import SimpleNamespace

    rng = random.Random(4)
    ids = iter(range(1, 10**6))

    def spans(count):
        out = []
        for _ in range(count):
            start = rng.randrange(0, 400)
            out.append(
                SimpleNamespace(id=next(ids), anchor=SimpleNamespace(start=start, end=start + rng.randint(5, 60)))
            )
        return out

    for _ in range(200):
        by = {"Bo": spans(rng.randint(0, 12)), "Ann": spans(rng.randint(0, 12))}
        fast = build_units(1, by, 0.5)
        general = build_units(1, {**by, "Zed": []}, 0.5)
        assert [list(u.claims.items()) for u in fast] == [list(u.claims.items()) for u in general]


def test_the_narrow_read_gives_the_report_of_the_records_on_a_random_project(project):
    """measure reads only the columns it compares (agreement_read.read_claims); given the records an
    export has read it takes them instead: both give the same report, units included, for a lead and
    for an extractor while blind, with orphaned quotes, a consensus claim and a lead's own claims."""
    import random

    from curator.core.models import Claim, ConsensusSource

    session, _ = project
    rng = random.Random(30)
    codebook = session.codebook
    choices = {f.key: sorted(f.choice_keys) for f in codebook.value_fields if f.kind == "choice"}
    by_role = {r.key: [t for t in session.terms.for_role(r.key)][:4] for r in codebook.roles}
    made = []
    for reviewer in ("Ann", "Ben", "Lena Lead", "Cy"):
        for _ in range(rng.randint(8, 14)):
            start = rng.randrange(0, 700)
            values = {key: rng.choice([*keys, ""]) for key, keys in rng.sample(sorted(choices.items()), 4)}
            if rng.random() < 0.6:
                values["n_participants"] = rng.choice([20, 40, 80])
            terms = [
                TermRef(role, t.label, t.identifier, t.id)
                for role in rng.sample(sorted(by_role), 2)
                for t in rng.sample(by_role[role], min(len(by_role[role]), rng.randint(0, 2)))
            ]
            made.append(claim(session, reviewer, start, start + rng.randint(20, 120), terms, **values))
    other = next(d.id for d in session.documents.summaries() if d.id != made[0].document_id)
    session.use_reviewer("Cy")
    session.claims.create(ClaimDraft(other, 10, 80, {"claim_type": "association"}))
    orphaned = [c.id for c in rng.sample(made, 5)]
    Claim.update(anchor_status="orphaned").where(Claim.id.in_(orphaned)).execute()
    ConsensusSource.create(claim=made[-1].id, field_key="quote", source_reviewer="Ann")

    def same(**kw):
        narrow, records = measure(session, **kw), measure(session, claims=session.claims.all(), **kw)
        assert narrow.as_json() == records.as_json()
        shape = [[(u.document_id, name, c.id) for name, c in u.claims.items()] for u in narrow.units]
        assert shape == [[(u.document_id, name, c.id) for name, c in u.claims.items()] for u in records.units]
        return narrow

    session.use_reviewer("Lena Lead")
    assert same().reviewers == ("Ann", "Ben", "Cy", "Lena Lead")
    same(threshold=0.3, reviewers=["Ann", "Cy"])
    session.team.assign(made[0].document_id, [session.team.reviewer_named(n).id for n in ("Ann", "Ben", "Cy")])
    assert same().reviewers == ("Ann", "Ben", "Cy")  # the lead's claims are no extraction there
    assert same(documents={made[0].document_id}).matched > 0
    session.use_reviewer("Ann")
    assert same().reviewers == ()  # blind: she sees only her own claims


def test_a_claim_overlapping_several_is_matched_to_the_one_scipy_picks_ties_included():
    """A group of one claim against several is matched without scipy: the same pairs as scipy on
    every group, on spans drawn from a coarse grid so that equal overlaps are common."""
    import random
    from types import SimpleNamespace

    from scipy.optimize import linear_sum_assignment

    from curator.core.agreement import match_pair

    def with_scipy(first, second, threshold):
        edges = [
            (i, j, w) for i, a in enumerate(first) for j, b in enumerate(second) if (w := overlap(a, b)) >= threshold
        ]
        parent = {}

        def root(x):
            while parent.setdefault(x, x) != x:
                x = parent[x]
            return x

        for i, j, _ in edges:
            parent[root(("a", i))] = root(("b", j))
        groups = {}
        for e in edges:
            groups.setdefault(root(("a", e[0])), []).append(e)
        out = set()
        for group in groups.values():
            rows, columns = sorted({i for i, _, _ in group}), sorted({j for _, j, _ in group})
            weights = [[0.0] * len(columns) for _ in rows]
            for i, j, w in group:
                weights[rows.index(i)][columns.index(j)] = w
            for r, c in zip(*linear_sum_assignment(weights, maximize=True)):
                if weights[r][c] >= threshold:
                    out.add((rows[r], columns[c], weights[r][c]))
        return out

    rng = random.Random(7)

    def spans(count):
        out = []
        for _ in range(count):
            start = 10 * rng.randrange(0, 12)
            out.append(SimpleNamespace(anchor=SimpleNamespace(start=start, end=start + 10 * rng.randint(1, 4))))
        return out

    for _ in range(400):
        first, second = spans(rng.randint(0, 4)), spans(rng.randint(0, 4))
        assert set(match_pair(first, second, 0.5)) == with_scipy(first, second, 0.5)


def test_choices_the_codebook_no_longer_offers_compare_as_stored_in_the_narrow_read(project):
    """read_scoped gives choice fields as small codes; a stored value off the codebook (renamed or removed
    since) gets a code of its own, equal values equal codes: the report is the records' report."""
    _narrow_report_with_choices_off_the_codebook(project[0])


def test_many_choices_off_the_codebook_are_read_again_by_one_scan(project, monkeypatch):
    from curator.core import agreement_read

    monkeypatch.setattr(agreement_read, "REREAD_ALL", 0)
    _narrow_report_with_choices_off_the_codebook(project[0])


def test_the_narrow_read_on_postgresql(seeded_postgres_url):
    """The same on PostgreSQL: its CASE of integer codes, the term labels' CASE and the subqueries."""
    session = open_session(seeded_postgres_url)
    try:
        _narrow_report_with_choices_off_the_codebook(session)
    finally:
        session.close()


def _narrow_report_with_choices_off_the_codebook(session):
    import random

    from curator.core.models import Claim

    rng = random.Random(12)
    mechanism = next(iter(session.terms.for_role("mechanism")))
    made = []
    for reviewer in ("Ann", "Ben", "Cy"):
        for k in range(12):
            start = 30 * k + rng.randint(0, 6)
            terms = [TermRef("mechanism", mechanism.label, mechanism.identifier, mechanism.id)] if k % 3 else []
            made.append(
                claim(session, reviewer, start, start + 40, terms, claim_type="association", direction="benefit")
            )
    for c in made:
        stale = rng.choice(["old kind", "older kind", "association", ""])
        Claim.update(claim_type=stale, direction=rng.choice(["gone", "benefit", ""])).where(Claim.id == c.id).execute()
    Claim.update(effect_value=-1).where(Claim.id == made[0].id).execute()  # a number equal to the marker code
    session.use_reviewer("Lena Lead")
    for reviewers in (None, ["Ann", "Ben"]):
        narrow = measure(session, reviewers=reviewers)
        records = measure(session, reviewers=reviewers, claims=session.claims.all())
        assert narrow.as_json() == records.as_json()
        assert narrow.fields["claim_type"].n > 0
