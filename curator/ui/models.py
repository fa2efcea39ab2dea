"""Table models over plain rows (never ORM objects), refreshed by whole rows or row by row."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor

from curator.core.codebook import Codebook
from curator.core.records import READING_STATUSES, ClaimRecord, DocumentSummary
from curator.ui.reader import type_colour

NO_PARENT = QModelIndex()


class PlainRowsModel(QAbstractTableModel):
    """A flat table over a list of plain values, with fixed column headers."""

    HEADERS: tuple[str, ...] = ()
    rows: list

    def rowCount(self, parent=NO_PARENT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=NO_PARENT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        return self.cell(self.rows[index.row()], index.column(), role)

    def cell(self, row, column: int, role):
        raise NotImplementedError


class DocumentListModel(PlainRowsModel):
    HEADERS = ("Title", "Status", "Claims")

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[DocumentSummary] = []

    def set_rows(self, rows: list[DocumentSummary]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def update_rows(self, rows: list[DocumentSummary]) -> None:
        """Replace rows in place (claim counts, status) without resetting the view."""
        by_id = {r.id: r for r in rows}
        for i, old in enumerate(self.rows):
            new = by_id.get(old.id)
            if new is not None and new != old:
                self.rows[i] = new
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.HEADERS) - 1))

    def row_of(self, document_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.id == document_id), -1)

    def cell(self, row, column: int, role):
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.title, READING_STATUSES.get(row.reading_status, row.reading_status), row.claim_count)[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return row.title
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None


@dataclass(frozen=True)
class ClaimRow:
    record: ClaimRecord
    quote: str
    statement: str
    claim_type: str
    direction: str
    status: str
    terms: str
    type_index: int


def claim_row(record: ClaimRecord, codebook: Codebook) -> ClaimRow:
    def label(key: str) -> str:
        try:
            return codebook.field(key).choice_label(record.values.get(key) or "") if record.values.get(key) else ""
        except KeyError:
            return ""

    types = (
        [c.key for c in codebook.field("claim_type").choices]
        if any(f.key == "claim_type" for f in codebook.fields)
        else []
    )
    claim_type = record.values.get("claim_type") or ""
    return ClaimRow(
        record=record,
        quote=" ".join(record.anchor.exact.split()),
        statement=record.values.get("statement", ""),
        claim_type=label("claim_type"),
        direction=label("direction"),
        status=label("status"),
        terms="; ".join(t.label for t in record.terms),
        type_index=types.index(claim_type) if claim_type in types else -1,
    )


class ClaimTableModel(PlainRowsModel):
    HEADERS = ("#", "Quote", "Statement", "Type", "Direction", "Status", "Terms")

    def __init__(self, codebook: Codebook, parent=None):
        super().__init__(parent)
        self.codebook = codebook
        self.rows: list[ClaimRow] = []

    def set_records(self, records: list[ClaimRecord]) -> None:
        self.beginResetModel()
        self.rows = [claim_row(r, self.codebook) for r in records]
        self.endResetModel()

    def row_of(self, claim_id: int) -> int:
        return next((i for i, r in enumerate(self.rows) if r.record.id == claim_id), -1)

    def record_at(self, row: int) -> ClaimRecord | None:
        return self.rows[row].record if 0 <= row < len(self.rows) else None

    def cell(self, row, column: int, role):
        if role == Qt.ItemDataRole.DisplayRole:
            quote = f"⚠ orphaned: {row.quote}" if row.record.orphaned else row.quote
            return (row.record.id, quote, row.statement, row.claim_type, row.direction, row.status, row.terms)[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == 1 and row.record.orphaned:
            return QColor("#9a3412")
        if role == Qt.ItemDataRole.ToolTipRole and column == 1 and row.record.orphaned:
            return (
                "This quote is not in the current version of the document. Select the passage in the reader "
                "and use Claim → Re-anchor to selection, or keep it as it is.\n\n" + row.record.anchor.exact
            )
        if role == Qt.ItemDataRole.ToolTipRole and column in (1, 2, 6):
            return (None, row.record.anchor.exact, row.statement, None, None, None, row.terms)[column] or None
        if role == Qt.ItemDataRole.DecorationRole and column == 3:
            return type_colour(row.type_index)
        if role == Qt.ItemDataRole.UserRole:
            return row.record.id
        return None
