"""Run a function in a forked child with lowered privileges or a file-size limit.

Root ignores file modes, so permission tests drop to `nobody` when run as root. A fork (not a new
interpreter) keeps every module already imported, so the child needs no access to the virtual
environment's files. RLIMIT_FSIZE makes writes past a size fail, as on a full disk.
"""

from __future__ import annotations

import os
import pickle
import resource
import signal
import traceback

NOBODY = 65534


def run_in_child(fn, *args, uid: int | None = None, fsize: int | None = None, timeout: float = 60):
    """fn(*args) in a forked process; its return value, or its exception re-raised here."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        os.close(read_end)
        try:
            if uid is not None:
                os.setgroups([])
                os.setgid(uid)
                os.setuid(uid)
            if fsize is not None:
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
                resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, resource.RLIM_INFINITY))
            result = ("ok", fn(*args))
        except BaseException as exc:  # noqa: BLE001 - everything goes back to the parent
            result = ("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
        try:
            data = pickle.dumps(result)
        except Exception as exc:  # noqa: BLE001
            data = pickle.dumps(("error", f"unpicklable result: {exc}"))
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    kind, value = pickle.loads(data) if data else ("error", "the child died without a word")
    if kind == "error":
        raise AssertionError(f"in the child process: {value}")
    return value


def running_as_root() -> bool:
    return os.geteuid() == 0
