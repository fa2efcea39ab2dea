"""Claims table at 100,000 claims: a filter keystroke and a header-click sort, against Qt's proxy model.

    .venv/bin/python -m bench.claims_table            # 100,000 claims
    .venv/bin/python -m bench.claims_table 20000      # a quicker look
    .venv/bin/python -m bench.claims_table --quick    # the proxy filters once and never sorts

Curator: `ClaimTableModel` (own filter and sort over cached plain rows, curator/core/claim_rows.py).
Baseline, same rows, same run: a plain QAbstractTableModel returning the same display strings behind
a QSortFilterProxyModel (case-insensitive fixed-string filter over one role holding the same text
Curator searches, `sort`). Both models
sit behind a QTableView (not shown), so the view's own work on reset and layout change is counted.
The proxy is slow enough at 100,000 rows (seconds per sort) that it is timed fewer times.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.documents import WORDS

TYPED = "microbio"
SEARCH_ROLE = 0x0100 + 1  # Qt.UserRole + 1
SORTED_COLUMNS = ("Quote", "Statement", "Type", "Status", "Reviewer")
# Filler words, so that "microbio…" is in some quotes, not in all (WORDS alone is 29 words).
FILLER = [
    f"{a}{b}"
    for a in ("neuro", "immuno", "entero", "lipo", "gluco", "cardio", "hepato", "myco", "proto", "endo")
    for b in ("genic", "toxin", "cyte", "logy", "pathy", "kine", "plasm", "some", "trophic", "lytic")
]


def synthetic_records(n: int, seed: int = 7):
    """n claims over 500 documents: quotes of 80–300 characters, ~2 terms, 6 types, 4 statuses, 3 reviewers."""
    from curator.core.anchoring import Anchor
    from curator.core.records import ClaimRecord, TermRef

    rng = random.Random(seed)
    vocabulary = WORDS + FILLER
    types = ["association", "mechanism", "intervention_effect", "null_finding", "evidence_gap", "background"]
    statuses = ["draft", "confirmed", "rejected", "needs_discussion"]
    directions = ["benefit", "harm", "no_effect", "mixed", "unclear", ""]
    reviewers = [(1, "Ada Reviewer"), (2, "Ben Curator"), (3, "Chen Li")]
    terms = [TermRef("condition", w.capitalize(), "", i) for i, w in enumerate(vocabulary[:60])]
    now = dt.datetime(2026, 11, 30, 12, 0)
    records = []
    for i in range(1, n + 1):
        size = rng.randint(80, 300)
        words: list[str] = []
        while sum(len(w) + 1 for w in words) < size:
            words.append(rng.choice(vocabulary))
        quote = " ".join(words)[:size]
        statement = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(6, 14))).capitalize() + "."
        start = rng.randint(0, 900_000)
        reviewer_id, reviewer = rng.choice(reviewers)
        records.append(
            ClaimRecord(
                id=i,
                document_id=rng.randint(1, 500),
                reviewer_id=reviewer_id,
                reviewer_name=reviewer,
                anchor=Anchor(start, start + len(quote), quote, "", ""),
                document_sha256="0" * 64,
                values={
                    "statement": statement,
                    "claim_type": rng.choice(types),
                    "status": rng.choice(statuses),
                    "direction": rng.choice(directions),
                },
                terms=tuple(rng.sample(terms, rng.choice((1, 2, 2, 3)))),
                created_at=now,
                updated_at=now,
            )
        )
    titles = {d: f"Study {d}: {rng.choice(vocabulary)} and {rng.choice(vocabulary)}" for d in range(1, 501)}
    return records, titles


def _median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


def _baseline_model(rows, headers):
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

    display = Qt.ItemDataRole.DisplayRole
    cells = [r.values for r in rows]  # the same strings the Curator model shows
    # The proxy's best case: it filters one role of one column holding the same text Curator searches
    # (quote, statement, terms, title), rather than calling data() for every column of every row.
    search = [f"{r.quote}\n{r.statement}\n{r.terms}\n{r.document_title}" for r in rows]

    class PlainModel(QAbstractTableModel):
        def rowCount(self, parent=QModelIndex()):  # noqa: B008, N802
            return 0 if parent.isValid() else len(cells)

        def columnCount(self, parent=QModelIndex()):  # noqa: B008, N802
            return 0 if parent.isValid() else len(headers)

        def data(self, index, role=display):
            if role == display:
                return cells[index.row()][index.column()]
            return search[index.row()] if role == SEARCH_ROLE else None

        def headerData(self, section, orientation, role=display):  # noqa: N802
            return headers[section] if role == display and orientation == Qt.Orientation.Horizontal else None

    return PlainModel()


def bench_claims_table(n: int = 100_000, runs: int = 6, proxy_runs: int = 3, proxy_sort_runs: int = 1) -> None:
    from PySide6.QtCore import QSortFilterProxyModel, Qt
    from PySide6.QtWidgets import QApplication, QTableView

    from curator.core.claim_rows import COLUMN_TITLES, ClaimFilter, build_rows
    from curator.core.codebook import load_codebook
    from curator.core.paths import CODEBOOK
    from curator.ui.models import ClaimTableModel

    app = QApplication.instance() or QApplication(sys.argv[:1])
    codebook = load_codebook(CODEBOOK)
    records, titles = synthetic_records(n)

    started = time.perf_counter()
    model = ClaimTableModel(codebook, show_document_column=True)
    model.set_records(records, titles)
    ours_view = QTableView()
    ours_view.setModel(model)
    built = time.perf_counter() - started
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == list(COLUMN_TITLES), headers

    started = time.perf_counter()
    plain = _baseline_model(build_rows(records, codebook, titles), headers)
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(plain)
    proxy.setFilterKeyColumn(0)
    proxy.setFilterRole(SEARCH_ROLE)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy_view = QTableView()
    proxy_view.setModel(proxy)
    proxy_built = time.perf_counter() - started

    # typing "microbio", deleting back to "m" letter by letter, then clearing: every step a reviewer takes
    steps = [TYPED[:k] for k in range(1, len(TYPED) + 1)] + [TYPED[:k] for k in range(len(TYPED) - 1, 0, -1)]

    def type_and_clear_ours() -> tuple[list[float], float, int]:
        per_key = []
        for text in steps:
            t = time.perf_counter()
            model.set_filter(ClaimFilter(text=text))
            per_key.append(time.perf_counter() - t)
            if text == TYPED:
                shown = model.rowCount()
        t = time.perf_counter()
        model.set_filter(ClaimFilter())
        return per_key, time.perf_counter() - t, shown

    def type_and_clear_proxy() -> tuple[list[float], float, int]:
        per_key = []
        for text in steps:
            t = time.perf_counter()
            proxy.setFilterFixedString(text)
            per_key.append(time.perf_counter() - t)
            if text == TYPED:
                shown = proxy.rowCount()
        t = time.perf_counter()
        proxy.setFilterFixedString("")
        return per_key, time.perf_counter() - t, shown

    print(
        f"claims table at {n:,} claims (Curator: median of {runs}; proxy: median of {proxy_runs} filter runs, "
        f"{proxy_sort_runs} sort run(s))"
    )
    print(f"  build + setModel: Curator {built * 1000:.0f} ms (rows from records), proxy {proxy_built * 1000:.0f} ms")

    ours_keys, ours_clear, proxy_keys, proxy_clear = [], [], [], []
    for i in range(max(runs, proxy_runs)):  # interleaved, so machine noise hits both alike
        if i < runs:
            keys, clear, shown = type_and_clear_ours()
            ours_keys.append(keys)
            ours_clear.append(clear)
        if i < proxy_runs:
            keys, clear, proxy_shown = type_and_clear_proxy()
            proxy_keys.append(keys)
            proxy_clear.append(clear)
    assert shown == proxy_shown, (shown, proxy_shown)  # same rows kept: the comparison is fair
    print(f"  filter keystroke, typing '{TYPED}' ({shown:,} rows left) and deleting back to 'm'")
    print(f"    {'text':10} {'proxy median':>13} {'Curator median':>15} {'Curator worst':>14}")
    for k, text in enumerate(steps):
        ours = [run[k] for run in ours_keys]
        print(
            f"    {text + (' ⌫' if k >= len(TYPED) else ''):10} {_median_ms([run[k] for run in proxy_keys]):10.1f} ms"
            f" {_median_ms(ours):12.1f} ms {max(ours) * 1000:11.1f} ms"
        )
    every_ours = [t for run in ours_keys for t in run]
    o, p = _median_ms(every_ours), _median_ms([t for run in proxy_keys for t in run])
    print(f"    every keystroke: proxy median {p:.1f} ms; Curator median {o:.1f} ms ({o / p:.3f}×), ", end="")
    print(f"worst {max(every_ours) * 1000:.1f} ms")
    o, p = _median_ms(ours_clear), _median_ms(proxy_clear)
    print(f"  clearing the filter: proxy {p:.1f} ms, Curator {o:.1f} ms (worst {max(ours_clear) * 1000:.1f} ms)")

    print(
        "  sort by a column (click on the header); Curator: first sort by the column, then median and worst of the rest"
    )
    for title in SORTED_COLUMNS:
        column = headers.index(title)
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            ours, theirs = [], []
            for i in range(max(runs, proxy_sort_runs)):
                if i < runs:
                    model.sort(-1)  # back to reading order, so each run sorts from the same start
                    t = time.perf_counter()
                    model.sort(column, order)
                    ours.append(time.perf_counter() - t)
                if i < proxy_sort_runs:
                    proxy.sort(-1)
                    t = time.perf_counter()
                    proxy.sort(column, order)
                    theirs.append(time.perf_counter() - t)
            first, o, p = ours[0] * 1000, _median_ms(ours[1:] or ours), _median_ms(theirs or [float("nan")])
            name = f"{title} {'ascending' if order == Qt.SortOrder.AscendingOrder else 'descending'}"
            print(
                f"    {name:22} proxy {p:8.0f} ms   Curator first {first:6.1f} ms, then {o:6.1f} ms "
                f"(worst {max(ours[1:] or ours) * 1000:6.1f})   {o / p:.4f}×"
            )
    after_a_change(model, records, headers)
    memory(records, titles, codebook)
    del app


def after_a_change(model, records, headers) -> None:
    """A claim saved (changed text), then a keystroke and a sort: nothing may fall back to a full rebuild."""
    import dataclasses

    from PySide6.QtCore import Qt

    from curator.core.claim_rows import ClaimFilter

    upserts, keys, sorts = [], [], []
    quote = headers.index("Quote")
    for i in range(6):
        model.set_filter(ClaimFilter())
        model.sort(quote, Qt.SortOrder.DescendingOrder if i % 2 else Qt.SortOrder.AscendingOrder)
        changed = dataclasses.replace(records[i * 997], values={**records[i * 997].values, "statement": f"edit {i}"})
        t = time.perf_counter()
        model.upsert([changed])
        upserts.append(time.perf_counter() - t)
        t = time.perf_counter()
        model.set_filter(ClaimFilter(text="mi"))
        keys.append(time.perf_counter() - t)
        model.upsert([records[i * 997]])
        t = time.perf_counter()
        model.sort(headers.index("Statement"), Qt.SortOrder.AscendingOrder)
        sorts.append(time.perf_counter() - t)
    model.set_filter(ClaimFilter())
    print("  after a claim changed (upsert of one claim, sorted by Quote), median / worst of 6")
    print(f"    upsert {_median_ms(upserts):.1f} / {max(upserts) * 1000:.1f} ms; ", end="")
    print(f"then keystroke 'mi' {_median_ms(keys):.1f} / {max(keys) * 1000:.1f} ms; ", end="")
    print(f"then sort by Statement {_median_ms(sorts):.1f} / {max(sorts) * 1000:.1f} ms")


def memory(records, titles, codebook) -> None:
    """Python heap of the rows alone and of the index over them (tracemalloc, so slower than above)."""
    import gc
    import tracemalloc

    from curator.core.claim_index import RowIndex, ShownOrder
    from curator.core.claim_rows import build_rows

    gc.collect()
    tracemalloc.start()
    rows = build_rows(records, codebook, titles)
    rows_bytes = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    index = RowIndex(rows)
    order = ShownOrder(index)
    index_bytes, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    mib = 1 << 20
    with open("/proc/self/status") as status:
        hwm = next((line.split()[1] for line in status if line.startswith("VmHWM")), "?")
    print(
        f"  memory: rows {rows_bytes / mib:.0f} MiB; index + shown order {(index_bytes - rows_bytes) / mib:.0f} MiB "
        f"(peak while building {(peak - rows_bytes) / mib:.0f} MiB); process VmHWM {int(hwm) / 1024:.0f} MiB"
    )
    del rows, index, order


if __name__ == "__main__":
    counts = [int(a) for a in sys.argv[1:] if a.isdigit()]
    quick = {"proxy_runs": 1, "proxy_sort_runs": 0} if "--quick" in sys.argv else {}  # no proxy sorts (~10 s each)
    bench_claims_table(*counts[:1], **quick)
