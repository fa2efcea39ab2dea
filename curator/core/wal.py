"""Look at a -wal file left by an unclean stop before SQLite replays it, and keep it if it is damaged.

When SQLite opens a database whose -wal nobody holds, it replays the journal's frames up to the
last commit whose checksum chain is intact and silently discards everything after it: committed
claims can vanish and `PRAGMA integrity_check` still says ok (../shared/notes/reliability.md). So
the first open after an unclean stop copies the journal as found, verifies its frames here
(format: sqlite.org/fileformat2.html#walformat), and, when commits would be discarded, keeps the
copy and says so. An intact journal's copy is deleted again: SQLite will replay all of it.

Frames after the valid prefix that carry an older salt are normal leftovers of a reused journal, and
a broken last transaction with nothing after it was never acknowledged; neither is reported. (A
frame whose salts and checksum are both damaged cannot be told from an older journal's leftover.)
Verification costs about 50 ms per MB of journal, and runs only after an unclean stop.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import struct
from dataclasses import dataclass
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: no POSIX locks to look at
    fcntl = None

HEADER_SIZE = 32
FRAME_HEADER_SIZE = 24
MAGIC_LITTLE, MAGIC_BIG = 0x377F0682, 0x377F0683  # the low bit says the checksums' byte order
SHM_DMS_BYTE = 128  # every connection holds a shared lock on this byte of the -shm (os_unix.c)
KEPT_SUFFIX = "-damaged-journal.sqlite3-wal"
MASK = 0xFFFFFFFF

# Databases this process has open: a POSIX lock test on their -shm would drop our own locks (closing
# any descriptor of a file releases all of the process's locks on it).
_open_here: dict[Path, int] = {}


@dataclass(frozen=True)
class WalReport:
    frames: int  # whole frames in the file
    commits: int  # commits SQLite will replay
    lost_commits: int  # commits of this journal's generation after the first invalid frame
    damaged: bool  # replaying the journal would discard committed frames
    detail: str  # what was wrong, in words ("" when intact)


def checksum(data: bytes, s0: int, s1: int, big_endian: bool) -> tuple[int, int]:
    """SQLite's WAL checksum of `data` (a multiple of 8 bytes), continuing from (s0, s1)."""
    words = iter(struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data))
    for x0, x1 in zip(words, words):  # pairs, without indexing: this loop is the whole cost
        s0 = (s0 + x0 + s1) & MASK
        s1 = (s1 + x1 + s0) & MASK
    return s0, s1


def verify(wal_path: Path) -> WalReport:
    """Walk the journal's frames as SQLite's recovery does, and say what replaying it would lose."""
    data = wal_path.read_bytes()
    if len(data) < HEADER_SIZE:
        return WalReport(0, 0, 0, False, "")
    magic, _version, page_size, _, salt1, salt2, c0, c1 = struct.unpack(">8I", data[:HEADER_SIZE])
    frame_size = FRAME_HEADER_SIZE + page_size
    whole = (len(data) - HEADER_SIZE) // frame_size if page_size else 0
    big_endian = magic == MAGIC_BIG
    header_ok = (
        magic in (MAGIC_LITTLE, MAGIC_BIG)
        and page_size >= 512
        and page_size & (page_size - 1) == 0
        and checksum(data[:24], 0, 0, big_endian) == (c0, c1)
    )
    if not header_ok:
        frames = (len(data) - HEADER_SIZE) // 1024  # the page size is unknown; count what is plausible
        detail = "its header is damaged, so SQLite ignores every frame in it"
        return WalReport(frames, 0, 0, frames > 0, detail if frames else "")
    s0, s1 = c0, c1
    commits, broken_at, broken_current, broken_commit = 0, None, False, False
    for n in range(whole):
        offset = HEADER_SIZE + n * frame_size
        head = data[offset : offset + FRAME_HEADER_SIZE]
        _, commit_size, f_salt1, f_salt2, f0, f1 = struct.unpack(">6I", head)
        # The checksum covers the page number, the commit size and the page, not the salts.
        t0, t1 = checksum(head[:8], s0, s1, big_endian)
        t0, t1 = checksum(data[offset + FRAME_HEADER_SIZE : offset + frame_size], t0, t1, big_endian)
        current = (f_salt1, f_salt2) == (salt1, salt2)
        if current and (t0, t1) == (f0, f1):
            s0, s1 = t0, t1
            commits += commit_size != 0
            continue
        # A frame of this journal whose salt or checksum is damaged, or the stale end of an older one
        # (whose checksum cannot continue this journal's chain).
        ours = current or (t0, t1) == (f0, f1)
        broken_at, broken_current, broken_commit = n, current, ours and commit_size != 0
        break
    if broken_at is None:
        return WalReport(whole, commits, 0, False, "")
    later_current = lost_commits = 0
    for n in range(broken_at + 1, whole):
        offset = HEADER_SIZE + n * frame_size
        _, commit_size, f_salt1, f_salt2 = struct.unpack(">4I", data[offset : offset + 16])
        if (f_salt1, f_salt2) == (salt1, salt2):
            later_current += 1
            lost_commits += commit_size != 0
    lost_commits += broken_commit
    damaged = bool(later_current) or broken_commit
    detail = ""
    if damaged:
        why = "fails its checksum" if broken_current else "has a damaged salt"
        detail = (
            f"frame {broken_at + 1} of {whole} {why}, so SQLite discards it and the "
            f"{whole - broken_at - 1} frame(s) after it, holding {lost_commits} saved change(s)"
        )
    return WalReport(whole, commits, lost_commits, damaged, detail)


