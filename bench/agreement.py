"""Agreement at scale (issue 12): 10,000 documents × 2 extractors × 10 claims (200,000 claims).

    python bench/run.py agreement          # 10,000 documents
    python bench/run.py agreement 1000     # a smaller count for a quick look

Every document is assigned to two extractors (Ann and Bo, both done); each puts 10 claims on it. Bo's
claims mostly cover Ann's quotes give or take a few characters (overlap ≥ 0.5); one in ten is shifted
off hers (no match) and one in twenty is missing. Their values mostly agree (a choice field differs
one time in eight, a number one time in six), with 1–2 terms of a role each. The lead (Bench, the
third reviewer) measures.

Contenders, each in its own process (bench/claims_io.py's run_worker), median of the runs:
- read_sqlite3: the floor — the claim rows (with the reviewer's name) and the claim_term rows read
  once with raw sqlite3;
- agreement: dual_documents + measure, what `curator agreement` computes (aim ≤ 2 s);
- agreement_json: the same plus the JSON (`curator agreement --json`), every document's coefficients.
"""

from __future__ import annotations

import hashlib
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.claims_io import CLAIM_SQL, TERM_SQL, _bulk, open_project
from bench.documents import _insert_in_batches, prose
from bench.synthetic import claim_row, term_link, vocabulary

AIM = 2.0
CLAIMS_PER_DOCUMENT = 10
GAP = 150  # one claim every GAP characters


def make_project(db: str, documents: int, seed: int = 12) -> None:
    import datetime as dt

    from curator.core.db import write_transaction
    from curator.core.models import Assignment, Claim, ClaimTerm, Document, Reviewer

    session = open_project(db)
    Reviewer.update(role="lead").where(Reviewer.name == "Bench").execute()
    rnd = random.Random(seed)
    extractors = [session.use_reviewer(name).id for name in ("Ann", "Bo")]
    by_role, roles, choices = vocabulary(session)
    first_id = max(d.id for d in session.documents.summaries()) + 1
    t0 = dt.datetime(2026, 1, 1)
    docs, assignments, claims, links = [], [], [], []
    claim_id = 0
    for n in range(documents):
        doc_id = first_id + n
        text = prose(rnd, GAP * CLAIMS_PER_DOCUMENT + 200)
        sha = hashlib.sha256(text.encode()).hexdigest()
        docs.append({"id": doc_id, "title": f"Synthetic paper {n}", "sha256": sha, "text": text})
        assignments += [{"document": doc_id, "reviewer": r, "assigned_at": t0, "done_at": t0} for r in extractors]
        for k in range(CLAIMS_PER_DOCUMENT):
            start, length = 20 + k * GAP + rnd.randint(0, 20), rnd.randint(60, 110)
            values = {key: rnd.choice(keys) for key, keys in choices.items()}
            values["effect_value"] = round(rnd.uniform(0.2, 3.0), 2) if rnd.random() < 0.7 else None
            values["n_participants"] = rnd.randint(20, 400) if rnd.random() < 0.6 else None
            terms = [(role, rnd.randrange(len(by_role[role]))) for role in rnd.sample(roles, rnd.randint(1, 2))]
            for who, reviewer in enumerate(extractors):
                s, e, v, tt = start, start + length, dict(values), list(terms)
                if who == 1:
                    fate = rnd.random()
                    if fate < 0.05:
                        continue  # Bo missed it
                    if fate < 0.15:
                        s, e = s + length, e + length  # shifted off Ann's quote: no match
                    else:
                        s, e = s + rnd.randint(-8, 8), e + rnd.randint(-8, 8)
                    for key, keys in choices.items():
                        if rnd.random() < 0.125:
                            v[key] = rnd.choice(keys)
                    for key in ("effect_value", "n_participants"):
                        if v[key] is not None and rnd.random() < 0.16:
                            v[key] = v[key] * 2 if key == "n_participants" else round(v[key] + 0.3, 2)
                    if rnd.random() < 0.2:
                        role = rnd.choice(roles)
                        tt = tt[:1] + [(role, rnd.randrange(len(by_role[role])))]
                claim_id += 1
                stamp = t0 + dt.timedelta(seconds=claim_id)
                claims.append(
                    claim_row(
                        claim_id, doc_id, text, sha, reviewer, s, e, v, stamp, stamp, f"Synthetic statement {claim_id}."
                    )
                )
                seen = set()
                for position, (role, index) in enumerate(tt):
                    t = by_role[role][index]
                    if (role, t.id) not in seen:
                        seen.add((role, t.id))
                        links.append(term_link(claim_id, t, role, position))
    from curator.core.db import database

    _insert_in_batches(database, Document, docs)  # peewee fills the columns left at their defaults
    _insert_in_batches(database, Assignment, assignments)
    with write_transaction():
        _bulk(Claim, claims)
        _bulk(ClaimTerm, links)
    session.close()


