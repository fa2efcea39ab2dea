"""Document → Reconcile… (Ctrl+Shift+C, issue 12): an adjudicator turns the extractors' claims on a
document into consensus claims, unit by unit, with the keyboard.

Left, the document's units in reading order with their state (matched, only one reviewer's,
reconciled ✓, accepted ✓, rejected) and "n of m reconciled". Right, the selected unit field by field:
each reviewer's value as plain text, differing rows in bold with "≠" (never colour alone), and the
consensus value with whose it is. Keys (in the table or the list): Up/Down a field, D the next
differing field, 1…9 (or Alt+1…9) take that reviewer's value, E edits the consensus value
(curator/ui/reconcile_edit.py: a line, a combo of choices, a multi-line text, a checklist of terms),
Ctrl+Enter saves the consensus, A / R accept or reject a claim no other extractor matched, N / P the
next or previous unit. Saving pushes a core command on the main window's undo stack (Ctrl+Z here or
there undoes it); the window re-reads the units from the Changes the window applies, so a half-done
document reopens half done. Choices not saved yet are never dropped silently: closing the window (or
turning it to another document) asks to save the units whose every field is chosen, discard, or stay.
A unit whose claims an extractor changed after it was reconciled says so, and which fields.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from curator.core.errors import user_message
from curator.core.reconcile import QUOTE, ReconUnit
from curator.core.reconcile_commands import DecideUnmatched, ReconcileUnit
from curator.core.records import Changes
from curator.core.session import Session
from curator.ui.plain import plain_label, tooltip
from curator.ui.reconcile_edit import ValueEditor
from curator.ui.reconcile_prompts import ask_unsaved
from curator.ui.reconcile_rows import (
    EMPTY,
    Choices,
    choices_key,
    row_cells,
    saved_value,
    stale_words,
    unit_key,
    unit_state,
    unit_title,
    unsaved,
    value_text,
)

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
        self.ask_unsaved = ask_unsaved  # the question on closing with unsaved choices
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
        self.editor = ValueEditor()
        self.editor.kept.connect(self.commit_edit)
        self.editor.left.connect(self.cancel_edit)
        self.edit_row, self.line, self.combo = self.editor, self.editor.line, self.editor.combo
        body.addWidget(self.editor)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([330, 820])
        layout.addWidget(split, 1)

        self.message = plain_label()
        self.message.setObjectName("reconcileMessage")
        self.editor.said.connect(self.message.setText)
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
        for widget in (self.table, self.unit_list):
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
        if document_id != self.document_id and self.isVisible() and not self.resolve_unsaved():
            self.raise_()  # she stays on the document she was reconciling
            return
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
        stale = sum(1 for u in self.units if u.stale)
        changed = f" · {stale} changed since" if stale else ""
        self.progress.setText(f"{done} of {len(self.units)} reconciled{changed}")
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
        key = choices_key(unit)
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
        labels = {row.key: row.label for row in unit.fields}
        quote = f"\n{stale_words(unit, labels)}{quote}" if unit.stale else quote
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
        choices = self.choices_for(unit) if unit.matched else None
        cells, source = row_cells(self.session().codebook, unit, row, choices)
        taken = 2 + unit.reviewers.index(source) if source in unit.reviewers else -1
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
        if row.key in unit.changed:
            lines.append(f"Consensus as reconciled: {value_text(codebook, row.key, saved_value(unit, row.key))}")
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
        session = self.session()
        f = session.codebook.field(row.key)
        choices = self.choices_for(unit)
        if f.kind == "terms":
            offered, ticked = choices.terms_to_edit(unit, row.key)
            vocabulary = session.terms.for_role(row.key)
            target = self.editor.start_terms(f, offered, ticked, vocabulary, frozenset(session.terms.usage_counts()))
        else:
            value = choices.value_to_edit(unit, row, f.kind)
            text = value_text(session.codebook, row.key, value) if value not in (None, "") else ""
            target = self.editor.start(f, value, text)
        self.editing = row.key
        self.message.setText(self.editor.hint)
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def commit_edit(self) -> bool:
        """The edit row's value becomes the field's consensus value; False if it is no valid value."""
        if self.editing is None:
            return True
        unit, key = self.current_unit(), self.editing
        value, problem = self.editor.result()
        if problem:
            self.message.setText(problem)
            return False
        choices = self.choices_for(unit)
        choices.take.pop(key, None)
        choices.edits[key] = value
        self.cancel_edit()
        self._fill_row(unit, next(r for r, row in enumerate(unit.fields) if row.key == key))
        self._show_detail()
        label = self.session().codebook.field(key).label
        self.message.setText(f"{label}: edited. Ctrl+Enter saves the consensus.")
        return True

    def cancel_edit(self) -> None:
        if self.editing is None:
            return
        self.editing = None
        self.editor.stop()
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

    # -- closing: nothing chosen is lost silently ------------------------------------------------
    def resolve_unsaved(self, can_stay: bool = True) -> bool:
        """Before the window closes or turns to another document: save the units whose every field is
        chosen, discard the choices, or (with can_stay) keep editing. True when it may go on."""
        if self.editing is not None and not self.commit_edit():
            if can_stay:
                return False
            self.cancel_edit()
        dirty = unsaved(self.units, self.choices)
        if not dirty:
            return True
        complete = [(u, c) for u, c in dirty if not c.undecided(u)]
        answer = self.ask_unsaved(self, len(complete), len(dirty) - len(complete), can_stay)
        if answer == "stay":
            return False
        if answer == "save":
            for unit, choices in complete:
                if not self.run(ReconcileUnit(self.session(), unit, choices.draft(unit))):
                    return not can_stay  # said by run(); she sees what is left
        self.choices = {}
        return True

    def reject(self) -> None:  # Esc, Close, the title bar's ✕ (QDialog.closeEvent calls reject)
        if self.resolve_unsaved():
            super().reject()

    def step(self, by: int) -> None:
        row = self.unit_list.currentRow() + by
        if 0 <= row < self.unit_list.count():
            self.unit_list.setCurrentRow(row)
