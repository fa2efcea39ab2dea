"""The window's start in two steps: what the first paint shows, then the rest as soon as it is painted.

A reviewer waits for the document text; the claim form's fields, the vocabulary behind the term
pickers and the undo-key guard on every text field follow a moment later (≈ 40 ms of the start),
before anyone can click into them. Nothing moves when they arrive: the docks have their final size
from the first paint on."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class AfterFirstPaint(QObject):
    """Calls `then` once, when the event loop is free again after `widget` painted for the first time.

    The event loop paints as soon as it runs, so work queued before the paint would still delay it:
    the paint itself is the signal."""

    def __init__(self, widget: QWidget, then: Callable[[], None], at_the_latest_ms: int = 2000):
        super().__init__(widget)
        self.then = then
        widget.installEventFilter(self)
        # `then` runs anyway if no paint comes (a window shown where it is never exposed), so that
        # nothing it builds can be missing for good; it is written to run once, whoever calls it first
        QTimer.singleShot(at_the_latest_ms, self, then)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.then)
        return False
