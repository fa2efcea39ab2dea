"""The reviewer's loop on a busy document: save a new claim, edit it, undo, redo and delete it, in the
real window (offscreen), on a document carrying 2,000 and 10,000 claims, against the same on the
same text carrying 10 claims — measured in the same run, interleaved, so only the ratio counts.

    .venv/bin/python bench/run.py loop            # 10 vs 2,000 vs 10,000 claims
    .venv/bin/python bench/run.py loop 5000       # 10 vs 5,000

Every step includes the repaint of the reader and the table, as the reviewer waits for both.
"""

from __future__ import annotations

import hashlib
import random
import tempfile
import time
from pathlib import Path

from bench.documents import _insert_in_batches, _median, _project, prose

STEPS = ("save new", "save edit", "undo", "redo", "delete")


def _busy_document(session, rng, text: str, claims: int, tag: str) -> int:
    from curator.core.models import Claim
    from curator.core.records import NewDocument

    doc_id, _ = session.documents.add(
        NewDocument(tag, text + tag, hashlib.sha256((text + tag).encode()).hexdigest(), f"{tag}.txt")
    )
    rows = []
    for _ in range(claims):
        start = rng.randrange(0, len(text) - 400)
        end = start + rng.randint(20, 150)
        rows.append(
            {"document": doc_id, "reviewer": session.reviewer_id, "start": start, "end": end,
             "exact": text[start:end], "document_sha256": "", "status": "draft", "claim_type": "association"}
        )  # fmt: skip
    _insert_in_batches(session.database, Claim, rows)
    return doc_id


def _one_round(app, window, doc_id: int, start: int) -> dict[str, float]:
    """Each step of the loop once, timed to the end of its repaint."""
    times: dict[str, float] = {}

    def timed(name, action):
        began = time.perf_counter()
        action()
        window.reader.viewport().repaint()
        window.claim_view.viewport().repaint()
        app.processEvents()
        times[name] = time.perf_counter() - began

    window.open_document(doc_id)
    # A reviewer reads and selects before saving: the work the window defers until it is idle after
    # an open (the claims table's index) is done by then, so it is not counted in the first save.
    for _ in range(5):
        app.processEvents()
    window.reader.select_range(start, start + 60)
    window.new_claim()
    window.form.widgets["statement"].setText("A claim made in the benchmark")
    timed("save new", window.save_claim)
    window.form.widgets["statement"].setText("The same claim, edited")
    timed("save edit", window.save_claim)
    timed("undo", window.undo_stack.undo)
    timed("redo", window.undo_stack.redo)
    timed("delete", window.delete_claim)
    window.undo_stack.clear()
    return times


def bench_loop(busy: int = 0, runs: int = 7, size: int = 400_000) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from curator.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    rng = random.Random(7)
    counts = [10, busy] if busy else [10, 2000, 10_000]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        session = _project(tmp)
        text = prose(rng, size)
        docs = {n: _busy_document(session, rng, text, n, f"doc{n}") for n in counts}
        window = MainWindow(session, QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
        window.resize(1400, 900)
        window.show()
        app.processEvents()
        results: dict[int, dict[str, list[float]]] = {n: {s: [] for s in STEPS} for n in counts}
        start = len(text) // 2
        for _ in range(runs):  # interleaved: machine noise falls on every size alike
            for n in counts:
                window.document_id = None
                for step, seconds in _one_round(app, window, docs[n], start).items():
                    results[n][step].append(seconds)
        window.close()
        session.close()
    base = counts[0]
    print(f"reviewer's loop on a {size // 1000} KB document, median of {runs} (ms; ratio to {base} claims)")
    print("  step        " + "".join(f"{n:>10,} claims" for n in counts))
    for step in STEPS:
        medians = [_median(results[n][step]) for n in counts]
        cells = "".join(
            f"{m * 1000:9.1f} ms" + (f" {m / medians[0]:4.2f}×" if i else "      ") for i, m in enumerate(medians)
        )
        print(f"  {step:<11} {cells}")
