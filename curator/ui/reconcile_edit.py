"""The Reconcile window's edit row (curator/ui/reconcile_window.py): the adjudicator's own consensus value
for one field. A number or a short value in a line edit, a choice in a combo of the codebook's choices,
a text in a multi-line editor (Enter starts a new line there; Ctrl+Enter keeps it), and a term role as
a checklist of every term the reviewers gave it, ticked with Space, plus a field that adds any other
codebook term, ranked as the claim form's picker ranks them (curator/ui/term_picker.py).

Enter (Ctrl+Enter in a text) emits `kept`, Esc `left`; the window reads `result()` and says the hint.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from curator.core.claims import number_problem
from curator.core.codebook import FormField
from curator.core.records import TermInfo, TermRef
from curator.ui.plain import plain_label, tooltip
from curator.ui.reconcile_rows import EMPTY, term_identity
from curator.ui.term_picker import TermPicker

REF_ROLE = Qt.ItemDataRole.UserRole
TEXT_KINDS = ("text", "longtext")
HINTS = {
    "line": "Enter keeps the value, Esc leaves it.",
    "text": "Ctrl+Enter keeps the text (Enter starts a new line there), Esc leaves it.",
    "terms": "↑/↓ a term · Space ticks or unticks it · type below to add another codebook term · "
    "Enter keeps the ticked terms, Esc leaves them.",
}


class _AddTerm(TermPicker):
    """The claim form's ranked type-ahead, whose chosen term goes to the checklist instead of a chip."""

    picked = Signal(object)  # TermInfo

    def add_term(self, term: TermInfo) -> None:
        self.picked.emit(term)


