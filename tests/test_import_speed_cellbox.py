"""The cheaper cell-box pre-check (curator/io/xlsx_cellbox.py) refuses every placement calamine would
allocate for, including the ones the per-reference regex it replaced let through, and reads a real
export's extent the same on its fast path as tag by tag."""

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
