"""What the safety checks cost when a large project opens: quick_check, the schema check and the
rolling backup, against connecting and counting claims with nothing checked."""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from bench.excel import make_claims, open_project


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench_open(count: int = 100_000, runs: int = 5) -> None:
    import peewee

    from curator.core.db import SQLITE_PRAGMAS
    from curator.core.session import open_session

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.sqlite3")
        session = open_project(db)
        make_claims(session, count)
        session.close()
        size = Path(db).stat().st_size / 2**20

        def bare() -> None:
            plain = peewee.SqliteDatabase(db, pragmas=SQLITE_PRAGMAS)
            plain.connect()
            plain.execute_sql("SELECT count(*) FROM claim").fetchone()
            plain.close()

        def read_all_claims() -> None:  # a reference: one pass over the claim table
            plain = peewee.SqliteDatabase(db, pragmas=SQLITE_PRAGMAS)
            plain.connect()
            plain.execute_sql("SELECT * FROM claim").fetchall()
            plain.close()

        def curator_unchanged() -> None:
            open_session(db).close()

        def curator_after_edits() -> None:
            con = sqlite3.connect(db)  # a write since the last backup, so this open backs up
            con.execute("INSERT OR REPLACE INTO schema_info (key, value) VALUES ('bench', ?)", (str(time.time()),))
            con.commit()
            con.close()
            time.sleep(0.01)
            open_session(db).close()

        variants = {
            "bare connect + count": bare,
            "read every claim row": read_all_claims,
            "Curator, unchanged project": curator_unchanged,
            "Curator, edited since backup": curator_after_edits,
        }
        results: dict[str, list[float]] = {name: [] for name in variants}
        curator_after_edits()  # the first backup exists before timing
        for _ in range(runs):
            for name, fn in variants.items():
                results[name].append(_timed(fn))
    base = statistics.median(results["bare connect + count"])
    print(f"opening a project of {count:,} claims ({size:.0f} MiB), median of {runs}")
    for name, times in results.items():
        t = statistics.median(times)
        print(f"  {name:<32} {t * 1000:8.0f} ms   {t / base:6.1f}× bare")
