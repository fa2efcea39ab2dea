"""Merge of a reviewer's project with 100,000 new claims into the lead's (same documents, no claims),
against the floor: a bare `INSERT … SELECT` of the same claim and claim_term rows between the two
SQLite files (ATTACH), with the same pragmas (WAL, synchronous FULL).

    python bench/run.py merge            # 100,000 claims, median of 3
    python bench/merge.py profile 100000 # where Curator's time goes (cProfile, one run)

Curator's side is what `curator merge` does after opening the project: read the other file in the
sandbox (a child process, read-only), plan (digests, three-way decisions), write (one transaction,
executemany). Each contender runs in its own process on a fresh copy of the lead's project; runs are
interleaved so machine noise hits both alike.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REVIEWERS = ("Ann", "Bo", "Bench")  # bench.claims_io.make_claims spreads claims over these


def _stages(db: str, other: str) -> tuple[float, float, float, int]:
    from bench.claims_io import open_project
    from curator.core.merge import plan_merge
    from curator.core.merge_apply import MergeProject
    from curator.io.project_reader import read_project

    session = open_project(db)
    t0 = time.perf_counter()
    snapshot = read_project(other)
    t1 = time.perf_counter()
    plan = plan_merge(session, snapshot)
    t2 = time.perf_counter()
    MergeProject(session, plan).do()
    t3 = time.perf_counter()
    session.close()
    return t1 - t0, t2 - t1, t3 - t2, len(plan.new_claims)


def worker_merge_curator(db: str, other: str) -> float:
    read, plan, write = _stages(db, other)[:3]
    print(f"STAGES read {read:.2f} plan {plan:.2f} write {write:.2f}", file=sys.stderr)
    return read + plan + write


def worker_insert_select(db: str, other: str) -> float:
    import sqlite3

    con = sqlite3.connect(db, isolation_level=None)
    con.execute("PRAGMA journal_mode = wal")
    con.execute("PRAGMA synchronous = 2")
    t = time.perf_counter()
    con.execute("ATTACH DATABASE ? AS other", (other,))
    con.execute("BEGIN IMMEDIATE")
    con.execute("INSERT INTO main.claim SELECT * FROM other.claim")
    con.execute("INSERT INTO main.claim_term SELECT * FROM other.claim_term")
    con.execute("COMMIT")
    elapsed = time.perf_counter() - t
    con.close()
    return elapsed


WORKERS = {name[len("worker_") :]: fn for name, fn in globals().items() if name.startswith("worker_")}


def run_worker(name: str, *args: str) -> tuple[float, int, str]:
    """(seconds of work, peak MiB, stage line) of one worker in a fresh process."""
    code = (
        f"import sys, re; sys.path.insert(0, {str(ROOT)!r}); from bench.merge import WORKERS; "
        f"t = WORKERS[{name!r}](*sys.argv[1:]); "
        "peak = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) // 1024; "
        "print(f'RESULT {t} {peak}')"
    )
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=False)
    found = re.search(r"RESULT (\S+) (\d+)", out.stdout)
    if not found:
        raise RuntimeError(f"{name} failed:\n{out.stdout[-1000:]}\n{out.stderr[-3000:]}")
    stages = re.search(r"STAGES (.*)", out.stderr)
    return float(found.group(1)), int(found.group(2)), stages.group(1) if stages else ""


# the columns _insert_rows needs spelled out (it fills no defaults); the merge's claims leave these empty
_EMPTY = {
    "population": "",
    "study_design": "",
    "direction": "",
    "effect_measure": "",
}
_BLANK = {
    "ci_low": None,
    "ci_high": None,
    "p_value": None,
    "n_studies": None,
    "source_certainty": "",
    "reviewer_certainty": "",
    "status": "draft",
}


def make_claims(session, count: int, seed: int = 7) -> None:
    """`count` valid claims over the seed documents (bench/synthetic.py's spread_claims, every column
    spelled out, timestamps as SQLite's text), inserted through bulk_claims' executemany."""
    from bench.synthetic import spread_claims
    from curator.core.bulk_claims import _insert_rows
    from curator.core.db import write_transaction
    from curator.core.models import Claim, ClaimTerm

    claims, links = spread_claims(session, count, seed, REVIEWERS)
    rows = []
    for c in claims:
        row = _EMPTY | c | _BLANK
        row["created_at"], row["updated_at"] = c["created_at"].isoformat(" "), c["updated_at"].isoformat(" ")
        rows.append(row)
    with write_transaction():
        _insert_rows(Claim, rows)
        _insert_rows(ClaimTerm, links)


def _projects(tmp: Path, count: int) -> tuple[Path, Path]:
    """The lead's project (seeded, the reviewers known, no claims) and a reviewer's copy with `count` claims."""
    from bench.claims_io import open_project

    lead = tmp / "lead.sqlite3"
    session = open_project(str(lead))
    for name in REVIEWERS:
        session.use_reviewer(name)
    session.close()
    reviewer = tmp / "reviewer.sqlite3"
    shutil.copy(lead, reviewer)  # closed cleanly: no -wal to miss
    session = open_project(str(reviewer))  # at its own path: a project of its own
    make_claims(session, count)
    session.close()
    return lead, reviewer


def bench_merge(count: int = 100_000, runs: int = 3) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        lead, reviewer = _projects(tmp, count)
        size = reviewer.stat().st_size / 2**20
        results: dict[str, list] = {"insert_select": [], "merge_curator": []}
        for run in range(runs):
            for name in results:
                db = tmp / f"{name}-{run}.sqlite3"
                shutil.copy(lead, db)
                results[name].append(run_worker(name, str(db), str(reviewer)))
                db.unlink()
        print(f"merge of a reviewer's project with {count:,} new claims ({size:.0f} MiB), median of {runs}")
        base = statistics.median(t for t, _, _ in results["insert_select"])
        for name, measured in results.items():
            t = statistics.median(x for x, _, _ in measured)
            spread = f"{min(x for x, _, _ in measured):.2f}–{max(x for x, _, _ in measured):.2f}"
            peak = max(m for _, m, _ in measured)
            print(f"  {name:<16} {t:7.2f} s ({spread})  peak {peak:5d} MiB   {t / base:6.2f}× insert_select")
        for stages in (s for _, _, s in results["merge_curator"]):
            print(f"    curator stages: {stages}")


def profile(count: int = 100_000) -> None:
    """cProfile of Curator's merge, once: the top of the list by own time and by cumulative time."""
    import cProfile
    import pstats

    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        lead, reviewer = _projects(tmp, count)
        db = tmp / "profiled.sqlite3"
        shutil.copy(lead, db)
        profiler = cProfile.Profile()
        profiler.enable()
        read, plan, write, n = _stages(str(db), str(reviewer))
        profiler.disable()
        print(f"{n:,} claims: read {read:.2f} s, plan {plan:.2f} s, write {write:.2f} s (under cProfile)")
        stats = pstats.Stats(profiler)
        stats.sort_stats("tottime").print_stats(15)
        stats.sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    args = sys.argv[1:]
    if args and args[0] == "profile":
        profile(*map(int, args[1:2]))
    else:
        bench_merge(*map(int, args[:1]))
