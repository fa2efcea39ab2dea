"""The Page view's pictures: rendered in a child process (curator.io.pdf_render), cached here.

The GUI thread never waits for a render. Requests go down the worker's pipe; on POSIX a
QSocketNotifier wakes us the moment a reply is readable (no latency, nothing to do while idle);
elsewhere (Windows pipes are not sockets) a 10 ms timer polls while a request is out. A second,
slow timer checks a render's wall-clock limit while one is out. A thread waiting on the pipe would
do the same job with a lock to share the cache; the notifier keeps everything on one thread.

At most two requests are out at a time: a fast scroll must not queue twenty pages the reader has
already left; what is asked next is decided when a reply comes, from what the view wants then.
Pages are kept as QImages, least recently used dropped first once they hold more than `budget` bytes.
"""

from __future__ import annotations

import os
from collections import OrderedDict

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal
from PySide6.QtGui import QImage

from curator.io.pdf_render import PageImage, RenderWorker

CACHE_BYTES = 192 * 2**20
MAX_IN_FLIGHT = 2


class PageRenderer(QObject):
    pageReady = Signal(int)
    failed = Signal(str)

    def __init__(self, data: bytes, parent=None, budget: int = CACHE_BYTES, worker=None):
        super().__init__(parent)
        self.budget = budget
        self.cache: OrderedDict[int, tuple[float, QImage]] = OrderedDict()
        self.cached_bytes = 0
        self.failure: str | None = None
        self.page_errors: dict[int, str] = {}
        self.wanted: list[tuple[int, float]] = []
        self.worker = worker or RenderWorker(data)
        self._notifier: QSocketNotifier | None = None
        self._poll = QTimer(self)
        self._poll.setInterval(10)
        self._poll.timeout.connect(self._read)
        self._watchdog = QTimer(self)
        self._watchdog.setInterval(500)
        self._watchdog.timeout.connect(self._read)
        self._watchdog.start()
        if os.name == "posix":
            self._notifier = QSocketNotifier(self.worker.fileno(), QSocketNotifier.Type.Read, self)
            self._notifier.activated.connect(self._read)
        else:  # pragma: no cover - Windows
            self._poll.start()

    # -- asking --------------------------------------------------------------------------------
    def image(self, page: int) -> tuple[float, QImage] | None:
        """The page's latest picture and the scale it was drawn at (maybe another zoom's), or None."""
        found = self.cache.get(page)
        if found is not None:
            self.cache.move_to_end(page)
        return found

    def want(self, wanted: list[tuple[int, float]]) -> None:
        """The pages the view needs now, most urgent first, each at the scale it shows them."""
        self.wanted = wanted
        self._send()

    def _send(self) -> None:
        worker = self.worker
        if self.failure is not None:
            return
        out = {(p, s) for p, s, _ in worker.pending}
        for page, scale in self.wanted:
            if worker.in_flight() >= MAX_IN_FLIGHT:
                break
            have = self.cache.get(page)
            if (have is not None and abs(have[0] - scale) < 1e-6) or (page, scale) in out or page in self.page_errors:
                continue
            worker.send(page, scale)
            out.add((page, scale))
        if os.name != "posix" and worker.in_flight():  # pragma: no cover - Windows
            self._poll.start()

    # -- answers -------------------------------------------------------------------------------
    def _read(self) -> None:
        if self.failure is not None:
            return
        for kind, page, value in self.worker.replies():
            if kind == "page" and isinstance(value, PageImage):
                self._keep(value)
                self.pageReady.emit(value.page)
            elif kind == "page_failed" and page is not None:
                self.page_errors[page] = str(value)
                self.pageReady.emit(page)
            elif kind == "failed":
                self._stop_polling()
                self.failure = str(value)
                self.failed.emit(self.failure)
                return
        if not self.worker.in_flight():
            self._poll.stop()
        self._send()

    def _keep(self, picture: PageImage) -> None:
        image = QImage(
            picture.pixels, picture.width, picture.height, picture.stride, QImage.Format.Format_RGBX8888
        ).convertToFormat(QImage.Format.Format_RGB32)  # its own copy, in the format painting is fastest from
        old = self.cache.pop(picture.page, None)
        if old is not None:
            self.cached_bytes -= old[1].sizeInBytes()
        self.cache[picture.page] = (picture.scale, image)
        self.cached_bytes += image.sizeInBytes()
        while self.cached_bytes > self.budget and len(self.cache) > 1:
            _, (_, dropped) = self.cache.popitem(last=False)
            self.cached_bytes -= dropped.sizeInBytes()

    def _stop_polling(self) -> None:
        self._poll.stop()
        self._watchdog.stop()
        if self._notifier is not None:
            self._notifier.setEnabled(False)

    def stop(self) -> None:
        self._stop_polling()
        self.worker.stop()


__all__ = ["PageRenderer"]
