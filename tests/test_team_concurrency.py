"""No lost update between real clients: each reviewer is a process of her own (tests/team_conc_client.py),
on one SQLite file and on one PostgreSQL database.

Every test runs on both backends. The clients stop at named points inside a save when told to (a
line on their stdin lets them go on), so the interleavings below happen every time, not by luck.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from curator.cli import main
from curator.core.models import ChangeLog, Claim
from curator.core.records import ClaimDraft, NewDocument, TermRef
from curator.core.session import open_session

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60
WHEN = re.compile(r"at \d{4}-\d\d-\d\d \d\d:\d\d UTC")

TEXT = (
    "Participants who walked daily reported better sleep. "
    "The effect was larger in older adults than in students. "
    "Dropout was low in both arms of the trial. "
    "No adverse events were recorded during follow-up. "
)
OTHER_TEXT = "A second report: coffee intake showed no association with sleep quality in this cohort. "


class Client:
    """A reviewer's client in its own process, answering one JSON line per command."""

    def __init__(self, target: str, reviewer: str):
        self.reviewer = reviewer
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "tests.team_conc_client", target, reviewer],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        )
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        for line in self.proc.stdout:
            self.lines.put(json.loads(line))
        self.lines.put(None)  # the process ended

    def read(self, timeout: float = TIMEOUT) -> dict:
        try:
            answer = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"{self.reviewer}'s client gave no answer within {timeout} s") from None
        if answer is None:
            raise AssertionError(f"{self.reviewer}'s client ended: {self.proc.stderr.read()}")
        return answer

    def quiet_for(self, seconds: float) -> bool:
        """Whether the client says nothing for this long (it is waiting for a lock)."""
        try:
            answer = self.lines.get(timeout=seconds)
        except queue.Empty:
            return True
        self.lines.put(answer)
        return False

    def send(self, op: str, **args) -> None:
        self.proc.stdin.write(json.dumps({"op": op, **args}) + "\n")
        self.proc.stdin.flush()

    def ask(self, op: str, **args) -> dict:
        self.send(op, **args)
        answer = self.read()
        assert "error" not in answer, answer.get("trace", answer["error"])
        return answer

    def go(self) -> None:
        self.proc.stdin.write("go\n")
        self.proc.stdin.flush()

    def close(self) -> None:
        if self.proc.poll() is None:
            try:
                self.send("quit")
                self.proc.wait(timeout=TIMEOUT)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.proc.stdin.close()
        self.proc.stdout.close()
        self.proc.stderr.close()


@pytest.fixture
def clients(request):
    """clients(target, *reviewers): started together, ready when returned; all closed after the test."""
    started: list[Client] = []

    def start(target: str, *reviewers: str) -> list[Client]:
        new = [Client(target, name) for name in reviewers]
        started.extend(new)
        for client in new:
            assert "ready" in client.read()
        return new

    yield start
    for client in started:
        client.close()


def make_project(target: str) -> dict:
    """One document (two for the team flow), Lena Lead first (so she leads), Ann and Ben; Ann's claim."""
    if "://" in target:
        assert main(["--db", target, "migrate"]) == 0  # a shared database is migrated on request only
    session = open_session(target, backup_on_open=False)
    try:
        docs = [
            session.documents.add(NewDocument(title, text, hashlib.sha256(text.encode()).hexdigest(), f"{title}.txt"))[
                0
            ]
            for title, text in (("walking", TEXT), ("coffee", OTHER_TEXT))
        ]
        for name in ("Lena Lead", "Ben Extractor", "Ann Extractor"):
            session.use_reviewer(name)
        start = TEXT.index("The effect")
        record, _ = session.claims.create(
            ClaimDraft(
                docs[0],
                start,
                start + 55,
                {"statement": "original"},
                (TermRef("condition", "sleep"), TermRef("condition", "ageing")),
            )
        )
        return {"target": target, "doc": docs[0], "other_doc": docs[1], "claim": record.id}
    finally:
        session.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def project(request, tmp_path) -> dict:
    if request.param == "sqlite":
        return make_project(str(tmp_path / "team.sqlite3"))
    return make_project(request.getfixturevalue("postgres_url"))


def stored(target: str, claim_id: int) -> dict:
    """The claim and its change log as the database holds them, read by this (third) process."""
    session = open_session(target, backup_on_open=False, reading=True)
    try:
        row = Claim.get_or_none(Claim.id == claim_id)
        log = [
            (r.action, r.field, r.new)
            for r in ChangeLog.select().where((ChangeLog.entity == "claim") & (ChangeLog.entity_id == claim_id))
        ]
        return {
            "statement": row.statement if row else None,
            "version": row.version if row else None,
            "log": log,
            "claims": Claim.select().count(),
        }
    finally:
        session.close()


