"""Backups through SQLite's online backup API only, never a file copy of the live database.

A copy of the file can miss everything still in the -wal file; the backup API gives a complete,
consistent copy even while another process writes (../shared/notes/reliability.md).

Backups live in `backups/` beside the project file and are never overwritten: each is written
under a temporary name and then linked to a name no other file has. Only the rolling backups
taken when a project opens are pruned; those taken before a migration, before a restore or on
demand are kept until the reviewer deletes them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from curator.core.errors import CuratorError

DEFAULT_KEEP = 10
ON_OPEN = "on-open"
PARTIAL_NAME = re.compile(r"^\.(?P<stem>.+)-(?P<pid>\d+)-\d{8}-\d{6}\.partial$")
_IMPORTED_AT = time.time()
BACKUP_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?-(?P<reason>[a-z0-9-]+)\.sqlite3$")


class BackupError(CuratorError):
    """A backup could not be made, read or restored."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: dt.datetime
    reason: str
    size: int


def backup_folder(db_path: Path) -> Path:
    return db_path.parent / "backups"


def keep_count() -> int:
    """How many on-open backups to keep: $CURATOR_BACKUPS_KEEP, else 10."""
    try:
        return max(1, int(os.environ.get("CURATOR_BACKUPS_KEEP", DEFAULT_KEEP)))
    except ValueError:
        return DEFAULT_KEEP


