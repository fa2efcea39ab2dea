"""Reader benchmarks against bare Qt widgets doing the same visible work, measured in the same run,
interleaved, medians of `runs` (only the ratio counts on a shared machine):

- reader: open a document with many claims in the real window to the first paint of the reader and the
  claims table, and on until the event loop is idle (the table's index is built after that paint),
  against a bare `QPlainTextEdit` given the same text with `setPlainText`, painted, then idle;
  Curator opening the same text with no claims is printed too, for reference;
- click: click a claims-table row (the mouse on the view's viewport, as a reviewer does) until the
  reader has scrolled to the claim and the form shows it, against a bare cursor move +
  `ensureCursorVisible` + paint on a `QPlainTextEdit` with the same text;
- keypress: one key typed into the form's Statement field of a loaded claim, against the same key in a
  bare `QLineEdit`.

    .venv/bin/python bench/run.py reader      # 200 KB / 5,000 claims and 1 MB / 10,000 claims
    .venv/bin/python bench/run.py click
    .venv/bin/python bench/run.py keypress
"""

from __future__ import annotations

import hashlib
import random
import tempfile
import time
from pathlib import Path

from bench.documents import _insert_in_batches, _median, _project, prose

SIZES = ((200_000, 5_000), (1_000_000, 10_000))  # (characters, claims)


def _app():
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _document(session, rng, text: str, claims: int, tag: str) -> int:
    """A document carrying `claims` claims of every type, nested and crossing as real reviews are."""
    from curator.core.models import Claim
    from curator.core.records import NewDocument

    text = text + tag
    doc_id, _ = session.documents.add(NewDocument(tag, text, hashlib.sha256(text.encode()).hexdigest(), f"{tag}.txt"))
    types = [c.key for c in session.codebook.field("claim_type").choices] + [""]
    rows = []
    for _ in range(claims):
        start = rng.randrange(0, len(text) - 400)
        end = start + rng.randint(20, 150)
        rows.append(
            {"document": doc_id, "reviewer": session.reviewer_id, "start": start, "end": end,
             "exact": text[start:end], "document_sha256": "", "status": "draft",
             "claim_type": rng.choice(types)}
        )  # fmt: skip
    _insert_in_batches(session.database, Claim, rows)
    return doc_id


