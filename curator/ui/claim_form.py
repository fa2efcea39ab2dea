"""The claim form, generated from the codebook: a new field or choice there needs no code here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
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
from curator.ui.form_problems import FormProblems
from curator.ui.plain import plain_label

if TYPE_CHECKING:
    from curator.ui.term_picker import TermPicker

QUOTE_PREVIEW_CHARS = 400
NARROW_FORM = 420  # px: below this the form puts its labels above the fields


class ClaimForm(QWidget, FormProblems):
    dirtyChanged = Signal(bool)  # after every edit (the draft autosave restarts its delay on each)
    # Only when is_dirty() or the mode changes: what the window's actions and buttons depend on. Their
    # refresh cost more than the rest of a keystroke when it ran on every key.
    stateChanged = Signal()
    saveRequested = Signal()
    deleteRequested = Signal()
    newTermRequested = Signal(str, str)  # role, typed text
    loaded = Signal()  # another claim (or none) in the form: its suggestions are asked afresh

    def __init__(self, codebook: Codebook, parent=None, fields_now: bool = True):
        """`fields_now=False` leaves the field rows (most of the form's cost) to build_fields(), which
        the window calls right after its first paint; anything that asks for a field builds them."""
        super().__init__(parent)
        self.codebook = codebook
        self.mode = "empty"  # empty | new | edit
        self.claim_id: int | None = None
        self.version: int | None = None  # the loaded claim's version: a save over a newer one is refused
        self.uuid = ""  # and its identity (SQLite may give a deleted claim's id to a new one)
        self.document_id: int | None = None
        self.start = self.end = 0
        self._baseline: tuple | None = None
        # Dirty tracking per field, so a keystroke compares one field with its baseline instead of
        # reading the whole form: the parts (field key or term role -> value) as loaded, the parts
        # that differ from them now, and the term fields holding typed text that is not a term yet.
        self._base_parts: dict[str, Any] = {}
        self._differs: set[str] = set()
        self._pending: set[str] = set()
        self._new_defaults: tuple = ({}, ())
        self._loading = False
        self._announced: tuple[bool, str] = (False, "empty")  # (dirty, mode) as stateChanged last said
        self._buttons_dirty: bool | None = None  # what the Save and Revert buttons show
        self._widgets: dict[str, QWidget] = {}
        self._labels: dict[str, QLabel] = {}
        self._pickers: dict[str, TermPicker] = {}
        # per value field, what reads its value: chosen once here, not by type tests on every keystroke
        self._readers: dict[str, Callable[[], Any]] = {}
        self._fields_built = False
        self._vocabulary: tuple[dict[str, list[TermInfo]], frozenset[int]] | None = None
        self._number_keys = {f.key for f in codebook.fields if f.kind in ("number", "integer")}
        self._value_fields = {f.key: f for f in codebook.value_fields}
        self.invalid: dict[str, str] = {}  # field key -> what is wrong with it, as last reported
        self._problems: list[tuple[str, str]] = []  # (field key, message) as listed under "Not saved"
        # which values came from an accepted suggestion, for the draft (set by curator/ui/suggestions.py)
        self.provenance: Callable[[], tuple[tuple[str, str, str], ...]] = tuple

        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # F6 can land here while no claim is open
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        self.heading = plain_label()
        self.heading.setObjectName("formHeading")
        self.quote = plain_label()
        self.quote.setObjectName("quote")
        self.quote.setWordWrap(True)
        self.quote.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.quote.setFrameShape(QFrame.Shape.StyledPanel)
        self.problems = plain_label()
        self.problems.setObjectName("formProblems")
        self.problems.setWordWrap(True)
        self.problems.hide()
        outer.addWidget(self.heading)
        outer.addWidget(self.quote)
        outer.addWidget(self.problems)

        body = QWidget()
        self.layout_ = QFormLayout(body)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.layout_.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(body)
        outer.addWidget(self.scroll, 1)

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
        if fields_now:
            self.build_fields()
        self.clear()

    @property
    def widgets(self) -> dict[str, QWidget]:
        self.build_fields()
        return self._widgets

    @property
    def labels(self) -> dict[str, QLabel]:
        self.build_fields()
        return self._labels

    @property
    def pickers(self) -> dict[str, TermPicker]:
        self.build_fields()
        return self._pickers

    def build_fields(self) -> None:
        """One row per codebook field; once (later calls return at once)."""
        if self._fields_built:
            return
        self._fields_built = True
        for f in self.codebook.fields:
            widget = self._make_widget(f)
            self._widgets[f.key] = widget
            label = plain_label(f.label)
            self._labels[f.key] = label
            if f.help:
                label.setToolTip(f.help)
                widget.setToolTip(f.help)
            label.setBuddy(self._input(f.key))
            self.layout_.addRow(label, widget)
        if self._vocabulary is not None:
            self.set_vocabulary(*self._vocabulary)
        if self.mode == "empty":  # as clear() leaves them (a load under way sets its own state)
            for widget in self._widgets.values():
                widget.setEnabled(False)
            self._baseline = self._snapshot()
            self._rebase()

    # -- construction -------------------------------------------------------------------------
    def _make_widget(self, f: FormField) -> QWidget:
        if f.kind == "terms":
            from curator.ui.term_picker import TermPicker  # with the fields: after the first paint

            picker = TermPicker(f.key, f.label)
            picker.changed.connect(lambda key=f.key: self._on_edited(key))
            picker.newTermRequested.connect(self.newTermRequested)
            self._pickers[f.key] = picker
            return picker
        if f.kind == "choice":
            combo = QComboBox()
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
            self._fill_choices(combo, f)
            combo.currentIndexChanged.connect(lambda _=0, key=f.key: self._on_edited(key))
            self._readers[f.key] = lambda: combo.currentData() or ""
            return combo
        if f.kind == "longtext":
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(80)
            edit.textChanged.connect(lambda key=f.key: self._on_edited(key))
            self._readers[f.key] = edit.toPlainText
            return edit
        edit = QLineEdit()
        if f.kind in ("number", "integer"):
            # No validator: one would silently drop keys ("3.5" became 35). What is typed stays, and a
            # field that does not hold a number is marked at once.
            edit.setMaximumWidth(140)
            edit.setPlaceholderText("not reported")
        edit.textChanged.connect(lambda _="", key=f.key: self._on_edited(key))
        if f.kind == "text":
            self._readers[f.key] = lambda: edit.text().strip()
        else:
            self._readers[f.key] = lambda: edit.text().strip() or None
        return edit

    @staticmethod
    def _fill_choices(combo: QComboBox, f: FormField, keep: str | None = None) -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItem("—", "")
        for choice in f.choices:
            if not choice.retired or choice.key == keep:
                combo.addItem(choice.label, choice.key)
        combo.setCurrentIndex(max(combo.findData(keep or ""), 0))
        combo.blockSignals(False)

    def resizeEvent(self, event) -> None:  # noqa: N802
        # In a narrow dock the labels go above their fields, so the fields keep a usable width.
        wrap = (
            QFormLayout.RowWrapPolicy.WrapAllRows
            if self.width() < NARROW_FORM
            else QFormLayout.RowWrapPolicy.DontWrapRows
        )
        if self.layout_.rowWrapPolicy() != wrap:
            self.layout_.setRowWrapPolicy(wrap)
        super().resizeEvent(event)

    def set_codebook(self, codebook: Codebook) -> None:
        """Choices renamed, added or retired in the project's codebook; what is selected stays."""
        self.codebook = codebook
        if not self._fields_built:  # build_fields() reads the new codebook
            self._value_fields = {f.key: f for f in codebook.value_fields}
            return
        loading, self._loading = self._loading, True
        try:
            for f in codebook.fields:
                combo = self.widgets.get(f.key)
                if f.kind == "choice" and isinstance(combo, QComboBox):
                    self._fill_choices(combo, f, combo.currentData() or "")
        finally:
            self._loading = loading
        self._value_fields = {f.key: f for f in codebook.value_fields if f.key in self.widgets}
        self._rebase()

    def set_vocabulary(self, terms_for_role: dict[str, list[TermInfo]], used: frozenset[int] = frozenset()) -> None:
        self._vocabulary = (terms_for_role, used)  # for fields built later
        for role, picker in self._pickers.items():
            picker.set_terms(terms_for_role.get(role, []), used)

    # -- values -------------------------------------------------------------------------------
    def values(self) -> dict[str, Any]:
        self.build_fields()
        return {f.key: self._value(f) for f in self.codebook.value_fields}

    def _value(self, f: FormField) -> Any:
        return self._readers[f.key]()  # built: values() builds them, and an edit comes from one

    def _part(self, key: str) -> Any:
        """One field's value, or one term role's terms: what the dirty check compares, part by part."""
        picker = self._pickers.get(key)
        return picker.refs() if picker is not None else self._value(self._value_fields[key])

    def _rebase(self) -> None:
        """Every part compared afresh: after the form was loaded, reverted, saved or its choices refilled."""
        keys = [*self._value_fields, *self.pickers]
        parts = {key: self._part(key) for key in keys}
        if self._baseline is not None and self._snapshot() == self._baseline:
            self._base_parts = parts  # the parts as loaded: nothing differs
        elif self._baseline is not None:
            values, terms = self._baseline
            base = {**values, **{role: tuple(t for t in terms if t.role == role) for role in self.pickers}}
            self._base_parts = {key: base.get(key) for key in keys}
        else:
            self._base_parts = {}
        self._differs = {key for key in self._base_parts if parts[key] != self._base_parts[key]}
        self._pending = {role for role, p in self.pickers.items() if p.pending_text()}

    def _recheck(self, key: str) -> None:
        """The reviewer changed one part: only that part is compared with its baseline."""
        pickers = self._pickers  # an edit comes from a field: they are built
        if key not in self._base_parts and key not in pickers:
            self._rebase()  # a change no field names: compare everything
            return
        if key in self._base_parts:
            if self._part(key) != self._base_parts[key]:
                self._differs.add(key)
            else:
                self._differs.discard(key)
        if key in pickers:
            if pickers[key].pending_text():
                self._pending.add(key)
            else:
                self._pending.discard(key)

    def terms(self) -> tuple[TermRef, ...]:
        return tuple(ref for picker in self.pickers.values() for ref in picker.refs())

    def pending_terms(self) -> list[tuple[str, str]]:
        """(role, text) of term fields holding typed text that is not a term yet."""
        return [(role, p.pending_text()) for role, p in self.pickers.items() if p.pending_text()]

    def draft(self) -> ClaimDraft:
        assert self.document_id is not None
        return ClaimDraft(
            self.document_id, self.start, self.end, self.values(), self.terms(), self.version, self.uuid,
            suggested=self.provenance(),
        )  # fmt: skip

    def set_values(self, values: dict[str, Any], terms: tuple[TermRef, ...]) -> None:
        for f in self.codebook.value_fields:
            w = self.widgets[f.key]
            value = values.get(f.key)
            if isinstance(w, QComboBox):
                wanted = value or f.default or ""
                if w.findData(wanted) < 0 and wanted:  # a retired choice the claim still holds
                    w.addItem(f.choice_label(wanted), wanted)
                w.setCurrentIndex(max(w.findData(wanted), 0))
            elif isinstance(w, QPlainTextEdit):
                w.setPlainText(value or "")
            else:
                w.setText("" if value is None else (f"{value:g}" if isinstance(value, float) else str(value)))
                w.setCursorPosition(0)
        for role, picker in self.pickers.items():
            picker.set_refs(tuple(t for t in terms if t.role == role))

    def set_choice(self, key: str, choice: str) -> bool:
        """Pick a choice by key (the hotkeys for claim type and status); False if the form is empty."""
        combo = self.widgets.get(key)
        if self.mode == "empty" or not isinstance(combo, QComboBox) or combo.findData(choice) < 0:
            return False
        combo.setCurrentIndex(combo.findData(choice))
        return True

    def _snapshot(self) -> tuple:
        return self.values(), self.terms()

    def first_field(self) -> QWidget:
        """Where the keyboard lands in the form: its first field, or the form itself while empty."""
        key = self.codebook.fields[0].key
        if not self.widgets[key].isEnabled():
            return self
        return self._input(key)

    def _input(self, key: str) -> QWidget:
        """The widget of a field that takes the keyboard: a term field's line edit, else the field."""
        picker = self.pickers.get(key)
        return picker.edit if picker is not None else self.widgets[key]

    # -- states -------------------------------------------------------------------------------
    def _load(self, mode: str, document_id, start: int, end: int, quote: str, values: dict, terms: tuple) -> None:
        self._loading = True
        try:
            self.mode, self.document_id, self.start, self.end = mode, document_id, start, end
            self.version, self.uuid = None, ""
            shown = quote if len(quote) <= QUOTE_PREVIEW_CHARS else quote[:QUOTE_PREVIEW_CHARS] + "…"
            self.quote.setText(
                f"“{shown}”" if quote else "Select a passage in the reader, then press New claim (Ctrl+N)."
            )
            if self._fields_built or mode != "empty":  # an empty form without fields has nothing to clear
                self.set_values(values, terms)
                self._baseline = self._snapshot()
                self._rebase()
            self.clear_problems()
        finally:
            self._loading = False
        editable = mode != "empty"
        for w in self._widgets.values():
            w.setEnabled(editable)
        self.delete_button.setEnabled(mode == "edit")
        self.heading.setText({"empty": "No claim selected", "new": "New claim", "edit": f"Claim {self.claim_id}"}[mode])
        self._update_buttons()
        self._announce(False)
        self.loaded.emit()

    def load_new(self, document_id: int, start: int, end: int, quote: str) -> None:
        self.claim_id = None
        defaults = {f.key: f.default for f in self.codebook.value_fields if f.default}
        self._load("new", document_id, start, end, quote, defaults, ())
        self._new_defaults = self._snapshot()
        # a new claim is unsaved work from the start: the quote alone is worth keeping
        self._baseline = None
        self._rebase()
        self._update_buttons()
        self._announce(True)
        self.first_field().setFocus(Qt.FocusReason.ShortcutFocusReason)

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
        self.version, self.uuid = record.version, record.uuid
        if record.orphaned:
            self.heading.setText(f"Claim {record.id} — orphaned")
            self.quote.setText(
                f"“{self.quote.text().strip('“”')}”\n\n⚠ Not in the current version of this document. Select the "
                "passage in the reader and press Ctrl+Shift+R (Claim → Re-anchor to selection), or leave it orphaned."
            )

    def clear(self) -> None:
        self.claim_id = None
        self._load("empty", None, 0, 0, "", {}, ())

    def revert(self) -> None:
        if self.mode == "edit" and self._baseline is not None:
            values, terms = self._baseline
            self._loading = True
            self.set_values(values, terms)
            self.clear_problems()
            self._loading = False
            self._rebase()
            self._update_buttons()
            self._announce(False)
        elif self.mode == "new":
            # First the fields go back to their defaults (the quote stays); a second Revert drops the claim.
            if self._snapshot() != self._new_defaults or self.pending_terms():
                self._loading = True
                self.set_values(*self._new_defaults)
                self.clear_problems()
                self._loading = False
                self._rebase()
                self._update_buttons()
            else:
                self.clear()

    def is_dirty(self) -> bool:
        if self.mode == "new":
            return True
        if self.mode != "edit" or self._baseline is None:
            return False
        # kept current by _recheck on every edit and _rebase on every load: the same answer as
        # `self._snapshot() != self._baseline or bool(self.pending_terms())` without reading every field
        return bool(self._differs or self._pending)

    def mark_saved(self) -> None:
        self._baseline = self._snapshot()
        self._rebase()
        self._update_buttons()
        self._announce(False)

    def _on_edited(self, key: str = "") -> None:
        if self._loading:
            return
        if self._problems:
            self._forget_problems_of(key)
        if key in self.invalid:
            self._mark(key, False, "")
            del self.invalid[key]
        if key in self._number_keys:
            self._check_number(key)
        self._recheck(key)
        dirty = self.is_dirty()
        if dirty != self._buttons_dirty:
            self._update_buttons()
        self._announce(dirty)

    def _announce(self, dirty: bool) -> None:
        self.dirtyChanged.emit(dirty)
        if (dirty, self.mode) != self._announced:
            self._announced = (dirty, self.mode)
            self.stateChanged.emit()

    def _update_buttons(self) -> None:
        dirty = self._buttons_dirty = self.is_dirty()
        self.revert_button.setEnabled(dirty)
        self.save_button.setEnabled(dirty)
