"""Schema versions: new databases, old ones brought forward safely, newer ones read-only."""

import json
import shutil
import sqlite3
from pathlib import Path

import peewee
import pytest
from playhouse.migrate import SqliteMigrator
from playhouse.migrate import migrate as peewee_migrate

from curator.core import backups
from curator.core.db import ReadOnlyError
from curator.core.migrations import (
    LATEST_VERSION,
    MIGRATIONS,
    MigrationError,
    current_version,
    migrate,
)
from curator.core.models import ClaimTerm, SchemaInfo
from curator.core.session import open_session

FIXTURES = Path(__file__).parent / "fixtures"


def _rows(db_path: Path, table: str, columns: list[str]) -> list[list]:
    con = sqlite3.connect(db_path)
    try:
        quoted = ", ".join(f'"{c}"' for c in columns)
        return [list(r) for r in con.execute(f'SELECT {quoted} FROM "{table}" ORDER BY 1')]
    finally:
        con.close()


def _schema(db_path: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(db_path)
    try:
        tables = [
            r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        ]
        shape = {
            t: sorted((c[1], c[2].upper(), c[3], c[5]) for c in con.execute(f'PRAGMA table_info("{t}")'))
            for t in tables
        }
        shape |= {
            f"fk:{t}": sorted(tuple(fk[2:5]) + (fk[6],) for fk in con.execute(f'PRAGMA foreign_key_list("{t}")'))
            for t in tables
        }
        shape["indexes"] = sorted(
            r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index' AND name NOT LIKE 'sqlite_%'")
        )
        return shape
    finally:
        con.close()


@pytest.fixture
def old_project(tmp_path) -> Path:
    path = tmp_path / "old.sqlite3"
    shutil.copy(FIXTURES / "schema_v1.sqlite3", path)
    return path


def test_a_schema_1_project_is_backed_up_migrated_and_keeps_every_row(old_project, tmp_path):
    golden = json.loads((FIXTURES / "schema_v1.golden.json").read_text(encoding="utf-8"))
    session = open_session(old_project)
    assert current_version(session.database) == LATEST_VERSION
    assert session.claims.count() == 4
    session.close()

    saved = backups.list_backups(old_project)
    assert [b.reason for b in saved] == [f"before-migration-to-v{LATEST_VERSION}"]
    # The backup is the project as it was: still schema 1, every row.
    assert _rows(saved[0].path, "schema_info", ["key", "value"]) == [["schema_version", "1"], ["seeded", "5"]]
    assert _rows(old_project, "retired_term", ["vocabulary_key", "label"]) == [["*", "Relapse rate"]]
    for table, dump in golden.items():
        rows = _rows(old_project, table, dump["columns"])
        if table == "schema_info":  # v6 gives the project its identity for merging, tied to its file
            assert [key for key, _ in rows] == ["project_path", "project_uuid", "schema_version", "seeded"]
            assert rows[0][1] == str(old_project.resolve())
            rows, expected = rows[2:], [["schema_version", str(LATEST_VERSION)], ["seeded", "5"]]
        else:
            expected = dump["rows"]
        assert rows == expected, table

    fresh = tmp_path / "fresh.sqlite3"
    open_session(fresh).close()
    assert _schema(old_project) == _schema(fresh)


def test_a_migrated_project_works_as_before(old_project):
    session = open_session(old_project)
    session.use_reviewer("Ada Lovelace")
    claim = session.claims.all()[0]
    assert "second line" in claim.values["notes"]
    assert any(t.label == "Relapse rate" and t.term_id is None for c in session.claims.all() for t in c.terms)
    draft = claim.as_draft()
    draft.values["statement"] = "edited after the upgrade"
    session.claims.update(claim.id, draft)
    assert session.claims.get(claim.id).values["statement"] == "edited after the upgrade"
    session.close()


def test_a_newer_project_opens_read_only_and_refuses_writes(session, db_path):
    before = session.claims.count()
    SchemaInfo.update(value=str(LATEST_VERSION + 1)).where(SchemaInfo.key == "schema_version").execute()
    session.close()
    newer = open_session(db_path)
    assert "newer than this Curator" in newer.read_only
    assert newer.documents.count() == 5  # readable
    doc = newer.documents.summaries()[0]
    with pytest.raises(ReadOnlyError, match="read-only"):
        newer.documents.set_reading_status(doc.id, "done")
    newer.close()
    # by key: ordered by value, the seeded count (5) came first once the version passed 5
    assert ["schema_version", str(LATEST_VERSION + 1)] in _rows(db_path, "schema_info", ["key", "value"])
    assert backups.list_backups(db_path) == []  # nothing written, not even a backup
    assert before == 0


def test_each_step_is_one_transaction_and_a_failed_step_changes_nothing(session):
    def extra(db):
        db.execute_sql('CREATE TABLE "extra" (id INTEGER PRIMARY KEY)')

    def fails(db):
        db.execute_sql('CREATE TABLE "half_done" (id INTEGER PRIMARY KEY)')
        raise RuntimeError("step broke")

    nxt = LATEST_VERSION + 1
    assert migrate(session.database, {**MIGRATIONS, nxt: extra}) == [nxt]
    with pytest.raises(
        MigrationError, match=f"version {nxt + 1} failed.*step broke.*unchanged at version {nxt}.*kept.sqlite3"
    ):
        migrate(session.database, {**MIGRATIONS, nxt: extra, nxt + 1: fails}, backup=lambda: Path("kept.sqlite3"))
    assert current_version(session.database) == nxt
    assert not session.database.table_exists("half_done")


def _rebuild_claim_table(db):
    """A step that makes SQLite rebuild the claim table, the parent of every claim term."""
    peewee_migrate(SqliteMigrator(db).add_column_default("claim", "notes", "none"))


def test_a_step_that_rebuilds_a_parent_table_keeps_every_claim_term(old_project):
    session = open_session(old_project)
    before = [c.terms for c in session.claims.all()]
    assert ClaimTerm.select().count() == 8
    migrate(session.database, {**MIGRATIONS, LATEST_VERSION + 1: _rebuild_claim_table})
    assert [c.terms for c in session.claims.all()] == before
    assert ClaimTerm.select().count() == 8
    assert session.database.execute_sql("PRAGMA foreign_key_check").fetchall() == []
    assert session.database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1  # switched back on
    session.close()


def test_negative_control_peewee_alone_loses_the_claims(old_project):
    """The same step run the naive way (foreign keys on) deletes the children: the test above can fail."""
    db = peewee.SqliteDatabase(str(old_project), pragmas={"foreign_keys": 1})
    db.connect()
    assert db.execute_sql("SELECT count(*) FROM claim_term").fetchone()[0] == 8
    with db.atomic():
        _rebuild_claim_table(db)
    assert db.execute_sql("SELECT count(*) FROM claim").fetchone()[0] == 4
    assert db.execute_sql("SELECT count(*) FROM claim_term").fetchone()[0] == 0
    db.close()


def test_a_step_that_would_orphan_rows_is_rolled_back(old_project):
    def drops_documents(db):
        db.execute_sql('DELETE FROM "document"')

    session = open_session(old_project)
    with pytest.raises(MigrationError, match="pointing at missing rows"):
        migrate(session.database, {**MIGRATIONS, LATEST_VERSION + 1: drops_documents})
    assert session.documents.count() == 5 and session.claims.count() == 4
    assert current_version(session.database) == LATEST_VERSION
    session.close()
