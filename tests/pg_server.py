"""A throwaway PostgreSQL server for the tests, and a fresh database on it per test.

`running_server()` yields the URL of a server for the whole test run: the one CURATOR_TEST_POSTGRES_URL
names, or one started here from the machine's server binaries (`initdb`, `postgres`) in a
temporary folder, on 127.0.0.1 at a free port and a unix socket in that folder, stopped and removed
at the end. The server is a child of the test process (not pg_ctl's daemon): on Linux it also stops
when the test run is killed or crashes. `fresh_database(url)` creates an empty database on that server and drops it afterwards,
so tests never see each other's tables.

Binaries are looked for on PATH, then in /usr/lib/postgresql/*/bin (Debian, newest first) and
/usr/pgsql-*/bin (RHEL); off CI, also in the `pgserver` wheel the test extras install on Linux
x86_64. PostgreSQL refuses to run as root: as root the server runs as the `postgres` system user, or
`nobody`.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ENV_URL = "CURATOR_TEST_POSTGRES_URL"
SERVER_BINARIES = ("initdb", "postgres")
SYSTEM_BIN_DIRS = ("/usr/lib/postgresql/*/bin", "/usr/pgsql-*/bin")  # Debian and Ubuntu; RHEL and Fedora
INSTALL_HINT = (
    "install PostgreSQL's server (Debian/Ubuntu: apt-get install postgresql; macOS: brew install postgresql), "
    "or set CURATOR_TEST_POSTGRES_URL to a server where you may create databases"
)
# Throwaway data: nothing needs to survive a crash, so nothing waits for the disk.
SERVER_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "shared_buffers": "16MB",
    "max_connections": "50",
    "log_min_messages": "warning",
}


class NoServerBinaries(Exception):
    """No PostgreSQL server binaries on this machine; the message says how to install them."""


def on_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", str(path))) or (0,)


def _has_binaries(directory: Path) -> bool:
    return all(shutil.which(name, path=str(directory)) for name in SERVER_BINARIES)


def _pgserver_bin_dir() -> Path | None:
    """The binaries inside the `pgserver` wheel, found without importing it (its import has side effects)."""
    try:
        spec = importlib.util.find_spec("pgserver")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def find_bin_dir(*, allow_wheel: bool | None = None) -> Path:
    """The folder holding initdb and postgres; raises NoServerBinaries if there is none."""
    candidates: list[Path] = []
    found = shutil.which("initdb")
    if found:
        candidates.append(Path(found).resolve().parent)  # /usr/local/bin/initdb may link into the real folder
        candidates.append(Path(found).parent)
    for pattern in SYSTEM_BIN_DIRS:
        candidates.extend(sorted(Path("/").glob(pattern.lstrip("/")), key=_version_key, reverse=True))
    if allow_wheel if allow_wheel is not None else not on_ci():
        wheel = _pgserver_bin_dir()
        if wheel:
            candidates.append(wheel)
    for directory in candidates:
        if _has_binaries(directory):
            return directory
    raise NoServerBinaries(f"no PostgreSQL server binaries (initdb, postgres) found: {INSTALL_HINT}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_account():
    """Who runs the server: None for the current user, an unprivileged account (a pwd entry) when we are root."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    import pwd  # not on Windows

    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise RuntimeError("running as root, and neither a 'postgres' nor a 'nobody' user exists to run PostgreSQL")


