"""Live refresh on a shared PostgreSQL server: every committed write sends a NOTIFY, the watcher LISTENs on
a connection of its own, and the window polls the change log the moment that socket turns readable,
well within the 2 s the issue asks for, instead of asking the server every second. A rolled-back
write says nothing; a lost LISTEN connection means polling again, then listening again.

The other client is a real process (tests/team_conc_client.py) where the latency is measured, and
otherwise the test's own session under another reviewer's name: the watcher's connection is not the
session's, so it hears the session's commits like any other client's.
"""

from __future__ import annotations

import select
import time
from dataclasses import replace

import psycopg2
import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from curator.core import live
from curator.core.db import write_transaction
from curator.core.live import ChangeWatcher
from curator.core.paths import SEEDS
from curator.core.records import Changes
from curator.core.session import open_session
from curator.io.seeds import seed_new_project
from curator.ui.team_actions import POLL_MS, SAFETY_MS
from tests.conftest import doc_id_by_file
from tests.test_team_concurrency import Client
from tests.test_team_window import as_other, make_window, quote_draft

LEAD, BEN = "Lena Lead", "Ben Extractor"
WITHIN_S = 2.0  # the issue: another client's change shows within 2 s


@pytest.fixture
def project(postgres_url):
    from curator.cli import main

    assert main(["--db", postgres_url, "migrate"]) == 0
    session = open_session(postgres_url, backup_on_open=False)
    seed_new_project(session, SEEDS)
    for name in (LEAD, BEN):
        session.use_reviewer(name)
    session.use_reviewer(LEAD)
    yield session
    session.close()


@pytest.fixture
def ben(project, postgres_url):
    """Ben's client in a process of its own, its start-up writes (his reviewer row) already announced."""
    client = Client(postgres_url, BEN)
    try:
        assert "ready" in client.read()
        yield client
    finally:
        client.close()


def readable(watcher: ChangeWatcher, timeout: float) -> bool:
    return bool(select.select([watcher.fileno()], [], [], timeout)[0])


def settle(watcher: ChangeWatcher) -> None:
    """Drain what earlier writes announced and read the change log past them."""
    while readable(watcher, 0.3):
        watcher.pending()
    watcher.poll()


def admin(url: str):
    conn = psycopg2.connect(url)
    conn.autocommit = True
    return conn


def listeners(url: str) -> list[int]:
    conn = admin(url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = 'curator live' AND datname = current_database()"
            )
            return [row[0] for row in cur.fetchall()]
    finally:
        conn.close()


def terminate_listeners(url: str) -> None:
    conn = admin(url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'curator live' AND datname = current_database()"
            )
    finally:
        conn.close()


def test_another_clients_claim_wakes_the_watcher_and_poll_reports_it_within_2_s(project, ben):
    doc = doc_id_by_file(project, "002")
    watcher = ChangeWatcher(project)
    assert watcher.fileno() is not None
    settle(watcher)

    started = time.monotonic()
    ben.send("create", doc=doc, quote="Roseburia", statement="Ben's")
    seen: set[int] = set()
    while not seen:
        left = started + WITHIN_S - time.monotonic()
        assert left > 0 and readable(watcher, left), "no notification within 2 s"
        if watcher.pending():
            seen |= watcher.poll().claims
    latency = time.monotonic() - started
    created = ben.read()["stored"]["id"]
    assert created in seen
    print(f"\nanother client's claim reported {latency * 1000:.0f} ms after the command was sent")
    assert latency < WITHIN_S

    # idle: nothing arrives, so nothing is read
    assert not readable(watcher, 0.5) and watcher.pending() == 0
    watcher.close()


def test_a_rolled_back_write_notifies_nothing_and_a_transaction_notifies_once(project):
    doc = doc_id_by_file(project, "002")
    ben_id = project.team.reviewer_named(BEN).id
    lead_id = project.reviewer_id
    watcher = ChangeWatcher(project)
    settle(watcher)
    project.use_reviewer_id(ben_id)  # a read: announces nothing
    try:
        with pytest.raises(RuntimeError), write_transaction():
            project.claims.create(quote_draft(project, doc, "Roseburia"))
            raise RuntimeError("the save fails after writing")
        assert not readable(watcher, 0.5) and watcher.pending() == 0
        assert watcher.poll() == Changes()

        with write_transaction():  # one transaction, three claims, nested transactions: one notification
            for quote in ("Roseburia", "Akkermansia", "Faecalibacterium"):
                project.claims.create(quote_draft(project, doc, quote))
    finally:
        project.use_reviewer_id(lead_id)
    assert readable(watcher, WITHIN_S)
    time.sleep(0.2)  # a second notification, if one were sent, has arrived by now
    assert watcher.pending() == 1
    assert len(watcher.poll().claims) == 3
    watcher.close()


def test_a_bulk_import_is_one_notification(project):
    from curator.core.bulk_claims import import_rows

    doc = doc_id_by_file(project, "002")
    text = project.documents.get(doc).text
    drafts = [(replace(quote_draft(project, doc, "Roseburia"), start=n, end=n + 5), f"row {n}") for n in range(50)]
    assert all(text[d.start : d.end] for d, _ in drafts)
    watcher = ChangeWatcher(project)
    settle(watcher)
    lead_id = project.reviewer_id
    project.use_reviewer_id(project.team.reviewer_named(BEN).id)  # a read, unlike as_other's use_reviewer
    try:
        import_rows(project, drafts, [], [])
    finally:
        project.use_reviewer_id(lead_id)
    assert readable(watcher, WITHIN_S)
    time.sleep(0.2)
    assert watcher.pending() == 1
    assert len(watcher.poll().claims) == 50
    watcher.close()


