"""Claim fills are set on the reader's block layouts directly: nested and crossing claims must read
back (and paint) as the innermost claim's fill, exactly where each claim is."""

from itertools import pairwise

from PySide6.QtCore import Qt

from curator.ui import claim_colours
from curator.ui.reader import Highlight, ReaderView
from curator.ui.reader_spans import block_starts


def fill_colour(reader: ReaderView, offset: int):
    brush = reader.highlight_format_at(offset).background()
    return None if brush.style() == Qt.BrushStyle.NoBrush else brush


def test_a_nested_claim_is_filled_over_the_one_around_it_and_only_there(qtbot):
    text = "Alpha beta gamma delta epsilon zeta eta theta.\n\nIota kappa lambda mu."
    outer = Highlight(1, 6, 36, 0)  # "beta … zeta"
    inner = Highlight(2, 17, 22, 1)  # "delta"
    crossing = Highlight(3, 30, 40, 2)  # from inside the outer claim past its end
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.resize(700, 400)
    reader.show()
    reader.set_text(text, (), [inner, crossing, outer])
    fills = {i: claim_colours.fill_brush(i, False) for i in range(3)}
    assert fill_colour(reader, 5) is None
    assert fill_colour(reader, 6) == fills[0] and fill_colour(reader, 16) == fills[0]
    assert all(fill_colour(reader, o) == fills[1] for o in range(17, 22))
    assert fill_colour(reader, 22) == fills[0]
    # the crossing claim is shorter than the outer one, so it is drawn over it where they meet
    assert all(fill_colour(reader, o) == fills[2] for o in range(30, 40))
    assert fill_colour(reader, 40) is None
    ranges = [(r.start, r.length) for r in reader.document().firstBlock().layout().formats()]
    assert ranges == sorted(ranges) and all(a + n <= b for (a, n), (b, _) in pairwise(ranges))


def test_block_starts_are_where_qt_starts_its_blocks(qtbot):
    reader = ReaderView()
    qtbot.addWidget(reader)
    for text in ("", "one", "one\ntwo\n", "\n\nthree\u2029four\nfive", "a\u2029\u2029b\n"):
        reader.set_text(text)
        document = reader.document()
        qt = [document.findBlockByNumber(n).position() for n in range(document.blockCount())]
        assert block_starts(text) == qt, text