def _die_with_parent():
    """For preexec_fn on Linux: the server gets SIGQUIT (immediate shutdown) if the test process dies."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before the fork, only called after it
    pr_set_pdeathsig = 1

    def preexec():
        prctl(pr_set_pdeathsig, signal.SIGQUIT)

    return preexec


def remove_stale_folders(root: Path, older_than: float = 600) -> None:
    """Folders left by a test run that died (killed, or crashed in C code): no server in them, not new."""
    for folder in root.glob("curator-pg-*"):
        with contextlib.suppress(OSError):
            if not (folder / "data" / "postmaster.pid").exists() and time.time() - folder.stat().st_mtime > older_than:
                shutil.rmtree(folder, ignore_errors=True)


class Server:
    """A PostgreSQL server in its own temporary folder; `start()` then `stop()`.

    The postmaster is this process's child rather than pg_ctl's daemon, so that on Linux it stops when the
    test run dies, however it dies; `stop()` shuts it down and removes the folder.
    """

    def __init__(self, bin_dir: Path | None = None):
        self.bin_dir = bin_dir or find_bin_dir()
        self.account = _server_account()
        self.base: Path | None = None
        self.process: subprocess.Popen | None = None
        self.port: int | None = None
        self.url: str | None = None

    @property
    def data_dir(self) -> Path:
        return self.base / "data"

    def _as_account(self) -> dict:
        """subprocess arguments that run a server binary as the server's account, in its folder."""
        env = dict(os.environ, LC_ALL="C", LANG="C", TZ="UTC")
        kwargs = {"cwd": self.base, "env": env, "stdin": subprocess.DEVNULL}
        if self.account is not None:
            env.update(HOME=str(self.base), USER=self.account.pw_name, LOGNAME=self.account.pw_name)
            kwargs.update(user=self.account.pw_uid, group=self.account.pw_gid, extra_groups=[])
        return kwargs

    def _log_tail(self) -> str:
        log = self.base / "server.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def start(self) -> str:
        # As root the folder must be the server account's, and reachable: so under /tmp, not root's $TMPDIR.
        root = Path("/tmp" if self.account else tempfile.gettempdir())
        remove_stale_folders(root)
        self.base = Path(tempfile.mkdtemp(prefix="curator-pg-", dir=root))
        try:
            self.base.chmod(0o755)
            if self.account is not None:
                os.chown(self.base, self.account.pw_uid, self.account.pw_gid)
            initdb = [str(self.bin_dir / "initdb"), "-D", str(self.data_dir), "-U", "postgres", "--auth=trust"]
            initdb += ["--encoding=UTF8", "--no-locale", "--no-sync"]
            result = subprocess.run(
                initdb, capture_output=True, text=True, timeout=120, check=False, **self._as_account()
            )
            if result.returncode != 0:
                raise RuntimeError(f"initdb failed ({result.returncode}):\n{result.stdout}{result.stderr}".rstrip())
            for attempt in range(3):  # another process may take the free port before the server does
                self.port = _free_port()
                if self._start_postmaster():
                    break
                if attempt == 2:
                    raise RuntimeError(f"PostgreSQL did not start:\n{self._log_tail()}".rstrip())
            self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
            atexit.register(self.stop)  # should the test run end without its fixtures' teardown
            return self.url
        except BaseException:
            self.stop()
            raise

    def _start_postmaster(self, timeout: float = 60) -> bool:
        """Start the server on self.port and wait until it accepts connections; False if it exited."""
        settings = dict(SERVER_SETTINGS, port=str(self.port))
        if os.name == "posix":
            settings["unix_socket_directories"] = f"'{self.base}'"
        conf = self.data_dir / "postgresql.auto.conf"
        conf.write_text("".join(f"{key} = {value}\n" for key, value in settings.items()))
        if self.account is not None:
            os.chown(conf, self.account.pw_uid, self.account.pw_gid)
        with (self.base / "server.log").open("ab") as log:
            self.process = subprocess.Popen(
                [str(self.bin_dir / "postgres"), "-D", str(self.data_dir)],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # a Ctrl-C meant for pytest reaches the server through stop(), in order
                preexec_fn=_die_with_parent(),  # noqa: PLW1509 - set after the fork, before postgres runs
                **self._as_account(),
            )
        deadline = time.monotonic() + timeout
        pid_file = self.data_dir / "postmaster.pid"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:  # e.g. the port was taken meanwhile
                return False
            with contextlib.suppress(OSError):  # the postmaster marks its pid file once it accepts connections
                lines = pid_file.read_text().splitlines()
                if len(lines) >= 8 and lines[7].strip() == "ready":
                    return True
            time.sleep(0.02)
        self._stop_postmaster()
        raise RuntimeError(f"PostgreSQL did not get ready within {timeout:.0f} s:\n{self._log_tail()}".rstrip())

    def _stop_postmaster(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(getattr(signal, "SIGQUIT", signal.SIGTERM))  # immediate shutdown: nothing to keep
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        try:
            self._stop_postmaster()
        finally:
            if self.base is not None:
                shutil.rmtree(self.base, ignore_errors=True)
                self.base = None


@contextlib.contextmanager
def running_server() -> Iterator[str]:
    """The URL of a server for the test run: CURATOR_TEST_POSTGRES_URL's, or a throwaway one.

    Raises NoServerBinaries when there is neither; the caller decides whether that skips or fails.
    """
    url = os.environ.get(ENV_URL)
    if url:
        yield url
        return
    server = Server()
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path="/" + name))


def _admin(url: str):
    import psycopg2

    conn = psycopg2.connect(url)
    conn.autocommit = True
    return conn


def create_database(server_url: str, prefix: str = "test", template: str | None = None) -> str:
    """Create a database on the server, empty or a copy of `template` (the URL of a database on the same
    server that nobody is connected to); return its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    source = urlsplit(template).path.lstrip("/") if template else "template0"
    conn = _admin(server_url)
    try:
        conn.cursor().execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}" ' + "ENCODING 'UTF8'")
    finally:
        conn.close()
    return _with_database(server_url, name)


def drop_database(database_url: str, server_url: str) -> None:
    """Drop a database made by create_database, ending any connection a test left open to it."""
    import psycopg2.errors

    name = urlsplit(database_url).path.lstrip("/")
    conn = _admin(server_url)
    try:
        cur = conn.cursor()
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,))
        for attempt in range(50):  # terminated backends take a moment to go
            try:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
                return
            except psycopg2.errors.ObjectInUse:
                if attempt == 49:
                    raise
                time.sleep(0.1)
    finally:
        conn.close()


@contextlib.contextmanager
def fresh_database(server_url: str, prefix: str = "test", template: str | None = None) -> Iterator[str]:
    """An empty database (or a copy of `template`'s) on the server for the duration of the block; its URL."""
    url = create_database(server_url, prefix, template)
    try:
        yield url
    finally:
        drop_database(url, server_url)