def test_the_watcher_survives_its_listen_connection_being_terminated(project, postgres_url, monkeypatch):
    doc = doc_id_by_file(project, "002")
    watcher = ChangeWatcher(project)
    settle(watcher)
    assert len(listeners(postgres_url)) == 1

    terminate_listeners(postgres_url)
    deadline = time.monotonic() + WITHIN_S
    news = 0
    while watcher.fileno() is not None:  # the FATAL message, then the end of the stream
        assert readable(watcher, deadline - time.monotonic())
        news = watcher.pending()
    assert news == 1  # a lost connection is news: notifications may have been missed
    assert "terminat" in watcher.listen_error or "closed" in watcher.listen_error

    # polling still reports, through the session's own connection
    record, _ = as_other(project, BEN, lambda: project.claims.create(quote_draft(project, doc, "Roseburia")))
    assert record.id in watcher.poll().claims
    assert watcher.pending() == 0
    assert not watcher.listen()  # not again at once: a restarting server would be asked every poll

    monkeypatch.setattr(live, "RETRY_S", 0.0)
    assert watcher.listen() and watcher.fileno() is not None
    record, _ = as_other(project, BEN, lambda: project.claims.create(quote_draft(project, doc, "Akkermansia")))
    assert readable(watcher, WITHIN_S) and watcher.pending()
    assert record.id in watcher.poll().claims

    watcher.close()
    assert watcher.fileno() is None and watcher.pending() == 0
    deadline = time.monotonic() + 5
    while listeners(postgres_url) and time.monotonic() < deadline:  # the server notices the close at once
        time.sleep(0.05)
    assert listeners(postgres_url) == []


def test_the_window_shows_another_clients_claim_without_waiting_for_the_timer(
    qtbot, project, ben, postgres_url, settings, interaction
):
    doc = doc_id_by_file(project, "002")
    window = make_window(qtbot, project, settings, interaction)
    window.open_document(doc)
    team = window.team
    assert team.notifier is not None and team.timer.interval() == SAFETY_MS
    qtbot.wait(300)  # Ben's start-up announcement is handled
    team.timer.start()  # restarted: its next tick is 5 s away, so only the notification can be in time

    started = time.monotonic()
    ben.send("create", doc=doc, quote="Roseburia", statement="Ben's")
    created = ben.read()["stored"]["id"]
    qtbot.waitUntil(lambda: window.claims.row_of(created) >= 0, timeout=int(WITHIN_S * 1000))
    latency = time.monotonic() - started
    print(f"\nanother client's claim in the window's table {latency * 1000:.0f} ms after the command was sent")
    assert latency < WITHIN_S and created in window.reader._highlights

    # a notification that comes while a dialog is open waits for it, then shows at once
    box = QMessageBox(QMessageBox.Icon.Information, "Busy", "A dialog", parent=window)
    box.open()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is box, timeout=2000)
    team.timer.start()
    ben.send("create", doc=doc, quote="Akkermansia", statement="Ben's second")
    second = ben.read()["stored"]["id"]
    qtbot.wait(600)
    assert window.claims.row_of(second) < 0
    box.close()
    qtbot.waitUntil(lambda: window.claims.row_of(second) >= 0, timeout=int(WITHIN_S * 1000))

    window.close()  # the LISTEN connection closes with the window
    assert team.watcher.fileno() is None and team.notifier is None


def test_the_window_polls_while_its_listen_connection_is_lost_then_listens_again(
    qtbot, project, postgres_url, settings, interaction, monkeypatch
):
    doc = doc_id_by_file(project, "002")
    window = make_window(qtbot, project, settings, interaction)
    window.open_document(doc)
    team = window.team
    assert team.notifier is not None

    terminate_listeners(postgres_url)
    qtbot.waitUntil(lambda: team.notifier is None, timeout=int(WITHIN_S * 1000))
    assert team.timer.interval() == POLL_MS and team.timer.isActive()
    record, _ = as_other(project, BEN, lambda: project.claims.create(quote_draft(project, doc, "Roseburia")))
    qtbot.waitUntil(lambda: window.claims.row_of(record.id) >= 0, timeout=3000)  # the 1 s timer found it
    assert interaction.errors == []

    monkeypatch.setattr(live, "RETRY_S", 0.0)
    qtbot.waitUntil(lambda: team.notifier is not None, timeout=3000)  # the next tick listens again
    assert team.timer.interval() == SAFETY_MS and len(listeners(postgres_url)) == 1
    team.timer.start()
    started = time.monotonic()
    record, _ = as_other(project, BEN, lambda: project.claims.create(quote_draft(project, doc, "Akkermansia")))
    qtbot.waitUntil(lambda: window.claims.row_of(record.id) >= 0, timeout=int(WITHIN_S * 1000))
    assert time.monotonic() - started < WITHIN_S


def test_sqlite_listens_to_nothing_and_polls_every_second(qtbot, window):
    team = window.team
    assert team.watcher is not None and not team.watcher.can_listen
    assert team.watcher.fileno() is None and team.watcher.pending() == 0 and not team.watcher.listen()
    assert team.notifier is None and team.timer.interval() == POLL_MS and team.timer.isActive()
