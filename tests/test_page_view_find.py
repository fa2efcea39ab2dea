"""The Page view, continued (issue 14): Ctrl+F / F3 matches drawn on the pages and brought into view,
the Page/Text choice remembered in the settings, a drag held near an edge scrolling, and Page → Text
on a two-column page opening at the first character (in reading order) at the top of the view."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt

from tests.pdf_maker import article, make_pdf, page
from tests.test_page_view import add_pdf, two_column_pdf, wait_rendered

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def open_pdf(window, session, data: bytes):
    document_id, text, layout = add_pdf(session, data)
    # The change log reports the document added behind the window's back: take that report now, or the
    # team poll takes it during the test and reloads the pages at the top.
    window.team.poll()
    window.documents.set_rows(session.documents.summaries())
    window.open_document(document_id)
    return document_id, text, layout


@pytest.fixture
def pages(qtbot, window, session, tmp_path):
    """A two-page, two-column PDF shown in the Page view, at the top of page 1."""
    _, text, layout = open_pdf(window, session, two_column_pdf(tmp_path))
    window.pages.toggle()
    view = window.pages.view
    assert window.reader_stack.currentWidget() is view
    view.verticalScrollBar().setValue(0)
    return window, view, text, layout


def spans_of(text: str, needle: str) -> list[tuple[int, int]]:
    out, at = [], text.find(needle)
    while at >= 0:
        out.append((at, at + len(needle)))
        at = text.find(needle, at + 1)
    return out


def mean_lightness(image, rect) -> float:
    r = rect.toRect().adjusted(3, 3, -3, -3)  # inside the current match's outline
    values = [
        image.pixelColor(x, y).lightness() for x in range(r.left(), r.right()) for y in range(r.top(), r.bottom())
    ]
    return sum(values) / len(values)


def test_ctrl_f_marks_the_matches_on_the_pages_and_f3_moves_to_the_next(qtbot, pages):
    window, view, text, layout = pages
    needle = "p2 c1 line 3"  # lines 3 and 30–39 of page 2's right-hand column: 11 matches, none on page 1
    hits = spans_of(text, needle)
    assert len(hits) == 11 and {layout.page_of(s) for s, _ in hits} == {1}
    assert 1 not in view.visible_pages()

    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_F, CTRL)
    assert window.find_bar.isVisible()
    qtbot.keyClicks(window.find_bar.edit, needle)
    assert window.find_bar.status.text() == "1 of 11"  # unchanged
    assert window.reader_stack.currentWidget() is view  # the find did not leave the Page view
    assert view.find_current == hits[0] and view.find_spans == tuple(hits)
    assert 1 in view.visible_pages() and view.offset_in_view(hits[0][0])  # scrolled to page 2

    view.grab()  # paint now
    drawn = {span for span, _ in view.painted_hits}
    assert hits[0] in drawn
    current = [rect for span, rect in view.painted_hits if span == hits[0]]
    assert current and all(view.viewport().rect().contains(r.center().toPoint()) for r in current)
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_F3)
    assert window.find_bar.status.text() == "2 of 11"
    assert view.find_current == hits[1] and view.offset_in_view(hits[1][0])
    view.reveal_offset(hits[1][0])  # line 30 a third of the way down: lines 31–39 on screen below it
    wait_rendered(qtbot, view, 1)
    image = view.grab().toImage()  # paints painted_hits anew
    now = [rect for span, rect in view.painted_hits if span == hits[1]]
    plain = text.index("p2 c0 line 30")  # the same words, unmarked, in the left-hand column
    plain_line = view.box_rect(1, layout.boxes_for(plain, plain + len(needle))[0][1]).adjusted(-1, -1, 1, 1)
    screen = view.viewport().rect()
    others = [rect for span, rect in view.painted_hits if span != hits[1] and screen.contains(rect.toRect())]
    assert others  # the other matches on screen are marked too, lighter than the current one
    assert mean_lightness(image, now[0]) < mean_lightness(image, others[0]) < mean_lightness(image, plain_line)

    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_F3, SHIFT)
    assert window.find_bar.status.text() == "1 of 11"
    assert view.find_current == hits[0]

    view.verticalScrollBar().setValue(0)  # away from the match: F3 brings the next one back
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_F3)
    assert view.find_current == hits[1] and view.offset_in_view(hits[1][0])

    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Escape)
    assert view.find_spans == () and view.find_current is None


def test_a_fresh_find_in_the_page_view_starts_at_its_top(qtbot, pages):
    window, view, text, layout = pages
    needle = "c0 line 17 "  # on both pages
    hits = spans_of(text, needle)
    assert [layout.page_of(s) for s, _ in hits] == [0, 1]
    view.verticalScrollBar().setValue(int(view._tops[1]))  # page 2 at the top, the reader's caret on page 1
    window.find_bar.open_bar()
    qtbot.keyClicks(window.find_bar.edit, needle)
    assert window.find_bar.status.text() == "2 of 2"
    assert view.find_current == hits[1] and 1 in view.visible_pages()


def test_matches_found_in_the_text_view_show_when_the_pages_open(qtbot, window, session, tmp_path):
    _, text, _ = open_pdf(window, session, two_column_pdf(tmp_path))
    window.find_bar.open_bar()
    qtbot.keyClicks(window.find_bar.edit, "p1 c1 line 2")
    window.pages.toggle()
    assert window.pages.view.find_current == spans_of(text, "p1 c1 line 2")[0]


def test_the_page_or_text_choice_survives_a_new_window(qtbot, window, session, settings, interaction, tmp_path):
    from curator.ui.main_window import MainWindow

    document_id, _, _ = open_pdf(window, session, two_column_pdf(tmp_path))
    assert window.reader_stack.currentWidget() is window.text_pane  # the first time: the text
    window.pages.toggle()

    def reopened():
        other = MainWindow(session, settings, interaction)
        qtbot.addWidget(other)
        other.resize(1200, 800)
        other.show()
        other.open_document(document_id)
        return other

    second = reopened()
    assert second.pages.view is not None and second.reader_stack.currentWidget() is second.pages.view
    assert second.pages.action.isChecked()
    second.pages.toggle()  # back to the text: remembered too
    third = reopened()
    assert third.reader_stack.currentWidget() is third.text_pane


def test_a_drag_held_near_the_bottom_or_top_edge_scrolls(qtbot, pages):
    window, view, text, layout = pages
    bar = view.verticalScrollBar()
    bar.setValue(200)
    start = text.index("p1 c0 line 10")
    (page_, box), *_ = layout.boxes_for(start, start + 1)
    press = view.box_rect(page_, box).center().toPoint()
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=press)
    height = view.viewport().height()
    near_bottom = QPoint(press.x(), height - 6)  # inside the view, not past its edge
    qtbot.mouseMove(view.viewport(), QPoint(press.x(), press.y() + 20))
    qtbot.mouseMove(view.viewport(), near_bottom)
    moved = bar.value()
    assert moved > 200
    qtbot.waitUntil(lambda: bar.value() > moved + 40, timeout=3000)  # on while held there
    selection = view.selection
    assert selection is not None and selection[0] == start and selection[1] > start
    qtbot.mouseMove(view.viewport(), QPoint(press.x(), height // 2))  # back in the middle: it stops
    still = bar.value()
    qtbot.wait(150)
    assert bar.value() == still
    qtbot.mouseMove(view.viewport(), QPoint(press.x(), 4))  # near the top: back up
    qtbot.waitUntil(lambda: bar.value() < still - 40, timeout=3000)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(press.x(), 4))
    after = bar.value()
    qtbot.wait(100)
    assert bar.value() == after  # released: no more scrolling
    assert window.reader.selection_range() == view.selection


def test_page_to_text_on_a_two_column_page_opens_at_the_first_character_below_the_top(qtbot, window, session, tmp_path):
    left = [f"left line {k} reads on" for k in range(8)]  # a short left column: the right one goes on below it
    right = [f"right line {k} reads on" for k in range(40)]
    pdf = [*article(1), page(left, right, number=2), *article(1)]  # a page after it: page 2 can scroll to the top
    data = make_pdf(tmp_path / "short.pdf", pdf).read_bytes()
    _, text, layout = open_pdf(window, session, data)
    window.pages.toggle()
    view = window.pages.view
    ppp = view.px_per_pt

    # the top edge below the left column's end, at a right-hand line: that line, not the left column's last
    line = text.index("right line 20 ")
    view.verticalScrollBar().setValue(int(view._tops[1] + layout.box(line)[1] * ppp) - 1)
    assert view.top_offset() == line
    window.pages.toggle()
    assert window.reader_stack.currentWidget() is window.text_pane
    top = window.reader.rect_for_offset(line).top()
    assert 0 <= top < 40
    assert window.reader.first_visible_offset() <= line

    # the top edge cutting through a left-hand line: the next whole one (left before right in reading order)
    window.pages.toggle()
    cut = text.index("left line 3 ")
    box = layout.box(cut)
    view.verticalScrollBar().setValue(int(view._tops[1] + (box[1] + box[3]) / 2 * ppp))
    assert view.top_offset() == text.index("left line 4 ")
