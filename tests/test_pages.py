"""PageLayout (issue 14): a PDF's canonical offsets ↔ page boxes, and its stored form."""

from __future__ import annotations

from array import array

from curator.core.pages import NO_PAGE, PageLayout, page_index


def layout() -> PageLayout:
    # "ab cd" on page 0 line 1 (y 10–20), "ef" on page 0 line 2 (y 30–40), then a break, "gh" on page 1
    chars = [
        (0, (10, 10, 20, 20)), (0, (20, 10, 30, 20)), (NO_PAGE, (0, 0, 0, 0)), (0, (40, 10, 50, 20)),
        (0, (50, 10, 60, 20)), (NO_PAGE, (0, 0, 0, 0)), (0, (10, 30, 20, 40)), (0, (20, 30, 30, 40)),
        (NO_PAGE, (0, 0, 0, 0)), (1, (10, 10, 20, 20)), (1, (20, 10, 30, 20)),
    ]  # fmt: skip
    pages = array("H", [p for p, _ in chars])
    boxes = array("f", [v for _, b in chars for v in b])
    return PageLayout(((600.0, 800.0), (600.0, 800.0)), pages, boxes)


def test_a_span_is_one_rectangle_per_line_per_page():
    assert layout().boxes_for(0, 11) == [
        (0, (10, 10, 60, 20)),
        (0, (10, 30, 30, 40)),
        (1, (10, 10, 30, 20)),
    ]
    assert layout().boxes_for(5, 6) == []  # a joining space stands on no glyph


def test_a_point_on_a_page_maps_to_the_nearest_offset():
    pl = layout()
    assert pl.offset_at(0, 12, 15) == 0  # inside "a", left half: before it
    assert pl.offset_at(0, 18, 15) == 1  # right half: after it
    assert pl.offset_at(0, 45, 35) == 8  # right of "ef" on its line: the caret after "f"
    assert pl.offset_at(1, 21, 12) == 10
    assert pl.offset_at(1, 5, 500) == 9
    assert pl.page_of(5) == 0 and pl.page_of(8) == 1
    starts = pl.page_starts()
    assert starts == [0, 9] and page_index(starts, 8) == 0 and page_index(starts, 9) == 1


def test_the_layout_survives_storage_exactly():
    pl = layout()
    again = PageLayout.from_bytes(pl.to_bytes())
    assert again == pl and again.page_count == 2 and len(again) == 11
