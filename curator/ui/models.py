"""Table models over plain rows (never ORM objects), refreshed by whole rows or row by row."""

from __future__ import annotations

from bisect import bisect_left

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor

from curator.core import claim_rows as cr
from curator.core.claim_index import EXACT_REVIEWER, RowIndex, ShownOrder
from curator.core.claim_rows import ClaimFilter, ClaimRow, RowBuilder
from curator.core.codebook import Codebook
from curator.core.records import READING_STATUSES, ClaimRecord, DocumentSummary
from curator.ui.plain import tooltip
from curator.ui.reader import type_colour
from curator.ui.team_documents import MINE, TeamColumns

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


STATUS_MARKS = {"unread": "○", "in_progress": "◐", "done": "●"}


class DocumentListModel(PlainRowsModel):
    HEADERS = ("Title", "Read", "Claims", "Mine", "Team")  # Mine, Team: team review (team_documents.py)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list[DocumentSummary] = []
        self._row_by_id: dict[int, int] = {}
        self.team = TeamColumns(self)

    def set_rows(self, rows: list[DocumentSummary]) -> None:
        self.beginResetModel()
        self.rows = self.team.ordered(rows)  # the reviewer's assignments first
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

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        # The view asks about ten roles per painted cell; most are none of ours: answer those before
        # touching the index (roles compared as plain ints, not through Qt's enum classes).
        if role not in _DOCUMENT_ROLES:
            return None
        return super().data(index, role)

    def cell(self, row, column: int, role):
        if column >= MINE and role != _TOOLTIP:
            return self.team.cell(row, column, role)
        if role == _DISPLAY:
            # the status as a mark, so the title keeps the width of a narrow list (words, in the tooltip)
            return (row.title, STATUS_MARKS.get(row.reading_status, "?"), row.claim_count)[column]
        if role == _TOOLTIP:
            status = READING_STATUSES.get(row.reading_status, row.reading_status)
            count = f"{row.claim_count} claim{'s' if row.claim_count != 1 else ''}"
            return tooltip(f"{row.title}\n{status} · {count}{self.team.tip(row)}")
        if role == _ALIGNMENT:
            return _RIGHT if column == 2 else None
        return row.id  # UserRole


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
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_DOCUMENT_ROLES = frozenset({_DISPLAY, _TOOLTIP, _ALIGNMENT, _USER})
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
# Above this many changed claims, one reset is cheaper than a row signal per claim.
_UPSERT_RESET = 500


