"""Opening projects safely: backups, restore, damaged, foreign, read-only and risky locations."""

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import pytest

from curator.core import backups
from curator.core.db import ReadOnlyError
from curator.core.paths import SEEDS
from curator.core.records import ClaimDraft
from curator.core.session import open_session
from curator.core.storage import CorruptDatabaseError, NotAProjectError, location_warning
from curator.io.seeds import seed_new_project
from tests.childproc import NOBODY, run_in_child, running_as_root
from tests.conftest import doc_id_by_file


def add_claim(session, quote="fatigue") -> int:
    doc = doc_id_by_file(session, "002")
    text = session.documents.get(doc).text
    start = text.index(quote)
    return session.claims.create(ClaimDraft(doc, start, start + len(quote), {"statement": quote}))[0].id


def test_every_open_of_an_existing_project_leaves_a_rolling_backup_and_old_ones_are_pruned(
    session, db_path, monkeypatch
):
    add_claim(session)
    session.close()
    monkeypatch.setenv("CURATOR_BACKUPS_KEEP", "3")
    manual = open_session(db_path)
    manual.backup_now("manual")
    manual.close()
    for quote in ("relapse rates", "microglial activation", "Roseburia", "butyrate", "dysbiosis"):
        s = open_session(db_path)
        s.use_reviewer("R")
        add_claim(s, quote)
        s.close()
    open_session(db_path).close()
    newest_before = backups.list_backups(db_path)[0].path
    for _ in range(3):  # nothing changed since: no new backup crowds out the older states
        open_session(db_path).close()
    assert backups.list_backups(db_path)[0].path == newest_before
    kinds = [b.reason for b in backups.list_backups(db_path)]
    assert kinds.count(backups.ON_OPEN) == 3
    assert kinds.count("manual") == 1  # only rolling backups are pruned
    newest = backups.list_backups(db_path)[0].path
    assert backups.check_backup(newest) is None
    con = sqlite3.connect(newest)
    assert con.execute("SELECT count(*) FROM claim").fetchone()[0] == 6  # everything saved before the last open
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    con.close()


def test_a_backup_holds_commits_still_in_the_wal_file(session, db_path):
    session.database.execute_sql("PRAGMA wal_autocheckpoint = 0")  # keep everything in -wal
    ids = [add_claim(session, q) for q in ("fatigue", "relapse rates", "microglial activation")]
    assert Path(f"{db_path}-wal").stat().st_size > 0
    plain_copy = db_path.with_name("copy.sqlite3")
    shutil.copy(db_path, plain_copy)  # what a file copy gets: the claims are missing (here, every table)
    try:
        copied = sqlite3.connect(plain_copy).execute("SELECT count(*) FROM claim").fetchone()[0]
    except sqlite3.OperationalError:
        copied = None
    assert copied in (None, 0)
    path = session.backup_now()
    assert sqlite3.connect(path).execute("SELECT count(*) FROM claim").fetchone()[0] == len(ids)


def test_a_backup_never_overwrites_another(session, db_path, monkeypatch):
    monkeypatch.setattr(backups, "_stamp", lambda now=None: "20260101-120000")
    first = session.backup_now("manual")
    first_bytes = first.read_bytes()
    add_claim(session)
    second = session.backup_now("manual")
    assert first != second and first.read_bytes() == first_bytes
    assert not list(backups.backup_folder(db_path).glob(".*partial"))


def test_restore_brings_back_the_backup_and_keeps_the_state_it_replaced(session, db_path):
    add_claim(session, "fatigue")
    saved = session.backup_now("manual")
    add_claim(session, "relapse rates")
    session.close()
    report = backups.restore_backup(saved, db_path)
    restored = open_session(db_path)
    assert restored.claims.count() == 1
    restored.close()
    assert "before-restore" in report.previous_kept_as.name
    assert sqlite3.connect(report.previous_kept_as).execute("SELECT count(*) FROM claim").fetchone()[0] == 2