def _stamp(now: dt.datetime | None = None) -> str:
    return (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")


def _free_name(folder: Path, stem: str, reason: str) -> Path:
    stamp = _stamp()
    for n in range(1, 1000):
        suffix = "" if n == 1 else f"-{n}"
        candidate = folder / f"{stem}-{stamp}{suffix}-{reason}.sqlite3"
        if not candidate.exists():
            return candidate
    raise BackupError(f"too many backups named {stem}-{stamp}… in {folder}")


def _copy_then_link(source: sqlite3.Connection, folder: Path, stem: str, names: Iterable[Path]) -> Path:
    """Copy `source` under a temporary name, then link it to the first of `names` that is free;
    never overwrites."""
    partial = folder / f".{stem}-{os.getpid()}-{_stamp()}.partial"
    try:
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
            # The copy is one self-contained file: no -wal beside it.
            target.execute("PRAGMA journal_mode=DELETE").fetchone()
        finally:
            target.close()
        for final in names:
            try:
                os.link(partial, final)  # fails if the name exists: a backup is never overwritten
                return final
            except FileExistsError:
                continue
        raise BackupError(f"{final} already exists; choose another name (backups never overwrite a file)")
    except sqlite3.Error as exc:
        raise BackupError(f"the backup to {folder} failed: {exc}") from exc
    except OSError as exc:
        raise BackupError(f"the backup to {folder} failed: {exc.strerror or exc}") from exc
    finally:
        partial.unlink(missing_ok=True)


def _process_started() -> float:
    """When this process started (Linux), else when this module was imported."""
    try:
        fields = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        uptime = float(Path("/proc/uptime").read_text().split()[0])
        # field 22: start time in clock ticks since boot; /proc/uptime is finer than /proc/stat's btime
        return time.time() - (uptime - int(fields[19]) / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return _IMPORTED_AT


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by someone else
    return True


def _locked(path: Path) -> bool:
    """Whether an SQLite connection elsewhere holds a lock on `path` (a backup still writing it)."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=0)
        try:
            con.execute("BEGIN EXCLUSIVE")
            con.execute("ROLLBACK")
        finally:
            con.close()
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc) or "busy" in str(exc)
    except sqlite3.Error:
        return False  # not a database at all: the remains of a copy cut short
    return False


def remove_stale_partials(db_path: Path, folder: Path | None = None) -> list[Path]:
    """Delete the temporary copies that backups killed midway (kill -9, power loss) left behind.

    A partial is stale when it is older than this process and no live backup holds it: a backup
    still running in another process is younger than its own writes or holds a lock on the copy.
    """
    folder = folder or backup_folder(db_path)
    if not folder.is_dir():
        return []
    started, removed = _process_started(), []
    for path in folder.glob(".*.partial"):
        m = PARTIAL_NAME.match(path.name)
        if not m or m["stem"] != db_path.stem or int(m["pid"]) == os.getpid():
            continue
        try:
            # The writer's process gone: stale, whenever it wrote. Alive (or its pid reused): kept while
            # it holds a lock on the copy, or wrote it since this process started (a clock tick's
            # rounding must never delete a live backup's file, so a dead writer is judged first).
            if _pid_alive(int(m["pid"])) and (_locked(path) or path.stat().st_mtime >= started):
                continue
            path.unlink()
            removed.append(path)
        except OSError:
            continue  # one we cannot delete is merely left
    return removed


def backup_connection(source: sqlite3.Connection, db_path: Path, reason: str, folder: Path | None = None) -> Path:
    """Copy the open database `source` into a new file in the backup folder; return its path."""
    folder = folder or backup_folder(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"cannot create the backup folder {folder}: {exc.strerror or exc}") from exc
    reason = re.sub(r"[^a-z0-9-]+", "-", reason.lower()).strip("-") or "backup"
    names = (_free_name(folder, db_path.stem, reason) for _ in range(1000))
    return _copy_then_link(source, folder, db_path.stem, names)


def backup_to_file(source: sqlite3.Connection, out: Path) -> Path:
    """Copy the open database to exactly `out`, which must not exist yet."""
    if out.exists():
        raise BackupError(f"{out} already exists; choose another name (backups never overwrite a file)")
    if not out.parent.is_dir():
        raise BackupError(f"folder {out.parent} does not exist")
    return _copy_then_link(source, out.parent, out.stem, [out])


def list_backups(db_path: Path, folder: Path | None = None) -> list[BackupInfo]:
    """Backups of this project, newest first."""
    folder = folder or backup_folder(db_path)
    found = []
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        m = BACKUP_NAME.match(path.name)
        if not m or m["stem"] != db_path.stem:
            continue
        taken = dt.datetime.strptime(m["stamp"], "%Y%m%d-%H%M%S")
        found.append(BackupInfo(path, taken, m["reason"], path.stat().st_size))
    found.sort(key=lambda b: (b.taken_at, b.path.stat().st_mtime_ns, b.path.name), reverse=True)
    return found


def prune(db_path: Path, keep: int | None = None, folder: Path | None = None) -> list[Path]:
    """Delete the oldest on-open backups beyond `keep`; no other kind is ever deleted."""
    keep = keep if keep is not None else keep_count()
    rolling = [b for b in list_backups(db_path, folder) if b.reason == ON_OPEN]
    removed = []
    for old in rolling[keep:]:
        try:
            old.path.unlink()
            removed.append(old.path)
        except OSError:
            pass  # a backup we cannot delete is merely kept
    return removed


def changed_since_last_rolling_backup(db_path: Path) -> bool:
    newest = next((b for b in list_backups(db_path) if b.reason == ON_OPEN), None)
    if newest is None:
        return True
    # An empty -wal is the one this open just created; only one holding frames means writes.
    files = [db_path] + [p for p in (Path(f"{db_path}-wal"),) if p.exists() and p.stat().st_size]
    written = max(p.stat().st_mtime_ns for p in files)
    return written >= newest.path.stat().st_mtime_ns


def check_backup(path: Path) -> str | None:
    """None if `path` is an intact Curator database, else why not."""
    from curator.core.db import APPLICATION_ID

    if not path.is_file():
        return f"{path} does not exist"
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return f"{path.name} cannot be opened: {exc}"
    try:
        if con.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            return f"{path.name} is not a Curator project"
        result = [r[0] for r in con.execute("PRAGMA quick_check").fetchall()]
        if result != ["ok"]:
            return f"{path.name} is damaged ({result[0]})"
    except sqlite3.Error as exc:
        return f"{path.name} is not a readable database ({exc})"
    finally:
        con.close()
    return None


def newest_intact_backup(db_path: Path) -> Path | None:
    return next((b.path for b in list_backups(db_path) if check_backup(b.path) is None), None)


@dataclass(frozen=True)
class RestoreReport:
    restored_from: Path
    previous_kept_as: Path | None  # the project as it was before the restore


def _set_aside(db_path: Path) -> Path:
    """Rename a damaged project (and its -wal/-shm) out of the way; it is never deleted."""
    aside = db_path.with_name(f"{db_path.name}.damaged-{_stamp()}")
    n = 1
    while aside.exists():
        n += 1
        aside = db_path.with_name(f"{db_path.name}.damaged-{_stamp()}-{n}")
    for suffix in ("-wal", "-shm"):
        companion = Path(f"{db_path}{suffix}")
        if companion.exists():
            companion.rename(Path(f"{aside}{suffix}"))
    db_path.rename(aside)
    return aside


def restore_backup(backup: Path, db_path: Path) -> RestoreReport:
    """Make the project at `db_path` a copy of `backup`. The project must not be open.

    The current project is first backed up (or, if it is damaged, renamed aside), so a restore
    can itself be undone by restoring that copy.
    """
    problem = check_backup(backup)
    if problem:
        raise BackupError(f"cannot restore: {problem}")
    previous = None
    if db_path.exists():
        if check_backup(db_path) is None:
            con = sqlite3.connect(db_path)
            try:
                previous = backup_connection(con, db_path, "before-restore")
            finally:
                con.close()
        else:
            previous = _set_aside(db_path)
    source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    target = sqlite3.connect(db_path)
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=wal").fetchone()
    except sqlite3.Error as exc:
        raise BackupError(f"the restore into {db_path} failed: {exc}; the previous project is at {previous}") from exc
    finally:
        target.close()
        source.close()
    return RestoreReport(backup, previous)
