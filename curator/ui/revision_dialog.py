"""The review list for a revised document: every claim that did not stay exactly where it was,
with its old and new context; fuzzy matches move only when the reviewer ticks them."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from curator.core.revisions import RevisionPlan
from curator.ui.dialog_buttons import add_dialog_buttons

STATUS_WORDS = {
    "moved": "Moved — same words elsewhere; follows them",
    "fuzzy": "Similar passage ({score:.0%}) — tick to move the claim there",
    "orphaned": "Not found — kept as orphaned; re-select it later",
}


def _marked(context: str) -> str:
    """«quote» as bold, the rest escaped: the contexts are shown, never interpreted, as HTML."""
    before, _, rest = context.partition("«")
    quote, _, after = rest.partition("»")
    return f"{escape(before)}<b>{escape(quote)}</b>{escape(after)}"


class RevisionDialog(QDialog):
    def __init__(self, plan: RevisionPlan, parent=None):
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(f"Revised version of “{plan.title}”")
        layout = QVBoxLayout(self)
        counts = plan.counts()
        summary = QLabel(
            f"{len(plan.relocations)} claims: <b>{counts['exact']}</b> exactly where they were, "
            f"<b>{counts['moved']}</b> moved, <b>{counts['fuzzy']}</b> with a similar passage, "
            f"<b>{counts['orphaned']}</b> not found. No claim is moved onto different words unless you tick it; "
            "unticked and not-found claims keep their quote as orphaned claims."
        )
        summary.setWordWrap(True)
        layout.addWidget(summary)
        review = plan.to_review()
        self.table = QTableWidget(len(review), 4)
        self.table.setHorizontalHeaderLabels(["Claim", "What happens", "Before", "In the revised version"])
        self.table.verticalHeader().hide()
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(True)
        self.rows: dict[int, QTableWidgetItem] = {}
        for row, r in enumerate(review):
            claim = QTableWidgetItem(str(r.claim_id))
            if r.status == "fuzzy":
                claim.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                claim.setCheckState(Qt.CheckState.Unchecked)
                self.rows[r.claim_id] = claim
            else:
                claim.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.table.setItem(row, 0, claim)
            self.table.setItem(row, 1, QTableWidgetItem(STATUS_WORDS[r.status].format(score=r.score)))
            for column, context in ((2, r.old_context), (3, r.new_context or "—")):
                label = QLabel(_marked(context))
                label.setTextFormat(Qt.TextFormat.RichText)
                label.setWordWrap(True)
                label.setMargin(4)
                self.table.setCellWidget(row, column, label)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(1, 220)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table)
        if not review:
            self.table.hide()
        add_dialog_buttons(self, layout, "Replace document")
        self.resize(1100, 560)

    def accepted_fuzzy(self) -> set[int]:
        return {cid for cid, item in self.rows.items() if item.checkState() == Qt.CheckState.Checked}

    def tick_all(self) -> None:
        for item in self.rows.values():
            item.setCheckState(Qt.CheckState.Checked)
