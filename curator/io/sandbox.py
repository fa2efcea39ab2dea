"""Untrusted files are parsed where they cannot take the app down: in a child process with limits.

Some parsers fail in ways no Python `try` can catch: python-calamine aborts the whole process
(Rust's allocation failure is `panic=abort`) for one cell at XFD1048576, and a parser that loops or
swallows gigabytes blocks the window. So `run(fn, *args, name=…)` calls `fn` in a worker process
whose address space (RLIMIT_AS), CPU time (RLIMIT_CPU) and reply size are capped and whose answer
is awaited for a bounded wall-clock time. It returns `fn`'s plain value, re-raises a CuratorError
exactly as `fn` raised it (EncodingNeeded keeps its bytes and previews), and turns anything else —
MemoryError, a signal from the kernel or from Rust, a timeout, an oversized reply — into one
sentence naming the file. A failed worker is killed and a fresh one started for the next file.
A caller that passes `waiting` keeps its window alive while a long file is read, may cancel, and
hears how far the reading is: code in the worker calls progress(done, total) (a PDF: once a page).

One worker serves many files (a folder import): starting a Python process costs about 60 ms, a
round trip through the pipe well under a millisecond (bench/RESULTS.md). It is started with the
"spawn" method, i.e. a fresh interpreter: the main process may have Qt loaded, and a forked copy of
a Qt process must not run Python code. Windows has no `resource` module and macOS does not enforce
RLIMIT_AS, so there only the pre-checks in the readers, the process boundary and the wall-clock
timeout protect the app; nothing fails for lack of limits.

Also here: `check_regular_file` / `read_regular_file`, because a FIFO, a device or a socket
(st_size 0 for all) must never be opened for reading by the app at all.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import pickle
import signal
import stat
import sys
import threading
import time
import types
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from curator.core.errors import CuratorError, ValidationError

WAITING_SLICE = 0.1  # seconds between a caller's `waiting` calls
PROGRESS_EVERY = 0.05  # seconds: the worker reports how far it is at most this often

try:  # POSIX only; see the module docstring for what Windows gets instead
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]


@dataclass(frozen=True)
class Limits:
    """What one file may cost. 1.5 GiB holds a 100,000-claim workbook (about 250 MB of XML) with room."""

    memory_bytes: int = 3 * 2**29  # 1.5 GiB of address space for the whole worker
    cpu_seconds: int = 20
    wall_seconds: float = 40.0  # CPU time is the usual stop; this catches waits and sleeps
    result_bytes: int = 512 * 2**20


LIMITS = Limits()
Waiting = Callable[[tuple[int, int] | None], bool]  # called with the worker's latest (done, total) or None
_MEMORY_SIGNALS = {signal.SIGABRT, signal.SIGKILL, getattr(signal, "SIGSEGV", -1), getattr(signal, "SIGBUS", -1)}


class _Cancelled(Exception):
    """The caller's `waiting` said stop: the worker is stopped, nothing it read is used."""


class _Failure(Exception):
    """Why the worker gave no answer, before it is worded for the file at hand."""


def _unsafe(name: str, why: str, error: type[CuratorError]) -> CuratorError:
    return error(f"{name}: the file could not be read safely ({why}); it may be damaged or hostile")


def _memory_words(limits: Limits) -> str:
    return f"it needed more than {limits.memory_bytes / 2**30:g} GB of memory"


def _time_words(seconds: float) -> str:
    return f"it needed more than {seconds:g} s"


# ---- the worker's side -------------------------------------------------------------------------


class _Reporter:
    """Where progress(...) goes while the worker runs a call whose caller is waiting for it."""

    conn = None  # the pipe during such a call, else None
    last = 0.0  # when the last message was sent


_reporter = _Reporter()


def progress(done: int, total: int) -> None:
    """Tell a waiting caller how far the current call is (e.g. pages read of all); cheap to call
    often: at most one message per PROGRESS_EVERY is sent. A no-op outside the worker and when the
    caller gave no `waiting`."""
    conn = _reporter.conn
    if conn is None:
        return
    now = time.monotonic()
    if now - _reporter.last < PROGRESS_EVERY:
        return
    _reporter.last = now
    conn.send_bytes(pickle.dumps(("progress", int(done), int(total))))


def _apply_limits(limits: Limits) -> None:
    if resource is None:
        return
    try:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = limits.memory_bytes if hard == resource.RLIM_INFINITY else min(limits.memory_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ValueError, OSError):  # macOS refuses or ignores RLIMIT_AS; the timeout still holds
        pass
    try:
        # The worker lives on, so its CPU limit is "what it has used so far + this file's budget".
        usage = resource.getrusage(resource.RUSAGE_SELF)
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        want = math.ceil(usage.ru_utime + usage.ru_stime) + limits.cpu_seconds
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (want, hard))
    except (ValueError, OSError):
        pass


