"""Passage suggestions (issue 13): Document → Suggest passages marks, in a strip beside the claim
marks, the sentences likely to carry a claim; F8 / Shift+F8 select the next / previous one in the
reader (Ctrl+N then makes it a claim). Each mark's tooltip says why it was marked.

The marks are hollow and amber, so they never read as claims (filled, in a claim type's colour);
the one selected last is filled. They follow the document shown and its revisions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRectF, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter, QPalette, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from curator.core.errors import user_message
from curator.ui.plain import tooltip

if TYPE_CHECKING:
    from curator.core.records import Changes
    from curator.core.suggest import SuggestionService
    from curator.core.suggest_passages import PassageSuggestion
    from curator.ui.reader import ReaderView

MARK_HEIGHT = 5
SETTING = "view/suggest_passages"
LIGHT, DARK = QColor("#b36b00"), QColor("#f2b24c")


class PassageMarks(QWidget):
    """The strip: one hollow mark per suggested passage, where it sits in the whole document."""

    passageClicked = Signal(int)  # the passage's index

    def __init__(self, reader: ReaderView, parent=None):
        super().__init__(parent)
        self.reader = reader
        self.setObjectName("passageMarks")
        self.setFixedWidth(10)
        self.passages: list[PassageSuggestion] = []
        self.current = -1
        self.hide()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(10, 100)

    def set_passages(self, passages: list[PassageSuggestion]) -> None:
        self.passages = list(passages)
        self.current = -1
        self.setVisible(bool(self.passages))
        self.update()

    def set_current(self, index: int) -> None:
        self.current = index
        self.update()

    def _y(self, passage: PassageSuggestion) -> float:
        return passage.start / max(len(self.reader.text), 1) * max(self.height() - MARK_HEIGHT, 1)

    def passage_at(self, y: float) -> int:
        best = min(range(len(self.passages)), key=lambda i: abs(self._y(self.passages[i]) - y), default=-1)
        return best if best >= 0 and abs(self._y(self.passages[best]) - y) <= 8 else -1

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        colour = DARK if dark else LIGHT
        painter.setPen(QPen(colour, 1.5))
        for i, passage in enumerate(self.passages):
            rect = QRectF(2.5, self._y(passage) + 0.5, self.width() - 5, MARK_HEIGHT - 1)
            if i == self.current:
                painter.fillRect(rect, colour)
            else:
                painter.drawRect(rect)
        painter.end()

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            at = self.passage_at(event.position().y() if hasattr(event, "position") else event.pos().y())
            if at >= 0:
                QToolTip.showText(event.globalPos(), tooltip(f"Suggested passage: {self.passages[at].reason}"), self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)

    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            at = self.passage_at(event.position().y())
            if at >= 0:
                self.passageClicked.emit(at)


class PassageSuggestions(QObject):
    """Computes a document's passage suggestions while Document → Suggest passages is on, and steps
    through them in the reader."""

    def __init__(
        self,
        service: Callable[[], SuggestionService],
        reader: ReaderView,
        strip: PassageMarks,
        settings: QSettings,
        say: Callable[[str, int], None],
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.service, self.reader, self.strip, self.settings, self.say = service, reader, strip, settings, say
        self.on = str(settings.value(SETTING, "false")).lower() == "true"
        self.document_id: int | None = None
        self._computed_for: int | None = None
        self.timer = QTimer(self)  # after the document's first paint
        self.timer.setSingleShot(True)
        self.timer.setInterval(0)
        self.timer.timeout.connect(self.compute)
        strip.passageClicked.connect(self.go_to)
        self.toggle: QAction | None = None
        self.matcher_build = None  # the form's background matcher build, when the window has one

    @property
    def passages(self) -> list[PassageSuggestion]:
        return self.strip.passages

    def show_document(self, document_id: int | None) -> None:
        self.document_id = document_id
        self._computed_for = None
        self.strip.set_passages([])
        if self.on and document_id is not None:
            self.timer.start()

    def use_matcher_build(self, build) -> None:
        """Wait for the form's background build of the term matcher (curator/ui/suggestions.py)
        instead of building it here, on the GUI thread (seconds for a large vocabulary)."""
        self.matcher_build = build
        build.built.connect(self.compute)

    def compute(self) -> None:
        self.timer.stop()
        if self.document_id is None or self._computed_for == self.document_id or not self.on:
            return
        if self.matcher_build is not None and not self.matcher_build.start():
            self.say("Suggesting passages once the vocabulary is read…", 3000)
            return  # the matcher is being built in the background; `built` calls back here
        try:
            passages = self.service().passages(self.document_id)
        except Exception as exc:  # noqa: BLE001 - a suggestion is never worth an error box
            self.say(f"No passage suggestions: {user_message(exc)}", 6000)
            return
        self._computed_for = self.document_id
        self.strip.set_passages(passages)

    def set_on(self, on: bool) -> None:
        self.on = on
        self.settings.setValue(SETTING, "true" if on else "false")
        if self.toggle is not None and self.toggle.isChecked() != on:
            self.toggle.setChecked(on)
        if not on:
            self._computed_for = None
            self.strip.set_passages([])
            return
        self.compute()
        count = len(self.passages)
        if self.document_id is not None and self._computed_for == self.document_id:
            self.say(f"{count} suggested passage{'' if count == 1 else 's'} — F8 / Shift+F8 step through them.", 5000)

    def apply(self, changes: Changes) -> None:
        """A revised text or another vocabulary: the marks are made again."""
        if self.document_id is not None and (self.document_id in changes.texts or changes.vocabulary):
            self.show_document(self.document_id)

    def step(self, forward: bool) -> None:
        """Select the next (or previous) suggested passage after the selection or the caret."""
        if not self.on:
            self.set_on(True)
        if self.document_id is None:
            return
        self.compute()
        selection = self.reader.selection_range()
        here = selection[0] if selection else self.reader._map.from_utf16(self.reader.textCursor().position())
        if forward:
            at = next((i for i, p in enumerate(self.passages) if p.start > here), -1)
        else:
            at = next((i for i in range(len(self.passages) - 1, -1, -1) if self.passages[i].start < here), -1)
        if at < 0:
            self.say(f"No {'next' if forward else 'previous'} suggested passage in this document.", 4000)
            return
        self.go_to(at)

    def go_to(self, index: int) -> None:
        passage = self.passages[index]
        self.reader.scroll_to(passage.start)
        self.reader.select_range(passage.start, passage.end)
        self.reader.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.strip.set_current(index)
        self.say(f"Suggested: {passage.reason} — Ctrl+N makes it a claim.", 8000)

    def actions(self, window: QWidget) -> dict[str, QAction]:
        """Document → Suggest passages (checkable, remembered), Next / Previous suggested passage."""
        toggle = QAction("Suggest &passages", window)
        toggle.setCheckable(True)
        toggle.setChecked(self.on)
        toggle.setStatusTip("Mark the sentences likely to carry a claim, beside the text")
        toggle.toggled.connect(self.set_on)
        self.toggle = toggle
        actions = {"suggest_passages": toggle}
        for key, text, shortcut, forward in (
            ("next_passage", "Next suggested passage", "F8", True),
            ("previous_passage", "Previous suggested passage", "Shift+F8", False),
        ):
            action = QAction(text, window)
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _=False, f=forward: self.step(f))
            actions[key] = action
        for action in actions.values():
            window.addAction(action)
        return actions


__all__ = ["PassageMarks", "PassageSuggestions"]
