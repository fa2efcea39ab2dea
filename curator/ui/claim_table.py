"""A claims table with its filter bar, count and bulk actions; it knows no window and no database.

It is handed the codebook and a ClaimTableModel (napari's habit: the widget receives its model) and
says what the reviewer asked for through signals; whoever owns it runs the commands.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from curator.core.claim_rows import DIRECTION, QUOTE, REVIEWER, STATEMENT, STATUS, TERMS, TYPE, ClaimFilter
from curator.core.codebook import Codebook
from curator.ui.models import ClaimTableModel

ANY = None  # the data of each combo's first item: no filter on that column


class _LazyCombo(QComboBox):
    """A combo that asks for its current items only when it opens: collecting every reviewer and
    term of 100,000 claims after each save would cost more than the save."""

    def __init__(self):
        super().__init__()
        self.before_popup = lambda: None

    def showPopup(self) -> None:  # noqa: N802
        self.before_popup()
        super().showPopup()


def _combo(name: str, any_text: str, tip: str) -> QComboBox:
    combo = _LazyCombo()
    combo.setObjectName(name)
    combo.setToolTip(tip)
    # compact whatever the labels: a long term label must not widen the table's minimum (the popup shows it whole)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(4)
    combo.addItem(any_text, ANY)
    return combo


def _refill(combo: QComboBox, items: list[tuple[str, str]]) -> None:
    """Replace a combo's choices after its "Any …" item, keeping the current choice if it is still there."""
    if [(combo.itemText(i), combo.itemData(i)) for i in range(1, combo.count())] == items:
        return
    current = combo.currentData()
    combo.blockSignals(True)
    while combo.count() > 1:
        combo.removeItem(1)
    for text, data in items:
        combo.addItem(text, data)
    combo.setCurrentIndex(max(0, combo.findData(current)) if current is not ANY else 0)
    combo.blockSignals(False)
    if combo.currentData() != current:  # the chosen value is gone: the filter must follow
        combo.currentIndexChanged.emit(combo.currentIndex())


