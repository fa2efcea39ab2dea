"""A process that works on a project through Curator's own services, for the fault suite to kill.

    python -m tests.fault_worker save-loop DB [--journal-off]   # save claims until killed, "ack ID" after each
    python -m tests.fault_worker save-n DB N TAG                # save N claims, then "done"
    python -m tests.fault_worker import DB WORKBOOK             # plan, print "applying", import, print "done"
    python -m tests.fault_worker save-n-wait DB N               # save N claims kept in the -wal, "saved", wait
    python -m tests.fault_worker open-then-hang-in-backup DB    # open (its backup stops before linking), hang
    python -m tests.fault_worker hold-write-lock DB             # BEGIN IMMEDIATE, "locked", wait for a line
    python -m tests.fault_worker import-on-cue DB WORKBOOK      # plan, print "planned N", wait for a line on
                                                                # stdin, import, print "done CREATED"

Every line is flushed at once: a claim is reported only after its save returned.
"""

from __future__ import annotations

import os
import random
import sys

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from curator.core.records import ClaimDraft
from curator.core.session import open_session


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _session(db: str, journal_off: bool = False):
    session = open_session(db, backup_on_open=False)
    if journal_off:
        # The negative control: no rollback journal at all, so a kill mid-write can corrupt.
        # A tiny page cache spills half-done transactions into the file, as a large one would.
        session.database.execute_sql("PRAGMA journal_mode=OFF")
        session.database.execute_sql("PRAGMA synchronous=OFF")
        session.database.execute_sql("PRAGMA cache_size=2")
    session.use_reviewer(f"Worker {os.getpid()}")
    return session


def _drafts(session, rng: random.Random):
    documents = [session.documents.get(d.id) for d in session.documents.summaries()]
    terms = [t for t in session.terms.all() if "condition" in t.roles][:20]
    from curator.core.records import TermRef

    n = 0
    while True:
        doc = rng.choice(documents)
        start = rng.randrange(0, len(doc.text) - 200)
        end = start + rng.randrange(20, 200)
        n += 1
        picked = rng.sample(terms, 3)
        yield ClaimDraft(
            doc.id,
            start,
            end,
            {"statement": f"claim {n} " + "x" * rng.randrange(0, 3000), "notes": "n" * rng.randrange(0, 2000)},
            tuple(TermRef("condition", t.label, t.identifier, t.id) for t in picked),
        )


def save_loop(db: str, journal_off: bool) -> None:
    session = _session(db, journal_off)
    say("ready")
    for draft in _drafts(session, random.Random()):
        record, _ = session.claims.create(draft)
        say(f"ack {record.id}")


def save_n(db: str, n: int, tag: str) -> None:
    session = _session(db)
    drafts = _drafts(session, random.Random(tag))
    for _ in range(n):
        session.claims.create(next(drafts))
    say("done")
    session.close()


def save_n_wait(db: str, n: int) -> None:
    """Save n claims that stay in the -wal (no checkpoint), then wait to be killed."""
    session = _session(db)
    session.database.execute_sql("PRAGMA wal_autocheckpoint = 0")
    drafts = _drafts(session, random.Random(n))
    for _ in range(n):
        session.claims.create(next(drafts))
    say("saved")
    sys.stdin.readline()


def open_then_hang_in_backup(db: str) -> None:
    """Open with the on-open backup, stopped once its .partial copy is written: a kill lands there."""
    import time

    def hang(source, target):
        say("partial written")
        time.sleep(600)

    os.link = hang  # the backup links its finished .partial to its final name
    open_session(db)


def hold_write_lock(db: str) -> None:
    """Hold SQLite's write lock, as a long import in another process does, until told to stop."""
    import sqlite3

    con = sqlite3.connect(db, isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    con.execute("UPDATE schema_info SET value = value WHERE key = 'seeded'")
    say("locked")
    sys.stdin.readline()
    con.execute("ROLLBACK")


def run_import(db: str, workbook: str) -> None:
    from curator.io.claim_import import apply_import, plan_import

    session = _session(db)
    plan = plan_import(session, workbook)
    assert plan.ok and plan.new, plan.lines()[:5]
    say(f"applying {len(plan.new)}")
    apply_import(session, plan)
    say("done")
    session.close()


def import_on_cue(db: str, workbook: str) -> None:
    """Plan, then wait for the test's cue: two of these plan from the same state before either writes."""
    from curator.io.claim_import import import_command, plan_import

    session = _session(db)
    plan = plan_import(session, workbook)
    assert plan.ok, plan.lines()[:5]
    say(f"planned {len(plan.new)}")
    sys.stdin.readline()
    command = import_command(session, plan)
    command.do()
    say(f"done {len(command.created_ids)}")
    session.close()


if __name__ == "__main__":
    command, db, *rest = sys.argv[1:]
    if command == "save-loop":
        save_loop(db, "--journal-off" in rest)
    elif command == "save-n":
        save_n(db, int(rest[0]), rest[1])
    elif command == "import":
        run_import(db, rest[0])
    elif command == "save-n-wait":
        save_n_wait(db, int(rest[0]))
    elif command == "open-then-hang-in-backup":
        open_then_hang_in_backup(db)
    elif command == "hold-write-lock":
        hold_write_lock(db)
    elif command == "import-on-cue":
        import_on_cue(db, rest[0])
