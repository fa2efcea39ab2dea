"""The claim form, generated from the codebook: a new field or choice there needs no code here."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QDoubleValidator, QIntValidator
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from curator.core.codebook import Codebook, FormField
from curator.core.records import ClaimDraft, ClaimRecord, TermInfo, TermRef
from curator.ui.term_picker import TermPicker

QUOTE_PREVIEW_CHARS = 400


class ClaimForm(QWidget):
    dirtyChanged = Signal(bool)
    saveRequested = Signal()
    deleteRequested = Signal()
    newTermRequested = Signal(str, str)  # role, typed text

    def __init__(self, codebook: Codebook, parent=None):
        super().__init__(parent)
        self.codebook = codebook
        self.mode = "empty"  # empty | new | edit
        self.claim_id: int | None = None
        self.document_id: int | None = None
        self.start = self.end = 0
        self._baseline: tuple | None = None
        self._loading = False
        self.widgets: dict[str, QWidget] = {}
        self.pickers: dict[str, TermPicker] = {}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        self.heading = QLabel()
        self.heading.setObjectName("formHeading")
        self.quote = QLabel()
        self.quote.setObjectName("quote")
        self.quote.setWordWrap(True)
        self.quote.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.quote.setFrameShape(QFrame.Shape.StyledPanel)
        outer.addWidget(self.heading)
        outer.addWidget(self.quote)

        body = QWidget()
        self.layout_ = QFormLayout(body)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout_.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        for f in codebook.fields:
            widget = self._make_widget(f)
            self.widgets[f.key] = widget
            label = QLabel(f.label)
            if f.help:
                label.setToolTip(f.help)
                widget.setToolTip(f.help)
            label.setBuddy(widget if not isinstance(widget, TermPicker) else widget.edit)
            self.layout_.addRow(label, widget)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)

        buttons = QHBoxLayout()
        self.save_button = QPushButton("Save")
        self.save_button.setToolTip("Save the claim (Ctrl+S or Ctrl+Enter)")
        self.save_button.setDefault(True)
        self.revert_button = QPushButton("Revert")
        self.revert_button.setToolTip("Throw away the changes made in the form since it was loaded")
        self.delete_button = QPushButton("Delete")
        self.save_button.clicked.connect(self.saveRequested)
        self.revert_button.clicked.connect(self.revert)
        self.delete_button.clicked.connect(self.deleteRequested)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)
        self.clear()

    # -- construction -------------------------------------------------------------------------
    def _make_widget(self, f: FormField) -> QWidget:
        if f.kind == "terms":
            picker = TermPicker(f.key, f.label)
            picker.changed.connect(self._on_edited)
            picker.newTermRequested.connect(self.newTermRequested)
            self.pickers[f.key] = picker
            return picker
        if f.kind == "choice":
            combo = QComboBox()
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
            combo.addItem("—", "")
            for choice in f.choices:
                combo.addItem(choice.label, choice.key)
            combo.currentIndexChanged.connect(self._on_edited)
            return combo
        if f.kind == "longtext":
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(80)
            edit.textChanged.connect(self._on_edited)
            return edit
        edit = QLineEdit()
        if f.kind in ("number", "integer"):
            validator = QDoubleValidator(edit) if f.kind == "number" else QIntValidator(0, 2_000_000_000, edit)
            validator.setLocale(QLocale.c())  # a decimal point, whatever the desktop's locale
            if isinstance(validator, QDoubleValidator):
                validator.setNotation(QDoubleValidator.Notation.StandardNotation)
            edit.setValidator(validator)
            edit.setMaximumWidth(140)
            edit.setPlaceholderText("not reported")
        edit.textChanged.connect(self._on_edited)
        return edit

    def set_vocabulary(self, terms_for_role: dict[str, list[TermInfo]]) -> None:
        for role, picker in self.pickers.items():
            picker.set_terms(terms_for_role.get(role, []))

    # -- values -------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in self.codebook.value_fields:
            w = self.widgets[f.key]
            if isinstance(w, QComboBox):
                out[f.key] = w.currentData() or ""
            elif isinstance(w, QPlainTextEdit):
                out[f.key] = w.toPlainText()
            else:
                text = w.text().strip()
                out[f.key] = text if f.kind in ("text",) else (text or None)
        return out

    def terms(self) -> tuple[TermRef, ...]:
        return tuple(ref for picker in self.pickers.values() for ref in picker.refs())

    def draft(self) -> ClaimDraft:
        assert self.document_id is not None
        return ClaimDraft(self.document_id, self.start, self.end, self.values(), self.terms())

    def set_values(self, values: dict[str, Any], terms: tuple[TermRef, ...]) -> None:
        for f in self.codebook.value_fields:
            w = self.widgets[f.key]
            value = values.get(f.key)
            if isinstance(w, QComboBox):
                index = w.findData(value or f.default or "")
                w.setCurrentIndex(max(index, 0))
            elif isinstance(w, QPlainTextEdit):
                w.setPlainText(value or "")
            else:
                w.setText("" if value is None else (f"{value:g}" if isinstance(value, float) else str(value)))
                w.setCursorPosition(0)
        for role, picker in self.pickers.items():
            picker.set_refs(tuple(t for t in terms if t.role == role))

    def _snapshot(self) -> tuple:
        return self.values(), self.terms()

    # -- states -------------------------------------------------------------------------------
    def _load(self, mode: str, document_id, start: int, end: int, quote: str, values: dict, terms: tuple) -> None:
        self._loading = True
        try:
            self.mode, self.document_id, self.start, self.end = mode, document_id, start, end
            shown = quote if len(quote) <= QUOTE_PREVIEW_CHARS else quote[:QUOTE_PREVIEW_CHARS] + "…"
            self.quote.setText(
                f"“{shown}”" if quote else "Select a passage in the reader, then press New claim (Ctrl+N)."
            )
            self.set_values(values, terms)
            self._baseline = self._snapshot()
        finally:
            self._loading = False
        editable = mode != "empty"
        for w in [*self.widgets.values(), self.save_button]:
            w.setEnabled(editable)
        self.delete_button.setEnabled(mode == "edit")
        self.heading.setText({"empty": "No claim selected", "new": "New claim", "edit": f"Claim {self.claim_id}"}[mode])
        self._update_buttons()
        self.dirtyChanged.emit(False)

    def load_new(self, document_id: int, start: int, end: int, quote: str) -> None:
        self.claim_id = None
        defaults = {f.key: f.default for f in self.codebook.value_fields if f.default}
        self._load("new", document_id, start, end, quote, defaults, ())
        # a new claim is unsaved work from the start: the quote alone is worth keeping
        self._baseline = None
        self._update_buttons()
        self.dirtyChanged.emit(True)
        first = self.widgets.get("statement")
        if first is not None:
            first.setFocus()

    def load_record(self, record: ClaimRecord) -> None:
        self.claim_id = record.id
        self._load(
            "edit",
            record.document_id,
            record.anchor.start,
            record.anchor.end,
            record.anchor.exact,
            record.values,
            record.terms,
        )
        if record.orphaned:
            self.heading.setText(f"Claim {record.id} — orphaned")
            self.quote.setText(
                f"“{self.quote.text().strip('“”')}”\n\n⚠ Not in the current version of this document. Select the passage "
                "in the reader and press Ctrl+Shift+R (Claim → Re-anchor to selection), or leave it orphaned."
            )

    def clear(self) -> None:
        self.claim_id = None
        self._load("empty", None, 0, 0, "", {}, ())

    def revert(self) -> None:
        if self.mode == "edit" and self._baseline is not None:
            values, terms = self._baseline
            self._loading = True
            self.set_values(values, terms)
            self._loading = False
            self._update_buttons()
            self.dirtyChanged.emit(False)
        elif self.mode == "new":
            self.clear()

    def is_dirty(self) -> bool:
        if self.mode == "new":
            return True
        return self.mode == "edit" and self._baseline is not None and self._snapshot() != self._baseline

    def mark_saved(self) -> None:
        self._baseline = self._snapshot()
        self._update_buttons()
        self.dirtyChanged.emit(False)

    def _on_edited(self, *args) -> None:
        if not self._loading:
            self._update_buttons()
            self.dirtyChanged.emit(self.is_dirty())

    def _update_buttons(self) -> None:
        self.revert_button.setEnabled(self.is_dirty())
