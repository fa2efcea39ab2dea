"""Rendering an untrusted PDF's pages where a crash or a hang cannot take the app down (issue 14).

A `RenderWorker` is one child process per open PDF (started with "spawn", as curator.io.sandbox
explains: the app has Qt loaded, and a forked copy of a Qt process must not run Python code). The
child opens the bytes once with pypdfium2 and then answers (page, scale) requests, in order, with
the page's pixels: RGBx, 4 bytes a pixel, rows `stride` bytes apart. Its address space and CPU time
are capped like the sandbox's (each render gets its own CPU budget on top of what was used so far).

The app's side never blocks: `send` queues a request, `replies` reads only what has arrived (the
caller polls when `fileno` becomes readable, or on a timer), and a render that outlives
`wall_seconds` or a worker that dies turns into one sentence in `failure`. No Qt here.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import sys
import time
import types
from dataclasses import dataclass

from curator.io.sandbox import Limits, _apply_limits

RENDER_LIMITS = Limits(memory_bytes=3 * 2**29, cpu_seconds=20, wall_seconds=30.0, result_bytes=256 * 2**20)
MAX_PIXELS = 40_000_000  # one page image at most (≈ 160 MB): a huge /MediaBox must not allocate gigabytes


@dataclass(frozen=True)
class PageImage:
    """One rendered page: RGBx pixels, 4 bytes each, rows `stride` bytes apart."""

    page: int
    scale: float
    width: int
    height: int
    stride: int
    pixels: bytes


# ---- the worker's side -------------------------------------------------------------------------


def _render(pdf, page_index: int, scale: float) -> PageImage:
    page = pdf[page_index]
    try:
        width, height = page.get_size()
        if width * height * scale * scale > MAX_PIXELS:
            scale = (MAX_PIXELS / max(width * height, 1.0)) ** 0.5
        bitmap = page.render(scale=scale, rev_byteorder=True, prefer_bgrx=True, fill_color=(255, 255, 255, 255))
        try:
            return PageImage(page_index, scale, bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer))
        finally:
            bitmap.close()
    finally:
        page.close()


def _serve(conn, data: bytes, limits: Limits) -> None:
    """Open the PDF once, then render one (page, scale) per request until the app hangs up."""
    import pypdfium2

    _apply_limits(limits)
    try:
        pdf = pypdfium2.PdfDocument(data)
        count = len(pdf)
    except Exception as exc:  # noqa: BLE001 - pdfium's own words become the sentence
        conn.send_bytes(pickle.dumps(("failed", None, f"{type(exc).__name__}: {str(exc)[:200]}")))
        return
    conn.send_bytes(pickle.dumps(("open", None, count)))
    del data
    while True:
        try:
            page, scale = conn.recv()
        except (EOFError, OSError):
            return
        _apply_limits(limits)  # this render's CPU budget on top of what the worker has used
        try:
            reply = ("page", page, _render(pdf, page, scale))
        except MemoryError:
            conn.send_bytes(pickle.dumps(("memory", page, None)))
            return
        except Exception as exc:  # noqa: BLE001
            reply = ("page_failed", page, f"{type(exc).__name__}: {str(exc)[:200]}")
        try:
            conn.send_bytes(pickle.dumps(reply, pickle.HIGHEST_PROTOCOL))
        except OSError:  # the app hung up (the document was closed)
            return


# ---- the app's side ----------------------------------------------------------------------------


class RenderWorker:
    """One PDF's renderer in its own process; requests are answered in the order they were sent."""

    def __init__(self, data: bytes, limits: Limits = RENDER_LIMITS, serve=_serve):
        self.limits = limits
        self.page_count: int | None = None
        self.failure: str | None = None
        self.pending: list[tuple[int, float, float]] = []  # (page, scale, sent at), oldest first
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(target=serve, args=(child, data, limits), name="curator-pdf-render", daemon=True)
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")  # see sandbox._Worker: no second app
        try:
            self.process.start()
        finally:
            if main is not None:
                sys.modules["__main__"] = main
        child.close()
        self.started = time.monotonic()

    def fileno(self) -> int:
        return self.conn.fileno()

    @property
    def ok(self) -> bool:
        return self.failure is None

    def send(self, page: int, scale: float) -> None:
        if self.failure is not None:
            return
        try:
            self.conn.send((page, scale))
        except (OSError, ValueError):
            self._fail(self._death_words())
            return
        self.pending.append((page, scale, time.monotonic()))

    def in_flight(self) -> int:
        return len(self.pending)

    def replies(self) -> list[tuple[str, int | None, object]]:
        """What has arrived, without waiting: ("open", None, page count), ("page", n, PageImage),
        ("page_failed", n, words), or ("failed", None, words) once the worker is unusable."""
        out: list[tuple[str, int | None, object]] = []
        if self.failure is not None:
            return out
        try:
            while self.conn.poll(0):
                data = self.conn.recv_bytes(self.limits.result_bytes + 4096)
                kind, page, value = pickle.loads(data)
                if kind == "open":
                    self.page_count = int(value)
                elif kind in ("page", "page_failed"):
                    if self.pending:
                        self.pending.pop(0)
                elif kind == "memory":
                    self._fail(f"it needed more than {self.limits.memory_bytes / 2**30:g} GB of memory")
                    return [*out, ("failed", None, self.failure)]
                else:
                    self._fail(str(value))
                    return [*out, ("failed", None, self.failure)]
                out.append((kind, page, value))
        except (EOFError, OSError):
            self._fail(self._death_words())
            out.append(("failed", None, self.failure))
            return out
        if not self.process.is_alive():  # dead though its pipe has not reported the end (seen once in a
            # full CI run): the watchdog's next look (every 0.5 s) says so instead of waiting forever
            self._fail(self._death_words())
            out.append(("failed", None, self.failure))
            return out
        late = self.late()
        if late:
            self._fail(f"a page took more than {self.limits.wall_seconds:g} s to draw")
            out.append(("failed", None, self.failure))
        return out

    def late(self) -> bool:
        """Whether the oldest request (or the opening) has waited longer than the wall-clock limit."""
        since = self.pending[0][2] if self.pending else (self.started if self.page_count is None else None)
        return since is not None and time.monotonic() - since > self.limits.wall_seconds

    def wait(self, timeout: float) -> bool:
        """Block until something arrives (tests and benchmarks only; the app polls)."""
        return self.failure is None and self.conn.poll(timeout)

    def _death_words(self) -> str:
        self.process.join(1)
        code = self.process.exitcode
        if code is not None and code < 0:
            return f"the renderer was stopped by signal {-code}"
        return f"the renderer stopped unexpectedly (exit code {code})"

    def _fail(self, words: str) -> None:
        self.failure = words
        self.stop()

    def stop(self) -> None:
        self.pending = []
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(2)


__all__ = ["RENDER_LIMITS", "PageImage", "RenderWorker"]
