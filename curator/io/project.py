"""Open the project a reviewer works on: the database named (or the default one), seeded with the
bundled documents when new. The window and the command line both start here; neither depends on the
other."""

from __future__ import annotations

from pathlib import Path

from curator.core.paths import SEEDS, default_database
from curator.core.session import Session, open_session


def open_project(db: str | Path | None = None, reviewer: str | None = None, reading: bool = False) -> Session:
    """Open (creating and seeding if new) the project at `db`, as `reviewer` if given.

    `reading`: the caller only reads, so opening writes nothing and needs no write lock."""
    session = open_session(db or default_database(), reading=reading)
    try:
        if session.read_only is None and not session.is_seeded():
            # the parsers, the sandbox and multiprocessing are imported only for a new project
            from curator.io.seeds import seed_new_project

            seed_new_project(session, SEEDS)
        if reviewer:
            session.use_reviewer(reviewer)
    except Exception:
        session.close()
        raise
    return session
