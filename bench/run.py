"""Curator benchmarks: each result is a ratio against a baseline measured in the same run.

    python bench/run.py            # all benchmarks
    python bench/run.py export     # one of: startup, export, import, open, reader, documents, search, loop
    python bench/run.py export 10000   # a smaller count for a quick look (default 100,000)

pandas is needed only for the export baseline: .venv/bin/python -m pip install -e ".[bench]"

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
    out = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, cwd=ROOT, check=False)
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


from bench.claims_table import bench_claims_table  # noqa: E402
from bench.documents import bench_import as bench_documents  # noqa: E402
from bench.documents import bench_reader, bench_search  # noqa: E402
from bench.excel import bench_export, bench_import  # noqa: E402
from bench.loop import bench_loop  # noqa: E402
from bench.storage import bench_open  # noqa: E402

BENCHMARKS = {
    "startup": bench_startup,
    "export": bench_export,
    "import": bench_import,
    "open": bench_open,
    "reader": bench_reader,
    "documents": bench_documents,
    "search": bench_search,
    "loop": bench_loop,
    "claims-table": bench_claims_table,
}

if __name__ == "__main__":
    names = [a for a in sys.argv[1:] if not a.isdigit()] or list(BENCHMARKS)
    counts = [int(a) for a in sys.argv[1:] if a.isdigit()]
    for name in names:
        BENCHMARKS[name](*counts[:1]) if name in ("export", "import", "open") else BENCHMARKS[name]()
