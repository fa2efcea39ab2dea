"""Suggestions shown in the claim form as ghosts: never the field's value until the reviewer takes one.

A value field with a suggestion and nothing of the reviewer's shows it placeholder-style (grey,
italic, "Hedged — suggested"): a combo box is left on no choice (its value stays empty) with the
suggestion as its placeholder; a line or text field shows it as its placeholder. A term field gets
ghost chips under it (dashed, "+ Multiple sclerosis"). Every ghost's tooltip gives the words that
suggested it, as plain text.

Tab on a field with a ghost, or a click on it, takes it; `accept_all` takes them all; `dismiss`
drops them. Taking one fills the real widget exactly as choosing it by hand does, so the form's
dirty state and its undo (Revert, Ctrl+Z) treat it as the reviewer's own input. A field the
reviewer edits loses its ghost. `provenance()` names the taken suggestions whose value is still
the field's at save (ClaimDraft.suggested; the change log records them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from curator.core.records import TermInfo
from curator.ui.plain import tooltip

if TYPE_CHECKING:
    from curator.core.suggest import Suggestions
    from curator.core.suggest_terms import TermSuggestion
    from curator.ui.claim_form import ClaimForm
    from curator.ui.term_picker import TermPicker

HOW = "Tab or a click takes it; Alt+A takes every suggestion; Esc dismisses them."
# A muted blue, not the grey of placeholders and disabled fields: a ghost reads as offered, not as empty
INK_LIGHT, INK_DARK = QColor("#4f6f9c"), QColor("#93b2dd")


def ghost_ink(palette: QPalette) -> QColor:
    return INK_DARK if palette.color(QPalette.ColorRole.Base).lightness() < 128 else INK_LIGHT


@dataclass(frozen=True)
class Ghost:
    """One suggestion as the form shows it."""

    key: str  # the field's key, or the term's role
    value: Any  # what the field takes: a choice key, a number, a text; a term suggestion for a role
    text: str  # the value as text, as the change log records it (a term's label)
    shown: str  # what the ghost reads
    reason: str  # the words that suggested it

    @property
    def term(self) -> TermSuggestion | None:
        return self.value if not isinstance(self.value, str | int | float) else None

    def hint(self) -> str:
        return f"Suggested: {self.shown}\nBecause of: {self.reason}\n{HOW}"


def _as_text(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


class GhostChips(QWidget):
    """The ghost chips of one term field, under its picker."""

    def __init__(self, take, parent=None):
        super().__init__(parent)
        self.take = take
        self.setObjectName("ghostChips")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(3)
        self.buttons: list[QPushButton] = []
        self.hide()

    def show_ghosts(self, ghosts: list[Ghost]) -> None:
        for button in self.buttons:
            button.deleteLater()
        self.buttons = []
        ink = ghost_ink(self.palette()).name()
        sheet = (
            f"QPushButton {{ border: 1px dashed {ink}; border-radius: 9px; padding: 2px 9px; color: {ink};"
            f" font-style: italic; background: transparent; text-align: left; }}"
            f" QPushButton:hover {{ border-style: solid; }}"
        )
        for ghost in ghosts:
            button = QPushButton(ghost.shown, self)  # a button's text is never rich text
            button.setObjectName("ghostChip")
            button.setStyleSheet(sheet)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab stays on the fields (and takes the ghosts)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setToolTip(tooltip(ghost.hint()))
            button.setProperty("ghostTerm", ghost.text)
            button.clicked.connect(lambda _=False, g=ghost: self.take(g))
            self.layout().addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
            self.buttons.append(button)
        self.setVisible(bool(ghosts))


class FormGhosts(QObject):
    changed = Signal(int)  # how many ghosts the form shows now

    def __init__(self, form: ClaimForm):
        super().__init__(form)
        self.form = form
        self.ghosts: dict[str, list[Ghost]] = {}  # field or role -> its ghosts, as shown
        self.accepted: list[tuple[Ghost, str]] = []  # each taken ghost, with the value as the form reads it
        self._saved: dict[str, tuple[str, str]] = {}  # field -> (placeholder, tooltip) the ghost covers
        self._chips: dict[str, GhostChips] = {}
        self._inputs: dict[QObject, str] = {}  # watched widget -> its field
        self._updating = False
        self._dismissed = False  # Esc since the last show(): terms that arrive late stay away too
        self.escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), form)
        self.escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.escape.setEnabled(False)
        self.escape.activated.connect(self.dismiss)

    def count(self) -> int:
        return sum(len(g) for g in self.ghosts.values())

    # -- showing ------------------------------------------------------------------------------
    def show(self, suggestions: Suggestions) -> None:
        """The suggestions for the form's passage, on the fields that hold nothing of the reviewer's."""
        self.hide_all()
        form, values = self.form, self.form.values()
        for s in suggestions.values:
            f = form._value_fields.get(s.field_key)
            if f is None or values.get(s.field_key) not in ("", None) or not form.widgets[f.key].isEnabled():
                continue
            shown = f.choice_label(s.value) if f.kind == "choice" else _as_text(s.value)
            if f.kind == "choice" and form.widgets[f.key].findData(s.value) < 0:
                continue  # a retired choice is never offered
            reason = s.reason if s.source == "passage" else f"{s.reason} (in the title or the sentence before)"
            self.ghosts[f.key] = [Ghost(f.key, s.value, _as_text(s.value), shown, reason)]
        self._dismissed = False
        self.show_terms(suggestions.terms)

    def show_terms(self, terms: tuple[TermSuggestion, ...] | list[TermSuggestion]) -> None:
        """Chips for the terms the pickers lack (also later, once the vocabulary's matcher is built; not
        after the reviewer dismissed what was shown)."""
        if self._dismissed:
            return
        by_role: dict[str, list[Ghost]] = {}
        for t in terms:
            picker = self.form.pickers.get(t.role)
            if picker is None or any(r.term_id == t.term_id for r in picker.refs()):
                continue
            shown = f"+ {t.label}" + (" · from the document" if t.source == "document" else "")
            by_role.setdefault(t.role, []).append(Ghost(t.role, t, t.label, shown, t.reason))
        self.ghosts.update(by_role)
        for key, ghosts in self.ghosts.items():
            self._display(key, ghosts)
        self._changed()

    def _watch(self, key: str, widget: QWidget) -> None:
        if widget in self._inputs:
            return
        self._inputs[widget] = key
        widget.installEventFilter(self)
        if isinstance(widget, QPlainTextEdit):
            self._inputs[widget.viewport()] = key
            widget.viewport().installEventFilter(self)
        picker = self.form.pickers.get(key)
        if picker is not None:
            picker.changed.connect(lambda k=key: self._edited(k))
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(lambda _=0, k=key: self._edited(k))
        else:
            widget.textChanged.connect(lambda *_, k=key: self._edited(k))

    def _display(self, key: str, ghosts: list[Ghost]) -> None:
        picker = self.form.pickers.get(key)
        widget = picker.edit if picker is not None else self.form.widgets[key]
        self._watch(key, widget)
        if picker is not None:
            self._chips_of(picker).show_ghosts(ghosts)
            return
        ghost = ghosts[0]
        self._saved[key] = (widget.placeholderText(), widget.toolTip())
        self._updating = True
        try:
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(-1)  # no choice: its value stays empty, and the placeholder shows
            widget.setPlaceholderText(f"{ghost.shown} — suggested")
            widget.setToolTip(tooltip(ghost.hint()))
            font = widget.font()
            font.setItalic(True)
            widget.setFont(font)
            palette = widget.palette()
            palette.setColor(QPalette.ColorRole.PlaceholderText, ghost_ink(palette))
            widget.setPalette(palette)
        finally:
            self._updating = False

    def _chips_of(self, picker: TermPicker) -> GhostChips:
        chips = self._chips.get(picker.role)
        if chips is None:
            chips = self._chips[picker.role] = GhostChips(self.take, picker)
            picker.layout().addWidget(chips)
        return chips

    def _undisplay(self, key: str) -> None:
        picker = self.form.pickers.get(key)
        if picker is not None:
            chips = self._chips.get(key)
            if chips is not None:
                chips.show_ghosts(self.ghosts.get(key, []))
            return
        widget = self.form.widgets[key]
        placeholder, tip = self._saved.pop(key, ("", ""))
        self._updating = True
        try:
            if isinstance(widget, QComboBox) and widget.currentIndex() < 0:
                widget.setCurrentIndex(max(widget.findData(""), 0))
            widget.setPlaceholderText(placeholder)
            widget.setToolTip(tip)
            font = widget.font()
            font.setItalic(False)
            widget.setFont(font)
            widget.setPalette(QPalette())  # back to the application's (it follows the theme again)
        finally:
            self._updating = False

    def hide_all(self) -> None:
        """Drop every ghost (the accepted suggestions are kept: they are the form's values now)."""
        keys = list(self.ghosts)
        self.ghosts.clear()
        for key in keys:
            self._undisplay(key)
        self._changed()

    def reset(self) -> None:
        """Another claim in the form: no ghosts, nothing accepted."""
        self.hide_all()
        self.accepted = []
        self._dismissed = False

    def dismiss(self) -> None:
        self._dismissed = True
        self.hide_all()

    def _changed(self) -> None:
        self.escape.setEnabled(bool(self.ghosts))
        self.changed.emit(self.count())

    # -- taking -------------------------------------------------------------------------------
    def accept(self, key: str) -> int:
        """Take the ghosts of one field (a term field's every chip); how many were taken."""
        ghosts = self.ghosts.pop(key, [])
        self._undisplay(key)
        for ghost in ghosts:
            self._fill(ghost)
        self._changed()
        return len(ghosts)

    def accept_all(self) -> int:
        return sum(self.accept(key) for key in list(self.ghosts))

    def take(self, ghost: Ghost) -> None:
        """One ghost (a clicked chip)."""
        left = [g for g in self.ghosts.get(ghost.key, []) if g != ghost]
        if left:
            self.ghosts[ghost.key] = left
        else:
            self.ghosts.pop(ghost.key, None)
        self._undisplay(ghost.key)
        self._fill(ghost)
        self._changed()

    def _fill(self, ghost: Ghost) -> None:
        """Set the real widget as the reviewer would; the form's own signals mark it edited."""
        self._updating = True
        try:
            picker = self.form.pickers.get(ghost.key)
            widget = self.form.widgets[ghost.key]
            term = ghost.term
            if picker is not None and term is not None:
                picker.add_term(self._term_info(picker, term))
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(widget.findData(ghost.value))
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(ghost.text)
            elif isinstance(widget, QLineEdit):
                widget.setText(ghost.text)
                widget.setCursorPosition(0)
        finally:
            self._updating = False
        # as the field reads it back: a text field turns no-break spaces into spaces, a number is text
        held = ghost.text if ghost.term is not None else self.form.values().get(ghost.key)
        self.accepted.append((ghost, "" if held is None else str(held).strip()))

    @staticmethod
    def _term_info(picker: TermPicker, term: TermSuggestion) -> TermInfo:
        known = next((info for info, _ in picker.index.entries if info.id == term.term_id), None)
        return known or TermInfo(term.term_id, "", "", term.roles, term.label, term.identifier, (), "")

    def provenance(self) -> tuple[tuple[str, str, str], ...]:
        """(field or role, value as text, reason) of each taken suggestion still the field's value."""
        if not self.accepted:
            return ()
        values = self.form.values()
        kept = []
        for ghost, held in self.accepted:
            picker = self.form.pickers.get(ghost.key)
            if picker is not None:
                term = ghost.term
                still = term is not None and any(r.term_id == term.term_id for r in picker.refs())
            else:
                current = values.get(ghost.key)
                still = current is not None and str(current).strip() == held
            if still:
                kept.append((ghost.key, held, ghost.reason))
        return tuple(dict.fromkeys(kept))

    # -- the reviewer's keys and edits --------------------------------------------------------
    def _edited(self, key: str) -> None:
        """The reviewer changed a field: a value field's ghost goes; a term field keeps the chips of
        the terms it does not hold yet."""
        if self._updating or key not in self.ghosts:
            return
        picker = self.form.pickers.get(key)
        if picker is None:
            del self.ghosts[key]
        else:
            held = {r.term_id for r in picker.refs()}
            left = [g for g in self.ghosts[key] if g.term is None or g.term.term_id not in held]
            if left:
                self.ghosts[key] = left
            else:
                del self.ghosts[key]
        self._undisplay(key)
        self._changed()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        kind = event.type()
        if kind not in (QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress):
            return False
        key = self._inputs.get(watched)
        if key is None or key not in self.ghosts:
            return False
        if kind == QEvent.Type.KeyPress:
            picker = self.form.pickers.get(key)
            busy = picker is not None and (picker.pending_text() or picker.completer.popup().isVisible())
            if event.key() == Qt.Key.Key_Tab and not event.modifiers() and not busy:
                self.accept(key)  # then Tab moves on, as it does
            return False
        if event.button() != Qt.MouseButton.LeftButton or key in self.form.pickers:
            return False
        widget = self.form.widgets[key]
        self.accept(key)
        if isinstance(widget, QComboBox):
            return False  # its list opens on the value taken: another choice is one click away
        widget.setFocus(Qt.FocusReason.MouseFocusReason)
        widget.selectAll()  # typing replaces what was taken
        return True


__all__ = ["FormGhosts", "Ghost", "GhostChips"]
