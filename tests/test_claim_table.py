"""The claims table model and panel, driven with real widgets."""

import dataclasses
import datetime as dt

import pytest
from PySide6.QtCore import QPoint, Qt

from curator.core.anchoring import Anchor
from curator.core.claim_rows import ClaimFilter
from curator.core.codebook import load_codebook
from curator.core.paths import CODEBOOK
from curator.core.records import ClaimRecord, TermRef
from curator.ui.all_claims import AllClaimsDock
from curator.ui.claim_table import ClaimTablePanel
from curator.ui.models import ClaimTableModel
from curator.ui.reader import type_colour
from tests.gui_helpers import click_row

NOW = dt.datetime(2026, 11, 30)
QUOTES = ["Roseburia lower in MS", "akkermansia higher", "Butyrate producers fewer", "Fatigue improved", "Zonulin up"]


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(CODEBOOK)


def record(claim_id, quote, doc=1, start=None, status="draft", claim_type="association", reviewer="Ada", terms=()):
    start = claim_id * 10 if start is None else start
    return ClaimRecord(
        id=claim_id,
        document_id=doc,
        reviewer_id=1,
        reviewer_name=reviewer,
        anchor=Anchor(start, start + len(quote), quote, "", ""),
        document_sha256="0" * 64,
        values={"status": status, "claim_type": claim_type, "statement": f"statement {claim_id}"},
        terms=tuple(TermRef("condition", t) for t in terms),
        created_at=NOW,
        updated_at=NOW,
    )


def records():
    statuses = ["draft", "confirmed", "draft", "rejected", "confirmed"]
    reviewers = ["Ada", "Ben", "Ada", "Ben", "Ada"]
    return [
        record(i + 1, q, doc=1 + i % 2, status=statuses[i], reviewer=reviewers[i], terms=("Multiple sclerosis",) * (i % 2))
        for i, q in enumerate(QUOTES)
    ]  # fmt: skip


def shown(model):
    return [model.data(model.index(r, 0), Qt.ItemDataRole.UserRole) for r in range(model.rowCount())]


def test_model_passes_the_tester_through_every_change(qtmodeltester, codebook):
    model = ClaimTableModel(codebook, show_document_column=True)
    model.set_records(records(), {1: "MS review", 2: "Another"})
    qtmodeltester.check(model)
    assert model.HEADERS == ("#", "Document", "Quote", "Statement", "Type", "Direction", "Status", "Reviewer", "Terms")
    assert shown(model) == [2, 4, 1, 3, 5]  # reading order: "another" before "ms review"
    model.sort(2, Qt.SortOrder.AscendingOrder)  # Quote
    assert shown(model) == [2, 3, 4, 1, 5]  # "akkermansia" first: case does not count
    model.set_filter(ClaimFilter(status="draft"))
    assert shown(model) == [3, 1]
    model.upsert(
        [record(6, "Alpha draft", status="draft"), dataclasses.replace(records()[2], values={"status": "rejected"})]
    )
    assert shown(model) == [6, 1]  # 6 sorted in at the top; 3 no longer passes the filter
    model.upsert([record(7, "Confirmed one", status="confirmed")])  # filtered out, but held
    assert shown(model) == [6, 1] and model.total_count() == 7
    model.remove([1, 99])
    assert shown(model) == [6]
    model.set_filter(ClaimFilter())
    model.sort(2, Qt.SortOrder.DescendingOrder)
    assert shown(model) == [5, 4, 7, 3, 6, 2]
    model.sort(-1)
    assert shown(model) == [2, 4, 3, 5, 6, 7]  # documents by title, then start
    qtmodeltester.check(model)