def wait_until_blocked_on_a_lock(target: str, timeout: float = TIMEOUT) -> None:
    """PostgreSQL: until a session of this database waits for a lock another one holds."""
    import psycopg2

    conn = psycopg2.connect(target)
    conn.autocommit = True
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            cur = conn.cursor()
            cur.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cur.fetchone()[0]:
                return
            time.sleep(0.01)
        raise AssertionError("no client waited for the lock")
    finally:
        conn.close()


def blocked(target: str, client: Client) -> None:
    """The client's save waits for a lock another client holds: seen on the server, or by its silence."""
    if "://" in target:
        wait_until_blocked_on_a_lock(target)
    else:
        assert client.quiet_for(0.5), "the save went through while another client held the write lock"


# -- one after the other: the second save is told, nothing is lost ------------------------------------


def test_a_save_made_on_an_older_version_is_refused_naming_who_saved_first(project, clients):
    ann, ben = clients(project["target"], "Ann Extractor", "Ben Extractor")
    claim = project["claim"]
    assert ann.ask("load", claim=claim)["form"]["version"] == ben.ask("load", claim=claim)["form"]["version"] == 1

    assert ann.ask("edit", statement="Ann's reading")["stored"]["version"] == 2
    refused = ben.ask("edit", statement="Ben's reading")

    assert "Ann Extractor" in refused["stale"] and WHEN.search(refused["stale"]), refused["stale"]
    assert "Nothing was overwritten" in refused["stale"]
    assert refused["current"]["statement"] == "Ann's reading" and refused["current"]["version"] == 2
    assert refused["form"] == {"version": 1, "statement": "Ben's reading", "terms": ["sleep", "ageing"]}
    assert stored(project["target"], claim)["statement"] == "Ann's reading"

    ben.ask("load", claim=claim)  # Ben takes the new version and makes his edit again
    saved = ben.ask("edit", statement="Ben's reading, on Ann's")
    assert saved["stored"] == {**saved["stored"], "version": 3, "statement": "Ben's reading, on Ann's"}
    after = stored(project["target"], claim)
    assert (after["statement"], after["version"]) == ("Ben's reading, on Ann's", 3)
    assert [new for action, field, new in after["log"] if field == "statement"] == [
        "original",
        "Ann's reading",
        "Ben's reading, on Ann's",
    ]


def test_a_delete_made_on_an_older_version_is_refused_and_the_edit_stays(project, clients):
    ann, ben = clients(project["target"], "Ann Extractor", "Ben Extractor")
    claim = project["claim"]
    ann.ask("load", claim=claim)
    ben.ask("load", claim=claim)

    ann.ask("edit", statement="Ann's reading")
    refused = ben.ask("delete")

    assert "Ann Extractor" in refused["stale"] and WHEN.search(refused["stale"]), refused["stale"]
    assert refused["current"]["statement"] == "Ann's reading"
    assert stored(project["target"], claim)["statement"] == "Ann's reading"

    ben.ask("load", claim=claim)  # having seen Ann's edit, Ben still deletes it
    assert ben.ask("delete") == {"ok": True}
    assert stored(project["target"], claim)["statement"] is None


def test_an_edit_of_a_claim_deleted_meanwhile_is_refused_and_the_form_kept(project, clients):
    ann, ben = clients(project["target"], "Ann Extractor", "Ben Extractor")
    claim = project["claim"]
    ann.ask("load", claim=claim)
    ben.ask("load", claim=claim)

    assert ann.ask("delete") == {"ok": True}
    refused = ben.ask("edit", statement="Ben's reading")

    assert "deleted" in refused.get("stale", ""), refused
    assert refused["current"] is None
    assert refused["form"] == {"version": 1, "statement": "Ben's reading", "terms": ["sleep", "ageing"]}
    assert stored(project["target"], claim)["statement"] is None  # not brought back by the edit

    kept = ben.ask("save-as-new")["stored"]  # what the form held becomes a new claim
    assert kept == {**kept, "statement": "Ben's reading", "reviewer": "Ben Extractor", "version": 1}


def test_a_new_claim_in_a_deleted_claims_place_is_not_overwritten_by_a_form_of_the_deleted_one(project, clients):
    # SQLite reuses the highest rowid once it is deleted: the new claim gets the deleted one's id and
    # version 1; the form's claim UUID tells them apart
    ann, ben = clients(project["target"], "Ann Extractor", "Ben Extractor")
    claim = project["claim"]  # the project's newest claim
    ann.ask("load", claim=claim)
    ben.ask("load", claim=claim)
    ann.ask("delete")
    new = ann.ask("create", doc=project["doc"], quote="Dropout was low", statement="Ann's new claim")["stored"]

    refused = ben.ask("edit", statement="Ben's reading")

    assert "deleted" in refused.get("stale", ""), (new, refused)
    assert stored(project["target"], new["id"])["statement"] == "Ann's new claim"