def _answer(fn, args) -> tuple[bytes, bool]:
    """The pickled reply for one call, and whether the worker should end after sending it."""
    try:
        return pickle.dumps(("ok", fn(*args)), pickle.HIGHEST_PROTOCOL), False
    except MemoryError:
        return pickle.dumps(("memory",)), True
    except RecursionError:
        return pickle.dumps(("failed", "it is nested too deeply")), False
    except CuratorError as exc:
        # Rebuilt without calling __init__, so subclasses with other signatures come back whole.
        try:
            return pickle.dumps(("error", type(exc), exc.args, dict(vars(exc))), pickle.HIGHEST_PROTOCOL), False
        except Exception:  # noqa: BLE001 - an unpicklable attribute: keep the words
            return pickle.dumps(("error", CuratorError, (str(exc),), {})), False
    except Exception as exc:  # noqa: BLE001 - a parser's own error becomes a sentence, not a traceback
        return pickle.dumps(("failed", f"{type(exc).__name__}: {str(exc)[:200]}")), False


def _serve(conn) -> None:
    """The worker's loop: one (fn, args, limits, report) request in, one pickled reply out (after
    ("progress", done, total) messages if `report`), until EOF."""
    while True:
        try:
            fn, args, limits, report = conn.recv()
        except (EOFError, OSError):
            return  # the app has gone
        _apply_limits(limits)
        _reporter.conn, _reporter.last = (conn if report else None), 0.0
        try:
            data, last = _answer(fn, args)
        finally:
            _reporter.conn = None
        if len(data) > limits.result_bytes:
            data = pickle.dumps(("too_big", len(data)))
        conn.send_bytes(data)
        if last:
            return


# ---- the app's side ----------------------------------------------------------------------------


class _Worker:
    def __init__(self):
        context = multiprocessing.get_context("spawn")
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(target=_serve, args=(child,), name="curator-file-reader", daemon=True)
        # "spawn" re-runs the parent's main script in the child unless it is a package's __main__;
        # a script without an `if __name__ == "__main__"` guard would start a second app there. The
        # worker needs nothing from __main__, so it is shown an empty one while it starts.
        main = sys.modules.get("__main__")
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            self.process.start()
        finally:
            if main is not None:
                sys.modules["__main__"] = main
        child.close()

    def call(self, fn, args: tuple, limits: Limits, waiting: Waiting | None = None) -> Any:
        try:
            self.conn.send((fn, args, limits, waiting is not None))
            if waiting is None:
                if not self.conn.poll(limits.wall_seconds):
                    raise _Failure(_time_words(limits.wall_seconds))
                reply = pickle.loads(self.conn.recv_bytes(limits.result_bytes + 4096))
            else:  # a long file (a 2,000-page PDF): the caller keeps its window alive and may cancel
                reply = self._await(limits, waiting)
        except (EOFError, BrokenPipeError, ConnectionResetError):
            raise _Failure(self._death_words(limits)) from None
        except OSError as exc:  # recv_bytes refuses a message longer than maxlength
            if "length" in str(exc):
                raise _Failure(f"what it holds came to more than {limits.result_bytes // 2**20} MB") from None
            raise _Failure(self._death_words(limits)) from None
        kind = reply[0]
        if kind == "ok":
            return reply[1]
        if kind == "error":
            _, cls, exc_args, state = reply
            exc = cls.__new__(cls)
            exc.args = exc_args
            exc.__dict__.update(state)
            raise exc
        if kind == "memory":
            raise _Failure(_memory_words(limits))
        if kind == "too_big":
            raise _Failure(f"what it holds came to more than {limits.result_bytes // 2**20} MB")
        raise _Failure(f"the reader failed: {reply[1]}")

    def _await(self, limits: Limits, waiting: Waiting) -> tuple:
        """The reply, reading the worker's progress messages meanwhile and calling `waiting(latest)`
        every WAITING_SLICE and whenever the worker reports."""
        deadline = time.monotonic() + limits.wall_seconds
        latest: tuple[int, int] | None = None
        while True:
            if self.conn.poll(WAITING_SLICE):
                reply = pickle.loads(self.conn.recv_bytes(limits.result_bytes + 4096))
                if reply[0] != "progress":
                    return reply
                latest = (reply[1], reply[2])
            if time.monotonic() >= deadline:
                raise _Failure(_time_words(limits.wall_seconds))
            if waiting(latest) is False:
                raise _Cancelled()

    def _death_words(self, limits: Limits) -> str:
        self.process.join(2)
        code = self.process.exitcode
        if code is not None and code < 0:
            sig = -code
            if sig == getattr(signal, "SIGXCPU", -1):
                return _time_words(limits.cpu_seconds)
            if sig in _MEMORY_SIGNALS:
                return _memory_words(limits)
            return f"the reader was stopped by signal {sig}"
        return f"the reader stopped unexpectedly (exit code {code})"

    def alive(self) -> bool:
        return self.process.is_alive()

    def stop(self) -> None:
        self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