def _lead(db: str):
    from curator.core.session import open_session

    session = open_session(db, backup_on_open=False, reading=True)
    session.use_reviewer("Bench")
    return session


def worker_read_sqlite3(db: str) -> float:
    """The floor: every claim row with its reviewer's name and every claim_term row, read once."""
    import sqlite3

    conn = sqlite3.connect(db)
    t = time.perf_counter()
    claims = conn.execute(CLAIM_SQL.format(where="")).fetchall()
    terms = conn.execute(TERM_SQL.format(where="")).fetchall()
    elapsed = time.perf_counter() - t
    print(f"claims={len(claims)} terms={len(terms)}", file=sys.stderr)
    return elapsed


def worker_agreement(db: str) -> float:
    from curator.core.agreement import dual_documents, measure

    session = _lead(db)
    t = time.perf_counter()
    report = measure(session, documents=dual_documents(session))
    elapsed = time.perf_counter() - t
    c = report.fields["claim_type"]
    print(f"matched={report.matched} unmatched={report.unmatched} claim_type κ={c.kappa} α={c.alpha}", file=sys.stderr)
    return elapsed


def worker_agreement_json(db: str) -> float:
    import json

    from curator.core.agreement import dual_documents, measure

    session = _lead(db)
    t = time.perf_counter()
    report = measure(session, documents=dual_documents(session))
    titles = {d.id: d.title for d in session.documents.summaries()}
    text = json.dumps(report.as_json(titles), ensure_ascii=False, indent=2)
    elapsed = time.perf_counter() - t
    print(f"json={len(text)} chars, documents={len(report.by_document)}", file=sys.stderr)
    return elapsed


def worker_profile(db: str, out: str) -> float:
    """cProfile of measure (not a contender: `python -m bench.agreement profile DB OUT`)."""
    import cProfile

    from curator.core.agreement import dual_documents, measure

    session = _lead(db)
    t = time.perf_counter()
    scope = {"measure": measure, "dual_documents": dual_documents, "session": session}
    cProfile.runctx("measure(session, documents=dual_documents(session))", scope, scope, out)
    return time.perf_counter() - t


WORKERS = {name[len("worker_") :]: fn for name, fn in globals().items() if name.startswith("worker_")}


def run_worker(name: str, *args: str) -> float:
    import re
    import subprocess

    root = Path(__file__).resolve().parents[1]
    code = (
        f"import sys; sys.path.insert(0, {str(root)!r}); from bench.agreement import WORKERS; "
        f"t = WORKERS[{name!r}](*sys.argv[1:]); print('RESULT', t)"
    )
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=root, check=False)
    found = re.search(r"RESULT (\S+)", out.stdout)
    if not found:
        raise RuntimeError(f"{name} failed:\n{out.stdout[-1000:]}\n{out.stderr[-3000:]}")
    print(f"    {name}: {float(found.group(1)):.3f} s  {out.stderr.strip()[-200:]}", file=sys.stderr)
    return float(found.group(1))


def bench_agreement(documents: int = 10_000, runs: int = 3, keep: str = "") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = keep or str(Path(tmp) / "agreement.sqlite3")
        if not Path(db).exists():
            t = time.perf_counter()
            make_project(db, documents)
            print(f"  (project built in {time.perf_counter() - t:.1f} s)", file=sys.stderr)
        contenders = ("read_sqlite3", "agreement", "agreement_json")
        results: dict[str, list[float]] = {name: [] for name in contenders}
        for _ in range(runs):
            for name in contenders:
                results[name].append(run_worker(name, db))
        base = statistics.median(results["read_sqlite3"])
        print(f"agreement of {documents:,} documents × 2 extractors × {CLAIMS_PER_DOCUMENT} claims, median of {runs}")
        for name, times in results.items():
            t = statistics.median(times)
            aim = f"   aim ≤ {AIM:g} s: {'met' if t <= AIM else 'NOT met'}" if name.startswith("agreement") else ""
            print(
                f"  {name:<16} {t:7.3f} s ({min(times):.3f}–{max(times):.3f})  {t / base:6.2f}× read_sqlite3{aim}",
                flush=True,
            )


if __name__ == "__main__":
    if sys.argv[1] == "profile":  # python -m bench.agreement profile DB OUT
        print(f"{worker_profile(sys.argv[2], sys.argv[3]):.2f} s")
    else:  # python -m bench.agreement build DB [documents]
        make_project(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 10_000)
