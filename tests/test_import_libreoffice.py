"""Workbooks saved by LibreOffice Calc import like our own (fixtures: tests/fixtures/libreoffice.py)."""

from curator.io.claim_import import apply_import, plan_import
from tests.fixtures.libreoffice import EDITED, NEW_QUOTE, UNTOUCHED, build_project
from tests.test_import import database_snapshot


def test_an_untouched_export_saved_by_libreoffice_changes_nothing(session):
    build_project(session)
    before = database_snapshot()
    plan = plan_import(session, UNTOUCHED)
    assert plan.ok, plan.problems
    assert (len(plan.new), len(plan.changed), plan.unchanged) == (0, 0, 3)
    apply_import(session, plan)
    assert database_snapshot() == before


def test_reordered_extra_column_blank_rows_and_edits_saved_by_libreoffice(session):
    ids = build_project(session)
    plan = plan_import(session, EDITED)
    assert plan.ok, plan.problems
    assert plan.ignored_columns == ["My comment"]
    assert (len(plan.new), len(plan.changed), plan.unchanged) == (1, 1, 2)
    changed = plan.changed[0]
    assert changed.claim_id == ids[0]
    assert [(c.field, c.old, c.new) for c in changed.changes] == [
        ("Status", "Draft", "Needs discussion"),
        ("Outcomes", "", "Relapse rate"),
    ]
    apply_import(session, plan)
    claim = session.claims.get(ids[0])
    assert claim.values["status"] == "needs_discussion" and [t.label for t in claim.terms_for("outcome")] == [
        "Relapse rate"
    ]
    assert claim.values["notes"] == "line one\nline two 🙂 'quoted\ttab"  # the line break and tab survived Calc
    new = session.claims.get(max(c.id for c in session.claims.all()))
    assert new.anchor.exact == NEW_QUOTE and new.values["statement"] == "Akkermansia expands"
    again = plan_import(session, EDITED)
    assert (len(again.new), len(again.changed)) == (0, 0)
