"""The reader formats claims only for blocks that have come into view: what is on screen must be
painted exactly, at every scroll position, and an off-screen claim must appear when scrolled to."""

import random

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat

from curator.ui.reader import Highlight, ReaderView

WORDS = ["gut", "brain", "axis", "relapse", "cohort", "trial", "placebo", "barrier", "vagus", "serotonin", "outcome"]


def busy_text(rng: random.Random, paragraphs: int = 600) -> str:
    """Paragraphs of prose with a non-BMP character now and then (UTF-16 and code points differ)."""
    out = []
    for _ in range(paragraphs):
        words = [rng.choice(WORDS) for _ in range(rng.randint(20, 60))]
        if rng.random() < 0.3:
            words.insert(rng.randrange(len(words)), "\U0001d49c")
        out.append(" ".join(words).capitalize() + ".")
    return "\n\n".join(out)


def disjoint_claims(rng: random.Random, text: str, count: int) -> list[Highlight]:
    """Claims that neither touch nor overlap, so each character's fill names exactly one claim."""
    starts = sorted(rng.sample(range(0, len(text) - 200, 200), count))
    return [Highlight(i + 1, s, s + rng.randint(5, 150), i % 6) for i, s in enumerate(starts)]


def painted_at(reader: ReaderView, offset: int) -> QTextCharFormat:
    """What the layout holds at an offset now, without formatting anything (unlike highlight_format_at)."""
    u = reader._map.to_utf16(offset)
    block = reader.document().findBlock(u)
    for fr in block.layout().formats():
        if fr.start <= u - block.position() < fr.start + fr.length:
            return QTextCharFormat(fr.format)
    return QTextCharFormat()


def filled(fmt: QTextCharFormat) -> bool:
    return fmt.background().style() != Qt.BrushStyle.NoBrush


def on_screen(reader: ReaderView, offset: int) -> bool:
    rect = reader.rect_for_offset(offset)
    return rect.top() >= 0 and rect.bottom() <= reader.viewport().height()


def inside(reader: ReaderView, h: Highlight) -> list[int]:
    """The claim's characters that can be painted (a paragraph break has no glyph to fill)."""
    return [o for o in range(h.start, h.end) if reader.text[o] != "\n"]


def in_view(reader: ReaderView, h: Highlight) -> bool:
    """Some of the claim is on screen."""
    return (
        reader.rect_for_offset(h.start).top() < reader.viewport().height()
        and reader.rect_for_offset(h.end).bottom() > 0
    )


def assert_exact(reader: ReaderView, h: Highlight) -> None:
    """Filled on [start, end) and not one character more, as painted now."""
    assert all(filled(painted_at(reader, o)) for o in inside(reader, h)), h
    assert not filled(painted_at(reader, h.end)), h
    assert h.start == 0 or not filled(painted_at(reader, h.start - 1)), h


@pytest.fixture
def busy(qtbot):
    rng = random.Random(7)
    text = busy_text(rng)
    claims = disjoint_claims(rng, text, 400)
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.resize(700, 500)
    reader.show()
    qtbot.waitExposed(reader)
    reader.set_text(text, (), claims)
    return reader, claims


def test_the_claims_on_screen_are_painted_exactly_after_opening(busy, qtbot):
    reader, claims = busy
    reader.viewport().repaint()
    visible = [h for h in claims if on_screen(reader, h.start) and on_screen(reader, h.end)]
    assert visible
    for h in visible:
        assert_exact(reader, h)


def test_a_claim_far_down_is_formatted_only_when_scrolled_to_then_exactly(busy, qtbot):
    reader, claims = busy
    far = claims[-3]
    assert not filled(painted_at(reader, far.start))  # opening did not format the whole document
    reader.scroll_to(far.start)
    assert on_screen(reader, far.start)
    assert_exact(reader, far)
    # every claim now on screen is painted too, not only the one scrolled to
    for h in claims:
        if on_screen(reader, h.start) and on_screen(reader, h.end):
            assert_exact(reader, h)


def test_scrolling_with_the_scroll_bar_paints_what_comes_into_view(busy, qtbot):
    reader, claims = busy
    bar = reader.verticalScrollBar()
    for value in (1 / 3, 1 / 2, 9 / 10):  # of the range as it is then: it grows as Qt lays the text out
        bar.setValue(int(bar.maximum() * value))
        reader.viewport().repaint()
        shown = [h for h in claims if in_view(reader, h)]
        assert shown, value
        for h in shown:
            assert_exact(reader, h)


def test_a_claim_changed_off_screen_appears_at_its_new_place_when_scrolled_to(busy, qtbot):
    reader, claims = busy
    far = claims[-10]
    reader.scroll_to(far.start)  # formatted once, then scrolled away and changed
    reader.scroll_to(0)
    moved = Highlight(far.claim_id, far.start + 3, far.end + 2, 2)
    reader.update_highlights([moved])
    reader.scroll_to(moved.start)
    assert_exact(reader, moved)
    gone = claims[-20]
    reader.update_highlights([], {gone.claim_id})
    reader.scroll_to(gone.start)
    assert not any(filled(painted_at(reader, o)) for o in range(gone.start, gone.end))


def selected_marks(reader: ReaderView) -> list[tuple[int, int, bool]]:
    """The extra selections drawn over the fills, in code points, and whether each is underlined."""
    return [
        (reader._map.from_utf16(m.cursor.selectionStart()), reader._map.from_utf16(m.cursor.selectionEnd()),
         m.format.fontUnderline())
        for m in reader.extraSelections()
    ]  # fmt: skip


