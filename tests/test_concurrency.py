"""Two processes doing the same thing at once change the project once, on SQLite and on PostgreSQL.

Real processes (tests/fault_worker.py, or the `curator` command itself), bounded in time.
"""

from __future__ import annotations

import os
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
