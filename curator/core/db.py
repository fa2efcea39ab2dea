"""Open the project database late, with the same pragmas on every connection."""

from __future__ import annotations

import contextlib
import importlib.util
import os
from pathlib import Path

import peewee

from curator.core.errors import CuratorError

# Every model binds to this proxy; the real database is chosen at run time (peewee's diary example).
database = peewee.DatabaseProxy()

# Per connection: WAL + FULL survives power loss, foreign keys are off unless asked for, and a busy
# timeout lets two processes share the file (../shared/notes/reliability.md).
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "synchronous": 2,  # FULL
    "foreign_keys": 1,
    "busy_timeout": 5000,
}

APPLICATION_ID = 0x43555241  # "CURA", tells our files from foreign SQLite files

# Other clients on a shared PostgreSQL server LISTEN here (curator/core/live.py) to hear of a write at once.
CHANGES_CHANNEL = "curator_changes"


class DatabaseOpenError(CuratorError):
    """The database named by the user cannot be opened."""


class ReadOnlyError(CuratorError):
    """The project is open read-only; the message says why."""


def mark_read_only(db: peewee.Database, reason: str) -> None:
    """Every later write_transaction on `db` refuses with `reason`, before SQL is sent."""
    db.curator_read_only = reason


def read_only_reason(db: peewee.Database | None = None) -> str | None:
    db = db if db is not None else database.obj
    return getattr(db, "curator_read_only", None)


def is_url(target: str) -> bool:
    return "://" in target


def describe_target(target: str | os.PathLike) -> str:
    """The database as it may be shown or written into an export: a URL without its password."""
    target = str(target)
    if not is_url(target):
        return str(Path(target).expanduser().resolve())
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(target)
    if parts.password is None:
        return target
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def make_database(target: str | os.PathLike) -> peewee.Database:
    """Return an unconnected database for a file path or a database URL."""
    target = str(target)
    if is_url(target):
        from urllib.parse import urlsplit

        if urlsplit(target).scheme.startswith("postgres") and importlib.util.find_spec("psycopg2") is None:
            raise DatabaseOpenError(
                "a PostgreSQL database needs its driver, which is not installed: "
                'run `.venv/bin/python -m pip install -e ".[postgres]"` and start Curator again'
            )
        try:
            from playhouse.db_url import connect as connect_url  # a URL is rare: not imported at every start

            db = connect_url(target)
        except Exception as exc:  # peewee raises a bare RuntimeError for unknown schemes
            raise DatabaseOpenError(f"cannot use database URL {target!r}: {exc}") from exc
        if isinstance(db, peewee.SqliteDatabase):
            db = peewee.SqliteDatabase(db.database, pragmas=SQLITE_PRAGMAS)
        return db
    path = check_file_target(target)
    return peewee.SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS)


def check_file_target(target: str | os.PathLike) -> Path:
    """The project file a path names, refused in words when it is a folder or its folder is missing."""
    path = Path(target).expanduser()
    if path.is_dir():
        raise DatabaseOpenError(f"{path} is a folder; give a database file name such as {path / 'curator.sqlite3'}")
    if not path.parent.exists():
        raise DatabaseOpenError(f"folder {path.parent} does not exist")
    return path


def bind(db: peewee.Database) -> peewee.Database:
    database.initialize(db)
    return db


def is_sqlite(db: peewee.Database | None = None) -> bool:
    db = db if db is not None else database.obj
    return isinstance(db, peewee.SqliteDatabase)


def write_transaction():
    """Begin a transaction that may write; on SQLite it takes the write lock at once, on PostgreSQL it
    announces itself to the other clients when it commits.

    A deferred transaction that upgrades to a writer gets SQLITE_BUSY immediately under WAL,
    whatever the busy timeout, so every writing transaction begins IMMEDIATE.
    """
    db = database.obj
    reason = read_only_reason(db)
    if reason:
        raise ReadOnlyError(f"Nothing was saved: this project is open read-only ({reason}).")
    if is_sqlite(db):
        return db.atomic("IMMEDIATE")
    return _announced(db)


@contextlib.contextmanager
def _announced(db: peewee.Database):
    """A PostgreSQL write transaction that tells listening clients to look at the change log.

    Every write, bulk ones included, passes here, so no writer can forget. PostgreSQL delivers a NOTIFY
    at commit and drops it on rollback, so listeners hear only of committed writes, and only once they
    can see them. Only the outermost transaction sends it: one per transaction, however many rows or
    nested savepoints it holds. It carries nothing: the change log says what changed.
    """
    with db.atomic() as transaction:
        if db.transaction_depth() == 1:
            db.execute_sql(f"NOTIFY {CHANGES_CHANNEL}")
        yield transaction
