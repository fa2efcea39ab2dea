"""The Page view (issue 14), driving real widgets: a two-column PDF opened in the window, F9 to its
pages, a word dragged on page 2, Ctrl+N, a type, Ctrl+S — the database holds exactly that word;
its box is drawn in its type's colour, a click on it selects the claim, F9 keeps the position, and
a PDF the renderer cannot read (or a renderer that dies) is a message in the view, not a dead app."""

from __future__ import annotations

import hashlib
import os
import signal
from array import array

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt

from curator.core.pages import NO_PAGE, PageLayout
from curator.core.records import NewDocument
from curator.ui import claim_colours
from tests.pdf_maker import article, make_pdf

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def layout_of(data: bytes) -> tuple[str, PageLayout]:
    """The canonical text (the page texts as pdfium reads them, one after another) and its layout,
    straight from pypdfium2's glyph boxes: what the import makes, without the import."""
    import pypdfium2
    import pypdfium2.raw as raw

    pdf = pypdfium2.PdfDocument(data)
    chars: list[str] = []
    pages, boxes = array("H"), array("f")
    sizes = []
    for index in range(len(pdf)):
        page = pdf[index]
        width, height = page.get_size()
        sizes.append((width, height))
        text = page.get_textpage()
        for i in range(text.count_chars()):
            ch = chr(raw.FPDFText_GetUnicode(text.raw, i))
            if ch == "\r":
                continue
            chars.append(ch)
            if raw.FPDFText_IsGenerated(text.raw, i) or ch.isspace():
                pages.append(NO_PAGE)
                boxes.extend((0.0, 0.0, 0.0, 0.0))
            else:
                left, bottom, right, top = text.get_charbox(i)
                pages.append(index)
                boxes.extend((left, height - top, right, height - bottom))
        chars.append("\n")
        pages.append(NO_PAGE)
        boxes.extend((0.0, 0.0, 0.0, 0.0))
    pdf.close()
    return "".join(chars), PageLayout(tuple(sizes), pages, boxes)


def two_column_pdf(tmp_path, n_pages: int = 2) -> bytes:
    return make_pdf(tmp_path / "article.pdf", article(n_pages)).read_bytes()


def add_pdf(session, data: bytes, title: str = "A two-column article") -> tuple[int, str, PageLayout]:
    text, layout = layout_of(data)
    new = NewDocument(
        title=title, text=text, sha256=hashlib.sha256(text.encode()).hexdigest(), file_name="article.pdf",
        format="pdf", pdf=data, pages=layout,
    )  # fmt: skip
    document_id, _ = session.documents.add(new)
    return document_id, text, layout


def wait_rendered(qtbot, view, page: int) -> None:
    qtbot.waitUntil(lambda: view.renderer.image(page) is not None or bool(view.message), timeout=15000)


def centre_of(view, page: int, box) -> QPoint:
    return view.box_rect(page, box).center().toPoint()


