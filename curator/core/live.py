"""Other clients' changes, found in the change log, as the `Changes` the views already refresh from.

Every write of every client goes through the change log in the same transaction, so reading the rows
added since the last look tells a window what to refresh — on a shared PostgreSQL server and on an
SQLite file opened by two programs alike. One indexed `MAX(id)` query per poll when nothing changed.
Rows this session wrote itself are skipped (`skip_own` after each of its writes): its views refreshed
when it made them. A reviewer signed in under the same name on two machines at once may miss the
other machine's rows written between a poll and a write of her own; the next change shows them.

On PostgreSQL every write transaction also sends a NOTIFY at commit (curator/core/db.py), and the
watcher LISTENs for it on a connection of its own: the window waits on that connection's socket
(`fileno`) instead of asking the server every second, and `pending` says whether to look. The
notification only says "look": `poll` still reads the change log, so a missed notification costs
time, never a change. When that connection is lost (the server restarted), the watcher says so by
`fileno` becoming None and tries again every `RETRY_S` seconds (`listen`); meanwhile the window polls.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import peewee

from curator.core.db import CHANGES_CHANNEL, is_sqlite
from curator.core.models import ChangeLog, Claim
from curator.core.records import Changes

if TYPE_CHECKING:
    from curator.core.session import Session

# change-log entities and what a view must refresh for them
_VOCABULARY = {"term", "vocabulary"}
_CODEBOOK = {"choice"}
_TEAM = {"assignment", "reviewer", "project"}

RETRY_S = 10.0  # a lost LISTEN connection is tried again this often, not at every poll
CONNECT_TIMEOUT_S = 3  # a server that does not answer must not hold the window for long


class Listener:
    """A second connection to the project's PostgreSQL database that LISTENs for other clients' writes.

    Autocommit, so it never holds a transaction open (which would keep old row versions alive on the
    server) and notifications arrive while it idles.
    """

    def __init__(self, db: peewee.PostgresqlDatabase):
        import psycopg2  # only a PostgreSQL project gets here, and it has the driver

        params = dict(db.connect_params)
        params.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
        params.setdefault("application_name", "curator live")  # tells it apart in pg_stat_activity
        if db.database.startswith("postgresql://"):
            params.setdefault("dsn", db.database)
        else:
            params.setdefault("dbname", db.database)
        self.errors = (psycopg2.Error,)
        self.connection = psycopg2.connect(**params)
        try:
            self.connection.autocommit = True
            with self.connection.cursor() as cursor:
                cursor.execute(f"LISTEN {CHANGES_CHANNEL}")
        except Exception:
            self.connection.close()
            raise

    def fileno(self) -> int:
        return self.connection.fileno()

    def drain(self) -> int:
        """How many notifications arrived since the last call (raises the driver's error if the connection
        is gone). Reads only what the socket already holds: never waits.

        A terminated backend first sends its FATAL message, which a poll reads as a notice, then closes:
        the socket stays readable and the next call raises.
        """
        self.connection.poll()
        count = len(self.connection.notifies)
        self.connection.notifies.clear()
        self.connection.notices.clear()
        return count

    def close(self) -> None:
        self.connection.close()  # psycopg2 closes a broken or closed connection without complaint


class ChangeWatcher:
    def __init__(self, session: Session):
        self.session = session
        self.own_upto = 0  # rows up to here written under this reviewer are this session's own
        self.can_listen = not is_sqlite(session.database)
        self.listener: Listener | None = None  # a new object after each reconnection
        self.listen_error: str | None = None  # why the last attempt to listen failed
        self._tried_at = float("-inf")
        if self.can_listen:
            self.listen()  # before reading where the log stands: a commit in between is then announced
        try:
            self.seen = self.latest()
        except Exception:
            self.close()
            raise

    # -- notifications (PostgreSQL) -----------------------------------------------------------
    def listen(self) -> bool:
        """Whether the watcher listens now; if it does not, try to, at most once every RETRY_S seconds.
        Never raises: not listening only means the window polls on its timer."""
        if self.listener is not None or not self.can_listen or self.session.database.is_closed():
            return self.listener is not None
        now = time.monotonic()
        if now - self._tried_at < RETRY_S:
            return False
        self._tried_at = now
        try:
            self.listener = Listener(self.session.database)
        except Exception as exc:  # noqa: BLE001 - the server is away or full: polling serves meanwhile
            self.listen_error = str(exc).strip() or type(exc).__name__
            return False
        self.listen_error = None
        return True

    def fileno(self) -> int | None:
        """The socket that becomes readable when another client commits; None while not listening."""
        return self.listener.fileno() if self.listener is not None else None

    def pending(self) -> int:
        """How many writes were announced since the last call (0: nothing to look at). Call when the
        socket is readable: it drains it. A connection found lost counts as news, since notifications
        may have been missed; it is closed and `fileno` becomes None."""
        if self.listener is None:
            return 0
        if self.session.database.is_closed():
            self.close()
            return 0
        try:
            return self.listener.drain()
        except self.listener.errors as exc:
            self.listen_error = str(exc).strip() or type(exc).__name__
            self._tried_at = time.monotonic()  # a restarting server refuses at once: wait before trying again
            self.close()
            return 1

    def close(self) -> None:
        """Close the listening connection (the session's own connection is the session's)."""
        listener, self.listener = self.listener, None
        if listener is not None:
            listener.close()

    # -- the change log ---------------------------------------------------------------------------

    @staticmethod
    def latest() -> int:
        return ChangeLog.select(peewee.fn.MAX(ChangeLog.id)).scalar() or 0

    def poll(self) -> Changes:
        """What other clients changed since the last poll (empty Changes if nothing)."""
        latest = self.latest()
        if latest <= self.seen:
            return Changes()
        rows = (
            ChangeLog.select(ChangeLog.id, ChangeLog.entity, ChangeLog.entity_id, ChangeLog.field, ChangeLog.reviewer)
            .where((ChangeLog.id > self.seen) & (ChangeLog.id <= latest))
            .tuples()
        )
        me = self.session.reviewer_id
        claims: set[int] = set()
        documents: set[int] = set()
        texts: set[int] = set()
        vocabulary = codebook = team = False
        for log_id, entity, entity_id, field, reviewer in rows:
            if reviewer is not None and reviewer == me and log_id <= self.own_upto:
                continue
            if entity == "claim":
                claims.add(entity_id)
            elif entity == "document":
                documents.add(entity_id)
                if field in ("sha256", "text"):
                    texts.add(entity_id)
            elif entity in _VOCABULARY:
                vocabulary = True
            elif entity in _CODEBOOK:
                codebook = True
            elif entity in _TEAM:
                team = True
                if entity == "assignment":
                    documents.add(entity_id)
        self.seen = latest
        if claims:  # the documents of claims that still exist; a deleted claim's view finds it gone
            ids = sorted(claims)
            for i in range(0, len(ids), 900):
                documents.update(
                    r[0] for r in Claim.select(Claim.document).where(Claim.id.in_(ids[i : i + 900])).distinct().tuples()
                )
        return Changes(frozenset(documents), frozenset(claims), vocabulary, frozenset(texts), codebook, team)

    def skip_own(self) -> None:
        """Call after this session's own write has refreshed the views: rows up to now are not news."""
        self.own_upto = self.latest()
