"""Suggestions for a new claim's form (issue 13): asked for once the selection has settled, shown as
ghosts (curator/ui/suggestion_ghosts.py), taken one by one (Tab, a click) or all at once (Alt+A),
dismissed with Esc, and switched off or on under View → Suggestions (remembered).

The controller is given the suggestion service (through a getter: a restored backup replaces the
session), the form, the settings and the status line; nothing else of the window.

The vocabulary's term matcher takes seconds to build for 20,000 terms, so it is built on a worker
thread (`MatcherBuild`), once after the form's first paint and again after a vocabulary change: the
terms are read on this thread (the database connection is this thread's), only the build runs there.
Until it is ready a passage's field values show at once and its term chips follow when it is."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenuBar, QWidget

from curator.core.errors import user_message
from curator.core.suggest_terms import build_matcher
from curator.core.suggest_terms_match import BuildCancelled
from curator.ui.staged_start import AfterFirstPaint
from curator.ui.suggestion_ghosts import FormGhosts

if TYPE_CHECKING:
    from curator.core.records import Changes
    from curator.core.suggest import SuggestionService
    from curator.ui.claim_form import ClaimForm

SETTLE_MS = 120  # after a new claim is loaded: the form paints and takes keys first
POLL_MS = 50  # how often a running matcher build is looked at (the worker never touches Qt)
SETTING = "view/suggestions"
ACCEPT_KEY = "Alt+A"


class MatcherBuild(QObject):
    """Builds the vocabulary's TermMatcher on a worker thread and installs it on this one.

    start() reads the terms and their revision (TermSuggester.prepare) here; the worker only builds.
    A newer revision cancels the build under way (its result would be stale); `ready` is called and
    `built` emitted once a matcher is installed."""

    built = Signal()

    def __init__(self, service: Callable[[], SuggestionService], ready: Callable[[], None], parent: QObject):
        super().__init__(parent)
        self.service, self.ready = service, ready
        self._future: Future | None = None
        self._cancel = threading.Event()
        self._key: tuple | None = None  # (the service asked, the revision being built)
        self.poll = QTimer(self)
        self.poll.setInterval(POLL_MS)
        self.poll.timeout.connect(self._check)

    @property
    def running(self) -> bool:
        return self._future is not None

    def start(self) -> bool:
        """Build the matcher if the vocabulary's has not been built; True when it is ready already.
        A session closed meanwhile (another project opened, the window closing) builds nothing."""
        service = self.service()
        if not service.session.is_current():
            self._cancel.set()
            return False
        revision = service.terms.stale_revision()
        if revision is None:
            return True
        if self._future is not None and self._key == (id(service), revision):
            return False  # that build is under way
        rows = service.terms.rows()
        self._cancel.set()  # a build of an older revision (or of a replaced session) is of no use now
        future: Future = Future()
        cancel = threading.Event()

        def build() -> None:
            try:
                future.set_result(build_matcher(rows, revision, cancel.is_set))
            except BaseException as exc:  # noqa: BLE001 - handed to the GUI thread, which decides
                future.set_exception(exc)

        self._future, self._cancel, self._key = future, cancel, (id(service), revision)
        threading.Thread(target=build, name="curator-term-matcher", daemon=True).start()
        self.poll.start()
        return False

    def _check(self) -> None:
        future = self._future
        if future is None:
            self.poll.stop()
            return
        if not future.done():
            return
        self.poll.stop()
        self._future = None
        try:
            matcher = future.result()
        except BuildCancelled:
            return
        except Exception:  # noqa: BLE001 - the next suggestion builds it on this thread, and says why
            return
        service = self.service()
        if not service.session.is_current():
            return  # built for a session that is closed now: of no use, and its database is gone
        if self._key is not None and self._key[0] == id(service) and service.terms.install(matcher):
            self.ready()
            self.built.emit()
        else:
            self.start()  # the vocabulary (or the session) changed while it was built: build the newer one


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
        self.build = MatcherBuild(service, self._terms_ready, self)
        self._terms_for: tuple | None = None  # the place whose term chips wait for the matcher
        AfterFirstPaint(form, self.warm)  # the vocabulary's matcher, before the first passage asks for it

    def warm(self) -> None:
        """Start building the vocabulary's term matcher in the background unless it is built."""
        if not self.on:
            return
        # warming is an optimisation (a closed project, say, is no reason for a message): the first
        # suggestion builds it anyway
        with contextlib.suppress(Exception):
            self.build.start()

    def _place(self) -> tuple | None:
        form = self.form
        return (form.document_id, form.start, form.end) if form.mode == "new" else None

    def _on_loaded(self) -> None:
        self.timer.stop()
        self.ghosts.reset()
        self._terms_for = None
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
            suggestions = self.service().for_passage(*place, wait_for_terms=False)
            if suggestions.terms_pending:
                self._terms_for = place
                if self.build.start():  # built meanwhile (by another caller): no need to wait
                    suggestions = self.service().for_passage(*place)
                    self._terms_for = None
        except Exception as exc:  # noqa: BLE001 - a suggestion is never worth an error box
            self.say(f"No suggestions: {user_message(exc)}", 6000)
            return
        if self._place() == place:
            self.ghosts.show(suggestions)

    def _terms_ready(self) -> None:
        """The matcher is built: the term chips of the passage that waited for it."""
        place, self._terms_for = self._terms_for, None
        if not self.on or place is None or place != self._place():
            return
        try:
            terms = self.service().terms.suggest(*place)
        except Exception as exc:  # noqa: BLE001
            self.say(f"No term suggestions: {user_message(exc)}", 6000)
            return
        self.ghosts.show_terms(terms)

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
        if changes.vocabulary:
            self.warm()  # the new revision's matcher, in the background (an older build under way stops)

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


__all__ = ["MatcherBuild", "SuggestionsController", "add_to_view_menu"]
