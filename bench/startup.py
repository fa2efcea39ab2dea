"""Start-up through the real entry point to the first paint of the document text in the reader.

    .venv/bin/python bench/run.py startup        # seeded project vs a bare QMainWindow + QPlainTextEdit
    .venv/bin/python bench/run.py startup-big    # + 1,000 documents and 100,000 claims vs the seeded project
    .venv/bin/python -m bench.startup --profile OUT.prof [--big]   # one profiled start (cProfile)

Each start is a fresh interpreter running `curator.cli.main(["--db", …, "--reviewer", …])`, exactly
what `python -m curator` runs: style sheet, session open (quick_check, WAL check, rolling backup,
codebook sync), reviewer, window, draft recovery, the last document opened. The launcher patches
`ReaderView.paintEvent` (the app carries no benchmark hook): the first paint that has text prints a
marker and ends the process, and the clock stops when the marker arrives. The patch is applied as
the app imports the reader (an import hook), so the launcher loads nothing ahead of the entry point.

The window builds what its first paint does not show (the claim form's fields, the term vocabulary,
the undo-key guard) right after that paint. So that this is not hidden, `startup` also times the
start to the window complete: to the event loop's turn after `MainWindow.finish_start` (its new
widgets painted); for a window without that step, the first paint.
QSettings goes to a temporary XDG_CONFIG_HOME, so neither the benchmark nor its profile touch the
developer's settings.

The baseline is a bare QMainWindow with a QPlainTextEdit showing the same document's text, the same
size, to its first paint, in the same kind of process; runs are interleaved so machine noise falls on
both alike.
"""

from __future__ import annotations

import hashlib
import os
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = "first-paint"

# Run in the child: the real entry point, with the reader's first text paint as the finish line.
CURATOR = """
import importlib.machinery, os, sys
profile = os.environ.get("BENCH_PROFILE")
complete = os.environ.get("BENCH_UNTIL") == "complete"  # else the first paint of the text
if profile:
    import cProfile
    profiler = cProfile.Profile()
    profiler.enable()

def finish_at_first_text_paint(reader_view):
    original = reader_view.paintEvent

    def paintEvent(self, event):
        original(self, event)
        if self.document().characterCount() > 1:  # an empty reader painted before the text does not count
            if complete and hasattr(self.window(), "finish_start"):
                return
            finish()

    reader_view.paintEvent = paintEvent

def finish():
    if profile:
        profiler.disable()
        profiler.dump_stats(profile)
    print("first-paint", flush=True)
    os._exit(0)  # stop here: tearing the window down is not start-up

def finish_when_complete(main_window):
    original = getattr(main_window, "finish_start", None)
    if original is None:  # a window built whole before its first paint: that paint is the end
        return

    def finish_start(self):
        done = self.started
        original(self)
        if not done:
            from PySide6.QtCore import QTimer

            QTimer.singleShot(0, finish)  # after the paint of what it built

    main_window.finish_start = finish_start

PATCHES = {"curator.ui.reader": lambda m: finish_at_first_text_paint(m.ReaderView)}
if complete:
    PATCHES["curator.ui.main_window"] = lambda m: finish_when_complete(m.MainWindow)

class PatchModules:
    # Patch the modules when the app imports them, not before: importing them here would load Qt
    # ahead of the entry point and change the order (and overlap) of the start being measured.
    def find_spec(self, name, path=None, target=None):
        if name not in PATCHES:
            return None
        patch = PATCHES.pop(name)
        if not PATCHES:
            sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        run = spec.loader.exec_module

        def exec_module(module):
            run(module)
            patch(module)

        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, PatchModules())
from curator.cli import main

sys.exit(main(sys.argv[1:]))
"""

BARE = """
import os, sys
from pathlib import Path
from PySide6.QtWidgets import QApplication, QMainWindow, QPlainTextEdit

app = QApplication(sys.argv[:1])

class Text(QPlainTextEdit):
    def paintEvent(self, event):
        super().paintEvent(event)
        print("first-paint", flush=True)
        os._exit(0)

window = QMainWindow()
text = Text()
text.setPlainText(Path(sys.argv[1]).read_text(encoding="utf-8"))
window.setCentralWidget(text)
available = window.screen().availableGeometry()  # the size Curator takes on a first start
window.resize(min(int(available.width() * 0.9), 1600), min(int(available.height() * 0.9), 1000))
window.show()
app.exec()
"""