def test_selecting_an_off_screen_claim_scrolls_and_paints_it_selected(busy, qtbot):
    reader, claims = busy
    far = claims[-5]
    reader.select_claim(far.claim_id)
    assert on_screen(reader, far.start)
    assert selected_marks(reader) == [(far.start, far.end, True)]  # drawn darker and underlined, exactly
    assert all(reader.highlight_format_at(o).fontUnderline() for o in inside(reader, far))
    assert not reader.highlight_format_at(far.end).fontUnderline()
    assert_exact(reader, far)  # its own fill stays under the mark
    reader.select_claim(claims[0].claim_id)  # back at the top: the far claim is no longer selected
    assert selected_marks(reader) == [(claims[0].start, claims[0].end, True)]
    reader.scroll_to(far.start)
    assert not reader.highlight_format_at(far.start).fontUnderline() and filled(painted_at(reader, far.start))


def test_the_selected_claim_follows_its_claim_and_keeps_the_find_bars_mark(busy, qtbot):
    from PySide6.QtGui import QTextCursor
    from PySide6.QtWidgets import QTextEdit

    reader, claims = busy
    h = claims[3]
    reader.select_claim(h.claim_id)
    hit = QTextEdit.ExtraSelection()
    hit.cursor = QTextCursor(reader.document())
    hit.cursor.setPosition(5)
    hit.cursor.setPosition(9, QTextCursor.MoveMode.KeepAnchor)
    reader.setExtraSelections([hit])  # as the find bar marks its current hit
    assert selected_marks(reader) == [(h.start, h.end, True), (5, 9, False)]
    moved = Highlight(h.claim_id, h.start + 2, h.end + 1, h.type_index)
    reader.update_highlights([moved])
    assert selected_marks(reader) == [(moved.start, moved.end, True), (5, 9, False)]
    reader.setExtraSelections([])
    assert selected_marks(reader) == [(moved.start, moved.end, True)]
    reader.update_highlights([], {h.claim_id})
    assert selected_marks(reader) == [] and reader.selected_claim() == h.claim_id


def test_highlight_format_at_tells_what_is_painted_on_screen(busy, qtbot):
    reader, claims = busy
    reader.scroll_to(claims[len(claims) // 2].start)
    for h in claims:
        if on_screen(reader, h.start):
            for offset in (h.start, h.end - 1, h.end):
                assert reader.highlight_format_at(offset) == painted_at(reader, offset)


def test_dark_theme_and_reading_settings_keep_the_claims_on_screen_painted(busy, qtbot):
    reader, claims = busy
    far = claims[len(claims) // 2]
    reader.scroll_to(far.start)
    reader.set_dark(True)
    assert_exact(reader, far)
    reader.apply_reading(15.0, 70, 170, True)
    reader.scroll_to(far.start)
    assert_exact(reader, far)


def test_formatting_while_qt_still_lays_the_text_out_leaves_every_block_laid_out(busy, qtbot):
    # Qt lays a long text out in steps after opening; a block formatted in between once ended that
    # layout early and left the rest of the document without lines (and out of the scroll range).
    reader, _ = busy
    bar = reader.verticalScrollBar()
    bar.setValue(bar.maximum() // 2)
    reader.viewport().repaint()
    qtbot.wait(50)
    assert all(reader.document().findBlockByNumber(n).layout().lineCount() > 0 for n in (0, 300, 1000))
    assert reader.document().lastBlock().layout().lineCount() > 0
    end = len(reader.text) - 1
    reader.scroll_to(end)
    assert on_screen(reader, end)


def test_stacked_underlines_are_drawn_under_every_line_of_every_overlapping_claim(qtbot, monkeypatch):
    """The underlines are drawn only on the lines a claim is on: the same pixels as walking every line."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor

    import curator.ui.reader as reader_module
    from curator.ui import claim_colours
    from curator.ui.reader_paint import _x

    def every_line(painter, blocks, by_block, lanes, dx, dy, segments=None):  # the reference: each span, each line
        for block, rect in blocks:
            layout, base = block.layout(), block.position()
            for claim_id, start, end, type_index in by_block.get(block.blockNumber(), ()):
                if claim_id not in lanes:
                    continue
                lo, hi = max(start - base, 0), min(end - base, block.length() - 1)
                for i in range(layout.lineCount()):
                    line = layout.lineAt(i)
                    a, b = max(lo, line.textStart()), min(hi, line.textStart() + line.textLength())
                    if b > a:
                        x1, x2 = _x(line, a), _x(line, b)
                        y = rect.top() + dy + line.y() + line.ascent() + line.descent() + 1 + 3 * lanes[claim_id]
                        painter.fillRect(
                            QRectF(rect.left() + dx + x1, y, x2 - x1, 2), QColor(claim_colours.hue(type_index))
                        )

    rng = random.Random(11)
    text = busy_text(rng, 40)
    claims = [Highlight(i + 1, s, s + rng.randint(10, 700), i % 6) for i, s in enumerate(rng.sample(range(3000), 60))]
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.resize(700, 900)
    reader.show()
    qtbot.waitExposed(reader)
    reader.set_text(text, (), claims)
    assert reader.overlap_lanes()
    for value in (0, reader.verticalScrollBar().maximum() // 4):
        reader.verticalScrollBar().setValue(value)
        drawn = reader.viewport().grab().toImage()
        again = reader.viewport().grab().toImage()  # from the pieces of line kept by the first paint
        monkeypatch.setattr(reader_module, "paint_underlines", every_line)
        expected = reader.viewport().grab().toImage()
        monkeypatch.undo()
        assert drawn == expected and again == expected, value
    reader.resize(560, 900)  # lines break elsewhere: the kept pieces of line are measured again
    drawn = reader.viewport().grab().toImage()
    monkeypatch.setattr(reader_module, "paint_underlines", every_line)
    expected = reader.viewport().grab().toImage()
    monkeypatch.undo()
    assert drawn == expected
