"""A damaged -wal after an unclean stop: its lost commits are noticed, its bytes kept, and `check` says so.

A worker process saves claims that stay in the -wal, is killed with SIGKILL, the test damages bytes
in the journal it left, and only then is the project opened.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from curator.cli import main
from curator.core import wal
from curator.core.checks import check_project
from curator.core.paths import SEEDS
from curator.core.session import open_session
from curator.io.seeds import seed_new_project

ROOT = Path(__file__).resolve().parents[1]
CLAIMS = 3


def _killed_after_saving(tmp_path: Path) -> Path:
    """A seeded project whose last CLAIMS claims exist only in the -wal of a killed process."""
    db = tmp_path / "p.sqlite3"
    session = open_session(db, backup_on_open=False)
    seed_new_project(session, SEEDS)
    session.close()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.fault_worker", "save-n-wait", str(db), str(CLAIMS)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.strip() == "saved", line + proc.stderr.read()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    assert Path(f"{db}-wal").stat().st_size > 32
    return db


def _frames(wal_path: Path) -> list[tuple[int, int]]:
    """(offset, commit size) of each whole frame in the file."""
    data = wal_path.read_bytes()
    page_size = struct.unpack(">I", data[8:12])[0]
    out, offset = [], 32
    while offset + 24 + page_size <= len(data):
        out.append((offset, struct.unpack(">I", data[offset + 4 : offset + 8])[0]))
        offset += 24 + page_size
    return out


DAMAGE = {
    "page of the first claim's commit": lambda frames, commits: frames[commits[-CLAIMS]][0] + 24 + 200,
    "page inside the first claim's transaction": lambda frames, commits: frames[commits[-CLAIMS] - 1][0] + 24 + 200,
    # the salts alone: a frame whose salts and checksum are both damaged reads as an older journal's
    "salts of the last commit": lambda frames, commits: frames[commits[-1]][0] + 8,
    "journal header": lambda frames, commits: 16,
}


def _damage_a_committed_frame(db: Path, where: str = "page of the first claim's commit") -> bytes:
    """Flip bytes of the -wal at `where` (a key of DAMAGE); return the -wal as left."""
    wal_path = Path(f"{db}-wal")
    frames = _frames(wal_path)
    commits = [n for n, (_, size) in enumerate(frames) if size]
    offset = DAMAGE[where](frames, commits)
    with open(wal_path, "r+b") as f:
        f.seek(offset)
        old = f.read(8)
        f.seek(offset)
        f.write(bytes(b ^ 0x5A for b in old))
    return wal_path.read_bytes()


def _claims_in(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT count(*) FROM claim").fetchone()[0]
    finally:
        con.close()


def test_a_clean_kill_leaves_a_journal_that_verifies_and_loses_nothing(tmp_path):
    db = _killed_after_saving(tmp_path)
    report = wal.verify(Path(f"{db}-wal"))
    assert not report.damaged and report.lost_commits == 0 and report.commits >= CLAIMS
    session = open_session(db)
    try:
        assert session.claims.count() == CLAIMS and not any("journal" in w for w in session.warnings)
        assert check_project(session).ok
    finally:
        session.close()
    assert not list((tmp_path / "backups").glob("*journal*"))  # an intact journal is not kept


@pytest.mark.parametrize("where", list(DAMAGE))
def test_a_damaged_journal_is_kept_as_found_and_its_lost_claims_are_reported(tmp_path, where):
    db = _killed_after_saving(tmp_path)
    as_found = _damage_a_committed_frame(db, where)
    session = open_session(db)
    try:
        assert session.claims.count() < CLAIMS  # SQLite did discard the damaged commits
        warning = next(w for w in session.warnings if "journal" in w)
        kept = Path(warning.split("kept at ")[1].split(";")[0])
        assert kept.read_bytes() == as_found
        report = check_project(session)
        assert not report.ok and any(str(kept) in p for p in report.problems)
    finally:
        session.close()


def test_curator_check_as_the_first_open_reports_the_damaged_journal(tmp_path, capsys):
    db = _killed_after_saving(tmp_path)
    _damage_a_committed_frame(db)
    assert main(["--db", str(db), "check"]) == 1
    out, err = capsys.readouterr()
    assert "problem: journal" in out and "journal" in err


@pytest.mark.parametrize("big_endian", [False, True])
def test_the_checksum_is_sqlites(big_endian):
    # Two words at a time: s0 += x0 + s1; s1 += x1 + s0 (sqlite.org/fileformat2.html#walformat)
    words = (1, 2, 0xFFFFFFFF, 7)
    data = struct.pack((">" if big_endian else "<") + "4I", *words)
    s0 = (0 + 1 + 0) & 0xFFFFFFFF
    s1 = (0 + 2 + s0) & 0xFFFFFFFF
    s0 = (s0 + 0xFFFFFFFF + s1) & 0xFFFFFFFF
    s1 = (s1 + 7 + s0) & 0xFFFFFFFF
    assert wal.checksum(data, 0, 0, big_endian) == (s0, s1)
