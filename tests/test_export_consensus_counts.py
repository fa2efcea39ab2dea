"""Once consensus claims replace the extractors' claims they reconcile, the workbook's summaries count
what its Claims sheet holds: the Documents sheet's counts and the Evidence map count a reconciled unit
once, not once per extractor plus once for the consensus."""

from __future__ import annotations

import openpyxl
import pytest

from curator.core.reconcile import ConsensusDraft
from curator.core.reconcile_commands import ReconcileUnit
from curator.core.records import ClaimDraft, TermRef
from curator.io.xlsx_export import export_xlsx
from tests.conftest import assign_two_extractors

pytestmark = pytest.mark.both_backends

ANN, BEN, ADA = "Ann Extractor", "Ben Extractor", "Ada Adjudicator"


def _term(session, role, label):
    t = next(t for t in session.terms.for_role(role) if t.label == label)
    return TermRef(role, t.label, t.identifier, t.id)


@pytest.fixture
def reconciled(session):
    """Seed 002: Ann and Ben each claim the same passage (multiple sclerosis × probiotics, benefit) and one
    passage only one of them saw; Ada reconciles the shared one."""
    doc = assign_two_extractors(session, (ANN, BEN), ADA)
    team = session.team
    terms = (_term(session, "condition", "Multiple sclerosis"), _term(session, "intervention", "Probiotics"))
    values = {"claim_type": "association", "direction": "benefit"}
    for name, start in ((ANN, 2000), (BEN, 2004)):
        session.use_reviewer(name)
        session.claims.create(ClaimDraft(doc, start, 2100, values, terms))
    session.claims.create(ClaimDraft(doc, 2500, 2560, {"claim_type": "background"}, ()))  # Ben's alone
    for name in (ANN, BEN):
        session.use_reviewer(name)
        team.set_done(doc, True)
    session.use_reviewer(ADA)
    unit = next(u for u in session.reconcile.units(doc) if u.matched)
    ReconcileUnit(session, unit, ConsensusDraft(default=ANN)).do()
    return session, doc


def _sheet(book, name):
    return [list(r) for r in book[name].iter_rows(values_only=True)]


def test_documents_sheet_counts_what_the_claims_sheet_holds(reconciled, tmp_path):
    session, doc = reconciled
    export_xlsx(session, tmp_path / "out.xlsx")
    book = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)
    claims = _sheet(book, "Claims")
    documents = _sheet(book, "Documents")
    book.close()
    title = session.documents.get(doc).title
    on_doc = [r for r in claims[1:] if r[claims[0].index("Document")] == title]
    assert len(on_doc) == 2  # the consensus and Ben's claim nobody reconciled yet; not Ann's and Ben's copies
    header = documents[0]
    row = next(r for r in documents[1:] if r[header.index("Document ID")] == doc)
    assert row[header.index("Claims")] == 2
    by_status = {h: row[i] for i, h in enumerate(header) if h.startswith("Claims: ")}
    assert sum(v or 0 for v in by_status.values()) == 2
    assert by_status["Claims: Confirmed"] == 1  # the consensus claim


def test_the_evidence_map_counts_a_reconciled_unit_once(reconciled, tmp_path):
    session, _ = reconciled
    export_xlsx(session, tmp_path / "out.xlsx")
    book = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)
    rows = _sheet(book, "Evidence map")
    book.close()
    ms = next(r for r in rows if r and r[0] == "Multiple sclerosis")
    assert sum(v for v in ms[2:] if isinstance(v, int)) == 1

    export_xlsx(session, tmp_path / "all.xlsx", all_reviewers=True)
    book = openpyxl.load_workbook(tmp_path / "all.xlsx", read_only=True)
    rows = _sheet(book, "Evidence map")
    book.close()
    ms = next(r for r in rows if r and r[0] == "Multiple sclerosis")
    assert sum(v for v in ms[2:] if isinstance(v, int)) == 3  # every reviewer's claims, on request
