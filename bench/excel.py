"""Excel benchmarks at 100,000 claims: export and import, each against baselines in the same run.

Every variant runs in its own process, so its peak memory (VmHWM) is its own.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_claims(session, count: int) -> None:
    """Bulk-insert synthetic claims spread over the seed documents, two terms each."""
    from curator.core.db import write_transaction
    from curator.core.models import Claim, ClaimTerm, utcnow

    docs = [session.documents.get(d.id) for d in session.documents.summaries()]
    terms = session.terms.all()
    now = utcnow()
    rows, links = [], []
    for i in range(count):
        doc = docs[i % len(docs)]
        start = (i * 37) % (len(doc.text) - 80)
        rows.append(
            {
                "id": i + 1,
                "document": doc.id,
                "reviewer": session.reviewer_id,
                "start": start,
                "end": start + 60,
                "exact": doc.text[start : start + 60],
                "prefix": doc.text[max(0, start - 32) : start],
                "suffix": doc.text[start + 60 : start + 92],
                "document_sha256": doc.sha256,
                "statement": f"Synthetic statement number {i} about the gut–brain axis.",
                "claim_type": "association",
                "direction": "benefit",
                "effect_value": 0.5 + i % 7 / 10,
                "n_participants": 20 + i % 300,
                "status": "draft",
                "notes": "",
                "created_at": now,
                "updated_at": now,
            }
        )
        for k in range(2):
            t = terms[(i + k * 11) % len(terms)]
            links.append(
                {
                    "claim": i + 1,
                    "term": t.id,
                    "role": "other",
                    "label": t.label,
                    "identifier": t.identifier,
                    "position": k,
                }
            )
    with write_transaction():
        for n in range(0, len(rows), 1000):
            Claim.insert_many(rows[n : n + 1000]).execute()
        for n in range(0, len(links), 1000):
            ClaimTerm.insert_many(links[n : n + 1000]).execute()


LOADING = {"seconds": 0.0}  # time this process spent in ClaimService.all(): the loading every contender shares


def open_project(db: str, seeded_only: bool = False):
    from curator.core.paths import SEEDS
    from curator.core.session import open_session
    from curator.io.seeds import seed_new_project

    session = open_session(db)
    seed_new_project(session, SEEDS)
    session.use_reviewer("Bench")
    load = session.claims.all

    def timed_all():
        t = time.perf_counter()
        try:
            return load()
        finally:
            LOADING["seconds"] += time.perf_counter() - t

    session.claims.all = timed_all
    return session


def same_cells(session) -> list[tuple[str, list[str], list[list]]]:
    """(sheet, headers, rows) of Claims, Claim terms and Documents holding exactly the values Curator's
    export writes: same order, same labels, and None where Curator leaves a cell empty."""
    from collections import Counter

    from curator.io.claim_table import claim_columns
    from curator.io.xlsx_export import CLAIM_TERMS_HEADERS, DOCUMENT_HEADERS, document_row

    def cell(v):
        return None if v == "" else v

    documents = session.documents.infos()
    titles = {d.id: d.title for d in documents}
    columns = claim_columns(session, titles)
    claims = sorted(session.claims.all(), key=lambda c: (c.document_id, c.anchor.start, c.id))
    claim_rows = [[cell(c.value(r)) for c in columns] for r in claims]
    codebook = session.codebook
    roles = {r.key: r.label for r in codebook.roles}
    fields = {f.key: f for f in codebook.fields}

    def label(key, claim):
        value = claim.values.get(key) or ""
        return fields[key].choice_label(value) if value else value

    term_rows = []
    for r in claims:
        status, kind, direction = label("status", r), label("claim_type", r), label("direction", r)
        term_rows += [
            [cell(v) for v in (r.id, titles[r.document_id], roles.get(t.role, t.role), t.label, t.identifier)]
            + ["Yes" if t.term_id is not None else "No", cell(status), cell(kind), cell(direction)]
            for t in r.terms
        ]
    statuses = [(c.key, c.label) for c in fields["status"].choices]
    by_status = session.claims.status_counts()
    per_document = Counter()
    for (document_id, _), n in by_status.items():
        per_document[document_id] += n
    document_rows = [[cell(v) for v in document_row(d, per_document[d.id], by_status, statuses)] for d in documents]
    document_headers = list(DOCUMENT_HEADERS) + [f"Claims: {label}" for _, label in statuses]
    return [
        ("Claims", [c.header for c in columns], claim_rows),
        ("Claim terms", list(CLAIM_TERMS_HEADERS), term_rows),
        ("Documents", document_headers, document_rows),
    ]


# -- workers: each runs in a child process, opens the project and loads the claims itself ---------
def worker_export_curator(db: str, out: str) -> None:
    from curator.io.xlsx_export import export_xlsx

    export_xlsx(open_project(db), out)


def worker_export_openpyxl(db: str, out: str) -> None:
    """openpyxl write-only, the same cells as Curator, no styles, validations or other sheets."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for title, head, rows in same_cells(open_project(db)):
        ws = wb.create_sheet(title)
        ws.append(head)
        for row in rows:
            ws.append(row)
    wb.save(out)