class TermChecklist(QWidget):
    """Every term the reviewers gave one role, ticked when it is in the consensus; more can be added."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.list = QListWidget()
        self.list.setObjectName("reconcileTermList")
        self.picker = _AddTerm("", "terms")
        self.picker.picked.connect(self.add)
        layout.addWidget(self.list)
        layout.addWidget(self.picker)
        self.role = ""

    def load(
        self,
        role: str,
        label: str,
        offered: list[TermRef],
        ticked: list[TermRef],
        vocabulary: list[TermInfo],
        used: frozenset[int],
    ) -> None:
        self.role = role
        self.list.clear()
        self.picker.role, self.picker.role_label = role, label
        self.picker.edit.setPlaceholderText(f"Type to add another {label.lower()} term from the codebook…")
        self.picker.set_terms(vocabulary, used)
        self.picker.clear_pending()
        keep = {term_identity(t) for t in ticked}
        seen: set[tuple] = set()
        for ref in [*offered, *ticked]:
            if term_identity(ref) not in seen:
                seen.add(term_identity(ref))
                self._item(ref, term_identity(ref) in keep)
        self.list.setCurrentRow(0 if self.list.count() else -1)
        self._fit()

    def _item(self, ref: TermRef, ticked: bool) -> QListWidgetItem:
        text = ref.label + (f"  ·  {ref.identifier}" if ref.identifier else "")
        item = QListWidgetItem(text if ref.term_id is not None else f"{text} (not in the vocabulary)")
        item.setData(REF_ROLE, ref)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        item.setToolTip(tooltip(ref.identifier or "no identifier"))
        self.list.addItem(item)
        return item

    def _fit(self) -> None:
        rows = min(max(self.list.count(), 2), 6)
        row = self.list.sizeHintForRow(0) if self.list.count() else self.list.fontMetrics().height() + 6
        self.list.setFixedHeight(row * rows + 2 * self.list.frameWidth() + 4)

    def add(self, term: TermInfo) -> None:
        """A codebook term typed below: ticked (added to the list if no reviewer gave it)."""
        ref = TermRef(self.role, term.label, term.identifier, term.id)
        items = [self.list.item(i) for i in range(self.list.count())]
        item = next((i for i in items if term_identity(i.data(REF_ROLE)) == term_identity(ref)), None)
        if item is None:
            item = self._item(ref, True)
            self._fit()
        item.setCheckState(Qt.CheckState.Checked)
        self.list.setCurrentItem(item)
        self.picker.clear_pending()

    def refs(self) -> tuple[TermRef, ...]:
        items = [self.list.item(i) for i in range(self.list.count())]
        return tuple(i.data(REF_ROLE) for i in items if i.checkState() == Qt.CheckState.Checked)


class ValueEditor(QWidget):
    """One field's consensus value being edited; `kept` / `left` when the adjudicator is done."""

    kept = Signal()
    left = Signal()
    said = Signal(str)  # a line for the window's message

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = plain_label()
        self.line = QLineEdit()
        self.combo = QComboBox()
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(self.text.fontMetrics().lineSpacing() * 5 + 12)
        self.terms = TermChecklist()
        layout.addWidget(self.label, 0, Qt.AlignmentFlag.AlignTop)
        self.editors: dict[str, QWidget] = {"line": self.line, "choice": self.combo, "text": self.text}
        self.editors["terms"] = self.terms
        for editor in self.editors.values():
            layout.addWidget(editor, 1)
        for widget in (self.line, self.combo, self.text, self.terms.list, self.terms.picker.edit):
            widget.installEventFilter(self)
        self.terms.picker.newTermRequested.connect(
            lambda _role, text: self.said.emit(f"No codebook term is called '{text}'; add it in the vocabulary first.")
        )
        self.field: FormField | None = None
        self.mode = ""
        self.hide()

    def _show(self, f: FormField, mode: str) -> QWidget:
        self.field, self.mode = f, mode
        self.label.setText(f"Consensus {f.label}:")
        for name, editor in self.editors.items():
            editor.setVisible(name == mode)
        self.show()
        return self.terms.list if mode == "terms" else self.editors[mode]

    def start(self, f: FormField, value: Any, text: str) -> QWidget:
        """Edit a value field; `text` is the value as the window shows it. Returns the widget to focus."""
        if f.kind == "choice":
            self.combo.clear()
            self.combo.addItem(EMPTY, "")
            for choice in f.choices:
                if not choice.retired or choice.key == value:
                    self.combo.addItem(choice.label, choice.key)
            self.combo.setCurrentIndex(max(self.combo.findData(value or ""), 0))
            return self._show(f, "choice")
        if f.kind in TEXT_KINDS:
            self.text.setPlainText("" if value is None else str(value))  # its own lines, not as shown
            self.text.selectAll()
            return self._show(f, "text")
        self.line.setText(text)
        self.line.selectAll()
        return self._show(f, "line")

    def start_terms(self, f: FormField, offered, ticked, vocabulary, used) -> QWidget:
        self.terms.load(f.key, f.label, offered, ticked, vocabulary, used)
        return self._show(f, "terms")

    @property
    def hint(self) -> str:
        return HINTS.get(self.mode, HINTS["line"])

    def result(self) -> tuple[Any, str]:
        """(the value, "") or (None, why it is no valid value)."""
        f = self.field
        assert f is not None
        if self.mode == "choice":
            return self.combo.currentData() or "", ""
        if self.mode == "terms":
            pending = self.terms.picker.pending_text()
            if pending and not self.terms.picker.resolve_pending():
                return None, f"{f.label}: '{pending}' names no one codebook term; pick one of the suggestions."
            return self.terms.refs(), ""
        if self.mode == "text":
            return self.text.toPlainText(), ""
        value = self.line.text()
        if f.kind in ("number", "integer"):
            problem = number_problem(f, value) if value.strip() else None
            return (None, problem) if problem else (value.strip() or None, "")
        return value, ""

    def stop(self) -> None:
        self.field, self.mode = None, ""
        self.terms.picker.clear_pending()
        self.hide()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.ShortcutOverride):
            return False
        key = event.key()
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        enter = key in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        if kind == QEvent.Type.ShortcutOverride:  # Ctrl+Enter keeps the edit here; it saves only from the table
            if enter and mods == Qt.KeyboardModifier.ControlModifier:
                event.accept()
                return True
            return False
        if key == Qt.Key.Key_Escape:
            self.left.emit()
            return True
        if not enter or mods not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ControlModifier):
            return False
        if mods == Qt.KeyboardModifier.NoModifier:
            if watched is self.text:
                return False  # a new line
            # typed text: the picker turns it into a term. (The Enter that takes a suggestion from the
            # popup reaches the field past this filter: QCompleter passes it to the field's event().)
            if watched is self.terms.picker.edit and self.terms.picker.pending_text():
                return False
        self.kept.emit()
        return True


__all__ = ["TermChecklist", "ValueEditor"]
