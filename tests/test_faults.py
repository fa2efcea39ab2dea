"""The fault suite: kill -9, two writers, a full disk. Each test can fail; the negative control shows it.

The worker processes save through Curator's own services (tests/fault_worker.py).
"""

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from curator.core.paths import SEEDS
from curator.core.session import open_session
from curator.io.seeds import seed_new_project

ROOT = Path(__file__).resolve().parents[1]
KILLS = 30


def new_project(path: Path) -> Path:
    session = open_session(path, backup_on_open=False)
    seed_new_project(session, SEEDS)
    session.close()
    return path


def worker(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.fault_worker", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def state_of(db: Path) -> tuple[str, set[int]]:
    """(integrity_check's verdict, the claim ids present), read with plain sqlite3.

    A claim saved in half (its row without its terms or its change-log entry) counts as damage.
    """
    con = sqlite3.connect(db)
    try:
        verdict = "; ".join(r[0] for r in con.execute("PRAGMA integrity_check").fetchall()[:3])
        ids = {r[0] for r in con.execute("SELECT id FROM claim")}
        half_saved = con.execute(
            "SELECT count(*) FROM claim c WHERE c.statement LIKE 'claim %' AND ("
            "(SELECT count(*) FROM claim_term t WHERE t.claim_id = c.id) != 3 OR "
            "NOT EXISTS (SELECT 1 FROM change_log l WHERE l.entity = 'claim' AND l.entity_id = c.id AND l.action = 'create'))"
        ).fetchone()[0]
        if verdict == "ok" and half_saved:
            verdict = f"{half_saved} claims saved in half"
    except sqlite3.DatabaseError as exc:
        return f"unreadable: {exc}", set()
    finally:
        con.close()
    return verdict, ids


def kill_trials(db: Path, trials: int, journal_off: bool, seed: int) -> tuple[list[str], int]:
    """Kill a saving worker `trials` times at random moments; what went wrong, and how many saves were acknowledged."""
    rng = random.Random(seed)
    acked: set[int] = set()
    failures = []
    for trial in range(trials):
        proc = worker("save-loop", str(db), *(["--journal-off"] if journal_off else []))
        first = proc.stdout.readline()
        assert first.strip() == "ready", proc.stderr.read()
        time.sleep(rng.uniform(0.01, 0.35))
        os.kill(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        acked |= {
            int(line.split()[1]) for line in out.splitlines() if line.startswith("ack ") and len(line.split()) == 2
        }
        verdict, present = state_of(db)
        missing = acked - present
        if verdict != "ok" or missing:
            failures.append(f"kill {trial + 1}: integrity {verdict!r}, {len(missing)} acknowledged claims missing")
            if journal_off:
                break  # the control has shown the harness can see damage
    return failures, len(acked)


def test_kill_9_while_saving_never_loses_an_acknowledged_claim(tmp_path):
    db = new_project(tmp_path / "p.sqlite3")
    failures, acked = kill_trials(db, KILLS, journal_off=False, seed=1)
    assert failures == []
    assert acked > KILLS  # the kills did land while saves were happening
    session = open_session(db)
    assert session.claims.count() >= acked
    session.close()


def test_negative_control_without_a_journal_the_same_harness_sees_damage(tmp_path):
    db = new_project(tmp_path / "p.sqlite3")
    failures, _ = kill_trials(db, 2 * KILLS, journal_off=True, seed=2)  # stops at the first damage
    assert failures, "with journal_mode=OFF the kill harness should have found a damaged database"


def _workbook(path: Path, session, rows: int, seed: int) -> None:
    import openpyxl

    docs = [session.documents.get(d.id) for d in session.documents.summaries()]
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Claims")
    ws.append(["Document", "Quote", "Statement", "Start"])
    rng = random.Random(seed)
    for n in range(rows):
        doc = rng.choice(docs)
        start = rng.randrange(0, len(doc.text) - 100)
        ws.append([doc.title, doc.text[start : start + 60], f"bulk {seed}.{n}", start])
    wb.save(path)


def test_kill_during_a_bulk_import_leaves_all_or_nothing(tmp_path):
    rows = 8000
    db = new_project(tmp_path / "p.sqlite3")
    session = open_session(db, backup_on_open=False)
    books = []
    for trial in range(6):
        books.append(tmp_path / f"bulk{trial}.xlsx")
        _workbook(books[-1], session, rows, seed=trial)
    session.close()

    def run(book: Path, kill_after: float | None) -> tuple[int, str, float]:
        _, before = state_of(db)
        proc = worker("import", str(db), str(book))
        line = proc.stdout.readline()
        assert line.startswith(f"applying {rows}"), line + proc.stderr.read()
        started = time.perf_counter()
        if kill_after is None:
            proc.stdout.readline()  # "done"
            took = time.perf_counter() - started
            proc.communicate()
        else:
            time.sleep(kill_after)
            os.kill(proc.pid, signal.SIGKILL)
            took = 0.0
        out = proc.communicate()[0] if proc.returncode is None else ""
        verdict, after = state_of(db)
        assert verdict == "ok"
        return len(after) - len(before), out, took

    added, _, duration = run(books[0], None)  # how long writing takes on this machine
    assert added == rows
    rng = random.Random(4)
    outcomes = set()
    for book in books[1:]:
        added, out, _ = run(book, rng.uniform(0.05, 0.8) * duration)  # a moment inside the writing
        assert added in (0, rows), f"a killed import left {added} of {rows} claims"
        assert added == rows or "done" not in out
        outcomes.add("done" if "done" in out else ("killed, all" if added else "killed, none"))
    assert "killed, none" in outcomes  # at least one kill landed inside the import


def test_two_processes_saving_400_claims_each_lose_nothing(tmp_path):
    db = new_project(tmp_path / "p.sqlite3")
    procs = [worker("save-n", str(db), "400", tag) for tag in ("a", "b")]
    results = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, results):
        assert proc.returncode == 0 and out.strip() == "done", err
    verdict, ids = state_of(db)
    assert verdict == "ok" and len(ids) == 800


# -- a full disk: RLIMIT_FSIZE in a forked child makes writes past a size fail ----------------------


def _limit_growth(*paths: Path, room: int = 48 * 1024) -> None:
    import resource

    biggest = max((p.stat().st_size for p in paths if p.exists()), default=0)
    resource.setrlimit(resource.RLIMIT_FSIZE, (biggest + room, resource.RLIM_INFINITY))


def _save_until_the_disk_is_full(db: str):
    from curator.core.errors import user_message
    from tests.fault_worker import _drafts, _session

    session = _session(db)
    drafts = _drafts(session, random.Random(7))
    acked = [session.claims.create(next(drafts))[0].id]
    _limit_growth(Path(db), Path(f"{db}-wal"))
    try:
        for _ in range(10_000):
            acked.append(session.claims.create(next(drafts))[0].id)
    except Exception as exc:  # noqa: BLE001 - the message is what the reviewer would see
        return acked, user_message(exc)
    return acked, "never failed"


def test_a_full_disk_during_save_is_reported_and_every_saved_claim_survives(tmp_path):
    from tests.childproc import run_in_child

    db = new_project(tmp_path / "p.sqlite3")
    acked, message = run_in_child(_save_until_the_disk_is_full, str(db))
    assert message.startswith("Curator could not write to the disk") and "your input is kept" in message
    verdict, present = state_of(db)
    assert verdict == "ok" and set(acked) <= present and len(acked) > 1


def _import_on_a_full_disk(db: str, book: str):
    from curator.core.errors import user_message
    from curator.io.claim_import import apply_import, plan_import
    from tests.fault_worker import _session

    session = _session(db)
    plan = plan_import(session, book)
    _limit_growth(Path(db), Path(f"{db}-wal"))
    try:
        apply_import(session, plan)
    except Exception as exc:  # noqa: BLE001
        return user_message(exc)
    return "never failed"


def test_a_full_disk_during_import_writes_nothing(tmp_path):
    from tests.childproc import run_in_child

    db = new_project(tmp_path / "p.sqlite3")
    session = open_session(db, backup_on_open=False)
    _workbook(tmp_path / "bulk.xlsx", session, 3000, seed=11)
    session.close()
    _, before = state_of(db)
    message = run_in_child(_import_on_a_full_disk, str(db), str(tmp_path / "bulk.xlsx"))
    assert message.startswith("Curator could not write to the disk")
    verdict, after = state_of(db)
    assert verdict == "ok" and after == before


def _export_on_a_full_disk(db: str, out: str):
    from curator.core.errors import user_message
    from curator.io.xlsx_export import export_xlsx
    from tests.fault_worker import _session

    session = _session(db)
    _limit_growth(Path(out), room=-Path(out).stat().st_size + 4096)  # room for 4 KB, less than the file
    try:
        export_xlsx(session, Path(out))
    except Exception as exc:  # noqa: BLE001
        return user_message(exc)
    return "never failed"


def test_a_full_disk_during_export_keeps_the_previous_file(tmp_path):
    from curator.io.xlsx_export import export_xlsx
    from tests.childproc import run_in_child

    db = new_project(tmp_path / "p.sqlite3")
    out = tmp_path / "claims.xlsx"
    session = open_session(db, backup_on_open=False)
    export_xlsx(session, out)
    session.close()
    before = out.read_bytes()
    message = run_in_child(_export_on_a_full_disk, str(db), str(out))
    assert "the disk is full" in message and "The previous file is unchanged" in message
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
