"""Opening an SQLite project file safely: what kind of file it is, whether it may be written,
whether it is intact, and whether it lives somewhere SQLite is not safe.

The facts behind each check are in ../shared/notes/reliability.md.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

import peewee

from curator.core.db import APPLICATION_ID
from curator.core.errors import CuratorError
from curator.core.migrations import SchemaError

SQLITE_HEADER = b"SQLite format 3\x00"
HEADER_SIZE = 100  # the database header: journal mode at byte 18, application_id at bytes 68-71

# Folders that sync files one by one: they tear a database from its -wal/-shm files.
SYNCED_FOLDER_NAMES = (
    "dropbox",
    "onedrive",
    "google drive",
    "googledrive",
    "icloud drive",
    "mobile documents",
    "icloud~",
    "box sync",
    "pcloud",
    "nextcloud",
    "owncloud",
    "syncthing",
)
NETWORK_FILESYSTEMS = {
    "nfs",
    "nfs4",
    "cifs",
    "smb3",
    "smbfs",
    "afs",
    "9p",
    "fuse.sshfs",
    "sshfs",
    "davfs",
    "fuse.davfs2",
    "glusterfs",
    "ceph",
    "fuse.rclone",
    "lustre",
    "gpfs",
}


class NotAProjectError(CuratorError):
    """The file is not a Curator project (not SQLite, or another program's SQLite)."""


class ForeignDatabaseError(NotAProjectError, SchemaError):
    """Another program's SQLite file: refused before anything is written to it."""


class CorruptDatabaseError(CuratorError):
    """The project file is damaged. `backup` is the newest intact backup, if there is one."""

    def __init__(self, path: Path, detail: str, backup: Path | None):
        self.path, self.detail, self.backup = path, detail, backup
        if backup:
            advice = f'The newest backup is {backup}; restore it with: curator restore "{backup}"'
        else:
            advice = "No backup of it was found. Keep the file: a specialist may recover some of it."
        super().__init__(f"The project file {path} is damaged ({detail}). {advice}")


@dataclass(frozen=True)
class FileState:
    """What opening a project file found before any write."""

    path: Path
    exists: bool
    read_only_reason: str | None  # why the file cannot be written, or None


def inspect_file(path: Path) -> FileState:
    """Classify an SQLite project path without changing anything on disk."""
    if not path.exists():
        folder = path.parent
        if not os.access(folder, os.W_OK):
            raise CuratorError(f"cannot create a project in {folder}: the folder is read-only. Choose another folder.")
        return FileState(path, False, None)
    if not path.is_file():
        raise NotAProjectError(f"{path} is not a file")
    if path.stat().st_size:
        try:
            with open(path, "rb") as f:  # a read-only peek; the file is not open in SQLite yet
                header = f.read(HEADER_SIZE)
        except PermissionError:
            raise CuratorError(f"{path} cannot be read: you have no permission to read it") from None
        if header[: len(SQLITE_HEADER)] != SQLITE_HEADER:
            raise NotAProjectError(f"{path} is not a Curator project (it is not an SQLite database)")
        _refuse_foreign(path, header)
    reason = None
    if not os.access(path, os.W_OK):
        reason = f"the file {path.name} is read-only"
    elif not os.access(path.parent, os.W_OK):
        # SQLite needs to create its -wal and -shm files beside the database to write.
        reason = f"the folder {path.parent} is read-only"
    return FileState(path, True, reason)


def _refuse_foreign(path: Path, header: bytes) -> None:
    """Refuse another program's SQLite file by looking only: a connection with Curator's pragmas would
    switch it to WAL (rewriting header bytes 18-19 and more) before anything could say no."""
    if len(header) < HEADER_SIZE:
        return  # SQLite itself will call it damaged, before any pragma writes
    app_id = int.from_bytes(header[68:72], "big")
    if app_id == APPLICATION_ID:
        return
    foreign = ForeignDatabaseError(f"{path} is an SQLite database of another program, not a Curator project")
    if app_id != 0:
        raise foreign
    # No application_id: an empty file, one Curator created but had not yet marked when it stopped,
    # or another program's tables. Only the schema tells; read it through a connection that cannot
    # write. A WAL file without its -wal is read as immutable, or SQLite would create -wal and -shm.
    in_wal_mode = header[18] == 2
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if in_wal_mode and not Path(f"{path}-wal").exists():
        uri += "&immutable=1"
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            con.close()
    except sqlite3.Error:
        return  # damaged: the open reports it, naming the newest backup
    if tables and "schema_info" not in tables:
        raise foreign


def read_only_database(path: Path, pragmas: dict) -> peewee.SqliteDatabase:
    """A connection that cannot write, usable even where SQLite could not create its -shm file."""
    safe = {k: v for k, v in pragmas.items() if k not in ("journal_mode", "synchronous")}
    uri = path.resolve().as_uri()
    db = peewee.SqliteDatabase(f"{uri}?mode=ro", uri=True, pragmas=safe)
    try:
        db.connect()
        db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except peewee.OperationalError:
        db.close()
    # A WAL database in a read-only folder has no -shm and cannot get one; nobody can write it
    # there either, so reading it as immutable is safe.
    db = peewee.SqliteDatabase(f"{uri}?mode=ro&immutable=1", uri=True, pragmas=safe)
    db.connect()
    return db


def quick_check(db: peewee.Database) -> str | None:
    """None if SQLite's quick_check passes, else what it (or the attempt) reported."""
    try:
        rows = [r[0] for r in db.execute_sql("PRAGMA quick_check").fetchall()]
    except (peewee.DatabaseError, sqlite3.DatabaseError) as exc:
        return str(exc)
    return _check_report(rows)


def _check_report(rows: list[str]) -> str | None:
    if rows == ["ok"]:
        return None
    return "; ".join(rows[:3]) + (f" and {len(rows) - 3} more problems" if len(rows) > 3 else "")


# -- the check started ahead ------------------------------------------------------------------
# quick_check reads the whole file (≈ 80 ms at 100,000 claims, more on a loaded machine). SQLite
# releases the GIL while it reads, so the window's start runs it on a second core while Python
# loads Qt and the window's modules; the open then takes its result instead of checking again, as
# long as the file is provably the one that was checked.
_early: dict[Path, tuple[tuple, threading.Thread, list]] = {}


def _identity(path: Path) -> tuple | None:
    """What changes when anything is written to the project: the file, its -wal, a -journal."""
    try:
        st = path.stat()
    except OSError:
        return None
    wal_size = os.stat(f"{path}-wal").st_size if os.path.exists(f"{path}-wal") else 0
    if wal_size or os.path.exists(f"{path}-journal"):
        return None  # a journal left behind: the open inspects it before any connection touches the file
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def start_quick_check(path: Path) -> bool:
    """Start quick_check of an existing, writable Curator project on a read-only connection in a
    thread; False (nothing started) for anything else, which the open then handles as always."""
    path = Path(path).expanduser().absolute()
    identity = _identity(path)
    if identity is None or not path.is_file() or not os.access(path, os.W_OK) or not os.access(path.parent, os.W_OK):
        return False
    try:
        with open(path, "rb") as f:
            header = f.read(HEADER_SIZE)
    except OSError:
        return False
    if (
        len(header) < HEADER_SIZE
        or header[:16] != SQLITE_HEADER
        or int.from_bytes(header[68:72], "big") != APPLICATION_ID
    ):
        return False  # not provably ours: the open refuses or examines it without any connection first
    result: list = []

    def check() -> None:
        try:
            con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, check_same_thread=False)
            try:
                result.append(_check_report([r[0] for r in con.execute("PRAGMA quick_check").fetchall()]))
            finally:
                con.close()
        except sqlite3.Error as exc:
            result.append(str(exc))

    thread = threading.Thread(target=check, name="curator-quick-check", daemon=True)
    _early[path] = (identity, thread, result)
    thread.start()
    return True


