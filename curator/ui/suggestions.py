"""Suggestions for a new claim's form (issue 13): asked for once the selection has settled, shown as
ghosts (curator/ui/suggestion_ghosts.py), taken one by one (Tab, a click) or all at once (Alt+A),
dismissed with Esc, and switched off or on under View → Suggestions (remembered).

The controller is given the suggestion service (through a getter: a restored backup replaces the
session), the form, the settings and the status line; nothing else of the window."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar, QWidget

from curator.core.errors import user_message
from curator.ui.suggestion_ghosts import FormGhosts

if TYPE_CHECKING:
    from curator.core.records import Changes
    from curator.core.suggest import SuggestionService
    from curator.ui.claim_form import ClaimForm

SETTLE_MS = 120  # after a new claim is loaded: the form paints and takes keys first
SETTING = "view/suggestions"
ACCEPT_KEY = "Alt+A"


class SuggestionsController(QObject):
    def __init__(
        self,
        service: Callable[[], SuggestionService],
        form: ClaimForm,
        settings: QSettings,
        say: Callable[[str, int], None],
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.service, self.form, self.settings, self.say = service, form, settings, say
        self.on = str(settings.value(SETTING, "true")).lower() == "true"
        self.ghosts = FormGhosts(form)
        form.provenance = self.ghosts.provenance  # what the form's draft says came from a suggestion
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SETTLE_MS)
        self.timer.timeout.connect(self.suggest_now)
        self._wanted: tuple | None = None  # (document, start, end) the timer asks for
        form.loaded.connect(self._on_loaded)
        self.accept_action: QAction | None = None
        self.ghosts.changed.connect(self._on_count)

    def _place(self) -> tuple | None:
        form = self.form
        return (form.document_id, form.start, form.end) if form.mode == "new" else None

    def _on_loaded(self) -> None:
        self.timer.stop()
        self.ghosts.reset()
        self._wanted = self._place()
        if self.on and self._wanted is not None:
            self.timer.start()

    def suggest_now(self) -> None:
        """Ask the service for the form's passage and show what it suggests (a new claim only)."""
        self.timer.stop()
        place = self._place()
        if not self.on or place is None or place != self._wanted:
            return
        try:
            suggestions = self.service().for_passage(*place)
        except Exception as exc:  # noqa: BLE001 - a suggestion is never worth an error box
            self.say(f"No suggestions: {user_message(exc)}", 6000)
            return
        if self._place() == place:
            self.ghosts.show(suggestions)

    def accept_all(self) -> None:
        taken = self.ghosts.accept_all()
        if taken:
            self.say(f"Took {taken} suggestion{'s' if taken > 1 else ''}. Ctrl+Z takes the form back.", 5000)
        else:
            self.say("No suggestions in the form.", 3000)

    def set_on(self, on: bool) -> None:
        self.on = on
        self.settings.setValue(SETTING, "true" if on else "false")
        if not on:
            self.timer.stop()
            self.ghosts.hide_all()
        elif self._place() is not None and not self.ghosts.ghosts:
            self._wanted = self._place()
            self.suggest_now()

    def apply(self, changes: Changes) -> None:
        """The codebook's choices changed under the ghosts: they go (the next claim asks afresh)."""
        if changes.codebook:
            self.ghosts.hide_all()

    def _on_count(self, count: int) -> None:
        if self.accept_action is not None:
            self.accept_action.setEnabled(count > 0)

    def actions(self, window: QWidget) -> dict[str, QAction]:
        """Claim → Accept suggestions (Alt+A) and View → Suggestions (checkable)."""
        accept = QAction("&Accept suggestions", window)
        accept.setShortcut(QKeySequence(ACCEPT_KEY))
        accept.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        tip = "Fill the form with every suggestion it shows (Tab or a click takes one; Esc dismisses them)"
        accept.setToolTip(f"{tip} ({ACCEPT_KEY})")
        accept.setStatusTip(tip)
        accept.setEnabled(False)
        accept.triggered.connect(self.accept_all)
        toggle = QAction("&Suggestions in the form", window)
        toggle.setCheckable(True)
        toggle.setChecked(self.on)
        toggle.setStatusTip("Suggest values and terms for a new claim, from the passage's own words")
        toggle.toggled.connect(self.set_on)
        for action in (accept, toggle):
            window.addAction(action)
        self.accept_action = accept
        return {"accept_suggestions": accept, "suggestions": toggle}


def add_to_view_menu(bar: QMenuBar, action: QAction) -> None:
    """View → Suggestions, after the reading options (the View menu is built in curator/ui/reading.py)."""
    menu = next((a.menu() for a in bar.actions() if a.text() == "&View" and a.menu() is not None), None)
    if menu is not None:
        menu.addSeparator()
        menu.addAction(action)


__all__ = ["SuggestionsController", "add_to_view_menu"]
