"""Claims in and out of the database at 100,000 rows, each path against a floor measured in the same run.

    python bench/run.py read-claims   # session.claims.all() and for_document vs raw sqlite3 fetching the same rows
    python bench/run.py reimport      # plan of an untouched export (0 changes) vs calamine reading its Claims sheet
    python bench/run.py import-new    # 100,000 new claims planned and written vs calamine read + one executemany

Every contender runs in its own process and loads its own data; the time printed is the work itself
(opening the project is left out for both sides), median of the runs, interleaved so machine noise
hits both alike.
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
BUSY_DOCUMENT = 3  # seed 003, the longest text: the benchmark's busy document

CLAIM_SQL = (
    "SELECT c.*, r.name FROM claim AS c LEFT OUTER JOIN reviewer AS r ON c.reviewer_id = r.id "
    "{where} ORDER BY c.start, c.id"
)
TERM_SQL = "SELECT t.* FROM claim_term AS t {where} ORDER BY t.claim_id, t.position, t.id"


def open_project(db: str):
    from curator.core.paths import SEEDS
    from curator.io import sandbox

    # The benchmark measures time, not the sandbox's limits: on a loaded 2-core machine a 100,000-row
    # workbook took the 40 s wall-clock limit (bench/RESULTS.md says so).
    sandbox.LIMITS = sandbox.with_limits(wall_seconds=600, cpu_seconds=300)
    from curator.core.session import open_session
    from curator.io.seeds import seed_new_project

    session = open_session(db, backup_on_open=False)
    seed_new_project(session, SEEDS)
    session.use_reviewer("Bench")
    return session


def _bulk(model, rows: list[dict]) -> None:
    """Rows in through peewee's SQL and executemany (all rows share the first row's keys)."""
    from curator.core.db import database

    fields = sorted((model._meta.fields[n] for n in rows[0]), key=lambda f: f._sort_key)
    sql, _ = model.insert(rows[0]).sql()
    database.obj.cursor().executemany(sql, [[f.db_value(r[f.name]) for f in fields] for r in rows])


def make_claims(session, count: int, seed: int = 7) -> None:
    """`count` valid claims over the seed documents (bench/synthetic.py's spread_claims), 3 reviewers."""
    from bench.synthetic import spread_claims
    from curator.core.db import write_transaction
    from curator.core.models import Claim, ClaimTerm

    claims, links = spread_claims(session, count, seed)
    with write_transaction():
        _bulk(Claim, claims)
        _bulk(ClaimTerm, links)


# -- workers: each runs in a child process and prints the seconds of its work ------------------------
def worker_read_curator(db: str) -> float:
    session = open_project(db)
    t = time.perf_counter()
    claims = session.claims.all()
    busy = session.claims.for_document(BUSY_DOCUMENT)
    elapsed = time.perf_counter() - t
    print(f"claims={len(claims)} terms={sum(len(c.terms) for c in claims)} busy={len(busy)}", file=sys.stderr)
    return elapsed


def worker_read_sqlite3(db: str) -> float:
    """The floor: the same rows (claims with their reviewer's name, terms in order), all then one document's."""
    import sqlite3

    conn = sqlite3.connect(db)
    t = time.perf_counter()
    claims = conn.execute(CLAIM_SQL.format(where="")).fetchall()
    terms = conn.execute(TERM_SQL.format(where="")).fetchall()
    busy = conn.execute(CLAIM_SQL.format(where="WHERE c.document_id = ?"), (BUSY_DOCUMENT,)).fetchall()
    sub = "WHERE t.claim_id IN (SELECT id FROM claim WHERE document_id = ?)"
    busy_terms = conn.execute(TERM_SQL.format(where=sub), (BUSY_DOCUMENT,)).fetchall()
    elapsed = time.perf_counter() - t
    print(f"claims={len(claims)} terms={len(terms)} busy={len(busy)}/{len(busy_terms)}", file=sys.stderr)
    return elapsed


def worker_reimport_curator(db: str, workbook: str) -> float:
    from curator.io.claim_import import plan_import

    session = open_project(db)
    t = time.perf_counter()
    plan = plan_import(session, workbook)
    elapsed = time.perf_counter() - t
    if plan.problems or plan.new or plan.changed:
        raise SystemExit(f"not untouched: {plan.summary()}; first problem: {plan.problems[:1]}")
    return elapsed


def worker_reimport_cli(db: str, workbook: str) -> float:
    """The command line's dry run, whole (opening the project included)."""
    import contextlib
    import io

    from curator.cli import main
    from curator.io import sandbox

    sandbox.LIMITS = sandbox.with_limits(wall_seconds=600, cpu_seconds=300)  # as in open_project
    t = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()) as out:
        code = main(["--db", db, "import-claims", workbook, "--dry-run"])
    elapsed = time.perf_counter() - t
    if code != 0 or " 0 new, 0 changed" not in out.getvalue():
        raise SystemExit(out.getvalue()[:500])
    return elapsed


