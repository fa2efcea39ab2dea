"""Importing a PDF from the window (issue 14): a password-protected one asks for its password (again
after a wrong one), uses it for that file only, and the warnings of a PDF reach the reviewer."""

from __future__ import annotations

from curator.core.models import Document
from curator.ui.document_import import import_document_paths
from tests.pdf_maker import KNOWN_ONE_COLUMN, known_text, make_pdf, page


def test_a_locked_pdf_asks_for_its_password_and_imports_with_it(window, interaction, tmp_path):
    secret = "s3cret-Pa55"
    path = make_pdf(tmp_path / "locked.pdf", [page(KNOWN_ONE_COLUMN)], encrypt_password=secret)
    interaction.passwords = ["guess", secret]
    import_document_paths(window, [path])
    assert interaction.asked[-2:] == ["password:locked.pdf:first", "password:locked.pdf:wrong"]
    stored = Document.get(Document.file_name == "locked.pdf")
    assert stored.text == known_text([page(KNOWN_ONE_COLUMN)]) and stored.format == "pdf"
    assert window.document_id == stored.id
    assert window.session.documents.page_layout(stored.id).page_count == 1
    assert secret not in "".join(map(str, interaction.asked)) + "".join(str(i) for i in interaction.infos)


def test_declining_the_password_imports_nothing_and_says_so(window, interaction, tmp_path):
    path = make_pdf(tmp_path / "locked.pdf", [page(KNOWN_ONE_COLUMN)], encrypt_password="x-secret")
    before = Document.select().count()
    interaction.passwords = []
    import_document_paths(window, [path])
    assert Document.select().count() == before
    assert "password" in window.statusBar().currentMessage().lower() or any(
        "locked.pdf" in str(i) for i in interaction.infos
    )


def test_a_pdf_with_javascript_is_imported_and_the_reviewer_told_it_was_not_run(window, interaction, tmp_path):
    path = make_pdf(tmp_path / "scripted.pdf", [page(KNOWN_ONE_COLUMN)], javascript=True)
    import_document_paths(window, [path])
    assert Document.get(Document.file_name == "scripted.pdf").format == "pdf"
    shown = " ".join(str(i) for i in interaction.infos)
    assert "JavaScript was not run" in shown


def test_curator_import_takes_a_pdfs_password_from_stdin_and_never_prints_it(tmp_path, monkeypatch, capsys):
    import io

    from curator.cli import main

    secret = "s3cret-Pa55"
    path = make_pdf(tmp_path / "locked.pdf", [page(KNOWN_ONE_COLUMN)], encrypt_password=secret)
    db = tmp_path / "p.sqlite3"
    monkeypatch.setattr("sys.stdin", io.StringIO("wrong\n"))
    assert main(["--db", str(db), "--reviewer", "Rita", "import", str(path), "--password-stdin"]) == 1
    out = capsys.readouterr().out
    assert "locked.pdf" in out and "does not open" in out and "wrong" not in out.replace("does not open", "")
    monkeypatch.setattr("sys.stdin", io.StringIO(secret + "\n"))
    assert main(["--db", str(db), "--reviewer", "Rita", "import", str(path), "--password-stdin"]) == 0
    out = capsys.readouterr().out
    assert "imported: locked.pdf" in out and secret not in out