def _damage(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as f:
        f.seek(4096 * 2)  # keep the header page; ruin the b-tree pages after it
        f.write(os.urandom(min(size - 8192, 4096 * 20)))


def test_a_damaged_project_is_refused_naming_the_newest_backup_which_restores(session, db_path):
    add_claim(session)
    session.close()
    open_session(db_path).close()  # leaves an on-open backup
    newest = backups.list_backups(db_path)[0].path
    _damage(db_path)
    with pytest.raises(CorruptDatabaseError) as raised:
        open_session(db_path)
    assert raised.value.backup == newest
    assert "damaged" in str(raised.value) and f'curator restore "{newest}"' in str(raised.value)
    report = backups.restore_backup(newest, db_path)
    assert ".damaged-" in report.previous_kept_as.name and report.previous_kept_as.exists()
    again = open_session(db_path)
    assert again.claims.count() == 1
    again.close()


def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "notes.sqlite3"
    path.write_text("my thesis notes", encoding="utf-8")
    with pytest.raises(NotAProjectError, match="not an SQLite database"):
        open_session(path)
    assert path.read_text(encoding="utf-8") == "my thesis notes"
    assert not (tmp_path / "backups").exists()


@pytest.mark.parametrize("name", ["Dropbox", "OneDrive - University", "Library/Mobile Documents/com~apple~CloudDocs"])
def test_a_project_in_a_cloud_synced_folder_gets_a_warning(tmp_path, name):
    folder = tmp_path / name
    folder.mkdir(parents=True)
    session = open_session(folder / "p.sqlite3")
    assert any("cloud-synced" in w and "PostgreSQL" in w for w in session.warnings)
    session.close()
    assert location_warning(tmp_path / "p.sqlite3") is None


def _shared_tmp() -> Path:
    """A folder `nobody` can reach (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="curator-perm-"))
    folder.chmod(0o755)
    return folder


def _project_for_nobody(folder: Path) -> Path:
    path = folder / "p.sqlite3"
    s = open_session(path, backup_on_open=False)
    seed_new_project(s, SEEDS)
    s.use_reviewer("Owner")
    add_claim(s)
    s.close()
    if running_as_root():
        os.chown(path, NOBODY, NOBODY)
    return path


def _try_to_edit(path: str):
    session = open_session(path)
    facts = {"read_only": session.read_only, "claims": session.claims.count(), "docs": session.documents.count()}
    session.use_reviewer("Owner")
    try:
        session.documents.set_reading_status(session.documents.summaries()[0].id, "done")
        facts["write"] = "written"
    except ReadOnlyError as exc:
        facts["write"] = str(exc)
    session.close()
    return facts


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_read_only_project_opens_for_reading_with_editing_refused(what):
    folder = _shared_tmp()
    try:
        path = _project_for_nobody(folder)
        before = path.read_bytes()
        if what == "file":
            path.chmod(0o444)
            if running_as_root():
                os.chown(folder, NOBODY, NOBODY)  # the folder is writable: only the file is not
        else:
            folder.chmod(0o555)
        facts = run_in_child(_try_to_edit, str(path), uid=NOBODY if running_as_root() else None)
        assert facts["claims"] == 1 and facts["docs"] == 5
        assert f"the {what}" in facts["read_only"] and "read-only" in facts["read_only"]
        assert facts["write"].startswith("Nothing was saved: this project is open read-only")
        assert path.read_bytes() == before
        assert not (folder / "backups").exists()
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder, ignore_errors=True)


def _sha256(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("journal", ["delete", "wal"])
def test_another_programs_sqlite_file_is_refused_byte_identical(tmp_path, journal):
    path = tmp_path / "firefox-places.sqlite3"
    con = sqlite3.connect(path)
    con.execute(f"PRAGMA journal_mode={journal}")
    con.execute("PRAGMA application_id = 1234")
    con.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    con.execute("INSERT INTO moz_places (url) VALUES ('https://example.org')")
    con.commit()
    con.close()
    files_before = sorted(p.name for p in tmp_path.iterdir())
    before = _sha256(path)
    with pytest.raises(NotAProjectError, match="another program"):
        open_session(path)
    assert _sha256(path) == before  # no pragma wrote its header (journal mode, schema cookie)
    assert sorted(p.name for p in tmp_path.iterdir()) == files_before  # no -wal, -shm or backups left


def test_a_foreign_sqlite_file_without_an_application_id_is_refused_byte_identical(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (body TEXT)")
    con.commit()
    con.close()
    before = _sha256(path)
    with pytest.raises(NotAProjectError, match="another program"):
        open_session(path)
    assert _sha256(path) == before


def test_a_non_sqlite_file_is_refused_byte_identical(tmp_path):
    path = tmp_path / "thesis.sqlite3"
    path.write_bytes(os.urandom(8192))
    before = _sha256(path)
    with pytest.raises(NotAProjectError):
        open_session(path)
    assert _sha256(path) == before
    assert [p.name for p in tmp_path.iterdir()] == ["thesis.sqlite3"]