def worker_calamine(db: str, workbook: str) -> float:
    """The floor for re-import: calamine reading the Claims sheet into Python values."""
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    rows = CalamineWorkbook.from_path(workbook).get_sheet_by_name("Claims").to_python()
    elapsed = time.perf_counter() - t
    print(f"rows={len(rows)}", file=sys.stderr)
    return elapsed


def worker_read_sheet_sandboxed(db: str, workbook: str) -> float:
    """read_sheet as the import calls it: calamine in the sandbox worker, the table pickled back."""
    from curator.io import sandbox
    from curator.io.xlsx_read import read_sheet

    sandbox.LIMITS = sandbox.with_limits(wall_seconds=600, cpu_seconds=300)  # as in open_project
    sandbox.run(len, (), name="warm-up")  # the worker's start-up is paid once per session, not per file
    t = time.perf_counter()
    table = read_sheet(workbook)
    elapsed = time.perf_counter() - t
    print(f"rows={len(table.rows)}", file=sys.stderr)
    return elapsed


def worker_read_sheet_in_process(db: str, workbook: str) -> float:
    """The same parsing and checks without the process boundary: what the sandbox costs is the difference."""
    from curator.io.xlsx_read import _read_sheet

    t = time.perf_counter()
    table = _read_sheet(Path(workbook), "Claims")
    elapsed = time.perf_counter() - t
    print(f"rows={len(table.rows)}", file=sys.stderr)
    return elapsed


def worker_precheck(db: str, workbook: str) -> float:
    """The pre-check alone (zip sizes, shared-string counts, every sheet part's cell box)."""
    from curator.io.xlsx_read import check_zip, precheck_parts

    t = time.perf_counter()
    check_zip(Path(workbook))
    precheck_parts(Path(workbook))
    return time.perf_counter() - t


def worker_import_curator(db: str, workbook: str) -> float:
    from curator.io.claim_import import apply_import, plan_import

    session = open_project(db)
    t = time.perf_counter()
    plan = plan_import(session, workbook)
    if not plan.ok or len(plan.new) == 0:
        raise SystemExit(f"{plan.summary()}; first problem: {plan.problems[:1]}")
    apply_import(session, plan)
    elapsed = time.perf_counter() - t
    print(plan.summary(), file=sys.stderr)
    return elapsed


def worker_import_floor(db: str, workbook: str) -> float:
    """The floor: calamine reads the sheet and one executemany stores a claim row per sheet row."""
    from python_calamine import CalamineWorkbook

    from bench.excel import store_sheet_rows

    session = open_project(db)
    t = time.perf_counter()
    store_sheet_rows(session, CalamineWorkbook.from_path(workbook).get_sheet_by_name("Claims").to_python())
    return time.perf_counter() - t


WORKERS = {name[len("worker_") :]: fn for name, fn in globals().items() if name.startswith("worker_")}


