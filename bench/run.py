"""Curator benchmarks: each result is a ratio against a baseline measured in the same run.

    python bench/run.py            # all benchmarks
    python bench/run.py export     # one of: startup, startup-big, export, import, open, reader, documents, search, loop, merge, agreement
    python bench/run.py export 10000   # a smaller count for a quick look (default 100,000)

pandas is needed only for the export baseline: .venv/bin/python -m pip install -e ".[bench]"

Run with the project's virtual environment (.venv/bin/python bench/run.py). Results go in
bench/RESULTS.md by hand, with the date and machine.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.agreement import bench_agreement  # noqa: E402
from bench.claims_io import bench_import_new, bench_read, bench_reimport  # noqa: E402
from bench.claims_table import bench_claims_table  # noqa: E402
from bench.clients import bench_clients  # noqa: E402
from bench.documents import bench_import as bench_documents  # noqa: E402
from bench.documents import bench_search  # noqa: E402
from bench.excel import bench_export, bench_import  # noqa: E402
from bench.loop import bench_loop  # noqa: E402
from bench.merge import bench_merge  # noqa: E402
from bench.page_view import bench_page_view  # noqa: E402
from bench.pdf import bench_pdf_import  # noqa: E402
from bench.reader import bench_click, bench_keypress, bench_reader  # noqa: E402
from bench.startup import bench_startup, bench_startup_big  # noqa: E402
from bench.storage import bench_open  # noqa: E402
from bench.suggest import bench_suggest  # noqa: E402
from bench.suggest_passages import bench_suggest_passages  # noqa: E402
from bench.suggest_terms import bench_suggest_terms  # noqa: E402

BENCHMARKS = {
    "startup": bench_startup,
    "startup-big": bench_startup_big,
    "export": bench_export,
    "import": bench_import,
    "open": bench_open,
    "reader": bench_reader,
    "click": bench_click,
    "keypress": bench_keypress,
    "documents": bench_documents,
    "search": bench_search,
    "loop": bench_loop,
    "claims-table": bench_claims_table,
    "read-claims": bench_read,
    "reimport": bench_reimport,
    "import-new": bench_import_new,
    "clients": bench_clients,  # 8 client processes × 1,000 claims on PostgreSQL and SQLite (a count: per client)
    "merge": bench_merge,  # a reviewer's project with 100,000 new claims vs INSERT … SELECT between the files
    "suggest-passages": bench_suggest_passages,  # Document → Suggest passages on 1 MB (a count: characters)
    "suggest": bench_suggest,  # suggestion quality on the hand-made evaluation set (no timing; no count)
    "agreement": bench_agreement,  # 10,000 documents × 2 extractors × 10 claims vs reading the rows (a count: documents)
    "suggest-terms": bench_suggest_terms,  # one selection's term suggestions, 20,000 terms vs a per-term scan (a count: terms)
    "page-view": bench_page_view,  # a 300-page PDF: first page, next page, 200 claims painted (vs bare pypdfium2 / an empty paint)
    "pdf-import": bench_pdf_import,  # a 300-page two-column PDF: read_document vs bare get_text_range (a count: pages)
}
# the benchmarks that take a count of claims
COUNTED = {
    "pdf-import",
    "suggest-passages",
    "export",
    "import",
    "open",
    "read-claims",
    "reimport",
    "import-new",
    "clients",
    "merge",
    "agreement",
}

if __name__ == "__main__":
    names = [a for a in sys.argv[1:] if not a.isdigit()] or list(BENCHMARKS)
    counts = [int(a) for a in sys.argv[1:] if a.isdigit()]
    for name in names:
        BENCHMARKS[name](*counts[:1]) if name in COUNTED else BENCHMARKS[name]()
