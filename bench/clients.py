"""A team writing at once: 8 client processes each saving 1,000 claims to one database, against 1 client
saving 8,000 in the same run — on a PostgreSQL server (tests/pg_server.py starts a throwaway one) and on
one SQLite file in WAL mode.

    .venv/bin/python bench/run.py clients          # 8 × 1,000 vs 1 × 8,000, PostgreSQL then SQLite
    .venv/bin/python bench/run.py clients 200      # 8 × 200 vs 1 × 1,600, for a quick look

Each client is a process of its own, as a reviewer's Curator is: it opens the project, says who it
is, and then saves claims one at a time through `session.claims.create`, each in its own
transaction, as the form's Save does. The clients wait for one "go" line before their first save,
so they start together. Reported: claims per second over the whole run (first save to last), each
client's median and 95th-percentile save time, and errors, which must be 0.

PostgreSQL runs twice: durable (fsync and synchronous_commit on, as a team's server would run) and
with the tests' throwaway settings (neither waits for the disk).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = 8
PER_CLIENT = 1000

SENTENCE = (
    "Participants in arm {n} who walked daily reported better sleep, and the effect was larger in older "
    "adults than in students; dropout was low and no adverse events were recorded during follow-up. "
)
DOCUMENT = "".join(SENTENCE.format(n=n) for n in range(150))  # about 30,000 characters, a short paper


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# -- the client process -----------------------------------------------------------------------------


def worker(target: str, reviewer: str, count: int, seed: int) -> None:
    """Save `count` claims as `reviewer`, one per transaction, after a "go" line; print one JSON line."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from curator.core.records import ClaimDraft, TermRef
    from curator.core.session import open_session

    session = open_session(target, backup_on_open=False)
    session.use_reviewer(reviewer)
    doc_id = session.documents.summaries()[0].id
    rng = random.Random(seed)
    drafts = []
    for n in range(count):
        start = rng.randrange(0, len(DOCUMENT) - 300)
        drafts.append(
            ClaimDraft(
                doc_id,
                start,
                start + rng.randint(40, 250),
                {"statement": f"{reviewer}: finding {n}", "claim_type": "association"},
                (TermRef("condition", "sleep quality"), TermRef("condition", f"term {n % 50}")),
            )
        )
    print("ready", flush=True)
    if sys.stdin.readline().strip() != "go":
        raise SystemExit("no go")
    latencies, errors = [], []
    cpu = time.process_time()
    began = time.time()
    for draft in drafts:
        t0 = time.perf_counter()
        try:
            session.claims.create(draft)
        except Exception as exc:  # noqa: BLE001 - counted and reported, never hidden
            errors.append(f"{type(exc).__name__}: {exc}")
        latencies.append(time.perf_counter() - t0)
    ended = time.time()
    cpu = time.process_time() - cpu
    session.close()
    report = {
        "reviewer": reviewer,
        "began": began,
        "ended": ended,
        "saved": count - len(errors),
        "p50": statistics.median(latencies),
        "p95": _percentile(latencies, 95),
        "max": max(latencies),
        "over_1s": sum(1 for t in latencies if t > 1),  # on SQLite: a lock wait, most likely
        "cpu_per_claim": cpu / count,
        "errors": len(errors),
        "first_error": errors[0] if errors else "",
    }
    print(json.dumps(report), flush=True)


# -- the run ----------------------------------------------------------------------------------------


def _prepare(target: str, reviewers: list[str]) -> None:
    from curator.cli import main
    from curator.core.records import NewDocument
    from curator.core.session import open_session

    if "://" in target:
        assert main(["--db", target, "migrate"]) == 0
    session = open_session(target, backup_on_open=False)
    session.documents.add(NewDocument("Walking and sleep", DOCUMENT, hashlib.sha256(DOCUMENT.encode()).hexdigest()))
    for name in ["Lead", *reviewers]:
        session.use_reviewer(name)
    session.close()


def _cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine so far, every process counted (others' too)."""
    fields = [
        int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    ]  # without guest time, already in user
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def _run_clients(target: str, counts: list[int], tag: str) -> dict:
    """Start one client per count, let them go at once, collect their reports."""
    reviewers = [f"{tag} client {i + 1}" for i in range(len(counts))]
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.clients", "worker", target, name, str(n), str(i)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i, (name, n) in enumerate(zip(reviewers, counts))
    ]
    try:
        for proc in procs:
            line = proc.stdout.readline().strip()
            if line != "ready":
                raise RuntimeError(f"a client did not start: {line!r}")
        busy0, total0 = _cpu_ticks()
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        reports = [json.loads(proc.stdout.readline()) for proc in procs]
        busy1, total1 = _cpu_ticks()
        for proc in procs:
            proc.wait(timeout=600)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    saved = sum(r["saved"] for r in reports)
    seconds = max(r["ended"] for r in reports) - min(r["began"] for r in reports)
    busy = (busy1 - busy0) / max(1, total1 - total0)
    return {"reports": reports, "saved": saved, "seconds": seconds, "rate": saved / seconds, "machine_busy": busy}