def _env(config: Path, profile: str | None = None, until: str = "first-paint") -> dict[str, str]:
    """The child's environment: settings in `config`, byte code in a `pycache` folder beside it."""
    # Byte code cached beside the settings (warmed by the run that creates the project), as an installed
    # package has it: with PYTHONDONTWRITEBYTECODE every start recompiled ≈ 50 modules (≈ 120 ms).
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(config),
        PYTHONPATH=str(ROOT),
        PYTHONPYCACHEPREFIX=str(config.parent / "pycache"),
    )
    for name in ("CURATOR_DB", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    if profile:
        env["BENCH_PROFILE"] = profile
    env["BENCH_UNTIL"] = until
    return env


def time_to_paint(script: str, args: list[str], env: dict[str, str], cpu: list[float] | None = None) -> float:
    """Seconds from starting the process to the marker its first paint prints; `cpu` gets the CPU
    seconds the process used (all its threads), which a loaded machine inflates far less."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", script, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    for line in child.stdout:
        if line.strip() == MARKER:
            elapsed = time.perf_counter() - started
            break
    else:
        child.wait()
        raise RuntimeError(f"no first paint: {child.stderr.read()[-2000:]}")
    child.wait()
    if cpu is not None:
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return elapsed


def _curator_args(db: Path) -> list[str]:
    return ["--db", str(db), "--reviewer", "Bench"]


def make_project(folder: Path, documents: int = 0, claims: int = 0) -> Path:
    """A seeded project (created through the real entry point), with synthetic documents and claims
    added in bulk after the seeds, so the first document shown is the same seed in every project."""
    from bench.documents import prose

    db = folder / "project.sqlite3"
    config = folder / "config"
    time_to_paint(CURATOR, _curator_args(db), _env(config))  # creates and seeds: later runs measure opening
    _as_after_a_clean_close(db)
    if documents:  # plain sqlite3 and executemany: the fixture is not what is measured
        rng = random.Random(15)
        con = sqlite3.connect(db)
        with con:
            reviewer = con.execute("SELECT id FROM reviewer WHERE name = 'Bench'").fetchone()[0]
            first = con.execute("SELECT COALESCE(MAX(id), 0) FROM document").fetchone()[0] + 1
            texts = [prose(rng, 5000) for _ in range(documents)]
            con.executemany(
                "INSERT INTO document (id, title, source_kind, authors, venue, published, doi, url, file_name, "
                "sha256, text, format, reading_status, notes, imported_at, encoding, styles) "
                "VALUES (?, ?, 'other', '', '', '', '', '', ?, ?, ?, 'text', 'unread', '', '2026-11-30', '', '')",
                [
                    (first + i, f"Synthetic study {i:04d} of the gut–brain axis in a randomised cohort", f"{i}.txt",
                     hashlib.sha256(f"{i}{t}".encode()).hexdigest(), t)
                    for i, t in enumerate(texts)
                ],
            )  # fmt: skip
            rows = []
            for k in range(claims):
                i = k % documents
                start = rng.randrange(0, 4800)
                end = start + rng.randint(20, 150)
                rows.append(
                    (first + i, reviewer, start, end, texts[i][start:end], "association", "draft", str(uuid.uuid4()))
                )
            con.executemany(
                "INSERT INTO claim (document_id, reviewer_id, start, end, exact, prefix, suffix, document_sha256, "
                "anchor_status, statement, claim_type, population, study_design, direction, effect_measure, "
                "source_certainty, reviewer_certainty, status, notes, created_at, updated_at, uuid) "
                "VALUES (?, ?, ?, ?, ?, '', '', '', '', '', ?, '', '', '', '', '', '', ?, '', "
                "'2026-11-30', '2026-11-30', ?)",
                rows,
            )
        con.close()
    # One more start takes the rolling backup of this state; the timed starts then find nothing written
    # since (the usual start: a backup is made only after edits, ≈ 40 ms here, more for big projects).
    time_to_paint(CURATOR, _curator_args(db), _env(config))
    _as_after_a_clean_close(db)
    return db


def _as_after_a_clean_close(db: Path) -> None:
    """Checkpoint the -wal, as the app's own close does: a start ended by os._exit leaves its writes in
    the journal, and every later start would take the path for a project that was not closed properly
    (the journal copied and verified before opening)."""
    con = sqlite3.connect(db)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        con.close()


def first_document_text(db: Path) -> str:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT text FROM document ORDER BY id LIMIT 1").fetchone()[0]
    finally:
        con.close()


def _median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def bench_startup(runs: int = 7) -> None:
    """The seeded project against a bare QMainWindow + QPlainTextEdit with the same text."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db = make_project(tmp)
        text = tmp / "first.txt"
        text.write_text(first_document_text(db), encoding="utf-8")
        time_to_paint(BARE, [str(text)], _env(tmp / "config"))  # its byte code cached too
        bare, curator, whole = [], [], []
        cpu: dict[str, list[float]] = {"bare": [], "curator": [], "whole": []}
        for _ in range(runs):
            bare.append(time_to_paint(BARE, [str(text)], _env(tmp / "config"), cpu["bare"]))
            curator.append(time_to_paint(CURATOR, _curator_args(db), _env(tmp / "config"), cpu["curator"]))
            whole.append(
                time_to_paint(CURATOR, _curator_args(db), _env(tmp / "config", until="complete"), cpu["whole"])
            )
    b, c, w = _median_ms(bare), _median_ms(curator), _median_ms(whole)
    cb, cc, cw = (_median_ms(cpu[k]) for k in ("bare", "curator", "whole"))
    print(f"start-up to the first paint of the document text (fresh process → first paintEvent), median of {runs}")
    print("                                                  wall clock          CPU time of the process")
    print(f"  bare QMainWindow + QPlainTextEdit, same text : {b:7.0f} ms           {cb:7.0f} ms")
    print(
        f"  curator --db … --reviewer … (seeded project) : {c:7.0f} ms   {c / b:.2f}×   {cc:7.0f} ms   {cc / cb:.2f}×"
    )
    print(
        f"  … to the window complete (form fields built) : {w:7.0f} ms   {w / b:.2f}×   {cw:7.0f} ms   {cw / cb:.2f}×"
    )
    print("  (aim: the first paint ≤ 1.5× the bare window)")


def bench_startup_big(runs: int = 7, documents: int = 1000, claims: int = 100_000) -> None:
    """1,000 documents and 100,000 claims against the seeds-only project, both through the entry point."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        (tmp / "seeds").mkdir()
        (tmp / "big").mkdir()
        built = time.perf_counter()
        small = make_project(tmp / "seeds")
        big = make_project(tmp / "big", documents, claims)
        print(f"  (fixtures built in {time.perf_counter() - built:.1f} s)")
        text = tmp / "first.txt"
        text.write_text(first_document_text(small), encoding="utf-8")
        time_to_paint(BARE, [str(text)], _env(tmp / "config"))  # its byte code cached too
        bare, seeds, large = [], [], []
        for _ in range(runs):
            bare.append(time_to_paint(BARE, [str(text)], _env(tmp / "config")))
            seeds.append(time_to_paint(CURATOR, _curator_args(small), _env(tmp / "seeds" / "config")))
            large.append(time_to_paint(CURATOR, _curator_args(big), _env(tmp / "big" / "config")))
    b, s, g = _median_ms(bare), _median_ms(seeds), _median_ms(large)
    print(f"start-up with {documents:,} documents and {claims:,} claims, median of {runs}")
    print(f"  bare QMainWindow + QPlainTextEdit   : {b:7.0f} ms")
    print(f"  seeded project                      : {s:7.0f} ms   {s / b:.2f}× bare")
    print(f"  + {documents:,} documents, {claims:,} claims : {g:7.0f} ms   {g / s:.2f}× the seeded start (aim ≤ 1.2×)")


def profile_once(out: str, big: bool = False) -> None:
    """Profile one start (after a first one that creates the project) into `out` (cProfile stats)."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db = make_project(tmp, 1000 if big else 0, 100_000 if big else 0)
        seconds = time_to_paint(CURATOR, _curator_args(db), _env(tmp / "config", str(Path(out).absolute())))
    print(f"profiled start: {seconds * 1000:.0f} ms → {out}")


if __name__ == "__main__":
    if "--profile" in sys.argv:
        profile_once(sys.argv[sys.argv.index("--profile") + 1], big="--big" in sys.argv)
    else:
        bench_startup()