def take_early_check(path: Path) -> tuple[tuple, str | None] | None:
    """Wait for the check started ahead for `path`, if any: (the file's identity then, its result).

    The open calls this before anything else touches the file, so no read of the early check can
    overlap a journal check, a connection's recovery or a restore that replaces the file."""
    early = _early.pop(Path(path).absolute(), None)
    if early is None:
        return None
    identity, thread, result = early
    thread.join()
    return (identity, result[0]) if result else None


def quick_check_at_open(path: Path, db: peewee.Database, early: tuple[tuple, str | None] | None) -> str | None:
    """The early check's result if the file is unchanged since it began, else quick_check now on `db`."""
    if early is not None and early[0] == _identity(path):
        return early[1]
    return quick_check(db)


def _mount_type(path: Path) -> str | None:
    """The filesystem type of the mount holding `path` (Linux only; None elsewhere)."""
    try:
        mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    target = str(path.resolve())
    best, best_type = "", None
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, parts[2]
    return best_type


def location_warning(path: Path) -> str | None:
    """A warning when the project lives on a network or cloud-synced folder, else None."""
    lowered = str(path.resolve()).lower()
    synced = next((name for name in SYNCED_FOLDER_NAMES if name in lowered), None)
    if synced:
        where = f"a cloud-synced folder ({synced.title()})"
    else:
        fs = _mount_type(path.parent)
        if fs not in NETWORK_FILESYSTEMS:
            return None
        where = f"a network drive ({fs})"
    return (
        f"This project is on {where}. Syncing or sharing an open database file can damage it. "
        "Keep the project on a local disk, or let the team share a PostgreSQL server (--db postgresql://…)."
    )