class _Pool:
    """The one worker, started when first needed and replaced after any failure."""

    def __init__(self):
        self.worker: _Worker | None = None
        self.lock = threading.Lock()  # one request at a time: the pipe carries one conversation

    def run(self, fn, args: tuple, name: str, limits: Limits, error: type[CuratorError], waiting=None) -> Any:
        with self.lock:
            if self.worker is None or not self.worker.alive():
                self.worker = _Worker()
            try:
                return self.worker.call(fn, args, limits, waiting)
            except _Cancelled:
                self.worker.stop()
                self.worker = None
                raise error(f"{name}: reading it was cancelled; nothing was imported") from None
            except _Failure as failure:
                self.worker.stop()  # its state after a failure is unknown; the next file gets a fresh one
                self.worker = None
                raise _unsafe(name, str(failure), error) from None

    def shutdown(self) -> None:
        with self.lock:
            if self.worker is not None:
                self.worker.stop()
                self.worker = None


_pool = _Pool()
if hasattr(os, "register_at_fork"):
    # A forked copy of the app must not talk to (or kill) its parent's worker, nor inherit a held lock.
    os.register_at_fork(after_in_child=_pool.__init__)


def run(
    fn,
    *args,
    name: str,
    limits: Limits | None = None,
    error: type[CuratorError] = ValidationError,
    waiting: Waiting | None = None,
) -> Any:
    """`fn(*args)` in the worker: its value, its CuratorError, or `error` naming the file `name`.

    `fn` must be a module-level function and its arguments and value plain picklable data. `waiting`,
    if given, is called every WAITING_SLICE seconds while the worker reads (a window keeps painting)
    and whenever `fn` reports through progress(done, total), with the latest (done, total) or None;
    returning False stops the worker and raises `error` saying the reading was cancelled."""
    return _pool.run(fn, args, name, limits or LIMITS, error, waiting)


def shutdown() -> None:
    """Stop the worker (it also ends by itself when the app exits and its pipe closes)."""
    _pool.shutdown()


def limits_for(path: Path) -> Limits:
    """The limits for one file: the time budget grows with its size (2 s of CPU per MB on top of the
    base), so a large legitimate workbook on a slow or busy machine is read, while a small file that
    explodes is still stopped early. Memory stays capped whatever the size."""
    try:
        megabytes = Path(path).stat().st_size / 2**20
    except OSError:
        return LIMITS
    cpu = LIMITS.cpu_seconds + math.ceil(2 * megabytes)
    return replace(LIMITS, cpu_seconds=cpu, wall_seconds=max(LIMITS.wall_seconds, 2.0 * cpu))


def limits_for_pdf(path: Path) -> Limits:
    """A PDF's limits: PDFium and its text need more room than a text file of the same size (a
    2,000-page article collection is 10–40 MB and takes a second or two per hundred pages), so 2 GiB
    of memory and 60 s of CPU plus 6 s per MB; the wall-clock bound is twice that."""
    try:
        megabytes = Path(path).stat().st_size / 2**20
    except OSError:
        megabytes = 0.0
    cpu = 60 + math.ceil(6 * megabytes)
    return replace(LIMITS, memory_bytes=2**31, cpu_seconds=cpu, wall_seconds=2.0 * cpu)


def with_limits(**changes) -> Limits:
    """The default limits with some changed, e.g. `with_limits(cpu_seconds=2)` in a test."""
    return replace(LIMITS, **changes)


# ---- regular files only ------------------------------------------------------------------------

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def display_name(path: Path) -> str:
    """The file's name as text that can be shown and stored (undecodable bytes become U+FFFD)."""
    name = Path(path).name
    try:
        return os.fsencode(name).decode("utf-8", errors="replace")
    except UnicodeError:  # a lone surrogate from a Windows name
        return name.encode("utf-8", errors="replace").decode("utf-8")


def _not_regular(name: str, mode: int, error: type[CuratorError]) -> CuratorError:
    kind = next((words for test, words in _KINDS if test(mode)), "not a regular file")
    return error(f"{name}: is {kind}, not a file; only regular files are imported")


def check_regular_file(path: Path, error: type[CuratorError] = ValidationError) -> os.stat_result:
    """Refuse, before anything opens it, a path that is not a regular file (its size is the caller's)."""
    name = display_name(path)
    try:
        st = os.stat(path)  # follows a link the reviewer chose; collect() vets links inside folders
    except OSError as exc:
        raise error(f"{name}: cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(st.st_mode):
        raise _not_regular(name, st.st_mode, error)
    return st


def read_regular_file(path: Path, max_bytes: int, error: type[CuratorError] = ValidationError) -> bytes:
    """The file's bytes, read only if what was opened is a regular file, and never more than max_bytes."""
    name = display_name(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        # O_NONBLOCK: opening a FIFO swapped in since the check must not wait for a writer.
        fd = os.open(path, flags)
    except OSError as exc:
        raise error(f"{name}: cannot be read ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)  # what was opened, not what the name pointed to a moment ago
        if not stat.S_ISREG(st.st_mode):
            raise _not_regular(name, st.st_mode, error)
        chunks, total = [], 0
        while total <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise error(f"{name}: cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if total > max_bytes:
        raise error(f"{name}: over the {max_bytes // 2**20} MB limit for one document")
    return b"".join(chunks)