def _in_use(db_path: Path) -> bool:
    """Whether some connection holds the database open (so its -wal is live, not left behind)."""
    if db_path.resolve() in _open_here or fcntl is None:
        return True  # this process has it open, or we cannot tell: never look at a live journal
    shm = Path(f"{db_path}-shm")
    if not shm.exists():
        return False  # every WAL connection maps the -shm: without one nobody has the file open
    try:
        fd = os.open(shm, os.O_RDWR)
    except OSError:
        return True
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, SHM_DMS_BYTE, os.SEEK_SET)
    except OSError:
        return True
    else:
        fcntl.lockf(fd, fcntl.LOCK_UN, 1, SHM_DMS_BYTE, os.SEEK_SET)
        return False
    finally:
        os.close(fd)


def check_left_journal(db_path: Path, keep_in: Path) -> str | None:
    """Before SQLite first opens `db_path`: a warning if the -wal an unclean stop left would lose commits.

    The journal as found is copied into `keep_in` first (verification reads the copy, which nobody
    else can change); the copy stays only when the journal is damaged, and the warning names it.
    """
    wal_path = Path(f"{db_path}-wal")
    try:
        if wal_path.stat().st_size <= HEADER_SIZE or _in_use(db_path):
            return None
    except OSError:
        return None
    kept: Path | None = keep_in / f"{db_path.stem}-{dt.datetime.now():%Y%m%d-%H%M%S}-{os.getpid()}{KEPT_SUFFIX}"
    try:
        keep_in.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(wal_path, kept)
    except OSError:
        kept = None  # a read-only folder: verify the journal in place, keep nothing
    try:
        report = verify(kept or wal_path)
    except OSError:
        report = WalReport(0, 0, 0, False, "")
    if not report.damaged:
        if kept:
            kept.unlink(missing_ok=True)
        return None
    where = f"a copy of the journal as found is kept at {kept}" if kept else "no copy of it could be kept"
    return (
        f"This project was not closed properly last time and its journal {wal_path.name} is damaged: {report.detail}. "
        f"Claims or edits saved just before the stop may be missing; {where}; "
        "compare with the newest backup (curator backups) before working on."
    )


def kept_journals(keep_in: Path, db_path: Path) -> list[Path]:
    """Damaged journals kept by earlier opens of this project, oldest first."""
    if not keep_in.is_dir():
        return []
    return sorted(p for p in keep_in.glob(f"{db_path.stem}-*{KEPT_SUFFIX}"))


def opened(db_path: Path) -> None:
    key = db_path.resolve()
    _open_here[key] = _open_here.get(key, 0) + 1


def closed(db_path: Path) -> None:
    key = db_path.resolve()
    if _open_here.get(key, 0) > 1:
        _open_here[key] -= 1
    else:
        _open_here.pop(key, None)
