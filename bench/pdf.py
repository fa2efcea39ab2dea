"""PDF import on a generated 300-page two-column article (issue 14).

    python bench/run.py pdf-import          # 300 pages
    python bench/run.py pdf-import 50       # pages, for a quick look

The PDF is tests/pdf_maker.py's article(): two columns of 40 lines, running header, footer and page
number on every page. Contenders, median of the runs:
- bare: pypdfium2 opening the bytes and get_text_range() over every page — the floor (no boxes, no
  order, no chrome);
- read_document: Curator's whole import through the sandbox worker — every character's box,
  reading order, chrome, joins, metadata, and the pickled reply;
- the same with a `waiting` callback, as the import dialog calls it: the worker then reports pages
  read (at most every 50 ms), which should cost nothing measurable.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

RUNS = 3


def _bare(raw: bytes) -> int:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(raw)
    total = 0
    for i in range(len(doc)):
        page = doc[i]
        tp = page.get_textpage()
        total += len(tp.get_text_range())
        tp.close()
        page.close()
    doc.close()
    return total


def bench_pdf_import(pages: int = 300) -> None:
    from curator.io import sandbox
    from curator.io.document_files import read_document
    from tests.pdf_maker import article, make_pdf

    with tempfile.TemporaryDirectory() as folder:
        path = make_pdf(Path(folder) / "article.pdf", article(pages))
        raw = path.read_bytes()
        read_document(path)  # start the worker once, outside the timing
        bare, ours, waited = [], [], []
        reports: list = []
        for _ in range(RUNS):
            t = time.perf_counter()
            chars = _bare(raw)
            bare.append(time.perf_counter() - t)
            t = time.perf_counter()
            doc = read_document(path)
            ours.append(time.perf_counter() - t)
            reports.clear()
            t = time.perf_counter()
            read_document(path, waiting=lambda latest: reports.append(latest) or True)
            waited.append(time.perf_counter() - t)
        sandbox.shutdown()
    b, o, w = statistics.median(bare), statistics.median(ours), statistics.median(waited)
    heard = sum(1 for r in reports if r is not None)
    print(
        f"pdf-import, {pages} pages, {len(raw) / 1e6:.1f} MB, {chars:,} PDFium chars → {len(doc.text):,} canonical: "
        f"bare get_text_range {b:.2f} s, read_document {o:.2f} s ({o / b:.1f}×; {1000 * o / pages:.1f} ms a page); "
        f"with waiting {w:.2f} s ({heard} progress reports heard)"
    )
