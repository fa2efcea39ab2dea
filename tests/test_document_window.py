"""Documents in the window: import by menu and by drop, styled reading, nothing leaking between documents."""

from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QFont, QTextCursor

from tests.conftest import doc_id_by_file
from tests.test_document_import import FIXTURES, make_docx


def format_at(window, offset):
    cursor = QTextCursor(window.reader.document())
    cursor.setPosition(window.reader._map.to_utf16(offset) + 1)  # the format of the character before
    return cursor.charFormat()


def test_import_documents_from_the_menu_with_an_encoding_question(qtbot, window, session, interaction, tmp_path):
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("Caf\xe9 staff and na\xefve mice\n".encode("latin-1"))
    older = tmp_path / "older.txt"
    older.write_bytes("R\xe9sum\xe9 of the trial\n".encode("latin-1"))
    interaction.open_paths = [str(FIXTURES / "hostile.html"), str(legacy), str(older)]
    interaction.encoding_answer = ("cp1252", True)  # and for the rest of this import
    window.actions["import_documents"].trigger()
    assert [a for a in interaction.asked if a.startswith("encoding:")] == ["encoding:legacy.txt"]
    titles = [d.title for d in window.documents.rows]
    assert "Probiotics and mood: a hostile page" in titles and len(titles) == 8
    assert "Résumé of the trial" in titles
    assert window.windowTitle().startswith("Probiotics and mood")
    text = window.reader.text
    heading = text.index("Probiotics and mood\n")
    assert format_at(window, heading).fontWeight() == QFont.Weight.Bold
    assert format_at(window, heading).fontPointSize() > window.reader.document().defaultFont().pointSizeF()
    link = text.index("local file")
    assert window.reader.link_at(link) == "file:///etc/passwd"
    assert not format_at(window, link).isAnchor()  # shown as a link, never followable
    assert "imported 3, already there 0, refused 0" in interaction.infos[-1]


def test_files_dropped_on_the_window_are_imported(qtbot, window, session, interaction, tmp_path):
    make_docx(tmp_path / "fibre.docx")
    (tmp_path / "notes.md").write_text("# Dropped notes\n\nA *short* note.\n", encoding="utf-8")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "fibre.docx")), QUrl.fromLocalFile(str(tmp_path / "notes.md"))])
    event = QDropEvent(
        QPointF(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    )
    window.dropEvent(event)
    titles = {d.title for d in window.documents.rows}
    assert {"Fibre and fatigue in MS", "Dropped notes"} <= titles
    assert session.documents.count() == 7


def test_styles_of_one_document_never_leak_into_the_next(qtbot, window, session):
    news = doc_id_by_file(session, "000")
    window.open_document(news)
    chrome = window.reader.text.index("advertisement")
    assert format_at(window, chrome).foreground().color().alpha() < 255  # site chrome is dimmed
    window.open_document(doc_id_by_file(session, "003"))
    body = len(window.reader.text) // 2
    fmt = format_at(window, body)
    assert fmt.foreground().style() == Qt.BrushStyle.NoBrush or fmt.foreground().color().alpha() == 255
    assert fmt.fontWeight() != QFont.Weight.Bold


def test_seed_002_reads_with_headings_and_dimmed_markup(qtbot, window, session, tmp_path):
    window.open_document(doc_id_by_file(session, "002"))
    text = window.reader.text
    assert format_at(window, text.index("TL;DR")).fontWeight() == QFont.Weight.Bold
    assert format_at(window, text.index("## TL;DR")).foreground().color().alpha() < 255
    assert format_at(window, text.index("This review explores")).fontWeight() != QFont.Weight.Bold
    window.grab().save(str(tmp_path / "seed_002.png"))
    assert Path(tmp_path / "seed_002.png").stat().st_size > 10_000


def test_replace_with_a_revised_version_then_reanchor_an_orphan(qtbot, window, session, interaction, tmp_path):
    from tests.gui_helpers import select_in_reader
    from tests.test_revisions import ORIGINAL, REVISED

    (tmp_path / "v1.txt").write_text(ORIGINAL, encoding="utf-8")
    (tmp_path / "v2.txt").write_text(REVISED, encoding="utf-8")
    interaction.open_paths = [str(tmp_path / "v1.txt")]
    window.actions["import_documents"].trigger()
    doc_id = window.document_id
    ids = []
    for quote in (
        "Pilot trials report modest reductions in relapse rate and fatigue",
        "Butyrate-producing taxa were depleted",
    ):
        start = window.reader.text.index(quote)
        select_in_reader(qtbot, window.reader, start, start + len(quote))
        window.actions["new_claim"].trigger()
        qtbot.keyClicks(window.form.widgets["statement"], quote[:10])
        window.actions["save_claim"].trigger()
        ids.append(window.form.claim_id)

    interaction.open_path = str(tmp_path / "v2.txt")
    window.actions["replace_document"].trigger()
    dialog = interaction.revisions[-1]
    assert dialog.table.rowCount() == 2 and set(dialog.rows) == {ids[0]}  # only the fuzzy one can be ticked
    dialog.resize(1100, 400)
    dialog.grab().save(str(tmp_path / "revision_dialog.png"))
    assert window.reader.text == REVISED
    assert [r.record.orphaned for r in window.claims.rows] == [True, True]
    assert window.claims.data(window.claims.index(0, 1)).startswith("⚠ orphaned")
    assert window.reader.claims_at(REVISED.index("Pilot")) == []  # orphans are not painted on other words

    window.select_claim(ids[0])
    assert window.form.heading.text().endswith("orphaned")
    new_quote = "Pilot trials report modest but consistent reductions"
    start = REVISED.index(new_quote)
    select_in_reader(qtbot, window.reader, start, start + len(new_quote))
    window.actions["reanchor"].trigger()
    record = session.claims.get(ids[0])
    assert not record.orphaned and record.anchor.exact == new_quote
    window.undo_stack.undo()  # the re-anchoring
    assert session.claims.get(ids[0]).orphaned
    window.undo_stack.undo()  # the replacement
    assert session.documents.get(doc_id).text == ORIGINAL and window.reader.text == ORIGINAL
    assert not any(session.claims.get(i).orphaned for i in ids)


def test_search_all_documents_and_jump_to_the_passage(qtbot, window, session):
    window.open_document(doc_id_by_file(session, "000"))
    window.actions["search_all"].trigger()
    panel = window.search_panel
    assert panel.isVisible()
    qtbot.keyClicks(panel.query, "Akkermansia muciniphila")
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)  # searched in a worker thread: the window does not wait
    qtbot.waitUntil(lambda: not panel.is_searching() and panel.results.count() >= 1, timeout=10000)
    assert "result" in panel.count.text()
    qtbot.keyClick(panel.results, Qt.Key.Key_Return)
    hit = panel.hits[0]
    assert window.document_id == hit.document_id
    start, end = window.reader.selection_range()
    assert window.reader.text[start:end].casefold() in ("akkermansia", "muciniphila")