def test_undo_of_an_edit_is_refused_when_another_client_saved_right_after_it(project, clients):
    ann, ben = clients(project["target"], "Ann Extractor", "Ben Extractor")
    claim = project["claim"]
    ann.ask("load", claim=claim)
    ann.ask("pause", at="after-save")
    ann.send("edit-command", statement="Ann's reading")
    assert ann.read() == {"paused": "after-save"}  # version 2 is Ann's, committed
    ben.ask("load", claim=claim)
    ben.ask("edit", statement="Ben's reading, on Ann's")  # version 3
    ann.go()
    assert ann.read()["ok"]

    undone = ann.ask("undo")  # Ann's undo was made for version 2; the claim is at Ben's version 3

    assert "Ben Extractor" in undone.get("stale", ""), undone
    assert stored(project["target"], claim)["statement"] == "Ben's reading, on Ann's"


# -- at the same moment ---------------------------------------------------------------------------------


def test_a_write_between_a_clients_read_and_its_write_is_refused_by_the_update_itself(project, clients):
    ann, ben = clients(project["target"], "Ann Extractor", "Ben Extractor")
    claim = project["claim"]
    ann.ask("load", claim=claim)
    ben.ask("load", claim=claim)
    ben.ask("pause", at="before-write")
    ben.send("edit", statement="Ben's reading")
    assert ben.read() == {"paused": "before-write"}  # Ben's save has read version 1 and found it current

    ann.ask("edit", statement="Ann's reading")
    ben.go()
    refused = ben.read()

    assert "Ann Extractor" in refused["stale"], refused
    assert refused["current"]["version"] == 2 and refused["current"]["statement"] == "Ann's reading"
    after = stored(project["target"], claim)
    assert (after["statement"], after["version"]) == ("Ann's reading", 2)


@pytest.mark.parametrize("save", ["edit", "delete"])
def test_a_claim_deleted_and_its_id_reused_between_a_clients_read_and_its_write_is_left_alone(project, clients, save):
    ann, ben = clients(project["target"], "Ann Extractor", "Ben Extractor")
    claim = project["claim"]  # the project's newest claim: SQLite gives its id to the next new claim
    ann.ask("load", claim=claim)
    ben.ask("load", claim=claim)
    ben.ask("pause", at="before-write")
    ben.send(save, **({"statement": "Ben's reading"} if save == "edit" else {}))
    assert ben.read() == {"paused": "before-write"}  # Ben's save has read the claim, version and UUID

    ann.ask("delete")
    new = ann.ask("create", doc=project["doc"], quote="Dropout was low", statement="Ann's new claim")["stored"]
    ben.go()
    refused = ben.read()

    assert "deleted" in refused.get("stale", ""), (new, refused)
    after = stored(project["target"], new["id"])
    assert (after["statement"], after["version"]) == ("Ann's new claim", 1)


def test_four_clients_saving_one_version_at_the_same_moment_one_wins(project, clients):
    names = ["Ann Extractor", "Ben Extractor", "Cai Extractor", "Dee Extractor"]
    team = clients(project["target"], *names)
    claim = project["claim"]
    for client in team:
        client.ask("load", claim=claim)
        client.ask("pause", at="before-write")
        client.send("edit", statement=f"by {client.reviewer}")
    for client in team:  # the barrier: every save has read version 1 and waits to write
        assert client.read() == {"paused": "before-write"}
    for client in team:
        client.go()
    answers = {client.reviewer: client.read() for client in team}

    winners = [name for name, answer in answers.items() if answer.get("ok")]
    assert len(winners) == 1, answers
    for name, answer in answers.items():
        if name != winners[0]:
            assert winners[0] in answer["stale"], answer
            assert answer["current"]["statement"] == f"by {winners[0]}"
            assert answer["form"]["statement"] == f"by {name}"
    after = stored(project["target"], claim)
    assert (after["statement"], after["version"]) == (f"by {winners[0]}", 2)
    assert [new for _, field, new in after["log"] if field == "statement"] == ["original", f"by {winners[0]}"]