class ClaimTableModel(PlainRowsModel):
    """Claims as plain rows, filtered and sorted by the model itself (no proxy: see performance.md).

    A `RowIndex` holds every row by slot, with each column's order and the filter's bitsets kept
    current on every change; a `ShownOrder` holds every row in the current sort; `rows` are the visible
    ones (that order, filtered). A keystroke asks the index for a bitset and picks the set rows out of
    the shown order, a sort takes the column's kept order: neither loops over rows in Python, so both
    cost the same at the first keystroke, after a deleted letter and after claims changed. Single claims
    are inserted, replaced and removed with row signals, not a reset.

    Loading in reading order with no filter (a document opening) shows the claims before any of that
    is built: rows are made as the view asks for them, and the index and orders in the next turn of
    the event loop, after the reader has painted (or at once, when something needs them sooner).
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
        self._lazy: list[ClaimRecord] | None = None  # records in reading order, not indexed yet
        self._lazy_rows: list[ClaimRow | None] = []  # rows made so far for the view, by position
        self._lazy_keys: list[tuple] = []  # their reading keys (ClaimRow.reading), ascending
        self._lazy_key_of: dict[int, tuple] = {}  # claim id -> reading key, while lazy
        self._index_ = RowIndex([])
        self._order_ = ShownOrder(self._index_)
        self._rows: list[ClaimRow] = []
        self._filter = ClaimFilter()
        self._sort_column = -1  # logical column; -1 is reading order
        self._descending = False

    # -- built on first use after a lazy load --------------------------------------------------
    @property
    def rows(self) -> list[ClaimRow]:
        """The visible rows, in the order shown."""
        if self._lazy is not None:
            self._materialize()
        return self._rows

    @rows.setter
    def rows(self, rows: list[ClaimRow]) -> None:
        self._rows = rows

    @property
    def _index(self) -> RowIndex:
        if self._lazy is not None:
            self._materialize()
        return self._index_

    @_index.setter
    def _index(self, index: RowIndex) -> None:
        self._index_ = index

    @property
    def _order(self) -> ShownOrder:
        if self._lazy is not None:
            self._materialize()
        return self._order_

    @_order.setter
    def _order(self, order: ShownOrder) -> None:
        self._order_ = order

    def _lazy_row(self, position: int) -> ClaimRow:
        row = self._lazy_rows[position]
        if row is None:
            record = self._lazy[position]
            row = self._lazy_rows[position] = self._build(record, self._titles.get(record.document_id, ""))
        return row

    def _materialize(self) -> None:
        """Build every row, the index and the order of a lazy load; the rows shown stay the same objects
        in the same order (reading order, nothing filtered out), so the view is told nothing."""
        if self._lazy is None:
            return
        rows = [self._lazy_row(i) for i in range(len(self._lazy))]
        self._lazy, self._lazy_rows, self._lazy_keys, self._lazy_key_of = None, [], [], {}
        self._index_ = RowIndex(rows)
        self._order_ = ShownOrder(self._index_, self._sort_column, self._descending)
        self._rows = self._order_.select(self._index_.match(self._filter), self._index_.size)

    # -- reading ------------------------------------------------------------------------------
    def rowCount(self, parent=NO_PARENT) -> int:  # noqa: N802
        if parent.isValid():
            return 0
        return len(self._lazy) if self._lazy is not None else len(self._rows)

    def row_of(self, claim_id: int) -> int:
        """The visible row of a claim; -1 if there is none or the filter hides it."""
        if self._lazy is not None:
            key = self._lazy_key_of.get(claim_id)
            return -1 if key is None else bisect_left(self._lazy_keys, key)
        row = self._index.get(claim_id)
        # a binary search: the panel asks after every keystroke, and a dict of 100,000 rows costs ~15 ms
        return -1 if row is None else cr.position_of(self.rows, row, self._sort_column, self._descending)

    def record_at(self, row: int) -> ClaimRecord | None:
        if self._lazy is not None:
            return self._lazy[row] if 0 <= row < len(self._lazy) else None
        return self.rows[row].record if 0 <= row < len(self.rows) else None

    def all_rows(self) -> list[ClaimRow]:
        """Every row, filtered or not, in reading order."""
        return self._index.reading_rows()

    def all_records(self) -> list[ClaimRecord]:
        return [r.record for r in self.all_rows()]

    def total_count(self) -> int:
        """Every claim the model holds, shown or filtered out."""
        return len(self._lazy) if self._lazy is not None else len(self._index)

    @property
    def claim_filter(self) -> ClaimFilter:
        return self._filter

    @property
    def sort_column(self) -> int:
        """The view column sorted by, -1 for reading order."""
        return self.columns.index(self._sort_column) if self._sort_column >= 0 else -1

    def reviewer_names(self) -> list[str]:
        return sorted((name for name in self._index.exact[EXACT_REVIEWER] if name), key=str.casefold)

    def term_labels(self) -> list[str]:
        labels = {t.label for r in self._index.rows if r is not None for t in r.record.terms}
        return sorted(labels, key=str.casefold)

    # -- Qt -----------------------------------------------------------------------------------
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        role = int(role)
        if role not in _ROLES or not index.isValid():  # the view asks for many roles we do not set
            return None
        row = index.row()
        if self._lazy is not None:
            return self.cell(self._lazy_row(row), index.column(), role) if 0 <= row < len(self._lazy) else None
        if not 0 <= row < len(self._rows):
            return None
        return self.cell(self._rows[row], index.column(), role)

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
                return tooltip(ORPHANED_TIP + row.record.anchor.exact)
        if role == _TOOLTIP and column in self._tip_columns:
            logical = self.columns[column]
            return tooltip(row.record.anchor.exact if logical == cr.QUOTE else row.values[logical])
        return None

    def set_codebook(self, codebook: Codebook) -> None:
        """Choices renamed, added or retired: every row's labels are made again (filter and sort stay)."""
        self.codebook = codebook
        self._build = RowBuilder(codebook)
        self.set_records(self.all_records())

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a view column (QTableView's header calls this); a column < 0 restores reading order."""
        logical = self.columns[column] if 0 <= column < len(self.columns) else -1
        descending = order == Qt.SortOrder.DescendingOrder and logical >= 0
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        kept = [(index, self.rows[index.row()]) for index in persistent]
        self._sort_column, self._descending = logical, descending
        self._order = ShownOrder(self._index, logical, descending)
        self.rows = self._order.select(self._index.match(self._filter), self._index.size)
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
        if self._filter.is_empty and self._sort_column < 0:
            # Shown as they are, in reading order: rows are built as the view asks for them (a screenful)
            # and the index once the event loop is free, so a document's claims appear with its text.
            # The key is ClaimRow.reading, made from the record: the order is the one the index keeps.
            records = list(records)
            folded = {d: t.casefold() for d, t in self._titles.items()}  # once per document, not per claim
            keys = [(folded.get(r.document_id, ""), r.document_id, r.anchor.start, r.id) for r in records]
            order = sorted(range(len(keys)), key=keys.__getitem__)  # keys are unique: they end in the id
            self._lazy = [records[i] for i in order]
            self._lazy_keys = [keys[i] for i in order]
            self._lazy_key_of = {key[3]: key for key in self._lazy_keys}
            self._lazy_rows = [None] * len(self._lazy)
            QTimer.singleShot(0, self, self._materialize)
        else:
            self._lazy = None
            rows = [self._build(r, self._titles.get(r.document_id, "")) for r in records]
            rows.sort(key=cr.reading_key)
            self._index = RowIndex(rows)
            self._order = ShownOrder(self._index, self._sort_column, self._descending)
            self.rows = self._order.select(self._index.match(self._filter), self._index.size)
        self.endResetModel()
        self.contentsChanged.emit()

    def _reading_of(self, record: ClaimRecord) -> tuple:
        """ClaimRow.reading of the row this record makes, without making the row."""
        return (self._titles.get(record.document_id, "").casefold(), record.document_id, record.anchor.start, record.id)

    def _lazy_upsert(self, records: list[ClaimRecord]) -> None:
        """upsert before the index is built: the same row signals, in reading order, nothing filtered out."""
        keys, key_of = self._lazy_keys, self._lazy_key_of
        for record in records:
            new = self._reading_of(record)
            old = key_of.get(record.id)
            at = -1 if old is None else bisect_left(keys, old)
            if at >= 0 and (at == 0 or keys[at - 1] < new) and (at == len(keys) - 1 or new < keys[at + 1]):
                self._lazy[at], keys[at], self._lazy_rows[at] = record, new, None  # its place still fits
                key_of[record.id] = new
                self.dataChanged.emit(self.index(at, 0), self.index(at, len(self.columns) - 1))
                continue
            if at >= 0:
                self.beginRemoveRows(NO_PARENT, at, at)
                del self._lazy[at], keys[at], self._lazy_rows[at]
                self.endRemoveRows()
            to = bisect_left(keys, new)
            self.beginInsertRows(NO_PARENT, to, to)
            self._lazy.insert(to, record)
            keys.insert(to, new)
            self._lazy_rows.insert(to, None)
            key_of[record.id] = new
            self.endInsertRows()
        self.contentsChanged.emit()

    def _lazy_remove(self, claim_ids) -> None:
        """remove before the index is built: one row signal per contiguous run, as remove does."""
        keys, key_of = self._lazy_keys, self._lazy_key_of
        at = sorted({bisect_left(keys, key_of.pop(i)) for i in set(claim_ids) if i in key_of}, reverse=True)
        if not at:
            return
        while at:
            last = first = at.pop(0)
            while at and at[0] == first - 1:
                first = at.pop(0)
            self.beginRemoveRows(NO_PARENT, first, last)
            del self._lazy[first : last + 1], keys[first : last + 1], self._lazy_rows[first : last + 1]
            self.endRemoveRows()
        self.contentsChanged.emit()

    def set_filter(self, flt: ClaimFilter) -> None:
        if flt == self._filter:
            return
        self.beginResetModel()
        self._filter = flt
        self.rows = self._order.select(self._index.match(flt), self._index.size)
        self.endResetModel()

    def upsert(self, records: list[ClaimRecord], titles: dict[int, str] | None = None) -> None:
        """Add new claims and replace changed ones where the sort puts them, without a reset."""
        if titles:
            self._titles.update(titles)
        if not records:
            return
        if self._lazy is not None and len(records) <= _UPSERT_RESET:
            self._lazy_upsert(records)  # a save right after opening does not wait for the index
            return
        if len(records) > _UPSERT_RESET:
            merged = {r.id: r.record for r in self._index.rows if r is not None}
            merged.update({r.id: r for r in records})
            self.set_records(list(merged.values()))
            return
        column, descending = self._sort_column, self._descending
        for record in records:
            new = self._build(record, self._titles.get(record.document_id, ""))
            old = self._index.get(new.id)
            if old is not None:
                self._order.drop(old)
                self._index.remove(old)
            self._order.place(new, self._index.add(new))
            shown = bool(cr.filter_rows([new], self._filter))
            at = cr.position_of(self.rows, old, column, descending) if old is not None else -1
            if at >= 0 and shown and self._fits(at, new):
                self.rows[at] = new
                self.dataChanged.emit(self.index(at, 0), self.index(at, len(self.columns) - 1))
                continue
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
        if self._lazy is not None:
            self._lazy_remove(claim_ids)
            return
        gone = [row for row in map(self._index.get, set(claim_ids)) if row is not None]
        if not gone:
            return
        column, descending = self._sort_column, self._descending
        for row in gone:
            self._order.drop(row)
            self._index.remove(row)
        at = sorted({cr.position_of(self.rows, r, column, descending) for r in gone} - {-1}, reverse=True)
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
            self.upsert([r.record for r in self.all_rows() if r.document_id in changed])

    def _fits(self, at: int, row: ClaimRow) -> bool:
        """Whether `row` may take visible place `at` without breaking the sort order."""
        column, descending = self._sort_column, self._descending
        before = at == 0 or cr.precedes(self.rows[at - 1], row, column, descending)
        after = at == len(self.rows) - 1 or cr.precedes(row, self.rows[at + 1], column, descending)
        return before and after