def worker_export_xlsxwriter(db: str, out: str) -> None:
    """xlsxwriter in constant_memory mode, the same cells: the floor a Python writer reaches."""
    import xlsxwriter

    sheets = same_cells(open_project(db))
    wb = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    dates = wb.add_format({"num_format": "yyyy-mm-dd h:mm:ss"})
    for title, head, rows in sheets:
        ws = wb.add_worksheet(title)
        ws.write_row(0, 0, head)
        for i, row in enumerate(rows, 1):
            for j, v in enumerate(row):
                if v is None:
                    continue
                if isinstance(v, str):
                    ws.write_string(i, j, v)
                elif isinstance(v, dt.datetime):
                    ws.write_datetime(i, j, v, dates)
                else:
                    ws.write_number(i, j, v)
    wb.close()


def worker_export_pandas(db: str, out: str) -> None:
    """DataFrame.to_excel through pandas' openpyxl engine, which builds a normal (in-memory) workbook."""
    import pandas as pd

    sheets = same_cells(open_project(db))
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for title, head, rows in sheets:
            pd.DataFrame(rows, columns=head).to_excel(writer, sheet_name=title, index=False)


def worker_import_curator(db: str, workbook: str) -> None:
    from curator.io.claim_import import apply_import, plan_import

    session = open_project(db)
    plan = plan_import(session, workbook)
    if not plan.ok:
        raise SystemExit(f"{len(plan.problems)} problems, first: {plan.problems[0]}")
    apply_import(session, plan)
    print(f"rows new={len(plan.new)} changed={len(plan.changed)} unchanged={plan.unchanged}", file=sys.stderr)


def store_sheet_rows(session, rows: list[list]) -> None:
    """The import floor's writing: one claim row per sheet row through a single executemany (no
    checks, no terms, no change log). Shared by the import benchmarks here and in bench/claims_io.py."""
    from curator.core.models import CLAIM_FIELD_COLUMNS, Claim, new_uuid, utcnow

    col = {h: i for i, h in enumerate(rows[0])}
    docs = {d.title: d.id for d in session.documents.infos()}
    now = utcnow()
    template = {
        "document": 0,
        "start": 0,
        "end": 0,
        "exact": "",
        "prefix": "",
        "suffix": "",
        "document_sha256": "",
        "anchor_status": "",
        "uuid": "",
        "version": 1,
        "created_at": now,
        "updated_at": now,
        **{name: f.default for name, f in CLAIM_FIELD_COLUMNS.items()},
    }
    sql, _params = Claim.insert(template).sql()
    fields = sorted((Claim._meta.fields[n] for n in template), key=lambda f: f._sort_key)
    db_ = session.database
    with db_.atomic():
        batch = []
        for r in rows[1:]:
            row = dict(
                template,
                document=docs[r[col["Document"]]],
                start=int(r[col["Start"]]),
                end=int(r[col["End"]]),
                exact=r[col["Quote"]],
                statement=r[col["Statement"]],
                uuid=new_uuid(),
            )
            batch.append([f.db_value(row[f.name]) for f in fields])
        db_.cursor().executemany(sql, batch)
    assert Claim.select().count() == len(rows) - 1


def worker_import_calamine(db: str, workbook: str) -> None:
    """The floor: calamine reads the sheet, and the rows go straight into the claim table."""
    from python_calamine import CalamineWorkbook

    session = open_project(db)
    store_sheet_rows(session, CalamineWorkbook.from_path(workbook).get_sheet_by_name("Claims").to_python())


WORKERS = {name[len("worker_") :]: fn for name, fn in globals().items() if name.startswith("worker_")}