@pytest.mark.parametrize("first", ["delete", "edit"])
def test_a_delete_and_an_edit_at_the_same_moment_one_wins_the_other_is_told(project, clients, first):
    """The first is stopped inside its transaction, the claim's terms already deleted; the second starts
    then (and changes the terms too). Neither may fail with anything but "changed"/"deleted"."""
    deleter, editor = clients(project["target"], "Ann Extractor", "Ben Extractor")
    claim = project["claim"]
    deleter.ask("load", claim=claim)
    editor.ask("load", claim=claim)
    one, other = (deleter, editor) if first == "delete" else (editor, deleter)
    requests = {deleter: ("delete", {}), editor: ("edit", {"statement": "Ben's reading", "terms": ["insomnia"]})}

    one.ask("pause", at="after-terms-gone")
    one.send(requests[one][0], **requests[one][1])
    assert one.read() == {"paused": "after-terms-gone"}
    other.send(requests[other][0], **requests[other][1])
    blocked(project["target"], other)
    one.go()
    won, lost = one.read(), other.read()

    assert won.get("ok"), won
    assert "stale" in lost, lost
    after = stored(project["target"], claim)
    if first == "delete":
        assert "deleted" in lost["stale"] and lost["current"] is None
        assert after["statement"] is None
    else:
        assert "Ben Extractor" in lost["stale"] and lost["current"]["terms"] == ["insomnia"]
        assert (after["statement"], after["version"]) == ("Ben's reading", 2)


def test_a_client_killed_inside_its_transaction_leaves_nothing_and_blocks_no_one(project, clients):
    ann, ben = clients(project["target"], "Ann Extractor", "Ben Extractor")
    target, claim = project["target"], project["claim"]
    before = stored(target, claim)
    ann.ask("load", claim=claim)
    ben.ask("load", claim=claim)
    ann.ask("pause", at="in-transaction")
    ann.send("edit", statement="HALF-DONE", terms=["half"])
    assert ann.read() == {"paused": "in-transaction"}  # the claim row written, not committed

    ben.send("edit", statement="after the crash")
    blocked(target, ben)  # Ben's save waits for Ann's transaction
    os.kill(ann.proc.pid, signal.SIGKILL)
    ann.proc.wait(timeout=TIMEOUT)
    saved = ben.read()

    assert saved.get("ok"), saved
    assert saved["stored"] == {**saved["stored"], "statement": "after the crash", "version": 2}
    assert saved["stored"]["terms"] == ["sleep", "ageing"]  # Ann's half-written terms are gone too
    after = stored(target, claim)
    assert (after["statement"], after["version"], after["claims"]) == ("after the crash", 2, before["claims"])
    assert not any("half" in str(new).lower() for _, _, new in after["log"])
    assert after["log"][: len(before["log"])] == before["log"]
    if "://" not in target:
        with sqlite3.connect(target) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


# -- three reviewers, two of them extracting blind in processes of their own -------------------------------


def test_two_extractors_in_their_own_processes_see_only_their_own_claims_until_both_are_done(
    project, clients, tmp_path
):
    target, doc = project["target"], project["doc"]
    ann, ben = clients(target, "Ann Extractor", "Ben Extractor")
    lead = open_session(target, backup_on_open=False)  # the lead works in this process
    try:
        lead.use_reviewer("Lena Lead")
        lead.team.assign(doc, [lead.team.reviewer_named(n).id for n in ("Ann Extractor", "Ben Extractor")])
        mine = {
            ann: ["finding by Ann on walking", "finding by Ann on age"],
            ben: ["finding by Ben on walking", "finding by Ben on dropout"],
        }
        quotes = {ann: ["who walked daily", "in older adults"], ben: ["walked daily reported", "Dropout was low"]}
        for client in (ann, ben):
            for quote, statement in zip(quotes[client], mine[client]):
                client.ask("create", doc=doc, quote=quote, statement=statement)
        everyone = sorted(["original", *mine[ann], *mine[ben]])  # "original" is Ann's, from the set-up

        def sees(client: Client) -> dict:
            return client.ask(
                "sees", doc=doc, query="finding walking", xlsx=str(tmp_path / f"{client.reviewer.split()[0]}.xlsx")
            )

        for client, other in ((ann, ben), (ben, ann)):
            own = sorted(mine[client] + (["original"] if client is ann else []))
            seen = sees(client)
            assert seen["for_document"] == seen["all"] == own
            assert seen["search"] == sorted(s for s in mine[client] if "walking" in s)
            assert set(mine[client]) <= set(seen["export_cells"])
            assert not set(mine[other]) & set(seen["export_cells"])
        assert sorted(c.values["statement"] for c in lead.claims.for_document(doc)) == everyone

        ann.ask("done", doc=doc)
        assert sees(ann)["for_document"] == sorted(["original", *mine[ann]])  # Ben is still extracting
        ben.ask("done", doc=doc)
        for client in (ann, ben):
            seen = sees(client)
            assert seen["for_document"] == seen["all"] == everyone
            assert seen["search"] == sorted(s for s in everyone if "walking" in s)
            assert set(everyone) <= set(seen["export_cells"])
        assert sorted(c.values["statement"] for c in lead.claims.all()) == everyone
    finally:
        lead.close()
