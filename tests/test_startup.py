"""Start-up stays cheap at every size: the document list asks only for the rows it paints, nothing
heavy (export, parsing, the parse worker) loads before the first paint, and the integrity check
started ahead is used only for the file it checked."""

import hashlib
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from PySide6.QtCore import Qt

from curator.core import storage
from curator.core.models import Document
from curator.core.session import open_session
from curator.ui import main_window
from curator.ui.main_window import MainWindow
from curator.ui.models import DocumentListModel

ROOT = Path(__file__).resolve().parents[1]


def test_a_thousand_documents_ask_data_for_the_painted_rows_only(qtbot, session, settings, interaction, monkeypatch):
    with session.database.atomic():
        Document.insert_many(
            [
                {"title": f"A long synthetic title of study {i} " * 3, "text": f"text {i}",
                 "sha256": hashlib.sha256(f"{i}".encode()).hexdigest(), "file_name": f"{i}.txt"}
                for i in range(1000)
            ]
        ).execute()  # fmt: skip
    calls = []

    class Counted(DocumentListModel):  # Qt does not call a method patched onto the existing class
        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            calls.append(role)
            return super().data(index, role)

    monkeypatch.setattr(main_window, "DocumentListModel", Counted)
    window = MainWindow(session, settings, interaction)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    view = window.document_view
    view.grab()  # paints the visible rows (offscreen, repaint() may paint nothing)
    assert len(window.documents.rows) == 1005
    # sizing every row to its contents asked 217,050 times here; the painted rows ask about 900
    assert 0 < len(calls) < 5000, len(calls)
    assert view.rowHeight(0) == view.rowHeight(1004)
    # the whole title is still there for the reviewer: in the tooltip
    tip = window.documents.data(window.documents.index(1004, 0), Qt.ItemDataRole.ToolTipRole)
    assert "study 999" in tip


def test_the_count_column_widens_for_larger_counts(qtbot, window):
    before = window.document_view.columnWidth(2)
    rows = window.documents.rows
    window.documents.update_rows([rows[0].__class__(**{**rows[0].__dict__, "claim_count": 123_456_789})])
    assert window.document_view.columnWidth(2) > before


LAUNCH = """
import os, sys
from curator.ui import reader

original = reader.ReaderView.paintEvent

def paintEvent(self, event):
    original(self, event)
    if self.document().characterCount() > 1:
        from curator.io import sandbox
        loaded = [m for m in ("openpyxl", "python_calamine", "selectolax", "lxml", "curator.io.xlsx_export",
                              "curator.io.claim_import", "curator.ui.document_import") if m in sys.modules]
        print("LOADED", loaded, "WORKER", sandbox._pool.worker is not None, flush=True)
        os._exit(0)

reader.ReaderView.paintEvent = paintEvent
from curator.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_start_up_loads_no_exporter_parser_or_worker(tmp_path):
    """Through the real entry point, on an existing project (a new one reads its seed documents
    through the worker): nothing of export or import is loaded by the first paint."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"))
    env.pop("CURATOR_DB", None)
    for _ in range(2):  # creates the project, then opens it
        out = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(LAUNCH), "--db", str(tmp_path / "p.sqlite3"), "--reviewer", "Ada"],
            capture_output=True, text=True, cwd=ROOT, env=env, timeout=120, check=False,
        )  # fmt: skip
    assert "LOADED [] WORKER False" in out.stdout, out.stdout + out.stderr[-2000:]


def test_the_check_started_ahead_is_used_for_the_unchanged_file(db_path, monkeypatch):
    open_session(db_path).close()
    assert storage.start_quick_check(db_path)
    monkeypatch.setattr(storage, "quick_check", lambda db: "checked again")
    session = open_session(db_path, backup_on_open=False)  # the early result ("ok") was taken
    session.close()


def test_a_file_changed_after_the_early_check_is_checked_again(db_path, monkeypatch):
    open_session(db_path).close()
    assert storage.start_quick_check(db_path)
    os.utime(db_path, ns=(1, 1))  # anything written since: a different file as far as the check knows
    checked = []
    monkeypatch.setattr(storage, "quick_check", lambda db: checked.append(db) or None)
    open_session(db_path, backup_on_open=False).close()
    assert len(checked) == 1


def test_damage_found_ahead_is_reported_by_the_open(db_path, monkeypatch):
    open_session(db_path).close()
    storage._early[db_path.absolute()] = (storage._identity(db_path), _done_thread(), ["page 3: btree damaged"])
    try:
        open_session(db_path, backup_on_open=False)
    except storage.CorruptDatabaseError as exc:
        assert "btree damaged" in str(exc)
    else:
        raise AssertionError("the damage found ahead was not reported")


def test_nothing_is_checked_ahead_for_a_foreign_or_missing_file(tmp_path):
    assert not storage.start_quick_check(tmp_path / "missing.sqlite3")
    foreign = tmp_path / "other.sqlite3"
    foreign.write_bytes(b"SQLite format 3\x00" + bytes(200))
    assert not storage.start_quick_check(foreign)
    assert not storage._early


def _done_thread():
    import threading

    thread = threading.Thread(target=lambda: None)
    thread.start()
    thread.join()
    return thread
