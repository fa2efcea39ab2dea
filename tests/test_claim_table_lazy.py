"""Loading claims in reading order with no filter builds rows only as the view asks and the index when
the event loop is free: the table must be the same, cell for cell, before and after that, and the same
as a table that was sorted and filtered first (built at once)."""

import dataclasses
import random

from PySide6.QtCore import Qt

from curator.core.claim_rows import ClaimFilter
from curator.core.codebook import load_codebook
from curator.core.paths import CODEBOOK
from curator.ui.models import ClaimTableModel
from tests.test_claim_table import record

ROLES = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.UserRole]


def many(rng: random.Random, count: int):
    """Claims on three documents, some at the same start (ties broken by id), out of order."""
    out = [
        record(i, f"quote {rng.randrange(50)} words", doc=rng.randint(1, 3), start=rng.randrange(40) * 10,
               status=rng.choice(["draft", "confirmed"]), reviewer=rng.choice(["Ada", "Ben"]))
        for i in range(1, count + 1)
    ]  # fmt: skip
    rng.shuffle(out)
    return out


def table(model) -> list[list]:
    return [
        [model.data(model.index(r, c), role) for c in range(model.columnCount()) for role in ROLES]
        for r in range(model.rowCount())
    ]


def eager(codebook, records, titles):
    """The same claims loaded the way that builds everything at once (a filter set, then cleared)."""
    model = ClaimTableModel(codebook, show_document_column=True)
    model.set_filter(ClaimFilter(status="draft"))
    model.set_records(records, titles)
    model.set_filter(ClaimFilter())
    assert model._lazy is None
    return model


def test_a_lazy_load_is_the_same_table_before_and_after_it_is_indexed(qtbot, qtmodeltester):
    codebook = load_codebook(CODEBOOK)
    records = many(random.Random(3), 300)
    titles = {1: "b review", 2: "A review", 3: "c"}
    reference = eager(codebook, records, titles)
    model = ClaimTableModel(codebook, show_document_column=True)
    model.set_records(records, titles)
    assert model._lazy is not None  # nothing indexed yet: rows are made for the cells asked for
    assert table(model) == table(reference)
    for claim_id in (1, 150, 300, 9999):
        assert model.row_of(claim_id) == reference.row_of(claim_id)
    assert [model.record_at(r) for r in range(-1, 302)] == [reference.record_at(r) for r in range(-1, 302)]
    assert model.total_count() == reference.total_count() == 300
    qtbot.waitUntil(lambda: model._lazy is None)  # indexed once the event loop is free
    assert table(model) == table(reference)
    assert [r.id for r in model.rows] == [r.id for r in reference.rows]
    qtmodeltester.check(model)


def signals(model) -> list:
    seen = []
    model.rowsInserted.connect(lambda _p, first, last: seen.append(("inserted", first, last)))
    model.rowsRemoved.connect(lambda _p, first, last: seen.append(("removed", first, last)))
    model.dataChanged.connect(lambda top, bottom: seen.append(("changed", top.row(), bottom.row())))
    model.modelReset.connect(lambda: seen.append(("reset",)))
    return seen


def test_a_lazy_load_is_indexed_as_soon_as_something_needs_the_index():
    codebook = load_codebook(CODEBOOK)
    records = many(random.Random(4), 120)
    for use in (
        lambda m: m.set_filter(ClaimFilter(status="confirmed")),
        lambda m: m.sort(3, Qt.SortOrder.DescendingOrder),
        lambda m: m.reviewer_names(),
        lambda m: m.all_rows(),
    ):
        model = ClaimTableModel(codebook, show_document_column=True)
        model.set_records(records, {})
        use(model)
        expected = eager(codebook, records, {})
        use(expected)
        assert model._lazy is None
        assert table(model) == table(expected)


def test_changes_before_the_index_is_built_send_the_same_signals_and_make_the_same_table(qtbot):
    codebook = load_codebook(CODEBOOK)
    rng = random.Random(5)
    records = many(rng, 150)
    titles = {1: "b", 2: "a", 3: "c"}
    by_id = {r.id: r for r in records}
    moved = dataclasses.replace(by_id[7], anchor=dataclasses.replace(by_id[7].anchor, start=9999))  # to the end
    kept = dataclasses.replace(by_id[8], values={**by_id[8].values, "statement": "changed in place"})
    changes = [
        lambda m: m.upsert([moved]),
        lambda m: m.upsert([kept]),
        lambda m: m.upsert([record(500, "a new claim", doc=2, start=15), record(501, "another", doc=3, start=0)]),
        lambda m: m.remove([records[0].id, records[1].id, records[2].id, 9999]),
        lambda m: m.remove([r.id for r in records[40:60]]),
        lambda m: m.upsert([dataclasses.replace(by_id[30], document_id=1)]),  # to another document's rows
        lambda m: m.remove([]),
    ]
    model = ClaimTableModel(codebook, show_document_column=True)
    model.set_records(records, titles)
    expected = eager(codebook, records, titles)
    got, want = signals(model), signals(expected)
    for step, change in enumerate(changes):
        change(model)
        change(expected)
        assert model._lazy is not None, step  # a save right after opening does not build the index
        assert got == want, step
        assert table(model) == table(expected), step
        assert [model.row_of(i) for i in (7, 8, 500, 30, 1, 9999)] == [
            expected.row_of(i) for i in (7, 8, 500, 30, 1, 9999)
        ]
    assert {kind for kind, *_ in got} == {"changed", "inserted", "removed"}  # every path was taken
    qtbot.waitUntil(lambda: model._lazy is None)
    assert table(model) == table(expected)
    assert [r.id for r in model.all_rows()] == [r.id for r in expected.all_rows()]
    model.set_filter(ClaimFilter(status="draft"))
    expected.set_filter(ClaimFilter(status="draft"))
    assert table(model) == table(expected)