class ClaimTablePanel(QWidget):
    claimActivated = Signal(int)  # claim id: current row changed, Enter, double-click
    bulkStatusRequested = Signal(list, str)  # claim ids, status key
    bulkDeleteRequested = Signal(list)  # claim ids

    def __init__(self, codebook: Codebook, model: ClaimTableModel, parent=None):
        super().__init__(parent)
        self.codebook = codebook
        self.model = model
        self._reviewers: list[str] = []

        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("claimFilter")
        self.filter_edit.setPlaceholderText("Filter claims…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMinimumWidth(80)
        self.filter_edit.setToolTip("Show claims whose quote, statement, terms or document hold every word typed")
        self.status_combo = _combo("statusFilter", "Any status", "Show claims with this status")
        self.type_combo = _combo("typeFilter", "Any type", "Show claims of this type")
        self._fill_choice_filters(codebook)
        self.reviewer_combo = _combo("reviewerFilter", "Any reviewer", "Show claims made by this reviewer")
        self.term_combo = _combo("termFilter", "Any term", "Show claims tagged with this term")
        self.count_label = QLabel()
        self.count_label.setObjectName("claimCount")
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)

        self.editable = True
        self.view = QTableView()
        self.view.setObjectName("claims")
        self.view.setModel(model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.verticalHeader().hide()
        self.view.setTabKeyNavigation(False)  # Tab leaves the table (arrows move within it)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        # A fixed width for the id column: ResizeToContents would ask the model about a thousand rows
        # after every change (8,800 data() calls per save on a document with 10,000 claims).
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(0, self.view.fontMetrics().horizontalAdvance("000000") + 12)
        # The quote keeps a readable width in a small window (the others scroll); the last column takes
        # what is left in a wide one. Every column can be dragged wider.
        header.setStretchLastSection(True)
        chars = self.view.fontMetrics().averageCharWidth()
        widths = ((QUOTE, 36), (STATEMENT, 24), (TYPE, 14), (DIRECTION, 11), (STATUS, 10), (REVIEWER, 11), (TERMS, 16))
        for column, width in widths:
            if column in model.columns:
                header.resizeSection(model.columns.index(column), width * chars + 12)
        # No indicator = reading order; a third click on a header goes back to it.
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)

        self.status_actions: dict[str, QAction] = {}
        self.status_menu = QMenu("Set status", self)
        self._fill_status_menu(codebook)
        self.delete_action = QAction("Delete selected claims", self)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))  # shown in the menu
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(self._request_delete)

        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(4)
        bar.addWidget(self.filter_edit, 1)
        for combo in (self.status_combo, self.type_combo, self.reviewer_combo, self.term_combo):
            bar.addWidget(combo)
        bar.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)

        self.filter_edit.textChanged.connect(self._apply_filter)
        for combo in (self.status_combo, self.type_combo, self.reviewer_combo, self.term_combo):
            combo.currentIndexChanged.connect(self._apply_filter)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.view.doubleClicked.connect(self._activate)
        self.view.customContextMenuRequested.connect(self._show_menu)
        self.view.installEventFilter(self)
        for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            signal.connect(self._update_count)
        model.contentsChanged.connect(self._update_count)  # a new claim the filter hides still counts
        self._choices_stale = True
        model.contentsChanged.connect(self._mark_choices_stale)
        for combo in (self.reviewer_combo, self.term_combo):
            combo.before_popup = self._refresh_choices_if_stale
        self._refresh_choices()
        self._update_count()

    # -- API ----------------------------------------------------------------------------------
    def selected_claim_ids(self) -> list[int]:
        """The selected claims, in the order the table shows them."""
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        return [self.model.rows[r].id for r in rows if 0 <= r < len(self.model.rows)]

    def set_reviewers(self, names: list[str]) -> None:
        """Reviewers to offer in the reviewer filter (those found on the claims are offered too)."""
        self._reviewers = list(names)
        self._refresh_choices()

    def current_filter(self) -> ClaimFilter:
        return ClaimFilter(
            text=self.filter_edit.text(),
            status=self.status_combo.currentData(),
            claim_type=self.type_combo.currentData(),
            reviewer=self.reviewer_combo.currentData(),
            term=self.term_combo.currentData(),
        )

    # -- behaviour ----------------------------------------------------------------------------
    def _apply_filter(self, *_args) -> None:
        current = self.model.data(self.view.currentIndex(), Qt.ItemDataRole.UserRole)
        self.model.set_filter(self.current_filter())
        row = self.model.row_of(current) if current is not None else -1
        if row >= 0:  # the claim being looked at stays current when it still passes; nothing is re-announced
            selection = self.view.selectionModel()
            selection.blockSignals(True)
            selection.setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
            selection.blockSignals(False)
            self.view.viewport().update()

    def _mark_choices_stale(self) -> None:
        self._choices_stale = True

    def _refresh_choices_if_stale(self) -> None:
        if self._choices_stale:
            self._refresh_choices()

    def _refresh_choices(self) -> None:
        self._choices_stale = False
        names = sorted(set(self._reviewers) | set(self.model.reviewer_names()), key=str.casefold)
        _refill(self.reviewer_combo, [(n, n) for n in names])
        _refill(self.term_combo, [(label, label) for label in self.model.term_labels()])

    def _update_count(self, *_args) -> None:
        shown, total = self.model.rowCount(), self.model.total_count()
        self.count_label.setText(f"{shown:,} of {total:,} claims" if shown != total else f"{total:,} claims")

    def _on_current_row(self, current, _previous) -> None:
        claim_id = self.model.data(current, Qt.ItemDataRole.UserRole)
        if claim_id is not None:
            self.claimActivated.emit(claim_id)

    def _activate(self, index) -> None:
        claim_id = self.model.data(index, Qt.ItemDataRole.UserRole)
        if claim_id is not None:
            self.claimActivated.emit(claim_id)

    def _fill_choice_filters(self, codebook: Codebook) -> None:
        # retired choices stay in the filters: claims may still hold them
        _refill(self.status_combo, [(c.label, c.key) for c in codebook.field("status").choices])
        _refill(self.type_combo, [(c.label, c.key) for c in codebook.field("claim_type").choices])

    def _fill_status_menu(self, codebook: Codebook) -> None:
        self.status_menu.clear()
        self.status_actions.clear()
        for choice in codebook.field("status").active_choices:
            action = self.status_menu.addAction(choice.label)
            action.triggered.connect(lambda _=False, key=choice.key: self._request_status(key))
            self.status_actions[choice.key] = action

    def set_codebook(self, codebook: Codebook) -> None:
        """Choices renamed, added or retired: filters, the status menu and the rows' labels follow."""
        self._fill_choice_filters(codebook)
        self._fill_status_menu(codebook)
        self.model.set_codebook(codebook)

    def set_editable(self, editable: bool) -> None:
        """A read-only project still filters and sorts; it offers no status change or delete."""
        self.editable = editable

    def _show_menu(self, pos) -> None:
        menu = QMenu(self)
        has_selection = bool(self.selected_claim_ids()) and self.editable
        self.status_menu.setEnabled(has_selection)
        self.delete_action.setEnabled(has_selection)
        menu.addMenu(self.status_menu)
        menu.addSeparator()
        menu.addAction(self.delete_action)
        self.context_menu = menu  # kept, so tests can trigger its actions
        menu.popup(self.view.viewport().mapToGlobal(pos))

    def _request_status(self, key: str) -> None:
        ids = self.selected_claim_ids() if self.editable else []
        if ids:
            self.bulkStatusRequested.emit(ids, key)

    def _request_delete(self) -> None:
        ids = self.selected_claim_ids() if self.editable else []
        if ids:
            self.bulkDeleteRequested.emit(ids)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Keys are handled here rather than as shortcuts: they must work only while the table has focus.
        if watched is self.view and event.type() == QEvent.Type.KeyPress:
            if event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Delete:
                self._request_delete()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and event.modifiers() in (
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.KeypadModifier,
            ):
                self._activate(self.view.currentIndex())
                return True
        return super().eventFilter(watched, event)
