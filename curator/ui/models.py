"""Table models over plain rows (never ORM objects), refreshed by whole rows or row by row."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from curator.core import claim_rows as cr
from curator.core.claim_rows import ClaimFilter, ClaimRow, RowBuilder
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
        self._row_by_id: dict[int, int] = {}

    def set_rows(self, rows: list[DocumentSummary]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self._row_by_id = {r.id: i for i, r in enumerate(self.rows)}
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
        return self._row_by_id.get(document_id, -1)

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


ORPHANED_TIP = (
    "This quote is not in the current version of the document. Select the passage in the reader "
    "and use Claim → Re-anchor to selection, or keep it as it is.\n\n"
)
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_USER = int(Qt.ItemDataRole.UserRole)
_ROLES = frozenset({_DISPLAY, _TOOLTIP, _FOREGROUND, _DECORATION, _USER})
# Above this many changed claims, one reset is cheaper than a row signal per claim.
_UPSERT_RESET = 500


class ClaimTableModel(PlainRowsModel):
    """Claims as plain rows, filtered and sorted by the model itself (no proxy: see performance.md).

    Three lists hold the same row objects: every row in reading order, every row in display order
    (the current sort), and `rows`, the visible ones (display order, filtered). A keystroke filters
    `rows` again when it can only narrow them, else the display-order list, so it never sorts; a sort
    never filters. Single claims are inserted, replaced and removed with row signals, not a reset.
    """

    HEADERS = tuple(
        cr.COLUMN_TITLES[c]
        for c in (cr.ID, cr.QUOTE, cr.STATEMENT, cr.TYPE, cr.DIRECTION, cr.STATUS, cr.REVIEWER, cr.TERMS)
    )
    contentsChanged = Signal()  # claims added, changed or removed (not a filter or a sort)

    def __init__(self, codebook: Codebook, parent=None, show_document_column: bool = False):
        super().__init__(parent)
        self.codebook = codebook
        self.show_document_column = show_document_column
        self.columns = (cr.ID, cr.DOCUMENT) if show_document_column else (cr.ID,)
        self.columns += (cr.QUOTE, cr.STATEMENT, cr.TYPE, cr.DIRECTION, cr.STATUS, cr.REVIEWER, cr.TERMS)
        self.HEADERS = tuple(cr.COLUMN_TITLES[c] for c in self.columns)
        self._quote_column = self.columns.index(cr.QUOTE)
        self._type_column = self.columns.index(cr.TYPE)
        self._tip_columns = {
            self.columns.index(c) for c in (cr.DOCUMENT, cr.QUOTE, cr.STATEMENT, cr.TERMS) if c in self.columns
        }
        self._build = RowBuilder(codebook)
        self._titles: dict[int, str] = {}
        self._by_id: dict[int, ClaimRow] = {}
        self._reading: list[ClaimRow] = []
        self._ordered: list[ClaimRow] = []
        self.rows: list[ClaimRow] = []
        self._filter = ClaimFilter()
        self._sort_column = -1  # logical column; -1 is reading order
        self._descending = False
        self._ranks: dict[int, dict[ClaimRow, int]] = {}  # per logical column, until the claims change
        self._positions: dict[int, int] | None = None  # claim id -> visible row, built when asked for

    # -- reading ------------------------------------------------------------------------------
    def row_of(self, claim_id: int) -> int:
        """The visible row of a claim; -1 if there is none or the filter hides it."""
        if self._positions is None:
            self._positions = {r.id: i for i, r in enumerate(self.rows)}
        return self._positions.get(claim_id, -1)

    def record_at(self, row: int) -> ClaimRecord | None:
        return self.rows[row].record if 0 <= row < len(self.rows) else None

    def all_rows(self) -> list[ClaimRow]:
        """Every row, filtered or not, in reading order."""
        return list(self._reading)

    def all_records(self) -> list[ClaimRecord]:
        return [r.record for r in self._reading]

    def total_count(self) -> int:
        """Every claim the model holds, shown or filtered out."""
        return len(self._reading)

    @property
    def claim_filter(self) -> ClaimFilter:
        return self._filter

    @property
    def sort_column(self) -> int:
        """The view column sorted by, -1 for reading order."""
        return self.columns.index(self._sort_column) if self._sort_column >= 0 else -1

    def reviewer_names(self) -> list[str]:
        return sorted({r.reviewer for r in self._reading if r.reviewer}, key=str.casefold)

    def term_labels(self) -> list[str]:
        labels = {t.label for r in self._reading for t in r.record.terms}
        return sorted(labels, key=str.casefold)

    # -- Qt -----------------------------------------------------------------------------------
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        role = int(role)
        if role not in _ROLES or not index.isValid():  # the view asks for many roles we do not set
            return None
        row = index.row()
        if not 0 <= row < len(self.rows):
            return None
        return self.cell(self.rows[row], index.column(), role)

    def cell(self, row: ClaimRow, column: int, role: int):
        if role == _DISPLAY:
            if column == self._quote_column and row.orphaned:
                return f"⚠ orphaned: {row.quote}"
            return row.values[self.columns[column]]
        if role == _USER:
            return row.id
        if role == _DECORATION:
            return type_colour(row.type_index) if column == self._type_column else None
        if column == self._quote_column and row.orphaned:
            if role == _FOREGROUND:
                return QColor("#9a3412")
            if role == _TOOLTIP:
                return ORPHANED_TIP + row.record.anchor.exact
        if role == _TOOLTIP and column in self._tip_columns:
            logical = self.columns[column]
            return (row.record.anchor.exact if logical == cr.QUOTE else row.values[logical]) or None
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a view column (QTableView's header calls this); a column < 0 restores reading order."""
        logical = self.columns[column] if 0 <= column < len(self.columns) else -1
        descending = order == Qt.SortOrder.DescendingOrder and logical >= 0
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        kept = [(index, self.rows[index.row()]) for index in persistent]
        self._sort_column, self._descending = logical, descending
        self._ordered = self._sorted(self._reading)
        if self._filter.is_empty:
            self.rows = list(self._ordered)
        else:  # the same rows in the new order: a set look-up per row, not the filter again
            visible = set(self.rows)
            self.rows = [r for r in self._ordered if r in visible]
        self._positions = None
        if kept:
            self.changePersistentIndexList(
                [index for index, _ in kept], [self.index(self.row_of(r.id), index.column()) for index, r in kept]
            )
        self.layoutChanged.emit()

    # -- changing -----------------------------------------------------------------------------
    def set_records(self, records: list[ClaimRecord], titles: dict[int, str] | None = None) -> None:
        """Show these claims (the filter and the sort stay as they are)."""
        self.beginResetModel()
        if titles is not None:
            self._titles = dict(titles)
        rows = [self._build(r, self._titles.get(r.document_id, "")) for r in records]
        self._by_id = {r.id: r for r in rows}
        rows.sort(key=cr.reading_key)
        self._reading = rows
        self._ranks = {}
        self._ordered = self._sorted(rows)
        self.rows = cr.filter_rows(self._ordered, self._filter)
        self._positions = None
        self.endResetModel()
        self.contentsChanged.emit()

    def set_filter(self, flt: ClaimFilter) -> None:
        if flt == self._filter:
            return
        base = self.rows if flt.narrows(self._filter) else self._ordered
        self.beginResetModel()
        self._filter = flt
        self.rows = list(self._ordered) if flt.is_empty else cr.filter_rows(base, flt)
        self._positions = None
        self.endResetModel()

    def upsert(self, records: list[ClaimRecord], titles: dict[int, str] | None = None) -> None:
        """Add new claims and replace changed ones where the sort puts them, without a reset."""
        if titles:
            self._titles.update(titles)
        if not records:
            return
        if len(records) > _UPSERT_RESET:
            merged = dict(self._by_id)
            merged.update({r.id: self._build(r, self._titles.get(r.document_id, "")) for r in records})
            self.set_records([r.record for r in merged.values()])
            return
        self._ranks = {}
        column, descending = self._sort_column, self._descending
        for record in records:
            new = self._build(record, self._titles.get(record.document_id, ""))
            old = self._by_id.get(new.id)
            self._by_id[new.id] = new
            if old is not None:
                _remove(self._reading, old, -1, False)
                _remove(self._ordered, old, column, descending)
            self._reading.insert(cr.insert_position(self._reading, new, -1, False), new)
            self._ordered.insert(cr.insert_position(self._ordered, new, column, descending), new)
            shown = bool(cr.filter_rows([new], self._filter))
            at = cr.position_of(self.rows, old, column, descending) if old is not None else -1
            if at >= 0 and shown and self._fits(at, new):
                self.rows[at] = new
                self.dataChanged.emit(self.index(at, 0), self.index(at, len(self.columns) - 1))
                continue
            self._positions = None
            if at >= 0:
                self.beginRemoveRows(NO_PARENT, at, at)
                del self.rows[at]
                self.endRemoveRows()
            if shown:
                to = cr.insert_position(self.rows, new, column, descending)
                self.beginInsertRows(NO_PARENT, to, to)
                self.rows.insert(to, new)
                self.endInsertRows()
        self.contentsChanged.emit()

    def remove(self, claim_ids) -> None:
        """Remove claims (ids not shown are ignored), one row signal per contiguous run."""
        gone = [self._by_id.pop(i) for i in set(claim_ids) if i in self._by_id]
        if not gone:
            return
        self._ranks = {}
        column, descending = self._sort_column, self._descending
        for row in gone:
            _remove(self._reading, row, -1, False)
            _remove(self._ordered, row, column, descending)
        at = sorted({cr.position_of(self.rows, r, column, descending) for r in gone} - {-1}, reverse=True)
        self._positions = None
        while at:
            last = first = at.pop(0)
            while at and at[0] == first - 1:
                first = at.pop(0)
            self.beginRemoveRows(NO_PARENT, first, last)
            del self.rows[first : last + 1]
            self.endRemoveRows()
        self.contentsChanged.emit()

    def set_titles(self, titles: dict[int, str]) -> None:
        """Document titles changed: rebuild the rows of those documents."""
        changed = {d for d, t in titles.items() if self._titles.get(d, "") != t}
        self._titles.update(titles)
        if changed:
            self.upsert([r.record for r in self._reading if r.document_id in changed])

    def _sorted(self, rows: list[ClaimRow]) -> list[ClaimRow]:
        column = self._sort_column
        if column < 0:
            return list(rows)
        ranks = self._ranks.get(column)
        if ranks is None:  # the first sort by a column compares strings; later ones compare ranks
            ordered, ranks = cr.sort_with_ranks(self._reading, column)
            self._ranks[column] = ranks
            if rows is self._reading and not self._descending:
                return ordered
        return cr.sort_rows(rows, column, self._descending, ranks)

    def _fits(self, at: int, row: ClaimRow) -> bool:
        """Whether `row` may take visible place `at` without breaking the sort order."""
        column, descending = self._sort_column, self._descending
        before = at == 0 or cr.precedes(self.rows[at - 1], row, column, descending)
        after = at == len(self.rows) - 1 or cr.precedes(row, self.rows[at + 1], column, descending)
        return before and after


def _remove(rows: list[ClaimRow], row: ClaimRow, column: int, descending: bool) -> None:
    at = cr.position_of(rows, row, column, descending)
    if at >= 0:
        del rows[at]