def _window(session, tmp: Path):
    from PySide6.QtCore import QSettings

    from curator.ui.main_window import MainWindow

    window = MainWindow(session, QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    window.resize(1400, 900)
    window.show()
    _app().processEvents()
    return window


def _bare_reader(width: int, height: int):
    from PySide6.QtWidgets import QPlainTextEdit

    bare = QPlainTextEdit()
    bare.setReadOnly(True)
    bare.resize(width, height)
    bare.show()
    _app().processEvents()
    return bare


def _painted(widget) -> None:
    widget.viewport().repaint()
    _app().processEvents()


def bench_reader(runs: int = 7) -> None:
    app = _app()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        session = _project(tmp)
        cases = []
        for size, claims in SIZES:
            text = prose(rng, size)
            cases.append((size, claims, text, _document(session, rng, text, 0, f"p{size}"),
                          _document(session, rng, text, claims, f"b{size}")))  # fmt: skip
        window = _window(session, tmp)
        viewport = window.reader.viewport().size()
        bare = _bare_reader(viewport.width(), viewport.height())

        def bare_open(text: str) -> tuple[float, float]:
            bare.setPlainText("")
            app.processEvents()
            started = time.perf_counter()
            bare.setPlainText(text)
            bare.viewport().repaint()
            painted = time.perf_counter() - started
            app.processEvents()
            return painted, time.perf_counter() - started

        def curator_open(doc_id: int) -> tuple[float, float]:
            window.document_id = None  # so the same document opens again
            window.form.clear()
            app.processEvents()
            started = time.perf_counter()
            window.open_document(doc_id)
            window.reader.viewport().repaint()
            window.claim_view.viewport().repaint()
            painted = time.perf_counter() - started  # what the reviewer sees: the text, its claims, the table
            app.processEvents()
            return painted, time.perf_counter() - started

        results = []
        for size, claims, text, plain_id, busy_id in cases:
            base, empty, busy = [], [], []
            for _ in range(runs):  # interleaved: machine noise hits all three alike
                base.append(bare_open(text))
                empty.append(curator_open(plain_id))
                busy.append(curator_open(busy_id))
            medians = [tuple(_median([t[k] for t in times]) for k in (0, 1)) for times in (base, empty, busy)]
            results.append((size, claims, *medians))
        bare.close()
        window.close()
        session.close()
    print(f"reader: open a document, to its first paint and to idle, median of {runs}")
    for size, claims, b, e, c in results:
        kb = f"{size / 1e3:,.0f} KB"
        print(
            f"  {kb}, bare QPlainTextEdit setPlainText   paint {b[0] * 1000:7.1f} ms 1.00×   idle {b[1] * 1000:7.1f} ms 1.00×"
        )
        for name, t in (("0 claims", e), (f"{claims:,} claims", c)):
            print(f"  {kb}, Curator, {name:<16}   paint {t[0] * 1000:7.1f} ms {t[0] / b[0]:.2f}×   "
                  f"idle {t[1] * 1000:7.1f} ms {t[1] / b[1]:.2f}×")  # fmt: skip


def bench_click(runs: int = 9, size: int = 1_000_000, claims: int = 10_000) -> None:
    """Rows far apart in the text, clicked in turn, so every click scrolls the reader."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtTest import QTest

    app = _app()
    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        session = _project(tmp)
        text = prose(rng, size)
        doc_id = _document(session, rng, text, claims, "c")
        window = _window(session, tmp)
        window.open_document(doc_id)
        _painted(window.reader)
        view, model = window.claim_view, window.claims
        rows = [model.rowCount() // 10, model.rowCount() * 9 // 10]
        offsets = [model.record_at(r).anchor.start for r in rows]
        viewport = window.reader.viewport().size()
        bare = _bare_reader(viewport.width(), viewport.height())
        bare.setPlainText(window.reader.document().toPlainText())
        _painted(bare)

        def click(row: int) -> float:
            index = model.index(row, 0)
            view.scrollTo(index)  # the row is on screen before the reviewer clicks it
            where: QPoint = view.visualRect(index).center()
            app.processEvents()
            started = time.perf_counter()
            QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where)
            _painted(window.reader)
            window.claim_view.viewport().repaint()
            elapsed = time.perf_counter() - started
            assert window.form.claim_id == model.record_at(row).id, "the click did not load the claim"
            return elapsed

        def move(offset: int) -> float:
            app.processEvents()
            started = time.perf_counter()
            cursor = bare.textCursor()
            cursor.setPosition(offset)
            bare.setTextCursor(cursor)
            bare.ensureCursorVisible()
            _painted(bare)
            return time.perf_counter() - started

        click(rows[1])
        move(offsets[1])  # warm both: the first deep jump lays out what it passes
        base, curator = [], []
        for i in range(runs * 2):
            base.append(move(offsets[i % 2]))
            curator.append(click(rows[i % 2]))
        bare.close()
        window.close()
        session.close()
    b, c = _median(base), _median(curator)
    print(f"click: a claims-table row → reader scrolled, form loaded ({size / 1e6:.0f} MB, {claims:,} claims), "
          f"median of {runs * 2}")  # fmt: skip
    print(f"  bare QPlainTextEdit cursor move + ensureCursorVisible + paint {b * 1000:7.2f} ms   1.00×")
    print(f"  Curator: click the row                                        {c * 1000:7.2f} ms   {c / b:.2f}×")


def bench_keypress(runs: int = 7, keys: int = 100) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QLineEdit

    app = _app()
    rng = random.Random(4)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        session = _project(tmp)
        doc_id = _document(session, rng, prose(rng, 50_000), 200, "k")
        window = _window(session, tmp)
        window.open_document(doc_id)
        window.select_claim(window.claims.record_at(0).id)
        field = window.form.widgets["statement"]
        field.setFocus()
        bare = QLineEdit()
        bare.show()
        app.processEvents()

        def typed(widget) -> tuple[float, float]:
            """Seconds per key: wall clock, and CPU time of this (the GUI) thread. Offscreen, a key is
            all CPU work on this thread, and CPU time is what a loaded machine inflates least (at a
            load of 13 on 2 cores the wall-clock ratio swung between 1.5× and 3.9× for the same code)."""
            widget.setText("")
            app.processEvents()
            started, cpu = time.perf_counter(), time.thread_time()
            for _ in range(keys):
                QTest.keyClick(widget, Qt.Key.Key_A)
            app.processEvents()
            return (time.perf_counter() - started) / keys, (time.thread_time() - cpu) / keys

        base, curator = [], []
        for _ in range(runs):
            base.append(typed(bare))
            curator.append(typed(field))
        assert window.form.is_dirty()
        window.form.revert()
        bare.close()
        window.close()
        session.close()
    b, c = _median([w for w, _ in base]), _median([w for w, _ in curator])
    bc, cc = _median([t for _, t in base]), _median([t for _, t in curator])
    print(
        f"keypress: one key in a line field, median of {runs} runs of {keys} keys (wall clock; CPU time of the thread)"
    )
    print(f"  bare QLineEdit                              {b * 1000:6.3f} ms  1.00×   {bc * 1000:6.3f} ms  1.00×")
    print(
        f"  Curator's Statement field (a claim loaded)  {c * 1000:6.3f} ms  {c / b:.2f}×"
        f"   {cc * 1000:6.3f} ms  {cc / bc:.2f}×  (aim ≤ 1.5×)"
    )