def _count_claims(target: str) -> int:
    from curator.core.session import open_session

    session = open_session(target, backup_on_open=False, reading=True)
    try:
        from curator.core.models import Claim

        return Claim.select().count()
    finally:
        session.close()


def _show(label: str, result: dict) -> None:
    reports = result["reports"]
    errors = sum(r["errors"] for r in reports)
    print(
        f"  {label}: {result['saved']:,} claims in {result['seconds']:.1f} s = {result['rate']:.0f} claims/s, "
        f"errors {errors}; the machine's {os.cpu_count()} cores {result['machine_busy']:.0%} busy (every process)"
    )
    for r in reports:
        print(
            f"      {r['reviewer']:<22} p50 {r['p50'] * 1000:6.1f} ms  p95 {r['p95'] * 1000:6.1f} ms  "
            f"max {r['max'] * 1000:7.1f} ms  client CPU {r['cpu_per_claim'] * 1000:4.1f} ms/claim  "
            f"saves over 1 s {r['over_1s']:3}  errors {r['errors']}"
            + (f"  ({r['first_error']})" if r["errors"] else "")
        )


def _compare(backend: str, make_target, per_client: int, clients: int) -> None:
    """One client writing clients × per_client, then `clients` clients writing per_client each, same database."""
    with make_target() as target:
        _prepare(target, ["solo client 1"] + [f"team client {i + 1}" for i in range(clients)])
        one = _run_clients(target, [clients * per_client], "solo")
        many = _run_clients(target, [per_client] * clients, "team")
        stored = _count_claims(target)
    print(f"{backend}")
    _show(f"1 client × {clients * per_client:,}", one)
    _show(f"{clients} clients × {per_client:,}", many)
    acknowledged = one["saved"] + many["saved"]  # a refused save was told so (its input kept), not lost
    print(
        f"  throughput {clients} clients / 1 client: {many['rate'] / one['rate']:.2f}×; claims stored {stored:,}, "
        f"saves acknowledged {acknowledged:,}" + ("" if stored == acknowledged else "  ← A SAVE WAS LOST")
    )


@contextlib.contextmanager
def _postgres(durable: bool):
    from tests import pg_server

    with pg_server.running_server() as server:
        if durable:  # a team's server waits for the disk at each commit; the tests' server does not
            import psycopg2

            conn = psycopg2.connect(server)
            conn.autocommit = True
            cur = conn.cursor()
            for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                cur.execute(f"ALTER SYSTEM SET {setting} = on")
            cur.execute("SELECT pg_reload_conf()")
            conn.close()
            conn = psycopg2.connect(server)  # a new backend reads the reloaded settings, as the clients will
            cur = conn.cursor()
            cur.execute("SHOW fsync")
            fsync = cur.fetchone()[0]
            cur.execute("SHOW synchronous_commit")
            assert (fsync, cur.fetchone()[0]) == ("on", "on")
            conn.close()
        with pg_server.fresh_database(server, "bench") as url:
            yield url


@contextlib.contextmanager
def _sqlite():
    with tempfile.TemporaryDirectory() as tmp:
        yield str(Path(tmp) / "team.sqlite3")


def bench_clients(per_client: int = PER_CLIENT, clients: int = CLIENTS) -> None:
    print(
        f"{clients} clients × {per_client:,} claims vs 1 client × {clients * per_client:,} (claims.create, one per transaction)"
    )
    _compare("PostgreSQL, durable (fsync, synchronous_commit on)", lambda: _postgres(True), per_client, clients)
    _compare("PostgreSQL, throwaway settings (fsync off, as the tests)", lambda: _postgres(False), per_client, clients)
    _compare("SQLite, one file, WAL + synchronous=FULL, busy timeout 5 s", _sqlite, per_client, clients)


if __name__ == "__main__":
    if sys.argv[1:2] == ["worker"]:
        worker(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
    else:
        bench_clients(*(int(a) for a in sys.argv[1:2]))