def test_upsert_and_remove_send_row_signals_not_a_reset(qtbot, codebook):
    model = ClaimTableModel(codebook)
    model.set_records(records())
    model.sort(1, Qt.SortOrder.AscendingOrder)  # Quote: akkermansia, Butyrate, Fatigue, Roseburia, Zonulin
    resets, inserted, removed, changed = [], [], [], []
    model.modelReset.connect(lambda: resets.append(1))
    model.rowsInserted.connect(lambda _p, first, last: inserted.append((first, last)))
    model.rowsRemoved.connect(lambda _p, first, last: removed.append((first, last)))
    model.dataChanged.connect(lambda a, b: changed.append((a.row(), b.row())))
    model.upsert([record(9, "Cytokines")])
    assert inserted == [(2, 2)] and model.row_of(9) == 2
    model.upsert([dataclasses.replace(record(9, "Cytokines"), values={"status": "confirmed"})])
    assert changed == [(2, 2)] and model.rows[2].status == "Confirmed"  # same place: changed in place
    model.upsert([record(9, "Zzz last")])  # moves: out, and in at the end
    assert removed == [(2, 2)] and inserted[-1] == (5, 5)
    model.remove([2, 3, 5, 9])  # rows 0, 1 and 4, 5: two runs
    assert removed[1:] == [(4, 5), (0, 1)]
    assert shown(model) == [4, 1] and resets == []
    assert model.row_of(4) == 0 and model.row_of(3) == -1


def test_cells_show_labels_orphans_colours_and_claim_ids(codebook):
    model = ClaimTableModel(codebook)
    orphan = dataclasses.replace(record(1, "Gut  \n microbiota", claim_type="mechanism"), anchor_status="orphaned")
    model.set_records([orphan])
    cell = lambda column, role=Qt.ItemDataRole.DisplayRole: model.data(model.index(0, column), role)  # noqa: E731
    assert [cell(c) for c in range(model.columnCount())] == [
        1, "⚠ orphaned: Gut microbiota", "statement 1", "Mechanism", "", "Draft", "Ada", ""
    ]  # fmt: skip
    assert cell(1, Qt.ItemDataRole.ForegroundRole) is not None
    assert "not in the current version" in cell(1, Qt.ItemDataRole.ToolTipRole)
    assert cell(3, Qt.ItemDataRole.DecorationRole) == type_colour(1)
    assert cell(5, Qt.ItemDataRole.UserRole) == 1
    assert cell(2, Qt.ItemDataRole.SizeHintRole) is None


@pytest.fixture
def panel(qtbot, codebook):
    model = ClaimTableModel(codebook)
    model.set_records(records())
    p = ClaimTablePanel(codebook, model)
    qtbot.addWidget(p)
    p.resize(1000, 400)
    p.show()
    qtbot.waitExposed(p)
    return p


def test_typing_and_choosing_filters_and_the_count_follows(qtbot, panel):
    model = panel.model
    assert panel.count_label.text() == "5 claims"
    qtbot.keyClicks(panel.filter_edit, "ROSE")
    assert shown(model) == [1] and panel.count_label.text() == "1 of 5 claims"
    panel.filter_edit.clear()
    panel.status_combo.setCurrentIndex(panel.status_combo.findData("confirmed"))
    assert shown(model) == [5, 2]  # reading order: document 1 (no titles here), then 2
    panel.reviewer_combo.setCurrentIndex(panel.reviewer_combo.findText("Ben"))
    assert shown(model) == [2] and panel.count_label.text() == "1 of 5 claims"
    panel.status_combo.setCurrentIndex(0)
    panel.term_combo.setCurrentIndex(panel.term_combo.findText("Multiple sclerosis"))
    assert shown(model) == [2, 4]
    assert [panel.reviewer_combo.itemText(i) for i in range(panel.reviewer_combo.count())] == [
        "Any reviewer", "Ada", "Ben"
    ]  # fmt: skip
    panel.set_reviewers(["Cleo"])
    assert panel.reviewer_combo.findText("Cleo") > 0 and panel.reviewer_combo.currentText() == "Ben"
    model.upsert([record(9, "a claim by a new reviewer", reviewer="Dora", terms=("Fatigue",))])
    panel.reviewer_combo.showPopup()  # the lists are brought up to date when opened, not after every save
    panel.reviewer_combo.hidePopup()
    panel.term_combo.showPopup()
    panel.term_combo.hidePopup()
    assert panel.reviewer_combo.findText("Dora") > 0 and panel.term_combo.findText("Fatigue") > 0


