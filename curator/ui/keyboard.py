"""Keyboard-first: moving between panes and claims, per-type and per-status hotkeys, growing a
selection to its sentence or clause, and window-wide undo that text fields do not swallow."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QWidget

from curator.core.codebook import Codebook
from curator.core.sentences import clause_span, sentence_span
from curator.ui.claim_form import ClaimForm
from curator.ui.models import ClaimTableModel
from curator.ui.reader import ReaderView

REDO_KEYS = (QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y"))
# Undo, redo and delete-a-word hold one of these on every platform (Cmd is Ctrl to Qt on macOS).
_CHORD_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.MetaModifier
).value


class UndoKeyGuard(QObject):
    """Ctrl+Z in a text field undoes the window's last saved change unless the field has typing of
    its own to undo (Qt's line edits otherwise claim the key for their own, often empty, history).
    The other way round, Ctrl+Delete and Ctrl+Backspace stay with the text field (delete a word)
    rather than reach the window's Delete claim."""

    def watch(self, root: QWidget) -> None:
        for widget in root.findChildren(QLineEdit) + root.findChildren(QPlainTextEdit):
            widget.removeEventFilter(self)
            widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        # Every event of a watched field passes here (five per typed key), so what is not a key held
        # with Ctrl, Alt or Meta, as every key decided below is, leaves after one isinstance and one
        # call that returns a plain int: asking event.type() first cost a Python enum per event.
        if not isinstance(event, QKeyEvent) or not event.keyCombination().toCombined() & _CHORD_MODIFIERS:
            return False
        if event.type() != QEvent.Type.ShortcutOverride:
            return False
        if _editable(watched) and (
            event.matches(QKeySequence.StandardKey.DeleteEndOfWord)
            or event.matches(QKeySequence.StandardKey.DeleteStartOfWord)
        ):
            event.accept()  # Ctrl+Delete in a text field deletes a word, never the whole claim
            return True
        undo = event.matches(QKeySequence.StandardKey.Undo)
        redo = event.matches(QKeySequence.StandardKey.Redo) or QKeySequence(event.keyCombination()) in REDO_KEYS
        if not (undo or redo):
            return False
        if isinstance(watched, QLineEdit):
            own = watched.isUndoAvailable() if undo else watched.isRedoAvailable()
        else:
            document = watched.document()
            own = document.isUndoAvailable() if undo else document.isRedoAvailable()
        if own and not getattr(watched, "isReadOnly", lambda: False)():
            return False
        event.ignore()  # not the field's: the window's Undo / Redo action takes the key
        return True


def _editable(widget) -> bool:
    return isinstance(widget, QLineEdit | QPlainTextEdit) and not widget.isReadOnly()


class ClaimNavigator:
    """Next / previous claim in reading order (and the next one still to review), hotkeys that set
    the claim type or status in the form, and growing the reader's selection."""

    def __init__(
        self,
        codebook: Codebook,
        reader: ReaderView,
        form: ClaimForm,
        table: ClaimTableModel,
        select_claim: Callable[[int], bool],
        new_claim: Callable[[], None],
        say: Callable[[str, int], None],
    ):
        self.codebook, self.reader, self.form, self.table = codebook, reader, form, table
        self.select_claim, self.new_claim, self.say = select_claim, new_claim, say

    # -- claims in reading order --------------------------------------------------------------
    def _ordered(self):
        return sorted(self.table.all_records(), key=lambda r: (r.anchor.start, r.anchor.end, r.id))

    def _unreviewed(self, record) -> bool:
        try:
            status = self.codebook.field("status")
        except KeyError:
            return False
        return (record.values.get("status") or status.default) == status.default

    def step(self, forward: bool, unreviewed: bool = False) -> bool:
        """Select the next (or previous) claim after the one in the form, or after the caret."""
        ordered = self._ordered()
        if unreviewed:
            ordered = [r for r in ordered if self._unreviewed(r) or r.id == self.form.claim_id]
        current = self.form.claim_id if self.form.mode == "edit" else None
        ids = [r.id for r in ordered]
        if current in ids:
            at = ids.index(current) + (1 if forward else -1)
            candidates = ordered[at:] if forward else ordered[: at + 1][::-1]
            candidates = [r for r in candidates if r.id != current]
        else:
            caret = self.reader.selection_range()
            offset = caret[0] if caret else self._caret()
            candidates = (
                [r for r in ordered if r.anchor.start >= offset]
                if forward
                else [r for r in reversed(ordered) if r.anchor.start < offset]
            )
        if not candidates:
            what = "unreviewed claim" if unreviewed else "claim"
            self.say(f"No {'next' if forward else 'previous'} {what} in this document.", 4000)
            return False
        return self.select_claim(candidates[0].id)

    def _caret(self) -> int:
        return self.reader._map.from_utf16(self.reader.textCursor().position())

    # -- hotkeys ------------------------------------------------------------------------------
    def set_choice(self, field_key: str, choice_key: str) -> None:
        """Alt+digit for claim types, Ctrl+Alt+digit for statuses. With a passage selected and no
        claim in the form, the key starts the claim too (select, key: a typed claim)."""
        selection = self.reader.selection_range()
        if selection is not None and (self.form.mode == "empty" or selection != (self.form.start, self.form.end)):
            self.new_claim()  # asks first if the form holds unsaved input
        if (
            self.form.mode != "empty"
            and field_key == "claim_type"
            and self.form.widgets[field_key].findData(choice_key) < 0
        ):
            self.say(f"“{self.codebook.field(field_key).choice_label(choice_key)}” is retired in this codebook.", 4000)
        elif self.form.set_choice(field_key, choice_key):
            label = self.codebook.field(field_key).choice_label(choice_key)
            self.say(f"{self.codebook.field(field_key).label}: {label} (Ctrl+S saves)", 3000)
        else:
            self.say("Select a claim or a passage first.", 4000)

    def grow_selection(self, to: str) -> None:
        """Grow the reader's selection (or the caret) to the whole sentence or clause around it."""
        text = self.reader.text
        selection = self.reader.selection_range()
        start, end = selection if selection else (self._caret(), self._caret())
        lo, hi = (sentence_span if to == "sentence" else clause_span)(text, start, end)
        if hi > lo:
            self.reader.select_range(lo, hi)
            self.reader.setFocus(Qt.FocusReason.ShortcutFocusReason)


def keyboard_actions(
    window: QWidget,
    navigator: ClaimNavigator,
    codebook: Codebook,
    panes: list[tuple[str, Callable[[], QWidget], Callable[[], QWidget]]],
) -> dict[str, QAction]:
    """The window's navigation actions, keyed for the menus; each has its shortcut."""
    actions: dict[str, QAction] = {}

    def add(key: str, text: str, slot, *shortcuts: str) -> None:
        action = QAction(text, window)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        window.addAction(action)
        actions[key] = action

    add("next_claim", "&Next claim", lambda: navigator.step(True), "Ctrl+PgDown")
    add("previous_claim", "&Previous claim", lambda: navigator.step(False), "Ctrl+PgUp")
    add("next_unreviewed", "Next claim to &review", lambda: navigator.step(True, True), "Ctrl+Shift+PgDown")
    add("previous_unreviewed", "Previous claim to re&view", lambda: navigator.step(False, True), "Ctrl+Shift+PgUp")
    add("grow_sentence", "Select the whole &sentence", lambda: navigator.grow_selection("sentence"), "Alt+S")
    add("grow_clause", "Select the whole c&lause", lambda: navigator.grow_selection("clause"), "Alt+Shift+S")
    for number, (name, box, target) in enumerate(panes, 1):
        add(
            f"focus_{name}",
            f"Go to the {name}",
            lambda _=False, b=box, t=target: _show_and_focus(b(), t()),
            f"Ctrl+{number}",
        )
    add("focus_next", "Next pane", lambda: _cycle(panes, 1), "F6")
    add("focus_previous", "Previous pane", lambda: _cycle(panes, -1), "Shift+F6")
    actions.update(choice_actions(window, navigator, codebook))
    return actions


CHOICE_HOTKEYS = (("claim_type", "Alt"), ("status", "Ctrl+Alt"))


def choice_actions(window: QWidget, navigator: ClaimNavigator, codebook: Codebook) -> dict[str, QAction]:
    """Alt+digit per claim type and Ctrl+Alt+digit per status, in the codebook's order; made again
    when the project's codebook changes (a choice added, renamed or retired). Keyed "choice_FIELD_KEY"."""
    actions: dict[str, QAction] = {}
    for field_key, modifier in CHOICE_HOTKEYS:
        try:
            choices = codebook.field(field_key).active_choices
        except KeyError:
            continue
        for number, choice in enumerate(choices[:9], 1):
            action = QAction(choice.label, window)
            action.setShortcut(QKeySequence(f"{modifier}+{number}"))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _=False, f=field_key, c=choice.key: navigator.set_choice(f, c))
            window.addAction(action)
            actions[f"choice_{field_key}_{choice.key}"] = action
    return actions


def _focus(widget: QWidget) -> None:
    widget.setFocus(Qt.FocusReason.ShortcutFocusReason)


def _show_and_focus(box: QWidget, target: QWidget) -> None:
    """Ctrl+digit also opens a closed pane (a dock the reviewer closed or never opened)."""
    if not box.isVisible():
        box.show()
        box.raise_()
    _focus(target)


def _cycle(panes: list[tuple[str, Callable[[], QWidget], Callable[[], QWidget]]], step: int) -> None:
    """F6: the pane after the one holding the focus (its container decides; its target gets the focus)."""
    shown = [pane for pane in panes if pane[1]().isVisible()]  # a closed dock is no stop
    current = QApplication.focusWidget()
    at = next(
        (
            i
            for i, (_, box, _) in enumerate(shown)
            if current is not None and (current is box() or box().isAncestorOf(current))
        ),
        -1,
    )
    _focus(shown[(at + step) % len(shown)][2]())
