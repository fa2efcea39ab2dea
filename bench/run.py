"""Curator benchmarks: each result is a ratio against a baseline measured in the same run.

    python bench/run.py            # all benchmarks
    python bench/run.py export     # one of: startup, export

Run with the project's virtual environment (.venv/bin/python bench/run.py). Results go in
bench/RESULTS.md by hand, with the date and machine.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BARE_WINDOW = """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
class W(QMainWindow):
    def paintEvent(self, event):
        super().paintEvent(event)
        print("painted", flush=True)
        sys.exit(0)  # first paint reached: stop the clock here
w = W(); w.resize(1400, 900); w.show()
app.exec()
"""

CURATOR_WINDOW = """
import sys
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from curator.core.paths import SEEDS
from curator.core.session import open_session
from curator.io.seeds import seed_new_project
from curator.ui.main_window import MainWindow
app = QApplication(sys.argv[:1])
session = open_session(sys.argv[1]); seed_new_project(session, SEEDS); session.use_reviewer("Bench")
class W(MainWindow):
    def paintEvent(self, event):
        super().paintEvent(event)
        print("painted", flush=True)
        sys.exit(0)
w = W(session, QSettings(sys.argv[2], QSettings.Format.IniFormat)); w.resize(1400, 900); w.show()
app.exec()
"""


def time_process(script: str, *args: str) -> float:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - start
    if "painted" not in out.stdout:
        raise RuntimeError(out.stderr[-2000:])
    return elapsed


def bench_startup(runs: int = 7) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db, ini = str(Path(tmp) / "p.sqlite3"), str(Path(tmp) / "s.ini")
        time_process(CURATOR_WINDOW, db, ini)  # creates and seeds the project: measure opening, not creating
        bare, curator = [], []
        for _ in range(runs):  # interleaved, so machine noise hits both alike
            bare.append(time_process(BARE_WINDOW))
            curator.append(time_process(CURATOR_WINDOW, db, ini))
    b, c = statistics.median(bare), statistics.median(curator)
    print(f"startup to first paint (process start → first paintEvent, median of {runs})")
    print(f"  bare PySide6 QMainWindow : {b * 1000:7.0f} ms")
    print(f"  Curator main window      : {c * 1000:7.0f} ms   ratio {c / b:.2f}×")


def make_claims(session, count: int) -> None:
    """Bulk-insert synthetic claims spread over the seed documents (fast path: one insert_many per batch)."""
    from curator.core.db import write_transaction
    from curator.core.models import Claim, ClaimTerm, utcnow

    docs = [session.documents.get(d.id) for d in session.documents.summaries()]
    terms = session.terms.all()
    now = utcnow()
    rows, links = [], []
    for i in range(count):
        doc = docs[i % len(docs)]
        start = (i * 37) % (len(doc.text) - 80)
        rows.append({
            "id": i + 1, "document": doc.id, "reviewer": session.reviewer_id, "start": start, "end": start + 60,
            "exact": doc.text[start : start + 60], "prefix": doc.text[max(0, start - 32) : start],
            "suffix": doc.text[start + 60 : start + 92], "document_sha256": doc.sha256,
            "statement": f"Synthetic statement number {i} about the gut–brain axis.", "claim_type": "association",
            "direction": "benefit", "effect_value": 0.5 + i % 7 / 10, "n_participants": 20 + i % 300, "status": "draft",
            "notes": "", "created_at": now, "updated_at": now,
        })
        for k in range(2):
            t = terms[(i + k * 11) % len(terms)]
            links.append({"claim": i + 1, "term": t.id, "role": "other", "label": t.label, "identifier": t.identifier, "position": k})
    with write_transaction():
        for n in range(0, len(rows), 1000):
            Claim.insert_many(rows[n : n + 1000]).execute()
        for n in range(0, len(links), 1000):
            ClaimTerm.insert_many(links[n : n + 1000]).execute()


def bench_export(count: int = 10_000, runs: int = 3) -> None:
    from openpyxl import Workbook

    from curator.core.paths import SEEDS
    from curator.core.session import open_session
    from curator.io.seeds import seed_new_project
    from curator.io.xlsx_export import claim_columns, export_xlsx

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        session = open_session(tmp / "bench.sqlite3")
        seed_new_project(session, SEEDS)
        session.use_reviewer("Bench")
        make_claims(session, count)

        def baseline() -> None:
            # the same cells, written by plain openpyxl write-only mode with no styling or checks
            titles = {d.id: d.title for d in session.documents.summaries()}
            columns = claim_columns(session, titles)
            wb = Workbook(write_only=True)
            ws = wb.create_sheet("Claims")
            ws.append([c.header for c in columns])
            for record in session.claims.all():
                ws.append([c.value(record) for c in columns])
            wb.save(tmp / "baseline.xlsx")

        def curator() -> None:
            export_xlsx(session, tmp / "curator.xlsx")

        base_times, our_times = [], []
        for _ in range(runs):
            for fn, sink in ((baseline, base_times), (curator, our_times)):
                start = time.perf_counter()
                fn()
                sink.append(time.perf_counter() - start)
        session.close()
    b, c = statistics.median(base_times), statistics.median(our_times)
    print(f"export of {count:,} claims (median of {runs})")
    print(f"  openpyxl write-only, same cells : {b:6.2f} s")
    print(f"  curator export (styled, checked): {c:6.2f} s   ratio {c / b:.2f}×")


BENCHMARKS = {"startup": bench_startup, "export": bench_export}

if __name__ == "__main__":
    chosen = sys.argv[1:] or list(BENCHMARKS)
    for name in chosen:
        BENCHMARKS[name]()