def test_reading_size_width_spacing_and_theme_are_adjustable_and_remembered(qtbot, window, session, settings, tmp_path):
    from PySide6.QtWidgets import QApplication

    window.open_document(doc_id_by_file(session, "002"))
    before = window.reader.document().defaultFont().pointSizeF()
    window.actions["zoom_in"].trigger()
    window.actions["zoom_in"].trigger()
    assert window.reader.document().defaultFont().pointSizeF() == before + 2
    margin = window.reader.viewportMargins().left()
    for _ in range(4):
        window.actions["narrower"].trigger()
    assert window.reading.width_chars == 50 and window.reader.viewportMargins().left() > margin
    window.actions["spacing_airy"].trigger()
    assert window.reader.document().firstBlock().blockFormat().lineHeight() == 180
    window.actions["dim_chrome"].trigger()
    assert window.reading.dim_chrome is False
    window.actions["theme_dark"].trigger()
    assert QApplication.instance().palette().base().color().lightness() < 60
    assert "/* dark theme */" in QApplication.instance().styleSheet()
    window.grab().save(str(tmp_path / "dark.png"))
    assert float(settings.value("reading/font_pt")) == before + 2 and settings.value("reading/theme") == "dark"
    window.actions["theme_light"].trigger()
    assert QApplication.instance().palette().base().color().lightness() > 200
    window.actions["zoom_reset"].trigger()


def test_margin_marks_show_where_claims_are_and_jump_to_them(qtbot, window, session):
    from curator.core.records import ClaimDraft

    doc = doc_id_by_file(session, "002")
    text = session.documents.get(doc).text
    early, late = text.index("MS patients show"), text.index("Larger, longer")
    ids = [session.claims.create(ClaimDraft(doc, s, s + 16, {}))[0].id for s in (early, late)]
    window.open_document(doc)
    marks = window.marks
    assert [m[1] for m in sorted(marks.marks)] == ids
    top, bottom = sorted(m[0] for m in marks.marks)
    assert 0 <= top < bottom <= 1
    y = int(bottom * (marks.height() - 4)) + 1
    qtbot.mouseClick(marks, Qt.MouseButton.LeftButton, pos=QPoint(6, y))
    assert window.form.claim_id == ids[1]


