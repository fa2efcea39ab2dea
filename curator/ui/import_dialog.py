"""The preview of an import: what is new, what changes field by field, and every problem by row."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
)

from curator.core.errors import user_message
from curator.io.claim_import import ImportPlan
from curator.ui.models import PlainRowsModel

PROBLEM_COLOUR = QColor("#b3261e")


@dataclass(frozen=True)
class PreviewLine:
    row: str
    claim: str
    what: str
    field: str
    before: str
    after: str
    problem: bool = False


def preview_lines(plan: ImportPlan) -> list[PreviewLine]:
    """Problems first, then every row's new claim or changed fields in sheet order, then new terms."""
    problems = [PreviewLine(str(p.row or ""), "", "Problem", p.column, "", p.message, True) for p in plan.problems]
    by_row: list[tuple[int, list[PreviewLine]]] = []
    for r in plan.new:
        statement = r.draft.values.get("statement") or ""
        by_row.append(
            (
                r.row,
                [
                    PreviewLine(str(r.row), "new", "New claim", "Document", "", r.document),
                    PreviewLine(str(r.row), "new", "New claim", "Quote", "", r.quote),
                    PreviewLine(str(r.row), "new", "New claim", "Statement", "", statement),
                ],
            )
        )
    for r in plan.changed:
        by_row.append(
            (r.row, [PreviewLine(str(r.row), str(r.claim_id), "Changed", c.field, c.old, c.new) for c in r.changes])
        )
    lines = problems + [line for _, group in sorted(by_row, key=lambda g: g[0]) for line in group]
    for role, label in plan.new_terms:
        lines.append(PreviewLine("", "", "New term", plan.role_labels.get(role, role), "", label))
    return lines


class PreviewModel(PlainRowsModel):
    HEADERS = ("Row", "Claim", "What", "Field", "Before", "After")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[PreviewLine] = []

    def set_rows(self, rows: list[PreviewLine]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def cell(self, line: PreviewLine, column: int, role):
        if role == Qt.ItemDataRole.DisplayRole:
            value = (line.row, line.claim, line.what, line.field, line.before, line.after)[column]
            return " ".join(value.split()) if column >= 4 and len(value) > 200 else value
        if role == Qt.ItemDataRole.ToolTipRole and column >= 4:
            return (line.before, line.after)[column - 4] or None
        if role == Qt.ItemDataRole.ForegroundRole and line.problem:
            return QBrush(PROBLEM_COLOUR)
        return None


class ImportPreviewDialog(QDialog):
    """Shows the plan; Import is enabled only for a plan with changes and no problems."""

    def __init__(self, plan: ImportPlan, replan: Callable[[bool], ImportPlan], parent=None):
        super().__init__(parent)
        self.setWindowTitle(f"Import claims from {plan.source.name}")
        self.replan = replan
        self.plan = plan
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.add_terms = QCheckBox("Add terms the vocabulary lacks (instead of reporting them as problems)")
        self.add_terms.toggled.connect(self._replan)
        self.model = PreviewModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.add_terms)
        layout.addWidget(self.buttons)
        self.resize(1000, 560)
        self._show(plan)

    def _show(self, plan: ImportPlan) -> None:
        self.plan = plan
        text = f"{plan.source.name}, sheet “{plan.sheet}”: {plan.summary()}."
        if plan.ignored_columns:
            text += f"\nColumns Curator does not know are ignored: {', '.join(plan.ignored_columns)}."
        if plan.ok and not plan.has_changes:
            text += "\nThe workbook matches the project: there is nothing to import."
        elif plan.ok:
            text += "\nNothing has been written yet. Import writes all of it at once, and Edit → Undo takes it back."
        else:
            text += "\nFix the rows below in the workbook and import it again."
        self.summary.setText(text)
        self.model.set_rows(preview_lines(plan))
        self.import_button.setEnabled(plan.ok and plan.has_changes)
        self.add_terms.setVisible(self.add_terms.isChecked() or any("vocabulary" in p.message for p in plan.problems))

    def _replan(self, add_terms: bool) -> None:
        try:
            plan = self.replan(add_terms)
        except Exception as exc:  # noqa: BLE001 - the file changed or vanished since the first reading
            self.summary.setText(f"The workbook can no longer be read: {user_message(exc)}")
            self.import_button.setEnabled(False)
            return
        self._show(plan)