def test_clicking_a_header_sorts_and_a_third_click_restores_reading_order(qtbot, panel):
    header = panel.view.horizontalHeader()
    x = header.sectionViewportPosition(1) + 5  # Quote
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert shown(panel.model) == [2, 3, 4, 1, 5]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert shown(panel.model) == [5, 1, 4, 3, 2]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert shown(panel.model) == [1, 3, 5, 2, 4]


def select_three(qtbot, panel):
    view = panel.view
    click_row(qtbot, view, 0)
    ctrl, shift = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
    for row, modifier in ((2, ctrl), (3, shift)):
        qtbot.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, modifier, view.visualRect(view.model().index(row, 1)).center()
        )


def test_multi_select_then_set_status_or_delete_names_the_selected_claims(qtbot, panel):
    activated = []
    panel.claimActivated.connect(activated.append)
    select_three(qtbot, panel)
    assert panel.selected_claim_ids() == [1, 5, 2] and activated[0] == 1
    with qtbot.waitSignal(panel.bulkStatusRequested) as status:
        panel._show_menu(QPoint(10, 10))
        panel.context_menu.hide()
        panel.status_actions["rejected"].trigger()
    assert status.args == [[1, 5, 2], "rejected"]
    with qtbot.waitSignal(panel.bulkDeleteRequested) as deleted:
        qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    assert deleted.args == [[1, 5, 2]]
    with qtbot.waitSignal(panel.bulkDeleteRequested) as deleted:
        panel.delete_action.trigger()
    assert deleted.args == [[1, 5, 2]]
    with qtbot.waitSignal(panel.claimActivated) as opened:
        qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert opened.args == [panel.model.rows[panel.view.currentIndex().row()].id]


def test_a_read_only_panel_filters_but_offers_no_status_change_or_delete(qtbot, panel):
    panel.set_editable(False)
    requests = []
    panel.bulkDeleteRequested.connect(requests.append)
    panel.bulkStatusRequested.connect(lambda ids, key: requests.append((ids, key)))
    select_three(qtbot, panel)
    qtbot.keyClick(panel.view, Qt.Key.Key_Delete)
    panel._show_menu(QPoint(10, 10))
    panel.context_menu.hide()
    assert not panel.delete_action.isEnabled() and not panel.status_menu.isEnabled()
    panel.status_actions["rejected"].trigger()
    assert requests == []
    qtbot.keyClicks(panel.filter_edit, "ROSE")
    assert shown(panel.model) == [1]


def test_all_claims_dock_loads_when_first_shown_and_applies_changes(qtbot, codebook):
    from curator.core.records import Changes

    loads = []

    def load():
        loads.append(1)
        return records(), {1: "MS review", 2: "Another"}

    dock = AllClaimsDock(codebook, load)
    qtbot.addWidget(dock)
    dock.apply([record(9, "ignored")], [])
    assert loads == [] and dock.model.total_count() == 0
    dock.show()
    qtbot.waitExposed(dock)
    assert loads == [1] and dock.model.total_count() == 5
    assert dock.model.rows[0].document_title == "Another"
    dock.apply_changes(Changes(claims=frozenset({1, 6})), lambda ids: [record(6, "New one", doc=2)])
    assert 1 not in shown(dock.model) and 6 in shown(dock.model)
    with qtbot.waitSignal(dock.openClaim) as opened:
        click_row(qtbot, dock.panel.view, dock.model.row_of(6))
    assert opened.args == [2, 6]
    with qtbot.waitSignal(dock.bulkDeleteRequested) as deleted:
        qtbot.keyClick(dock.panel.view, Qt.Key.Key_Delete)
    assert deleted.args == [[6]]


def test_the_count_follows_a_new_claim_the_filter_hides(qtbot, panel):
    qtbot.keyClicks(panel.filter_edit, "ROSE")
    assert panel.count_label.text() == "1 of 5 claims"
    panel.model.upsert([record(9, "nothing about that genus")])
    assert panel.count_label.text() == "1 of 6 claims"
