"""Progress inside one long PDF (issue 14: "2,000-page files: progress, cancellable"): the worker
reports pages read, the caller's bar moves within the file, and Cancel mid-file writes nothing."""

from __future__ import annotations

import pytest

from curator.core.errors import ValidationError
from curator.io.document_files import STEPS, import_documents, read_document
from tests.pdf_maker import article, make_pdf

PAGES = 60


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory):
    return make_pdf(tmp_path_factory.mktemp("pdf") / "long.pdf", article(PAGES))


def test_waiting_hears_the_pages_read_rising_to_the_page_count(long_pdf):
    seen = []
    doc = read_document(long_pdf, waiting=lambda latest: seen.append(latest) or True)
    reported = [latest for latest in seen if latest is not None]
    assert doc.pages.page_count == PAGES
    assert len(reported) >= 2, seen  # a page's worth of messages at most every 50 ms
    assert all(total == PAGES for _, total in reported)
    dones = [done for done, _ in reported]
    assert dones == sorted(dones) and 1 <= dones[0] < PAGES and dones[-1] <= PAGES


def test_cancelling_mid_file_stops_the_reading_and_writes_nothing(session, long_pdf):
    before = session.documents.count()
    pages = []

    def progress(done: int, total: int) -> bool:
        return not pages  # Cancel as soon as the first pages have been read

    summary = import_documents(session, [long_pdf], progress=progress, reading=lambda p, d, t: pages.append(d))
    assert pages and pages[0] < PAGES
    assert summary.imported == [] and len(summary.refused) == 1
    assert summary.refused[0][1] == "long.pdf: reading it was cancelled; nothing was imported"
    assert session.documents.count() == before
    with pytest.raises(ValidationError, match="cancelled"):
        read_document(long_pdf, waiting=lambda latest: latest is None)


def test_import_progress_rises_within_one_file(session, tmp_path, long_pdf):
    note = tmp_path / "note.txt"
    note.write_text("A short note read before the long PDF.\n", encoding="utf-8")
    calls, pages = [], []
    summary = import_documents(
        session,
        [note, long_pdf],
        progress=lambda done, total: calls.append((done, total)) or True,
        reading=lambda path, done, total: pages.append((path.name, done, total)),
    )
    assert len(summary.imported) == 2
    whole = 2 * STEPS
    assert all(total == whole for _, total in calls) and calls[-1] == (whole, whole)
    values = [done for done, _ in calls]
    assert values == sorted(values)
    within = [v for v in values if v % STEPS > 0]
    assert within, values  # the bar moved between one file's start and the next
    assert pages and {name for name, _, _ in pages} == {"long.pdf"} and {t for _, _, t in pages} == {PAGES}


def test_the_import_dialog_names_the_page_being_read_and_its_bar_moves(window, tmp_path, long_pdf, monkeypatch):
    from PySide6.QtWidgets import QProgressDialog

    from curator.ui.document_import import import_document_paths

    labels, values = [], []
    monkeypatch.setattr(QProgressDialog, "setLabelText", lambda self, text: labels.append(text))
    original = QProgressDialog.setValue
    monkeypatch.setattr(QProgressDialog, "setValue", lambda self, v: values.append(v) or original(self, v))
    import_document_paths(window, [long_pdf])
    pages = [text for text in labels if "long.pdf: page" in text]
    assert pages and pages[-1].endswith(f"of {PAGES}")  # "Importing documents…\nlong.pdf: page 42 of 60"
    assert any(0 < v < STEPS for v in values)
