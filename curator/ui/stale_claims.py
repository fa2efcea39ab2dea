"""A save or delete refused because another client changed (or deleted) the claim since the form
loaded it: say who and when, show both versions field by field, keep the reviewer's input, and let
her keep it over theirs on purpose or load theirs. Nothing is ever written over their version silently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from curator.core.codebook import Codebook
from curator.core.errors import StaleClaimError
from curator.core.records import Changes, ClaimDraft, ClaimRecord, TermRef
from curator.ui.claim_form import ClaimForm
from curator.ui.plain import plain_label

Row = tuple[str, str, str]  # field label, their version, the form's input


def _shown(field, value: Any) -> str:
    if value is None:
        return ""
    if field.choices:
        return field.choice_label(str(value)) if value else ""
    return str(value)


def _terms(terms: tuple[TermRef, ...], role: str) -> str:
    return "; ".join(t.label for t in terms if t.role == role)


def compare(codebook: Codebook, theirs: ClaimRecord | None, mine: ClaimDraft, quote: str) -> list[Row]:
    """Every field either version fills, theirs beside the form's; the quote when the anchors differ."""
    rows: list[Row] = []
    if theirs is None or (theirs.anchor.start, theirs.anchor.end) != (mine.start, mine.end):
        rows.append(("Quote", theirs.anchor.exact if theirs else "", quote))
    for field in codebook.value_fields:
        a = _shown(field, theirs.values.get(field.key)) if theirs else ""
        b = _shown(field, mine.values.get(field.key))
        if a or b:
            rows.append((field.label, a, b))
    for field in codebook.term_fields:
        a = _terms(theirs.terms, field.key) if theirs else ""
        b = _terms(mine.terms, field.key)
        if a or b:
            rows.append((field.label, a, b))
    return rows


class StaleClaimDialog(QDialog):
    """Who changed the claim and when, both versions side by side (rows that differ in bold)."""

    def __init__(self, message: str, rows: list[Row], deleted: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Claim deleted by someone else" if deleted else "Claim changed by someone else")
        self.setObjectName("staleClaimDialog")
        self.choice: str | None = None
        layout = QVBoxLayout(self)
        label = plain_label(message)
        label.setWordWrap(True)
        layout.addWidget(label)
        columns = ["Field", "Your input"] if deleted else ["Field", "Their version (saved)", "Your input"]
        self.table = QTableWidget(len(rows), len(columns))
        self.table.setObjectName("staleVersions")
        self.table.setHorizontalHeaderLabels(columns)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        bold = QFont(self.font())
        bold.setBold(True)
        for r, (name, theirs, mine) in enumerate(rows):
            cells = (name, mine) if deleted else (name, theirs, mine)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)  # items show text as it is, never as markup
                if theirs != mine and not deleted:
                    item.setFont(bold)
                item.setToolTip(None)
                self.table.setItem(r, c, item)
        header = self.table.horizontalHeader()
        for c in range(1, len(columns)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        layout.addWidget(self.table, 1)
        if not deleted:
            layout.addWidget(plain_label("Rows in bold differ."))
        buttons = QDialogButtonBox()
        if deleted:
            choices = (("new", "Save as a &new claim"), ("keep", "&Keep it in the form"), ("discard", "&Discard it"))
        else:
            choices = (("keep", "&Keep my input"), ("theirs", "&Load their version"))
        self.buttons = {}
        for key, text in choices:
            button = buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
            button.clicked.connect(lambda _=False, k=key: self._choose(k))
            self.buttons[key] = button
        layout.addWidget(buttons)
        self.resize(640, 420)

    def _choose(self, key: str) -> None:
        self.choice = key
        self.accept()


class StaleClaimResolver:
    """What the claim editor does with a StaleClaimError from Save or Delete."""

    def __init__(
        self,
        codebook: Callable[[], Codebook],
        form: ClaimForm,
        quote_of: Callable[[int, int], str],
        ask: Callable[[str, list[Row], bool], str | None],
        apply_changes: Callable[[Changes], None],
        save: Callable[[], bool],
        say: Callable[[str, int], None],
    ):
        self.codebook, self.form, self.quote_of, self.ask = codebook, form, quote_of, ask
        self.apply_changes, self.save, self.say = apply_changes, save, say

    def resolve(self, error: StaleClaimError, claim_id: int, draft: ClaimDraft) -> bool:
        """Show both versions and do what the reviewer picks; True if her input was saved after all."""
        theirs = error.current
        rows = compare(self.codebook(), theirs, draft, self.quote_of(draft.start, draft.end))
        # the table and reader show what is stored now; a dirty form keeps its input (a deleted
        # claim's becomes a new claim's), an emptied one is refilled below
        self.apply_changes(Changes(documents=frozenset({draft.document_id}), claims=frozenset({claim_id})))
        answer = self.ask(str(error), rows, theirs is None)
        if theirs is None:
            if self.form.mode != "new" and answer in ("new", "keep"):  # emptied, or its id is another claim's now
                self.form.load_new(draft.document_id, draft.start, draft.end, self.quote_of(draft.start, draft.end))
                self.form.set_values(draft.values, draft.terms)
                self.form.dirtyChanged.emit(self.form.is_dirty())
            if answer == "new":
                return self.save()
            if answer == "discard":
                self.form.clear()
            return False
        if answer == "theirs":
            self.form.load_record(theirs)
            self.say(f"Claim {theirs.id} now shows the saved version; your input was dropped.", 8000)
        elif answer == "keep" or self.form.mode == "empty":
            self.form.load_record(theirs)  # their version is the one the next Save replaces, on purpose
            self.form.set_values(draft.values, draft.terms)
            self.form.dirtyChanged.emit(self.form.is_dirty())
            if answer == "keep":
                self.say(f"Your input is kept over version {theirs.version}: Save (Ctrl+S) writes it.", 10000)
        return False
