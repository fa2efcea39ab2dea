"""Page view benchmarks (issue 14), each against a baseline measured in the same run (medians of `runs`):

- first page shown: a 300-page PDF given to the Page view (render worker started, PDF opened there)
  until page 1 is painted, against pypdfium2 opening the same bytes and rendering page 1 at the same
  scale in this process (what the worker does, without the process and the pipe);
- page to page: scroll the next page to the top until its picture is painted, against pypdfium2's bare
  render of that page at the same scale;
- 200 claims: one paint of a page with 200 claims drawn (boxes worked out, then cached), against the
  same paint with none.

    .venv/bin/python bench/run.py page-view
"""

from __future__ import annotations

import io
import statistics
import time
from array import array

PAGES = 300
LINES = 46


def _pdf() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=(612, 792))
    for p in range(PAGES):
        c.setFont("Times-Roman", 10)
        for column, x in enumerate((72, 324)):
            for k in range(LINES):
                c.drawString(x, 720 - 14 * k, f"page {p + 1} column {column} line {k} of the benchmark's prose")
        c.rect(72, 60, 200, 40)
        c.showPage()
    c.save()
    return buffer.getvalue()


def _layout():
    """A layout of the same shape: 2 columns × 46 lines × 40 characters a page (5.5 M coordinates)."""
    from curator.core.pages import PageLayout

    pages, boxes = array("H"), array("f")
    for p in range(PAGES):
        for x in (72.0, 324.0):
            for k in range(LINES):
                y = 72.0 + 14 * k
                for i in range(40):
                    pages.append(p)
                    boxes.extend((x + 5 * i, y - 9, x + 5 * i + 5, y + 2))
    return PageLayout(tuple((612.0, 792.0) for _ in range(PAGES)), pages, boxes)


def _wait(app, done, limit: float = 30.0) -> None:
    end = time.monotonic() + limit
    while not done() and time.monotonic() < end:
        app.processEvents()
        time.sleep(0.0005)


def bench_page_view(runs: int = 5) -> None:
    import pypdfium2
    from PySide6.QtWidgets import QApplication

    from curator.ui.page_render import PageRenderer
    from curator.ui.page_view import PageView

    app = QApplication.instance() or QApplication([])
    data, layout = _pdf(), _layout()
    print(f"page-view: {PAGES} pages, {len(data) / 2**20:.1f} MB PDF, {len(layout):,} characters")
    first, bare_first, step, bare_step, busy, empty, cold = [], [], [], [], [], [], []
    for _ in range(runs):
        view = PageView()
        view.resize(900, 800)
        view.show()
        app.processEvents()
        t = time.perf_counter()
        renderer = PageRenderer(data, view)
        view.set_document(layout, renderer)
        _wait(app, lambda r=renderer: r.image(0) is not None)
        view.repaint()
        first.append(time.perf_counter() - t)
        scale = view.render_scale()

        t = time.perf_counter()
        pdf = pypdfium2.PdfDocument(data)
        pdf[0].render(scale=scale, rev_byteorder=True, prefer_bgrx=True).close()
        bare_first.append(time.perf_counter() - t)

        for page in (10, 11, 12):
            t = time.perf_counter()
            view.verticalScrollBar().setValue(int(view._tops[page]))
            _wait(app, lambda r=renderer, p=page, s=scale: r.image(p) is not None and abs(r.image(p)[0] - s) < 1e-6)
            view.repaint()
            step.append(time.perf_counter() - t)
            t = time.perf_counter()
            pdf[page].render(scale=scale, rev_byteorder=True, prefer_bgrx=True).close()
            bare_step.append(time.perf_counter() - t)
        pdf.close()

        view.verticalScrollBar().setValue(int(view._tops[12]))
        _wait(app, lambda r=renderer: r.image(12) is not None)
        lo = 12 * 2 * LINES * 40
        claims = [(i + 1, lo + 18 * i, lo + 18 * i + 30, i % 7 - 1) for i in range(200)]
        view.set_highlights([])
        view.repaint()
        t = time.perf_counter()
        view.repaint()
        empty.append(time.perf_counter() - t)
        view.set_highlights(claims)
        t = time.perf_counter()
        view.repaint()
        cold.append(time.perf_counter() - t)
        t = time.perf_counter()
        view.repaint()
        busy.append(time.perf_counter() - t)
        assert len({c for c, _ in view.painted}) == 200
        renderer.stop()
        view.close()
        view.deleteLater()
        app.processEvents()

    def line(name, ours, base, base_name):
        a, b = statistics.median(ours) * 1000, statistics.median(base) * 1000
        print(f"  {name:<28} {a:8.1f} ms   {base_name:<34} {b:8.1f} ms   ×{a / b:5.2f}")

    line("first page shown", first, bare_first, "pypdfium2 open + render page 1")
    line("next page shown (scroll)", step, bare_step, "pypdfium2 render of that page")
    line("paint, 200 claims (first)", cold, empty, "paint, no claims")
    line("paint, 200 claims (again)", busy, empty, "paint, no claims")
