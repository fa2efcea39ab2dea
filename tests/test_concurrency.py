"""Two processes doing the same thing at once change the project once, on SQLite and on PostgreSQL.

Real processes (tests/fault_worker.py, or the `curator` command itself), bounded in time.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from curator.cli import main
from curator.core.paths import SEEDS
from curator.core.session import open_session
from curator.io.seeds import seed_new_project

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 120


def _project(target: str) -> str:
    if "://" in target:
        assert main(["--db", target, "migrate"]) == 0  # a shared database is migrated on request
    session = open_session(target, backup_on_open=False)
    seed_new_project(session, SEEDS)
    session.close()
    return target


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path) -> str:
    if request.param == "sqlite":
        return _project(str(tmp_path / "p.sqlite3"))
    return _project(request.getfixturevalue("postgres_url"))


def _claims_workbook(target: str, path: Path, rows: int = 3) -> Path:
    session = open_session(target, backup_on_open=False)
    docs = [session.documents.get(d.id) for d in session.documents.summaries()]
    session.close()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Claims"
    ws.append(["Document", "Quote", "Statement"])
    for n in range(rows):
        doc = docs[n % len(docs)]
        words = doc.text.split()
        ws.append([doc.title, " ".join(words[40 + 7 * n : 52 + 7 * n]), f"finding {n}"])
    wb.save(path)
    return path


def _claim_count(target: str) -> int:
    session = open_session(target, backup_on_open=False)
    try:
        return session.claims.count()
    finally:
        session.close()


def _worker(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.fault_worker", *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_one_workbook_imported_by_two_processes_at_once_is_imported_once(target, tmp_path):
    book = _claims_workbook(target, tmp_path / "claims.xlsx")
    before = _claim_count(target)
    procs = [_worker("import-on-cue", target, str(book)) for _ in range(2)]
    try:
        for proc in procs:  # both have planned from the same state: every row is new to each
            line = proc.stdout.readline()
            assert line.strip() == "planned 3", line + proc.stderr.read()
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        results = [proc.communicate(timeout=TIMEOUT) for proc in procs]
    finally:
        for proc in procs:
            proc.kill()
    for proc, (_out, err) in zip(procs, results):
        assert proc.returncode == 0, err
    created = sorted(int(out.split()[-1]) for out, _ in results)
    assert created == [0, 3]  # the second import found the first's claims and added nothing
    assert _claim_count(target) == before + 3


def _document_folder(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"note-{i:03}.txt").write_text(f"Field note {i}.\n\nObserved on day {i} of the study.\n")
    return folder


def _curator(target: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "curator", "--db", target, *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def test_two_imports_of_one_folder_at_once_report_duplicates_never_an_integrity_error(target, tmp_path):
    files = 40
    folder = _document_folder(tmp_path / "notes", files)
    for trial in range(3):  # the race is likely, not certain, in any one trial
        procs = [_curator(target, "import", str(folder)) for _ in range(2)]
        results = [proc.communicate(timeout=TIMEOUT) for proc in procs]
        for proc, (_out, err) in zip(procs, results):
            assert proc.returncode == 0 and not err.strip(), err
        imported = sum(int(out.split()[1].rstrip(",")) for out, _ in results)
        assert imported == (files if trial == 0 else 0)
        for out, _ in results:
            named = [line for line in out.splitlines() if line.startswith("  ")]
            assert len(named) == files  # every file is reported, imported or already there
    session = open_session(target, backup_on_open=False)
    try:
        assert session.documents.count() == 5 + files
    finally:
        session.close()


# -- reading while another process writes; what a killed backup leaves; dry runs -----------------------


def _sqlite_project(tmp_path: Path) -> Path:
    db = Path(_project(str(tmp_path / "p.sqlite3")))
    session = open_session(db)  # the first rolling backup; later opens find nothing new to copy
    session.use_reviewer("Reader")
    session.close()
    return db


def test_read_only_commands_need_no_write_lock(tmp_path):
    db = _sqlite_project(tmp_path)
    holder = _worker("hold-write-lock", str(db))
    try:
        assert holder.stdout.readline().strip() == "locked", holder.stderr.read()
        for args in (
            ["export", str(tmp_path / "out.xlsx")],
            ["export", str(tmp_path / "out.csv")],
            ["check"],
            ["backups"],
        ):
            proc = _curator(str(db), *args)
            _out, err = proc.communicate(timeout=TIMEOUT)
            assert proc.returncode == 0, f"{args}: {err}"
            assert "locked" not in err and "busy" not in err
        assert (tmp_path / "out.xlsx").stat().st_size and (tmp_path / "out.csv").stat().st_size
    finally:
        holder.stdin.write("done\n")
        holder.stdin.flush()
        holder.communicate(timeout=TIMEOUT)
    assert len(list((tmp_path / "backups").glob("*.sqlite3"))) == 1  # reading made no backup


def test_a_backup_killed_midway_leaves_a_partial_that_the_next_open_removes(tmp_path):
    db = Path(_project(str(tmp_path / "p.sqlite3")))  # never backed up: the next open backs it up
    proc = _worker("open-then-hang-in-backup", str(db))
    try:
        assert proc.stdout.readline().strip() == "partial written", proc.stderr.read()
    finally:
        proc.kill()  # SIGKILL
        proc.communicate(timeout=TIMEOUT)
    folder = tmp_path / "backups"
    partials = list(folder.glob(".*.partial"))
    assert len(partials) == 1
    live = folder / f".p-{os.getpid()}-20990101-000000.partial"  # a backup still writing, in a live process
    writing = sqlite3.connect(live, isolation_level=None)
    writing.execute("BEGIN EXCLUSIVE")
    try:
        opener = _curator(str(db), "import", str(_document_folder(tmp_path / "docs", 1)))  # an open that writes
        _out, err = opener.communicate(timeout=TIMEOUT)
    finally:
        writing.close()
    assert opener.returncode == 0, err
    assert sorted(folder.glob(".*.partial")) == [live]
    assert all(p.suffix == ".sqlite3" for p in folder.iterdir() if p != live)


def test_a_dry_run_refuses_what_the_real_import_refuses(tmp_path, capsys):
    db = _sqlite_project(tmp_path)
    session = open_session(db, backup_on_open=False)
    doc = session.documents.get(session.documents.summaries()[0].id)
    session.close()
    quote = doc.text.rstrip()[-30:]
    wb = openpyxl.Workbook()
    wb.active.title = "Claims"
    wb.active.append(["Document", "Quote", "Statement", "Start"])
    wb.active.append([doc.title, quote, "at the very end", -30])  # Python would read -30 as "30 from the end"
    book = tmp_path / "minus.xlsx"
    wb.save(book)
    dry = main(["--db", str(db), "--reviewer", "R", "import-claims", "--dry-run", str(book)])
    dry_out = capsys.readouterr().out
    real = main(["--db", str(db), "--reviewer", "R", "import-claims", str(book)])
    real_out = capsys.readouterr().out
    assert dry == real == 1  # both refuse, for the same reason
    assert "0 new" in dry_out and "Start" in dry_out
    assert dry_out.splitlines()[:2] == real_out.splitlines()[:2]
    assert _claim_count(str(db)) == 0