def test_document_details_are_shown_edited_checked_and_undoable(qtbot, window, session, interaction, tmp_path):
    doc = doc_id_by_file(session, "002")
    window.open_document(doc)

    def bad_date(dialog):
        dialog.edits["published"].setText("Feb 2026")

    interaction.details_edit = bad_date
    window.actions["document_details"].trigger()
    dialog = interaction.details_dialogs[-1]
    assert dialog.edits["doi"].text() == "10.1002/brb3.71254" and dialog.entity_table.rowCount() > 100
    dialog.grab().save(str(tmp_path / "details.png"))
    assert interaction.errors[-1].startswith("Published:") and session.documents.get(doc).published == "2026-02-05"

    def good(dialog):
        dialog.edits["title"].setText("Gut microbiome in MS: a narrative review")
        dialog.edits["doi"].setText("https://doi.org/10.1002/brb3.71254")
        dialog.kind.setCurrentIndex(dialog.kind.findData("peer_reviewed"))

    interaction.details_edit = good
    window.actions["document_details"].trigger()
    info = session.documents.get(doc)
    assert info.title == "Gut microbiome in MS: a narrative review" and info.doi == "10.1002/brb3.71254"
    assert window.windowTitle().startswith("Gut microbiome in MS")
    assert window.documents.rows[window.documents.row_of(doc)].title == info.title
    window.undo_stack.undo()
    assert session.documents.get(doc).title.startswith("Modulating the Gut Microbiome")


def test_the_encoding_dialog_previews_each_candidate(qtbot, tmp_path):
    import pytest

    from curator.io.decode import EncodingNeeded, decode
    from curator.ui.document_import import EncodingDialog

    with pytest.raises(EncodingNeeded) as needed:
        decode("Crème brûlée for 12 patients".encode("cp1252"), "menu.txt")
    dialog = EncodingDialog(needed.value)
    qtbot.addWidget(dialog)
    rows = [dialog.choices.item(i).text() for i in range(dialog.choices.count())]
    assert rows[0].startswith("cp1252") and "Crème brûlée" in rows[0]
    assert any(r.startswith("cp1250") and "Crčme" in r for r in rows)
    dialog.choices.setCurrentRow(1)
    assert dialog.answer() == ("latin-1", False)
    dialog.for_all.setChecked(True)
    assert dialog.answer() == ("latin-1", True)


def test_the_hostile_html_page_displays_without_reading_a_file(qtbot, window, session, interaction):
    import sys

    opened = []
    active = [True]

    def audit(event, args):
        if (
            active[0]
            and event == "open"
            and args
            and isinstance(args[0], str)
            and args[0].startswith(("/etc/", "/dev/zero"))
        ):
            opened.append(args[0])

    sys.addaudithook(audit)
    try:
        interaction.open_paths = [str(FIXTURES / "hostile.html")]
        window.actions["import_documents"].trigger()
        window.reader.viewport().repaint()
        link = window.reader.text.index("local file")
        qtbot.mouseClick(
            window.reader.viewport(), Qt.MouseButton.LeftButton, pos=window.reader.rect_for_offset(link + 2).center()
        )
        assert window.reader.document().allFormats()  # laid out and painted
        assert opened == []
        assert "Figure 1" in window.reader.text and "document.location" not in window.reader.text
    finally:
        active[0] = False


def test_a_running_search_is_stopped_in_the_database_by_esc(qtbot, window, session, monkeypatch):
    from curator.core.search import SearchService

    def endless(self, query, limit=100):  # a statement that would run for minutes
        sql = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
        self.session.database.execute_sql(sql)
        return []

    monkeypatch.setattr(SearchService, "search", endless)
    window.actions["search_all"].trigger()
    panel = window.search_panel
    qtbot.keyClicks(panel.query, "anything")
    qtbot.keyClick(panel.query, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.worker is not None and panel.worker.connection is not None, timeout=5000)
    assert panel.is_searching() and panel.count.text().startswith("Searching")
    window.documents_dock.raise_()  # the window answers while the search runs
    qtbot.keyClick(panel.query, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not panel.is_searching(), timeout=5000)
    qtbot.waitUntil(lambda: panel.count.text() == "Search stopped.", timeout=5000)
