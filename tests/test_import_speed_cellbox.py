"""The cheaper cell-box pre-check (curator/io/xlsx_cellbox.py) refuses every placement calamine would
allocate for, including the ones the per-reference regex it replaced let through, and reads a real
export's extent the same on its fast path as tag by tag."""

import random
import re
import time
import zipfile

import pytest

from curator.io import xlsx_cellbox
from curator.io.xlsx_cellbox import CellBox, cell_box
from curator.io.xlsx_export import export_xlsx
from curator.io.xlsx_read import WorkbookError, read_sheet
from tests.xlsx_handmade import write_xlsx

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def sheet(rows: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS} xmlns:x="{NS[7:-1]}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Quote</t></is></c></row>'
        f"{rows}</sheetData></worksheet>"
    )


FAR = {
    # each was read by calamine as a cell at (or beyond) XFD1048576; the first four were not seen by the old regex
    "lower case": '<row r="2"><c r="xfd1048576"><v>1</v></c></row>',
    "no space before r": '<row r="2"><c r="A2"r="XFD1048576"><v>1</v></c></row>',
    "second r": '<row r="2"><c r="A2" r="XFD1048576"><v>1</v></c></row>',
    "five letters": '<row r="2"><c r="AAAAA2"><v>1</v></c></row>',
    "spaces and quotes": "<row r='2'><c t='n'\n r =\t'XFD1048576'><v>1</v></c></row>",
    "prefixed cell": '<row r="2"><x:c r="XFD1048576"><x:v>1</x:v></x:c></row>',
    # no r at all: the row says where, counting says which column
    "counted cells": '<row r="1048576">' + "<c><v>1</v></c>" * 40 + "</row>",
    "counted after a reference": '<row r="2"><c r="XFD2"><v>1</v></c><c><v>2</v></c></row>',  # column 16,385
}


@pytest.mark.parametrize("rows", FAR.values(), ids=FAR.keys())
def test_far_cells_in_any_spelling_are_refused_before_calamine(tmp_path, rows):
    path = tmp_path / "far.xlsx"
    write_xlsx(path, [], sheet=sheet(rows))
    started = time.monotonic()
    with pytest.raises(WorkbookError, match="far.xlsx") as caught:
        read_sheet(path)
    assert "damaged or built to exhaust memory" in str(caught.value)
    assert time.monotonic() - started < 5


def test_a_sheet_part_with_any_name_in_the_sheet_folders_is_checked(tmp_path):
    path = tmp_path / "named.xlsx"
    write_xlsx(path, [], sheet=sheet(""))
    far = sheet('<row r="2"><c r="XFD1048576"><v>1</v></c></row>')
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/worksheets/sheet2.bin", far)
        z.writestr("xl/chartsheets/sheet3", far)
    with pytest.raises(WorkbookError, match="damaged or built to exhaust memory"):
        read_sheet(path)


def test_text_that_looks_like_a_reference_is_not_a_cell(tmp_path):
    path = tmp_path / "text.xlsx"
    text = "see r=\"XFD1048576\" and r = 'ZZZ9'"
    write_xlsx(path, [["Quote"], [text]])
    assert read_sheet(path).rows == [(2, [text])]


def test_a_run_without_tags_longer_than_any_cell_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_cellbox, "MAX_RUN", 1000)
    monkeypatch.setattr(xlsx_cellbox, "CHUNK", 256)
    path = tmp_path / "run.xlsx"
    write_xlsx(path, [], sheet=sheet("") + "x" * 5000)
    with zipfile.ZipFile(path) as z, pytest.raises(xlsx_cellbox.CellBoxError):
        cell_box(z, z.getinfo("xl/worksheets/sheet1.xml"))


def test_the_fast_path_reads_an_export_as_the_tag_walk_does(session, tmp_path, monkeypatch):
    path = tmp_path / "out.xlsx"
    export_xlsx(session, path)
    monkeypatch.setattr(xlsx_cellbox, "CHUNK", 4096)  # many chunks, cut at tags
    with zipfile.ZipFile(path) as z:
        for member in z.infolist():
            if not member.filename.startswith("xl/worksheets/"):
                continue
            fast = CellBox()
            walked = CellBox()
            walked.walking = True
            data = z.read(member)
            fast.feed(data)
            walked.feed(data)
            assert not fast.walking, member.filename  # Curator's own exports take the fast path
            assert fast.extent() == walked.extent() == cell_box(z, member)


def canonical_sheet(rows: int, odd_row: int, odd_cell: str) -> str:
    """A sheet as Curator writes one (every cell <c r="…">), one cell in the middle placed far away."""
    body = []
    for r in range(1, rows + 1):
        cells = "".join(f'<c r="{col}{r}" t="n"><v>{r}</v></c>' for col in ("A", "B", "C"))
        if r == odd_row:
            cells += f'<c r="{odd_cell}" t="n"><v>1</v></c>'
        body.append(f'<row r="{r}">{cells}</row>')
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData>{"".join(body)}</sheetData></worksheet>'


@pytest.mark.parametrize("odd_cell", ["XFD1500", "A1048577", "B0", "AAAA1500", "xfd1500"])
def test_a_far_cell_between_the_first_and_last_rows_is_found(tmp_path, odd_cell):
    path = tmp_path / "middle.xlsx"
    write_xlsx(path, [], sheet=canonical_sheet(3000, 1500, odd_cell))  # far more than the rows the box is seeded from
    with zipfile.ZipFile(path) as z:
        data = z.read("xl/worksheets/sheet1.xml")
    assert len(data) > 2 * xlsx_cellbox.SEED
    if odd_cell == "B0":  # not a cell calamine can place (it refuses the file); the box stays small
        box = CellBox()
        box.feed(data)
        assert box.extent()[2:] == (3000, 3)
        return
    with pytest.raises(WorkbookError, match="damaged or built to exhaust memory"):
        read_sheet(path)


def test_the_box_patterns_match_exactly_their_ranges():
    rnd = random.Random(15)
    for _ in range(500):
        low = rnd.randint(1, 10 ** rnd.randint(1, 7))
        high = low + rnd.randint(0, 10 ** rnd.randint(0, 7))
        pattern = re.compile(xlsx_cellbox.numbers_between(low, high))
        for text in (str(low), str(high), str(low - 1), str(high + 1), f"0{low}", str(rnd.randint(0, 2 * high)), "0"):
            assert bool(pattern.fullmatch(text)) == (text[0] != "0" and low <= int(text) <= high), (low, high, text)
    for _ in range(100):
        left = rnd.randint(1, 2000)
        right = left + rnd.randint(0, 999)
        names = [xlsx_cellbox.column_letters(n).encode() for n in range(left, right + 1)]
        pattern = re.compile(b"(?:" + xlsx_cellbox._trie(names) + b")")
        for n in [*range(max(1, left - 30), right + 30), rnd.randint(1, 20000)]:
            assert bool(pattern.fullmatch(xlsx_cellbox.column_letters(n).encode())) == (left <= n <= right)
