"""Team → Agreement… in the window: the lead sees the reviewers compared, span agreement and a table per
scope with the coefficients core computes; the threshold and "All documents" recompute it, Copy puts
the table on the clipboard as TSV, saved claims refresh it, an undefined κ says why, and an extractor
cannot open it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMenu

from curator.core.agreement import dual_documents, measure
from curator.core.records import ClaimDraft
from curator.ui.agreement_view import HEADERS, JACCARD_ALL_ONLY
from tests.conftest import TEST_REVIEWER, doc_id_by_file

ANN, BEN = "Ann Extractor", "Ben Extractor"
BASE = 2000  # where the claims' quotes start in each document
KAPPA, JACCARD = HEADERS.index("Cohen's κ"), HEADERS.index("Mean Jaccard")


def claim(session, reviewer: str, doc: int, start: int, end: int, **values):
    session.use_reviewer(reviewer)
    try:
        return session.claims.create(ClaimDraft(doc, BASE + start, BASE + end, values))
    finally:
        session.use_reviewer(TEST_REVIEWER[0])


@pytest.fixture
def project(session):
    """Ann and Ben extract one document, assigned to both, and partly agree; on another document, not
    assigned, both have a claim too (compared only with "All documents")."""
    lead = session.reviewer
    assert lead.role == "lead"  # the project's first reviewer
    dual, other = doc_id_by_file(session, "002"), doc_id_by_file(session, "003")
    claim(session, ANN, dual, 0, 100, claim_type="association")
    claim(session, BEN, dual, 0, 95, claim_type="association")  # overlap 0.95
    claim(session, ANN, dual, 200, 300, claim_type="intervention_effect")
    claim(session, BEN, dual, 210, 300, claim_type="intervention_effect")  # overlap 0.9
    claim(session, ANN, dual, 400, 500, claim_type="mechanism")
    claim(session, BEN, dual, 400, 500, claim_type="association")  # same quote, another type
    claim(session, BEN, dual, 700, 760, claim_type="association")  # Ann has nothing here
    claim(session, ANN, other, 0, 80, claim_type="association")
    claim(session, BEN, other, 0, 80, claim_type="background")
    session.team.assign(dual, [session.team.reviewer_named(n).id for n in (ANN, BEN)])
    return dual, other


def rows(view) -> dict[str, list]:
    table = view.table
    return {
        table.item(r, 0).text(): [table.item(r, c) for c in range(table.columnCount())] for r in range(table.rowCount())
    }


def wait_computed(qtbot, view) -> None:
    qtbot.waitUntil(lambda: not view.is_computing() and view.shown is not None, timeout=10000)


def pick_scope(view, label: str) -> None:
    index = view.scope.findText(label)
    assert index >= 0, [view.scope.itemText(i) for i in range(view.scope.count())]
    view.scope.setCurrentIndex(index)


def test_the_lead_compares_the_extractors_in_the_agreement_view(qtbot, project, session, window):
    dual, other = project
    action = window.team.actions["agreement"]
    team_menu = window.menuBar().findChild(QMenu, "teamMenu")
    assert action in team_menu.actions() and action.isEnabled()
    action.trigger()
    view = window.team.agreement
    assert view.isVisible() and not view.isModal()
    wait_computed(qtbot, view)

    report = measure(session, documents=dual_documents(session))
    assert report.reviewers == (ANN, BEN)
    assert f"{ANN}, {BEN}" in view.summary.text() and "on 1 document" in view.summary.text()
    assert f"claims in no unit: {ANN} 0, {BEN} 1" in view.summary.text()
    spans = report.spans[(ANN, BEN)]
    assert [view.spans.item(0, c).text() for c in (0, 1, 4)] == [f"{ANN} × {BEN}", "3", f"{spans.f1:.2f}"]

    shown = rows(view)
    claim_type = report.fields["claim_type"]
    assert shown["Claim type"][1].text() == str(claim_type.n) == "3"
    assert shown["Claim type"][KAPPA].text() == f"{claim_type.kappa:.3f}"
    assert shown["Claim type"][2].text() == "67%"
    # nobody gave a direction: one value only, κ undefined, and the tooltip says why
    direction = report.fields["direction"]
    assert direction.kappa is None and shown["Direction"][KAPPA].text() == "—"
    assert "only one value" in shown["Direction"][KAPPA].toolTip()
    assert shown["Conditions (terms)"][JACCARD].text() == "—"  # no terms on any claim: undefined, said so
    assert "no matched claim has terms" in shown["Conditions (terms)"][JACCARD].toolTip()

    # scopes: the pair (with two reviewers, all of them) and the one document, by title
    title = session.documents.get(dual).title
    assert [view.scope.itemText(i) for i in range(view.scope.count())] == [
        "All reviewers",
        f"{ANN} × {BEN}",
        f"Document: {title}",
    ]
    pick_scope(view, f"{ANN} × {BEN}")
    assert rows(view)["Claim type"][KAPPA].text() == f"{claim_type.kappa:.3f}"
    pick_scope(view, f"Document: {title}")
    in_document = report.by_document[dual]["claim_type"]
    assert rows(view)["Claim type"][1].text() == str(in_document.n)
    assert rows(view)["Conditions (terms)"][JACCARD].toolTip().endswith(f"{JACCARD_ALL_ONLY}</qt>")

    # every document: the unassigned one joins, its own scope appears, and the chosen scope stays
    view.all_documents.setChecked(True)
    wait_computed(qtbot, view)
    assert view.scope.currentText() == f"Document: {title}"
    everywhere = measure(session)
    assert "on 2 documents" in view.summary.text()
    pick_scope(view, "All reviewers")
    assert rows(view)["Claim type"][1].text() == str(everywhere.fields["claim_type"].n) == "4"
    pick_scope(view, f"Document: {session.documents.get(other).title}")
    assert rows(view)["Claim type"][1].text() == "1"
    assert rows(view)["Claim type"][2].text() == "0%"
    view.all_documents.setChecked(False)
    wait_computed(qtbot, view)
    assert view.scope.currentText() == "All reviewers"  # that document is no longer compared

    # a stricter overlap: the 0.9 pair falls apart
    view.threshold.setValue(0.95)
    qtbot.waitUntil(lambda: "at least 95%" in view.summary.text(), timeout=10000)
    strict = measure(session, 0.95, documents={dual})
    assert rows(view)["Claim type"][1].text() == str(strict.fields["claim_type"].n) == "2"
    assert f"{ANN} 1, {BEN} 2" in view.summary.text()

    # Copy: the table of this scope as tab-separated text
    qtbot.mouseClick(view.copy_button, Qt.MouseButton.LeftButton)
    lines = QApplication.clipboard().text().splitlines()
    assert lines[0].split("\t") == list(HEADERS)
    claim_line = next(line.split("\t") for line in lines if line.startswith("Claim type\t"))
    assert claim_line[1] == "2" and len(claim_line) == len(HEADERS)

    # a claim saved (here or by another client) refreshes it, once, half a second after
    _, changes = claim(session, ANN, dual, 700, 760, claim_type="association")
    window.apply_changes(changes)
    assert view.debounce.isActive()
    qtbot.waitUntil(lambda: rows(view)["Claim type"][1].text() == "3", timeout=10000)
    assert f"{ANN} 1, {BEN} 1" in view.summary.text()

    # an extractor has the action disabled, with the reason; the view closes
    session.use_reviewer(ANN)
    window.team.update_actions()
    assert not action.isEnabled() and "Only the lead and adjudicators" in action.toolTip()
    assert "you are Extractor" in action.toolTip()
    assert not view.isVisible()


def test_with_fewer_than_two_reviewers_the_view_says_so_in_words(qtbot, session, window):
    claim(session, ANN, doc_id_by_file(session, "002"), 0, 100, claim_type="association")
    window.team.actions["agreement"].trigger()
    view = window.team.agreement
    wait_computed(qtbot, view)
    assert view.pages.currentWidget() is view.message
    assert "No document has claims by two or more reviewers yet" in view.message.text()
    assert not view.copy_button.isEnabled()


def test_an_adjudicator_compares_the_extractors_not_her_consensus(qtbot, project, session, window):
    from curator.core.reconcile import ConsensusDraft
    from curator.core.reconcile_commands import ReconcileUnit

    dual, _ = project
    team = session.team
    ada = session.use_reviewer("Ada Adjudicator").id
    session.use_reviewer(TEST_REVIEWER[0])
    team.set_role(ada, "adjudicator")
    for name in (ANN, BEN):
        session.use_reviewer(name)
        team.set_done(dual, True)  # no longer blind: she may reconcile
    session.use_reviewer("Ada Adjudicator")
    window.team.update_actions()
    action = window.team.actions["agreement"]
    assert action.isEnabled()
    action.trigger()
    view = window.team.agreement
    wait_computed(qtbot, view)
    before = view.summary.text()
    assert before.startswith(f"Reviewers compared: {ANN}, {BEN}, on 1 document")

    unit = session.reconcile.units(dual)[0]
    changes = ReconcileUnit(session, unit, ConsensusDraft(default=ANN)).do()
    window.apply_changes(changes)
    qtbot.waitUntil(lambda: not view.debounce.isActive() and not view.is_computing(), timeout=10000)
    assert view.summary.text() == before  # the consensus claim is not a third reviewer's extraction
    assert rows(view)["Claim type"][1].text() == "3"
