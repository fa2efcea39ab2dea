"""Document benchmarks, each a ratio against a baseline measured in the same run (the reader's are in
bench/reader.py):

- import: 1,000 Markdown files through `import_documents` against reading, hashing and inserting
  the same files as bare rows;
- search: a query over 10,000 documents with the FTS5 index against the portable LIKE scan.
"""

from __future__ import annotations

import hashlib
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WORDS = [
    "gut",
    "brain",
    "axis",
    "microbiome",
    "probiotic",
    "relapse",
    "fatigue",
    "migraine",
    "butyrate",
    "propionate",
    "Roseburia",
    "Faecalibacterium",
    "cohort",
    "trial",
    "placebo",
    "randomised",
    "inflammation",
    "cytokine",
    "barrier",
    "vagus",
    "serotonin",
    "tryptophan",
    "metabolite",
    "dysbiosis",
    "sclerosis",
    "depression",
    "anxiety",
    "intervention",
    "outcome",
]


def prose(rng: random.Random, n_chars: int) -> str:
    out, size = [], 0
    while size < n_chars:
        sentence = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + ". "
        if rng.random() < 0.15:
            sentence += "\n\n"
        out.append(sentence)
        size += len(sentence)
    return "".join(out)[:n_chars]


def _insert_in_batches(database, model, rows: list[dict], size: int = 500) -> None:
    """Bulk rows for the benchmarks' fixtures, in one transaction (the set-up is not timed)."""
    with database.atomic():
        for i in range(0, len(rows), size):
            model.insert_many(rows[i : i + size]).execute()


def _median(times: list[float]) -> float:
    return statistics.median(times)


def _project(tmp: Path):
    from curator.core.session import open_session

    session = open_session(tmp / "bench.sqlite3", backup_on_open=False)
    session.use_reviewer("Bench")
    return session


def bench_import(files: int = 1000, runs: int = 3) -> None:
    import sqlite3

    from curator.io.document_files import import_documents

    rng = random.Random(2)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        folder = tmp / "docs"
        folder.mkdir()
        for i in range(files):
            (folder / f"doc{i:04d}.md").write_text(f"# Study {i}\n\n" + prose(rng, 5000), encoding="utf-8")
        ours, base = [], []
        for run in range(runs):
            (tmp / f"run{run}").mkdir()
            from curator.core.session import open_session

            session = open_session(tmp / f"run{run}" / "p.sqlite3", backup_on_open=False)
            started = time.perf_counter()
            summary = import_documents(session, [folder])
            ours.append(time.perf_counter() - started)
            assert len(summary.imported) == files, summary.lines()[:3]
            session.close()
            con = sqlite3.connect(tmp / f"run{run}" / "bare.sqlite3")
            con.execute("PRAGMA journal_mode=wal")
            con.execute("PRAGMA synchronous=FULL")
            con.execute("CREATE TABLE doc (id INTEGER PRIMARY KEY, name TEXT, sha TEXT UNIQUE, text TEXT)")
            started = time.perf_counter()
            for path in sorted(folder.iterdir()):
                raw = path.read_bytes()
                with con:  # one transaction per document, as Curator does
                    con.execute(
                        "INSERT INTO doc (name, sha, text) VALUES (?, ?, ?)",
                        (path.name, hashlib.sha256(raw).hexdigest(), raw.decode("utf-8")),
                    )
            base.append(time.perf_counter() - started)
            con.close()
    o, b = _median(ours), _median(base)
    print(f"import of {files:,} Markdown files (5 KB each), median of {runs}")
    print(f"  read + hash + insert bare rows     {b:7.2f} s   1.00×")
    print(
        f"  Curator import_documents           {o:7.2f} s   {o / b:.2f}×  (decode, styles, metadata, entities, change log)"
    )


def bench_search(documents: int = 10_000, queries: int = 20) -> None:
    from curator.core.models import Document
    from curator.core.search import SearchService

    rng = random.Random(3)
    with tempfile.TemporaryDirectory() as tmp:
        session = _project(Path(tmp))
        rows = []
        rare = [f"marker{k}" for k in range(50)]  # each in about 1 % of the documents
        for i in range(documents):
            text = prose(rng, 5000)
            if rng.random() < 0.5:
                text += f" {rng.choice(rare)} finding."
            rows.append(
                {
                    "title": f"Study {i}",
                    "text": text,
                    "sha256": hashlib.sha256(f"{i}{text}".encode()).hexdigest(),
                    "file_name": f"{i}.txt",
                }
            )
        _insert_in_batches(session.database, Document, rows, 200)
        fts = SearchService(session)
        started = time.perf_counter()
        fts.refresh()
        build = time.perf_counter() - started
        scan = SearchService(session)
        scan.uses_fts = lambda: False
        kinds = {
            "two common words (every document matches; 100 shown)": [
                f"{rng.choice(WORDS)} {rng.choice(WORDS)}" for _ in range(queries)
            ],
            "one rare word (about 1 % of documents match)": [rng.choice(rare) for _ in range(queries)],
        }
        print(
            f"search over {documents:,} documents (5 KB each), median of {queries} queries; FTS5 index built once in {build:.1f} s"
        )
        for label, words in kinds.items():
            t_fts, t_scan = [], []
            for q in words:
                started = time.perf_counter()
                fts.search(q)
                t_fts.append(time.perf_counter() - started)
                started = time.perf_counter()
                scan.search(q)
                t_scan.append(time.perf_counter() - started)
            f, s = _median(t_fts), _median(t_scan)
            print(f"  {label}")
            print(f"    portable LIKE scan               {s * 1000:8.1f} ms   1.00×")
            print(f"    FTS5 index                       {f * 1000:8.1f} ms   {f / s:.3f}×")
        session.close()