def run_worker(name: str, *args: str) -> tuple[float, int]:
    """(seconds of work, peak MiB) of one worker in a fresh process."""
    code = (
        f"import sys, re; sys.path.insert(0, {str(ROOT)!r}); from bench.claims_io import WORKERS; "
        f"t = WORKERS[{name!r}](*sys.argv[1:]); "
        "peak = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) // 1024; "
        "print(f'RESULT {t} {peak}')"
    )
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=False)
    found = re.search(r"RESULT (\S+) (\d+)", out.stdout)
    if not found:
        raise RuntimeError(f"{name} failed:\n{out.stdout[-1000:]}\n{out.stderr[-3000:]}")
    return float(found.group(1)), int(found.group(2))


def _compare(title: str, contenders: dict[str, tuple], runs: int, base: str, setup=None) -> None:
    results: dict[str, list] = {name: [] for name in contenders}
    for _ in range(runs):
        for name, args in contenders.items():
            if setup is not None:
                args = setup(name, args)
            results[name].append(run_worker(name, *args))
    print(title)
    b = statistics.median(t for t, _ in results[base])
    for name, measured in results.items():
        t = statistics.median(x for x, _ in measured)
        spread = f"{min(x for x, _ in measured):.2f}–{max(x for x, _ in measured):.2f}"
        peak = max(m for _, m in measured)
        print(f"  {name:<24} {t:7.2f} s ({spread})  peak {peak:5d} MiB   {t / b:5.2f}× {base}", flush=True)


def _project(tmp: Path, count: int) -> str:
    db = str(tmp / "claims.sqlite3")
    session = open_project(db)
    make_claims(session, count)
    session.close()
    return db


def bench_read(count: int = 100_000, runs: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = _project(Path(tmp), count)
        _compare(
            f"read {count:,} claims (all, then document {BUSY_DOCUMENT}'s), median of {runs}",
            {"read_sqlite3": (db,), "read_curator": (db,)},
            runs,
            "read_sqlite3",
        )


def bench_reimport(count: int = 100_000, runs: int = 5) -> None:
    from curator.io.xlsx_export import export_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        db = _project(Path(tmp), count)
        workbook = str(Path(tmp) / "export.xlsx")
        session = open_project(db)
        export_xlsx(session, workbook)
        session.close()
        args = (db, workbook)
        _compare(
            f"re-import of an untouched {count:,}-claim export (0 changes), median of {runs}",
            {
                "calamine": args,
                "reimport_curator": args,
                "reimport_cli": args,
                "read_sheet_in_process": args,
                "read_sheet_sandboxed": args,
                "precheck": args,
            },
            runs,
            "calamine",
        )


def bench_import_new(count: int = 100_000, runs: int = 3) -> None:
    """Import the export's Claims sheet without Claim ID and UUID (every row new) into a project without claims."""
    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook

    from curator.io.xlsx_export import export_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        source = _project(tmp, count)
        session = open_project(source)
        export_xlsx(session, str(tmp / "export.xlsx"))
        session.close()
        rows = CalamineWorkbook.from_path(str(tmp / "export.xlsx")).get_sheet_by_name("Claims").to_python()
        keep = [i for i, h in enumerate(rows[0]) if h not in ("Claim ID", "Claim UUID")]
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Claims")
        for row in rows:
            ws.append([row[i] for i in keep])
        wb.save(tmp / "new-claims.xlsx")
        empty = str(tmp / "empty.sqlite3")
        open_project(empty).close()

        def fresh(name: str, args: tuple) -> tuple:
            db = str(tmp / f"{name}.sqlite3")
            shutil.copy(empty, db)
            return (db, *args)

        _compare(
            f"import of {count:,} new claims, median of {runs}",
            {"import_floor": (str(tmp / "new-claims.xlsx"),), "import_curator": (str(tmp / "new-claims.xlsx"),)},
            runs,
            "import_floor",
            setup=fresh,
        )


if __name__ == "__main__":
    {"read": bench_read, "reimport": bench_reimport, "import-new": bench_import_new}[sys.argv[1]](
        *map(int, sys.argv[2:3])
    )
