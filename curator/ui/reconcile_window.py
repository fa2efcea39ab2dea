"""Document → Reconcile… (Ctrl+Shift+C, issue 12): an adjudicator turns the extractors' claims on a
document into consensus claims, unit by unit, with the keyboard.

Left, the document's units in reading order with their state (matched, only one reviewer's,
reconciled ✓, accepted ✓, rejected) and "n of m reconciled". Right, the selected unit field by field:
each reviewer's value as plain text, differing rows in bold with "≠" (never colour alone), and the
consensus value with whose it is. Keys (in the table or the list): Up/Down a field, D the next
differing field, 1…9 (or Alt+1…9) take that reviewer's value, E edits the consensus value (a line
edit; a choice field a combo of the codebook's choices), Ctrl+Enter saves the consensus, A / R accept
or reject a claim no other extractor matched, N / P the next or previous unit. Saving pushes a core
command on the main window's undo stack (Ctrl+Z here or there undoes it); the window re-reads the
units from the Changes the window applies, so a half-done document reopens half done.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from curator.core.claims import number_problem
from curator.core.errors import user_message
from curator.core.reconcile import QUOTE, ReconUnit
from curator.core.reconcile_commands import DecideUnmatched, ReconcileUnit
from curator.core.records import Changes
from curator.core.session import Session
from curator.ui.plain import plain_label, tooltip
from curator.ui.reconcile_rows import EDITED, EMPTY, Choices, unit_key, unit_state, unit_title, value_text

AGREED = "all agree"
MARK, FIELD = 0, 1  # the table's first columns; then one per reviewer, Consensus and From
KEYS_HINT = (
    "↑/↓ field · D next difference · 1, 2… take a reviewer's value · E edit · Ctrl+Enter save consensus · "
    "A / R accept / reject an unmatched claim · N / P next / previous unit · Ctrl+Z undo"
)


class ReconcileWindow(QDialog):
    def __init__(
        self,
        parent: QWidget,
        session: Callable[[], Session],
        undo_stack: QUndoStack,
        run: Callable[[object], bool],
        show_quote: Callable[[int, int, int], None],
    ):
        super().__init__(parent)
        self.session, self.run, self.show_quote = session, run, show_quote
        self.setModal(False)
        self.document_id: int | None = None
        self.units: list[ReconUnit] = []
        self.choices: dict[tuple, Choices] = {}  # per unit (and consensus version): the adjudicator's choices
        self.editing: str | None = None  # the field whose consensus value the edit row holds
        self._build(undo_stack)

    # -- building -----------------------------------------------------------------------------
    def _build(self, undo_stack: QUndoStack) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.heading = plain_label()
        self.heading.setObjectName("reconcileHeading")
        self.heading.setWordWrap(True)
        self.progress = plain_label()
        self.progress.setObjectName("reconcileProgress")
        font = self.progress.font()
        font.setBold(True)
        self.progress.setFont(font)
        top.addWidget(self.heading, 1)
        top.addSpacing(24)
        top.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)

        split = QSplitter(Qt.Orientation.Horizontal)
        self.unit_list = QListWidget()
        self.unit_list.setWordWrap(True)
        self.unit_list.setSpacing(2)
        self.unit_list.currentRowChanged.connect(self._show_unit)
        split.addWidget(self.unit_list)
        right = QWidget()
        body = QVBoxLayout(right)
        body.setContentsMargins(0, 0, 0, 0)
        self.unit_label = plain_label()
        self.unit_label.setWordWrap(True)
        self.table = QTableWidget(0, 2)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        body.addWidget(self.unit_label)
        body.addWidget(self.table, 1)
        self.detail = plain_label()  # the current field's values in full (cells are cut at their width)
        self.detail.setObjectName("reconcileDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        body.addWidget(self.detail)
        self.table.currentCellChanged.connect(lambda *_: self._show_detail())
        self.edit_row = QWidget()
        edit_layout = QHBoxLayout(self.edit_row)
        edit_layout.setContentsMargins(0, 0, 0, 0)
        self.edit_label = plain_label()
        self.line = QLineEdit()
        self.combo = QComboBox()
        edit_layout.addWidget(self.edit_label)
        edit_layout.addWidget(self.line, 1)
        edit_layout.addWidget(self.combo, 1)
        self.edit_row.hide()
        body.addWidget(self.edit_row)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([330, 820])
        layout.addWidget(split, 1)

        self.message = plain_label()
        self.message.setObjectName("reconcileMessage")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        hint = plain_label(KEYS_HINT)
        hint.setWordWrap(True)
        hint.setEnabled(False)  # drawn as secondary text
        layout.addWidget(hint)
        buttons = QHBoxLayout()
        self.save_button = self._button("&Save consensus", self.save, "Make the consensus claim (Ctrl+Enter)")
        self.accept_button = self._button("&Accept", lambda: self.decide(True), "Keep this unmatched claim (A)")
        self.reject_button = self._button("&Reject", lambda: self.decide(False), "Leave this unmatched claim out (R)")
        previous = self._button("&Previous unit", lambda: self.step(-1), "The unit before (P)")
        following = self._button("&Next unit", lambda: self.step(1), "The unit after (N)")
        close = self._button("Close", self.close, "Close (reconciling is resumable)")
        for b in (self.save_button, self.accept_button, self.reject_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        for b in (previous, following, close):
            buttons.addWidget(b)
        layout.addLayout(buttons)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, self.save)
        for number in range(1, 10):
            QShortcut(QKeySequence(f"Alt+{number}"), self, lambda n=number: self.take(n))
        undo, redo = undo_stack.createUndoAction(self), undo_stack.createRedoAction(self)
        undo.setShortcut(QKeySequence("Ctrl+Z"))
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.addActions([undo, redo])
        for widget in (self.table, self.unit_list, self.line, self.combo):
            widget.installEventFilter(self)
        self.resize(1180, 780)

    def _button(self, text: str, slot, tip: str) -> QPushButton:
        button = QPushButton(text)
        button.setAutoDefault(False)  # Enter belongs to the edit row, never to a button
        button.setToolTip(tip)
        button.clicked.connect(slot)
        return button

    # -- keys ---------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() != QEvent.Type.KeyPress:
            return False
        key, mods = event.key(), event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if watched in (self.line, self.combo):
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not mods:
                self.commit_edit()
                return True
            if key == Qt.Key.Key_Escape:
                self.cancel_edit()
                return True
            return False
        if mods not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            return False
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and not mods:
            self.take(key - Qt.Key.Key_0)
            return True
        actions = {
            Qt.Key.Key_E: self.start_edit,
            Qt.Key.Key_D: self.next_difference,
            Qt.Key.Key_N: lambda: self.step(1),
            Qt.Key.Key_P: lambda: self.step(-1),
            Qt.Key.Key_A: lambda: self.decide(True),
            Qt.Key.Key_R: lambda: self.decide(False),
        }
        if key in actions and not mods:
            actions[key]()
            return True
        return False

    # -- opening and refreshing ---------------------------------------------------------------
    def open_for(self, document_id: int) -> None:
        if document_id != self.document_id:
            self.document_id, self.choices = document_id, {}
            self.unit_list.clear()
        self.reload()
        self.show()
        self.raise_()
        self.activateWindow()
        self.table.setFocus()

    def apply(self, changes: Changes) -> None:
        """The main window applied `changes`: units re-read when they touch this document."""
        if not self.isVisible() or self.document_id is None:
            return
        claims = {c.id for u in self.units for c in [*u.claims.values(), u.consensus] if c is not None}
        if self.document_id in changes.documents or changes.claims & claims or changes.team or changes.codebook:
            self.reload()

    def reload(self) -> None:
        session = self.session()
        current = self.current_unit()
        key = unit_key(current) if current else None
        row = max(self.table.currentRow(), 0)
        try:
            title = session.documents.get(self.document_id).title
            self.units = session.reconcile.units(self.document_id)
        except Exception as exc:  # noqa: BLE001 - said in the window: the document became blind, or gone
            self.units = []
            self.unit_list.clear()
            self.table.setRowCount(0)
            self.message.setText(f"This document cannot be reconciled now: {user_message(exc)}")
            return
        self.setWindowTitle(f"Reconcile — {title}")
        self.heading.setText(f"{title}\n{len(self.units)} units of the extractors' claims, in reading order")
        done = sum(1 for u in self.units if u.reconciled)
        self.progress.setText(f"{done} of {len(self.units)} reconciled")
        keys = [unit_key(u) for u in self.units]
        self.unit_list.blockSignals(True)
        self.unit_list.clear()
        for number, unit in enumerate(self.units, 1):
            item = QListWidgetItem(unit_title(unit, number))  # an item's text is never markup
            item.setToolTip(tooltip(next(iter(unit.claims.values())).anchor.exact))
            self.unit_list.addItem(item)
        self.unit_list.setCurrentRow(keys.index(key) if key in keys else (0 if keys else -1))
        self.unit_list.blockSignals(False)
        shown = self.current_unit()
        self._show_unit(self.unit_list.currentRow(), row, quote=shown is not None and unit_key(shown) != key)

    # -- the unit shown -----------------------------------------------------------------------
    def current_unit(self) -> ReconUnit | None:
        row = self.unit_list.currentRow()
        return self.units[row] if 0 <= row < len(self.units) else None

    def choices_for(self, unit: ReconUnit) -> Choices:
        made = unit.consensus
        key = (unit_key(unit), made.id if made else None, made.version if made else None)
        if key not in self.choices:
            self.choices[key] = Choices.for_unit(unit)
        return self.choices[key]

    def _show_unit(self, index: int, field_row: int = 0, quote: bool = True) -> None:
        self.cancel_edit()
        unit = self.current_unit()
        self.save_button.setEnabled(bool(unit and unit.matched))
        self.accept_button.setEnabled(bool(unit and not unit.matched))
        self.reject_button.setEnabled(bool(unit and not unit.matched))
        if unit is None:
            self.table.setRowCount(0)
            self.unit_label.setText("No claims of two or more extractors to reconcile on this document.")
            return
        if quote:
            shown = unit.consensus or next(iter(unit.claims.values()))
            self.show_quote(unit.document_id, shown.anchor.start, shown.anchor.end)
            self.message.setText("")
        names = unit.reviewers
        quote = " ".join(next(iter(unit.claims.values())).anchor.exact.split())
        quote = f"\n“{quote if len(quote) <= 400 else quote[:399] + '…'}”"
        if unit.matched:
            differ = len(unit.differing)
            self.unit_label.setText(
                f"Unit {index + 1} · {unit_state(unit)} · claims of {', '.join(names)} · "
                f"{differ} field{'s' if differ != 1 else ''} differ{quote}"
            )
        else:
            words = {"accepted": "accepted", "rejected": "rejected"}.get(unit.decision, "not decided yet")
            self.unit_label.setText(
                f"Unit {index + 1} · only {names[0]} has this claim ({words}): Accept (A) keeps it as a consensus "
                f"claim, Reject (R) leaves it out{quote}"
            )
        headers = ["≠", "Field", *(f"{i}  {n}" if unit.matched else n for i, n in enumerate(names, 1))]
        headers += ["Consensus", "From"] if unit.matched else []
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(unit.fields))
        for r in range(len(unit.fields)):
            self._fill_row(unit, r)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(MARK, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(FIELD, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        values = range(2, len(headers) - (1 if unit.matched else 0))  # the reviewers' and the consensus
        for column in values:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        if unit.matched:
            header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.setCurrentCell(min(field_row, len(unit.fields) - 1), FIELD)

    def _fill_row(self, unit: ReconUnit, r: int) -> None:
        row = unit.fields[r]
        codebook = self.session().codebook
        cells = ["≠" if row.differs else "", row.label]
        cells += [value_text(codebook, row.key, row.values.get(n)) for n in unit.reviewers]
        source = ""
        if unit.matched:
            choices = self.choices_for(unit)
            source = choices.source(row.key)
            if source:
                cells.append(value_text(codebook, row.key, choices.value(unit, row.key)))
                number = unit.reviewers.index(source) + 1 if source in unit.reviewers else 0
                cells.append(EDITED if not number else f"{number} · {source}" if row.differs else AGREED)
            else:
                takes_only = row.key == QUOTE or codebook.field(row.key).kind == "terms"
                cells += ["(choose: 1, 2…)" if takes_only else "(choose: 1, 2… or E)", ""]
        taken = 2 + unit.reviewers.index(source) if unit.matched and source in unit.reviewers else -1
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if row.differs:
                font = item.font()
                font.setBold(True)
                item.setFont(font)
            if column == MARK and row.differs:
                item.setToolTip(tooltip("The reviewers' values differ"))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            elif column >= 2 and text not in ("", EMPTY):
                item.setToolTip(tooltip(text))
            if column == taken and row.differs:
                item.setBackground(self.palette().highlight().color().lighter(170))
            self.table.setItem(r, column, item)

    def _show_detail(self) -> None:
        unit, row = self.current_unit(), None
        r = self.table.currentRow()
        if unit is not None and 0 <= r < len(unit.fields):
            row = unit.fields[r]
        if row is None:
            self.detail.setText("")
            return
        codebook = self.session().codebook
        lines = [
            f"{i} · {n}: {value_text(codebook, row.key, row.values.get(n))}" for i, n in enumerate(unit.reviewers, 1)
        ]
        if unit.matched and self.choices_for(unit).source(row.key):
            lines.append(f"Consensus: {value_text(codebook, row.key, self.choices_for(unit).value(unit, row.key))}")
        self.detail.setText(f"{row.label}\n" + "\n".join(lines))

    # -- choosing -----------------------------------------------------------------------------
    def _field(self):
        unit = self.current_unit()
        r = self.table.currentRow()
        if unit is None or not unit.matched or not 0 <= r < len(unit.fields):
            return unit, None
        return unit, unit.fields[r]

    def take(self, number: int) -> None:
        unit, row = self._field()
        if row is None:
            self.message.setText("Select a field of a matched unit first." if unit else "")
            return
        if number > len(unit.reviewers):
            self.message.setText(f"This unit has {len(unit.reviewers)} reviewers.")
            return
        name = unit.reviewers[number - 1]
        choices = self.choices_for(unit)
        choices.edits.pop(row.key, None)
        choices.take[row.key] = name
        self._fill_row(unit, self.table.currentRow())
        self._show_detail()
        self.message.setText(f"{row.label}: {name}'s value. Ctrl+Enter saves the consensus.")

    def next_difference(self) -> None:
        unit, _ = self._field()
        if unit is None or not unit.matched:
            return
        rows = [r for r, f in enumerate(unit.fields) if f.differs]
        after = [r for r in rows if r > self.table.currentRow()] or rows
        if after:
            self.table.setCurrentCell(after[0], FIELD)

    def start_edit(self) -> None:
        unit, row = self._field()
        if row is None:
            return
        if row.key == QUOTE:
            self.message.setText("Quote: take one reviewer's quote (1, 2…); re-anchor the consensus claim later.")
            return
        f = self.session().codebook.field(row.key)
        if f.kind == "terms":
            self.message.setText(
                f"{f.label}: take one reviewer's terms (1, 2…); edit them on the consensus claim in the main window."
            )
            return
        value = self.choices_for(unit).value(unit, row.key)
        self.editing = row.key
        self.edit_label.setText(f"Consensus {f.label}:")
        self.line.setVisible(f.kind != "choice")
        self.combo.setVisible(f.kind == "choice")
        if f.kind == "choice":
            self.combo.clear()
            self.combo.addItem(EMPTY, "")
            for choice in f.choices:
                if not choice.retired or choice.key == value:
                    self.combo.addItem(choice.label, choice.key)
            self.combo.setCurrentIndex(max(self.combo.findData(value or ""), 0))
            target: QWidget = self.combo
        else:
            self.line.setText(value_text(self.session().codebook, row.key, value) if value not in (None, "") else "")
            self.line.selectAll()
            target = self.line
        self.edit_row.show()
        self.message.setText("Enter keeps the value, Esc leaves it.")
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def commit_edit(self) -> bool:
        """The edit row's value becomes the field's consensus value; False if it is no valid value."""
        if self.editing is None:
            return True
        unit, key = self.current_unit(), self.editing
        f = self.session().codebook.field(key)
        if f.kind == "choice":
            value = self.combo.currentData() or ""
        else:
            value = self.line.text()
            if f.kind in ("number", "integer"):
                problem = number_problem(f, value) if value.strip() else None
                if problem:
                    self.message.setText(problem)
                    return False
                value = value.strip() or None
        choices = self.choices_for(unit)
        choices.take.pop(key, None)
        choices.edits[key] = value
        self.cancel_edit()
        self._fill_row(unit, next(r for r, row in enumerate(unit.fields) if row.key == key))
        self._show_detail()
        self.message.setText(f"{f.label}: edited. Ctrl+Enter saves the consensus.")
        return True

    def cancel_edit(self) -> None:
        if self.editing is None:
            return
        self.editing = None
        self.edit_row.hide()
        self.table.setFocus()

    # -- saving -------------------------------------------------------------------------------
    def save(self) -> None:
        if not self.commit_edit():
            return
        unit = self.current_unit()
        if unit is None or not unit.matched:
            self.message.setText("Unmatched claims are accepted (A) or rejected (R).")
            return
        choices = self.choices_for(unit)
        missing = choices.undecided(unit)
        if missing:
            self.message.setText(f"Choose a value first (1, 2… or E) for: {', '.join(missing)}.")
            return
        if self.run(ReconcileUnit(self.session(), unit, choices.draft(unit))):
            self.message.setText("Consensus saved. Ctrl+Z undoes it; N goes to the next unit.")

    def decide(self, accept: bool) -> None:
        unit = self.current_unit()
        if unit is None or unit.matched:
            self.message.setText("Accept and Reject are for a claim no other extractor matched.")
            return
        if self.run(DecideUnmatched(self.session(), unit, accept)):
            self.message.setText(f"{'Accepted' if accept else 'Rejected'}. Ctrl+Z undoes it.")

    def step(self, by: int) -> None:
        row = self.unit_list.currentRow() + by
        if 0 <= row < self.unit_list.count():
            self.unit_list.setCurrentRow(row)