def run_worker(name: str, *args: str) -> tuple[float, int, float]:
    """(seconds, peak MiB, seconds of it spent loading claims) of one worker in a fresh process."""
    code = (
        f"import sys, re, time; sys.path.insert(0, {str(ROOT)!r}); import bench.excel as b; "
        f"t = time.perf_counter(); b.WORKERS[{name!r}](*sys.argv[1:]); t = time.perf_counter() - t; "
        "peak = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) // 1024; "
        "print(f'RESULT {t} {peak} {b.LOADING[\"seconds\"]}')"
    )
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT, check=False)
    found = re.search(r"RESULT (\S+) (\d+) (\S+)", out.stdout)
    if not found:
        raise RuntimeError(f"{name} failed:\n{out.stderr[-3000:]}")
    return float(found.group(1)), int(found.group(2)), float(found.group(3))


def _report(title: str, results: dict[str, list[tuple[float, int, float]]], base: str) -> None:
    print(title)
    b = statistics.median(t for t, _, _ in results[base])
    for name, runs in results.items():
        t = statistics.median(x for x, _, _ in runs)
        peak = max(m for _, m, _ in runs)
        print(f"  {name:<28} {t:7.2f} s  peak {peak:5d} MiB   {t / b:5.2f}× {base}")


def _same_cells_written(paths: dict[str, Path]) -> None:
    """Every contender's Claims, Claim terms and Documents hold the same cells (read back by calamine)."""
    from python_calamine import CalamineWorkbook

    sheets = {}
    for name, path in paths.items():
        book = CalamineWorkbook.from_path(str(path))
        sheets[name] = [book.get_sheet_by_name(s).to_python() for s in ("Claims", "Claim terms", "Documents")]
    first, *others = paths
    for name in others:
        assert sheets[name] == sheets[first], f"{name} wrote other cells than {first}"


def bench_export(count: int = 100_000, runs: int = 5) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.sqlite3")
        session = open_project(db)
        make_claims(session, count)
        session.close()
        results: dict[str, list] = {
            "export_openpyxl": [],
            "export_curator": [],
            "export_xlsxwriter": [],
            "export_pandas": [],
        }
        for _ in range(runs):  # interleaved, so machine noise hits all alike
            for name in results:
                results[name].append(run_worker(name, db, str(Path(tmp) / f"{name}.xlsx")))
        _same_cells_written(
            {n: Path(tmp) / f"{n}.xlsx" for n in ("export_curator", "export_openpyxl", "export_xlsxwriter")}
        )
    print(
        f"export of {count:,} claims ({2 * count:,} claim terms, Documents), median of {runs}, each contender in its "
        "own process opening the project and loading the claims itself; Claims, Claim terms and Documents checked "
        "cell for cell equal (curator, openpyxl, xlsxwriter). pandas: DataFrame.to_excel, openpyxl engine (normal, "
        "in-memory workbook)."
    )
    _report(
        "  with loading (open project + ClaimService.all, counted for every contender):", results, "export_openpyxl"
    )
    writing = {name: [(t - load, m, 0.0) for t, m, load in runs] for name, runs in results.items()}
    _report("  writing only (the same runs less each one's own time in ClaimService.all):", writing, "export_openpyxl")


def bench_import(count: int = 100_000, runs: int = 3) -> None:
    """Import the export's Claims sheet, Claim IDs removed (all rows new), into a project without claims."""
    import shutil

    from openpyxl import Workbook
    from python_calamine import CalamineWorkbook

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        source = str(tmp / "source.sqlite3")
        session = open_project(source)
        make_claims(session, count)
        session.close()
        run_worker("export_curator", source, str(tmp / "export.xlsx"))
        rows = CalamineWorkbook.from_path(str(tmp / "export.xlsx")).get_sheet_by_name("Claims").to_python()
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("Claims")
        for row in rows:
            ws.append(row[1:])  # without Claim ID: every row is a new claim to locate and create
        wb.save(tmp / "new-claims.xlsx")
        empty = str(tmp / "empty.sqlite3")
        open_project(empty).close()
        results: dict[str, list] = {"import_calamine": [], "import_curator": []}
        for i in range(runs):
            for name in results:
                db = str(tmp / f"{name}-{i}.sqlite3")
                shutil.copy(empty, db)
                results[name].append(run_worker(name, db, str(tmp / "new-claims.xlsx")))
    _report(
        f"import of {count:,} new claims from xlsx, median of {runs}, each in its own process",
        results,
        "import_calamine",
    )
