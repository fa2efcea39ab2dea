"""Broken and hostile workbooks: one clear message each, bounded memory, nothing written."""

import subprocess
import sys
import zipfile

import pytest

from curator.io.claim_import import plan_import
from curator.io.xlsx_read import WorkbookError, read_sheet
from tests.conftest import doc_id_by_file
from tests.test_import import database_snapshot
from tests.xlsx_handmade import write_xlsx

pytestmark = pytest.mark.both_backends

HEADER = ["Claim ID", "Document", "Quote", "Notes"]
QUOTE = "highlighting variable effect sizes"


def rows(session, notes="fine"):
    return [HEADER, [None, doc_id_by_file(session, "002"), QUOTE, notes]]


def test_a_handmade_workbook_is_read(session, tmp_path):
    write_xlsx(tmp_path / "ok.xlsx", rows(session))
    plan = plan_import(session, tmp_path / "ok.xlsx")
    assert plan.ok and len(plan.new) == 1 and plan.new[0].draft.values["notes"] == "fine"


def test_a_40000_character_cell_is_named_and_nothing_is_written(session, tmp_path):
    before = database_snapshot()
    write_xlsx(tmp_path / "long.xlsx", rows(session, notes="n" * 40_000))
    plan = plan_import(session, tmp_path / "long.xlsx")
    assert [str(p) for p in plan.problems] == [
        "row 2, Notes: 40,000 characters, more than a spreadsheet cell holds (32,767); this file was not written by a spreadsheet program"
    ]
    assert not plan.new and database_snapshot() == before


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_bytes(b"Claim ID,Document\n1,x\n"), "is not an Excel workbook (.xlsx)"),
        (lambda p: p.write_bytes(b""), "is not an Excel workbook (.xlsx)"),
        (lambda p: zipfile.ZipFile(p, "w").writestr("hello.txt", "hi"), "is a zip file but not an Excel workbook"),
        (lambda p: p.write_bytes(b"PK\x03\x04" + b"\0" * 100), "is not an Excel workbook"),
    ],
)
def test_files_that_are_not_workbooks_are_refused_by_name(tmp_path, make, message):
    path = tmp_path / "claims.xlsx"
    make(path)
    with pytest.raises(WorkbookError, match="claims.xlsx") as caught:
        read_sheet(path)
    assert message in str(caught.value)


def test_a_decompression_bomb_is_refused_before_parsing(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    write_xlsx(bomb, [["Quote"], ["x"]])
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as z, z.open("xl/padding.xml", "w", force_zip64=True) as part:
        for _ in range(300):
            part.write(bytes(1024**2))
    assert bomb.stat().st_size < 1024**2  # 300 MB of zeros packs into well under a megabyte
    with pytest.raises(WorkbookError, match="decompression bomb"):
        read_sheet(bomb)


def test_a_workbook_that_unpacks_past_the_budget_is_refused(tmp_path, monkeypatch):
    import curator.io.xlsx_read as xlsx_read

    monkeypatch.setattr(xlsx_read, "MAX_UNCOMPRESSED_BYTES", 10_000)
    write_xlsx(tmp_path / "big.xlsx", [["Quote"]] + [[f"some text {i}"] for i in range(2000)])
    with pytest.raises(WorkbookError, match="unpacks to"):
        read_sheet(tmp_path / "big.xlsx")


def test_entity_declarations_are_refused_not_expanded(session, tmp_path):
    laughs = (
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
        '<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    )
    write_xlsx(tmp_path / "laughs.xlsx", [HEADER, [None, "x", "&lol3;&xxe;", None]], doctype=laughs)
    with pytest.raises(WorkbookError, match="declares XML entities"):
        read_sheet(tmp_path / "laughs.xlsx")


def test_a_lying_dimension_reads_the_real_rows_in_bounded_memory(session, tmp_path):
    path = tmp_path / "lying.xlsx"
    write_xlsx(path, rows(session), dimension="A1:XFD1048576")
    # in a child process, so its peak memory is its own
    code = (
        "import re; from curator.io.xlsx_read import read_sheet; "
        f"t = read_sheet({str(path)!r}); "
        "peak = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)) // 1024; "
        "print(len(t.rows), len(t.header), peak)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    n_rows, n_columns, peak_mb = map(int, out)
    assert (n_rows, n_columns) == (1, 4)
    assert peak_mb < 150, f"peak memory {peak_mb} MB for a two-row sheet"


def test_too_many_columns_is_refused(tmp_path):
    write_xlsx(tmp_path / "wide.xlsx", [[f"c{i}" for i in range(600)]])
    with pytest.raises(WorkbookError, match="600 columns"):
        read_sheet(tmp_path / "wide.xlsx")


def test_an_empty_sheet_is_named(tmp_path):
    write_xlsx(tmp_path / "empty.xlsx", [])
    with pytest.raises(WorkbookError, match="empty"):
        read_sheet(tmp_path / "empty.xlsx")


def test_a_part_that_unpacks_past_its_declared_size_is_refused(tmp_path):
    import re
    import struct

    path = tmp_path / "lying-zip.xlsx"
    write_xlsx(path, [["Quote"]] + [["x" * 100] for _ in range(20_000)])
    real = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size
    data = bytearray(path.read_bytes())
    for found in re.finditer(re.escape(struct.pack("<I", real)), bytes(data)):  # local header and directory
        data[found.start() : found.start() + 4] = struct.pack("<I", 1000)
    path.write_bytes(bytes(data))
    assert zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size == 1000
    with pytest.raises(WorkbookError, match="does not unpack to what the file declares"):
        read_sheet(path)