def drag(qtbot, widget, start: QPoint, end: QPoint) -> None:
    qtbot.mousePress(widget, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(widget, QPoint((start.x() + end.x()) // 2, start.y()))
    qtbot.mouseMove(widget, end)
    qtbot.mouseRelease(widget, Qt.MouseButton.LeftButton, pos=end)


@pytest.fixture
def pdf_window(qtbot, window, session, tmp_path):
    data = two_column_pdf(tmp_path)
    document_id, text, layout = add_pdf(session, data)
    window.team.poll()  # the change log's report of that document, taken now: later it reloads the pages
    window.documents.set_rows(session.documents.summaries())
    window.open_document(document_id)
    return window, document_id, text, layout


def test_a_word_dragged_on_page_two_becomes_a_claim_drawn_on_it(qtbot, pdf_window, session):
    window, document_id, text, layout = pdf_window
    assert window.pages.action.isEnabled()
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_F9)
    view = window.pages.view
    assert window.reader_stack.currentWidget() is view

    word = "p2 c1 line 5"  # a phrase in page 2's right-hand column
    start = text.index(word)
    end = start + len(word)
    assert layout.page_of(start) == 1
    view.reveal_offset(start)
    wait_rendered(qtbot, view, 1)
    assert not view.message
    (page, first), *_ = layout.boxes_for(start, start + 1)
    (_, last), *_ = layout.boxes_for(end - 1, end)
    a = view.box_rect(page, first)
    b = view.box_rect(page, last)
    drag(
        qtbot,
        view.viewport(),
        QPoint(int(a.left()) + 1, int(a.center().y())),
        QPoint(int(b.right()) - 1, int(b.center().y())),
    )
    assert view.selection == (start, end)
    assert window.reader.selection_range() == (start, end)  # the reader's selection: the one Ctrl+N reads
    assert window.actions["new_claim"].isEnabled()

    qtbot.keyClick(view, Qt.Key.Key_N, CTRL)
    assert window.form.mode == "new"
    qtbot.keyClick(window.form.first_field(), Qt.Key.Key_1, ALT)  # the first claim type
    qtbot.keyClick(window.form.first_field(), Qt.Key.Key_S, CTRL)
    claims = session.claims.for_document(document_id)
    assert len(claims) == 1
    claim = claims[0]
    assert (claim.anchor.start, claim.anchor.end) == (start, end)
    assert claim.anchor.exact == text[start:end] == word
    type_index = window.editor.type_keys.index(claim.values["claim_type"])

    view.grab()  # paint now
    drawn = [rect for claim_id, rect in view.painted if claim_id == claim.id]
    assert len(drawn) == 1 and drawn[0].contains(view.box_rect(page, first).center())
    assert view.selection is None  # the saved claim shows, not the selection over it

    # click elsewhere, then on the box: the claim is selected in the form, the pages mark it
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    window.form.clear()
    view.select_claim(None)
    # between "p2" and "c1" the paper is white: multiplied by the claim's tint, it is the tint exactly
    space = QPointF(
        (view.box_rect(page, layout.box(start + 1)).right() + view.box_rect(page, layout.box(start + 3)).left()) / 2,
        drawn[0].center().y(),
    )
    pixel = view.grab().toImage().pixelColor(space.toPoint())
    assert pixel.name().upper() == claim_colours.tint(type_index, False).upper()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=drawn[0].center().toPoint())
    assert window.form.claim_id == claim.id
    assert view.selected == claim.id


def test_the_toggle_keeps_the_position(qtbot, pdf_window):
    window, _document_id, text, layout = pdf_window
    line = text.index("p2 c0 line 20")
    window.reader.scroll_to(line)
    bar = window.reader.verticalScrollBar()
    bar.setValue(bar.value() + window.reader.rect_for_offset(line).top())
    top = window.reader.first_visible_offset()
    window.pages.toggle()
    view = window.pages.view
    assert view.visible_pages()[0] == layout.page_of(top) == 1
    y = view.box_rect(1, layout.box(text.index("p2 c0 line 20"))).top()
    assert 0 <= y < 60  # the same line at the top

    view.verticalScrollBar().setValue(int(view._tops[1]) + 1)  # page 2 at the top
    at = view.top_offset()
    assert layout.page_of(at) == 1
    window.pages.toggle()
    assert window.reader_stack.currentWidget() is window.text_pane
    top = window.reader.rect_for_offset(at).top()
    bar = window.reader.verticalScrollBar()
    assert top < 40 or bar.value() == bar.maximum()  # at the top, unless the text ends first
    assert 0 <= top < window.reader.viewport().height()


def test_f9_there_and_back_near_the_end_gives_the_page_as_it_was(qtbot, pdf_window):
    # near the end the Text view cannot scroll as far as the page was: coming back without moving
    # in the text must not jump to wherever the text's top line stands on the pages
    window, *_ = pdf_window
    window.pages.toggle()
    view = window.pages.view
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum())
    left_at = bar.value()
    window.pages.toggle()
    assert window.reader_stack.currentWidget() is window.text_pane
    window.pages.toggle()
    assert window.pages.view.verticalScrollBar().value() == left_at
    # after moving in the text, the pages follow the text instead
    window.pages.toggle()
    window.reader.verticalScrollBar().setValue(0)
    window.pages.toggle()
    assert window.pages.view.verticalScrollBar().value() < left_at


def test_zoom_keys_zoom_the_pages_when_they_have_the_focus(qtbot, pdf_window):
    window, *_ = pdf_window
    font = window.reading.font_pt
    window.pages.toggle()
    view = window.pages.view
    view.setFocus()
    fitted = view.zoom  # it opens with the page as wide as the view
    assert view.page_rect(0).width() <= view.viewport().width()
    qtbot.keyClick(view, Qt.Key.Key_Equal, CTRL)
    assert view.zoom == pytest.approx(fitted * 1.2)
    qtbot.keyClick(view, Qt.Key.Key_Minus, CTRL)
    qtbot.keyClick(view, Qt.Key.Key_Minus, CTRL)
    assert view.zoom == pytest.approx(fitted / 1.2)
    qtbot.keyClick(view, Qt.Key.Key_0, CTRL)
    assert view.zoom == pytest.approx(fitted)  # back to how the pages opened: as wide as the view
    assert window.reading.font_pt == font  # the Text view's type size did not change
    wait_rendered(qtbot, view, 0)


def test_a_garbage_pdf_is_a_message_in_the_view(qtbot, window, session, tmp_path):
    data = two_column_pdf(tmp_path)
    document_id, _, _ = add_pdf(session, data)
    window.documents.set_rows(session.documents.summaries())
    original = session.documents.pdf_bytes
    session.documents.pdf_bytes = lambda _id: b"%PDF-1.7 this is not a PDF at all"
    try:
        window.open_document(document_id)
        window.pages.toggle()
    finally:
        session.documents.pdf_bytes = original
    view = window.pages.view
    qtbot.waitUntil(lambda: bool(view.message), timeout=15000)
    assert "cannot be shown" in view.message
    assert window.isVisible()
    window.pages.toggle()  # the text is still there
    assert window.reader_stack.currentWidget() is window.text_pane


@pytest.mark.skipif(os.name != "posix", reason="kills the worker with a signal")
def test_a_renderer_that_dies_is_a_message_in_the_view(qtbot, pdf_window):
    window, *_ = pdf_window
    window.pages.toggle()
    view = window.pages.view
    wait_rendered(qtbot, view, 0)
    os.kill(view.renderer.worker.process.pid, signal.SIGKILL)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum())  # asks for other pages
    qtbot.waitUntil(lambda: bool(view.message), timeout=15000)
    assert "signal" in view.message
    view.grab()  # still paints: placeholders, the claims, the message


def test_a_text_document_offers_no_page_view(qtbot, window, session):
    from tests.conftest import doc_id_by_file

    window.open_document(doc_id_by_file(session, "002"))
    assert not window.pages.action.isEnabled()
    window.pages.toggle()
    assert window.reader_stack.currentWidget() is window.text_pane
