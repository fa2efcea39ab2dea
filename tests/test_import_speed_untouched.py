"""The import's shortcuts (curator/io/import_untouched.py) change nothing but the time: the plan with
them equals the plan without them, row by row and word for word, whatever the database or the sheet holds."""

import random

import openpyxl
import peewee
import pytest

from curator.core.db import database, is_sqlite
from curator.core.errors import ValidationError
from curator.io.claim_import import Planner, plan_import
from curator.io.import_untouched import ValueCleaner
from curator.io.xlsx_export import export_xlsx
from tests.test_import import make_claim, term

pytestmark = pytest.mark.both_backends


def plan_text(plan) -> tuple:
    return (
        [(r.row, r.claim_id, r.draft, [(c.field, c.old, c.new) for c in r.changes]) for r in plan.changed],
        [(r.row, r.draft) for r in plan.new],
        plan.unchanged,
        [str(p) for p in plan.problems],
        plan.new_terms,
    )


def both_plans(session, path, monkeypatch) -> tuple:
    fast = plan_import(session, path)
    with monkeypatch.context() as m:
        m.setattr(Planner, "_untouched_rows", lambda self, mapped: None)
        m.setattr(ValueCleaner, "clean", lambda self, values: self.real(values))
        slow = plan_import(session, path)
    return plan_text(fast), plan_text(slow)


def store_raw(claim_id: int, **columns) -> None:
    """Values no form would accept, as another program (or an older Curator) may have stored them.
    PostgreSQL's typed columns refuse some that SQLite keeps (text in a number column): those are left out."""
    db, mark = database.obj, database.obj.param
    for column, value in columns.items():
        try:
            with db.atomic():
                db.execute_sql(f'UPDATE claim SET "{column}" = {mark} WHERE id = {mark}', (value, claim_id))
        except peewee.DataError:
            if is_sqlite(db):
                raise


STORED = [
    {"statement": "line\r\nbreak"},
    {"statement": "  padded  "},
    {"notes": "kept …cut: 40,000 characters in Curator"},
    {"notes": "trailing space \n"},
    {"p_value": 1.5},
    {"ci_low": 0.9, "ci_high": 0.1},
    {"effect_value": 2.0, "ci_low": 0.1, "ci_high": 0.9},
    {"effect_measure": "rr", "effect_value": -1.0},
    {"n_studies": 3.0},
    {"n_studies": 3.5},
    {"n_participants": -4},
    {"effect_value": "abc"},
    {"effect_value": 7},
    {"status": ""},
    {"status": "no-such-status"},
    {"claim_type": "no-such-type"},
    {"statement": 12.0},
    {"effect_value": 0.0, "p_value": -0.0},
    {"uuid": "ABCDEF00-0000-4000-8000-000000000000"},
    {"uuid": ""},
    {},
]


@pytest.fixture
def stored_claims(session):
    ms = term(session, "Multiple sclerosis")
    ids = []
    for i, columns in enumerate(STORED):
        claim = make_claim(session, "002", "Faecalibacterium", {"statement": f"claim {i}"}, [ms] if i % 2 else [])
        store_raw(claim.id, **columns)
        ids.append(claim.id)
    return ids


def test_an_untouched_export_plans_the_same_with_and_without_the_shortcuts(
    session, tmp_path, monkeypatch, stored_claims
):
    export_xlsx(session, tmp_path / "out.xlsx")
    fast, slow = both_plans(session, tmp_path / "out.xlsx", monkeypatch)
    assert fast == slow
    assert slow[2] > 0 and slow[0]  # some rows untouched, some changed by the cleaning the shortcut must not skip


EDITS = [
    ("Participants", True),
    ("Participants", 30),
    ("Participants", "30"),
    ("Number of studies", 2.5),
    ("Effect value", "0,5"),
    ("Status", None),
    ("Status", " Draft "),
    ("Statement", "new words"),
    ("Statement", "=1+1"),
    ("Notes", "a_x0000_b"),  # calamine decodes the OOXML escape to NUL
    ("Quote", "Faecalibacterium "),
    ("Document", None),
    ("Claim UUID", None),
    ("Claim UUID", "not-this-one"),
    ("Conditions", "multiple SCLEROSIS"),
    ("Conditions", "Multiple sclerosis; Multiple sclerosis"),
    ("Conditions IDs", "nothing"),
    ("Reviewer", "Someone else"),
    ("Claim ID", "x"),
]


def test_an_edited_export_plans_the_same_with_and_without_the_shortcuts(session, tmp_path, monkeypatch, stored_claims):
    export_xlsx(session, tmp_path / "out.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    sheet = wb["Claims"]
    header = [c.value for c in sheet[1]]
    for row, (column, value) in enumerate(EDITS * 2, 2):
        if row > sheet.max_row:
            break
        cell = sheet.cell(row=row, column=header.index(column) + 1)
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"
    wb.save(tmp_path / "edited.xlsx")
    fast, slow = both_plans(session, tmp_path / "edited.xlsx", monkeypatch)
    assert fast == slow
    assert slow[3]  # the edits include problems, reported the same way


def random_value(rnd: random.Random, f):
    pool = [None, "", " ", "x", " x ", "a\r\nb", "a\x00b", "\ud800", 0.0, -0.0, 1, 1.0, True, False, 2.5, -3.0]
    pool += [float("nan"), float("inf"), "0,3", "\u22121", "12", "1e400"]
    if f.kind == "choice":
        pool += [c.key for c in f.choices] + [c.label for c in f.choices]
    return rnd.choice(pool)


def test_the_value_cleaner_answers_as_clean_values_does(session):
    cleaner = ValueCleaner(session)
    fields = session.codebook.value_fields
    rnd = random.Random(15)
    for _ in range(3000):
        values = {f.key: random_value(rnd, f) for f in fields if rnd.random() < 0.7}
        if rnd.random() < 0.02:
            values["no_such_field"] = 1
        try:
            expected = session.claims.clean_values(values)
        except ValidationError as exc:
            with pytest.raises(ValidationError) as caught:
                cleaner.clean(values)
            assert (str(caught.value), caught.value.problems) == (str(exc), exc.problems)
            continue
        got = cleaner.clean(values)
        assert list(got.items()) == list(expected.items())
        assert [type(v) for v in got.values()] == [type(v) for v in expected.values()]
        assert [str(v) for v in got.values()] == [str(v) for v in expected.values()]  # -0.0 stays -0.0
