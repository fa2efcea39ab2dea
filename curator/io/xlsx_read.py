"""Read one sheet of a workbook someone else may have made, within budgets checked before parsing.

An .xlsx file is a zip of XML. A hostile one can declare gigabytes inside a few kilobytes (a
decompression bomb), claim a sheet of 16,384 × 1,048,576 cells in its <dimension>, or declare XML
entities that expand a billionfold. The zip's own directory is checked first; then the sheet is read
by python-calamine, which does not trust <dimension> and refuses entity declarations.

python-calamine allocates the bounding box of a sheet's cells at once and a shared-string table of
the declared `uniqueCount`, and aborts the process when that fails (one cell at XFD1048576: 550 GB;
`uniqueCount="2000000000"`: 48 GB). So calamine runs only in curator.io.sandbox's worker, and
before it sees the bytes `precheck_parts` refuses cell references and declared counts no real
workbook of this size could hold.
"""

from __future__ import annotations

import os
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curator.core.errors import CuratorError
from curator.io import sandbox
from curator.io.xlsx_cellbox import CellBoxError, cell_box

MAX_FILE_BYTES = 200 * 1024**2
MAX_UNCOMPRESSED_BYTES = 1024**3  # a 100,000-claim export unpacks to ~250 MB (bench/RESULTS.md)
MAX_RATIO = 100  # real sheets compress 5–20×; zeros or repeated text far more
RATIO_CHECK_FROM = 10 * 1024**2  # small parts may compress well; only large ones are checked
MAX_ROWS = 1_048_576  # Excel's own limit
MAX_COLUMNS = 500
CELL_LIMIT = 32_767
# calamine holds every cell of the bounding box (about 32 bytes each): 30 million cells is about 1 GB,
# thirty times a 100,000-claim export, and a bomb far below the 550 GB that aborted the app.
MAX_CELLS = 30_000_000
MAX_COLUMN = 16_384  # XFD, Excel's last column
_SHEET_FOLDERS = ("xl/worksheets/", "xl/chartsheets/", "xl/dialogsheets/")


class WorkbookError(CuratorError):
    """The workbook cannot be read; the message names the file and what to do."""


@dataclass
class SheetTable:
    """The rows of one sheet as plain values: header texts, then (row number, cells) pairs."""

    path: Path
    sheet: str
    header: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)


def check_zip(path: Path) -> None:
    """Refuse anything that is not a plausible .xlsx before a parser sees it."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise WorkbookError(f"cannot read {name}: {exc.strerror or exc}") from exc
    if size > MAX_FILE_BYTES:
        raise WorkbookError(
            f"{name} is {size / 1024**2:,.0f} MB; workbooks up to {MAX_FILE_BYTES // 1024**2} MB can be imported"
        )
    if not zipfile.is_zipfile(path):
        raise WorkbookError(
            f"{name} is not an Excel workbook (.xlsx); in your spreadsheet program use Save As → Excel 2007-365 (.xlsx)"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbookError(f"{name} is damaged ({exc}); save it again from your spreadsheet program") from exc
    names = {m.filename for m in members}
    if "xl/workbook.xml" not in names:
        raise WorkbookError(f"{name} is a zip file but not an Excel workbook (.xlsx)")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise WorkbookError(
            f"{name} unpacks to {total / 1024**2:,.0f} MB, more than the {MAX_UNCOMPRESSED_BYTES // 1024**2:,} MB Curator reads; "
            "it is either far larger than a claims export or built to exhaust memory"
        )
    for m in members:
        if m.file_size > RATIO_CHECK_FROM and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            raise WorkbookError(
                f"{name}: part {m.filename} expands {m.file_size // max(m.compress_size, 1):,}-fold "
                f"({m.file_size / 1024**2:,.0f} MB); that is a decompression bomb, not a spreadsheet"
            )


def read_sheet(path: str | os.PathLike, preferred: str = "Claims") -> SheetTable:
    """The `preferred` sheet (any case), else the first; header is its first non-empty row."""
    path = Path(path)
    sandbox.check_regular_file(path, error=WorkbookError)
    check_zip(path)
    return sandbox.run(
        _read_sheet, path, preferred, name=path.name, error=WorkbookError, limits=sandbox.limits_for(path)
    )


def precheck_parts(path: Path) -> None:
    """Refuse the shapes known to make calamine allocate without bound, reading the XML in chunks."""
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        total = sum(m.file_size for m in members)
        for m in members:
            lower = m.filename.lower()
            try:
                if lower.endswith("sharedstrings.xml"):
                    _check_shared_strings(path.name, archive, m, total)
                elif lower.startswith(_SHEET_FOLDERS):  # calamine opens a sheet by any name its workbook gives
                    _check_cell_box(path.name, archive, m)
            # zipfile's words for a lying size (Bad CRC-32), an unknown method, an encrypted part
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, zlib.error) as exc:
                raise WorkbookError(
                    f"{path.name} cannot be read as a workbook (part {m.filename} does not unpack to what the file "
                    f"declares ({str(exc)[:100]}): it is damaged or built to exhaust memory)"
                ) from None


def _check_shared_strings(name: str, archive: zipfile.ZipFile, member: zipfile.ZipInfo, total: int) -> None:
    import xml.parsers.expat

    found: dict[str, str] = {}

    class Stop(Exception):
        pass

    def start(tag, attrs):
        found.update(attrs)
        raise Stop

    def refuse(*_):
        raise WorkbookError(
            f"{name} cannot be read as a workbook (it declares XML entities, which no spreadsheet program writes)"
        )

    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = refuse  # no DTD, so no entity is ever defined, let alone expanded
    with archive.open(member) as part:
        try:
            while chunk := part.read(4096):
                parser.Parse(chunk, False)
                if part.tell() > 1 << 20:  # the root element comes first; a megabyte of preamble is not XML from Excel
                    break
        except Stop:
            pass
        except xml.parsers.expat.ExpatError as exc:
            raise WorkbookError(f"{name}: part {member.filename} is damaged ({exc}); save it again as .xlsx") from None
    # Every shared string takes at least a few bytes of XML, every use of one a cell in some sheet.
    for attr, most in (("uniqueCount", member.file_size // 4), ("count", total // 4)):
        declared = found.get(attr, "0").strip()
        if not declared.isdigit() or int(declared) > most + 1000:
            raise WorkbookError(
                f"{name}: part {member.filename} declares {declared[:20]} shared strings in "
                f"{member.file_size:,} bytes; that is damaged or built to exhaust memory, not a spreadsheet"
            )


def _check_cell_box(name: str, archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    try:
        extent = cell_box(archive, member)
    except CellBoxError as exc:
        raise WorkbookError(
            f"{name}: part {member.filename} is not a worksheet calamine can read safely ({exc}); "
            "that is damaged or built to exhaust memory, not a claims sheet"
        ) from None
    if extent is None:
        return
    top, left, bottom, right = extent
    cells = (bottom - top + 1) * (right - left + 1)
    if right > MAX_COLUMN or bottom > MAX_ROWS or cells > MAX_CELLS:
        raise WorkbookError(
            f"{name}: part {member.filename} places cells as far apart as row {bottom:,}, column {right:,} "
            f"({cells:,} cells to hold); that is damaged or built to exhaust memory, not a claims sheet"
        )


def _read_sheet(path: Path, preferred: str) -> SheetTable:
    """read_sheet's parsing, run only inside the sandbox's worker."""
    from python_calamine import CalamineError, CalamineWorkbook

    precheck_parts(path)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = workbook.sheet_names
        if not names:
            raise WorkbookError(f"{path.name} has no sheets")
        sheet_name = next((n for n in names if n.casefold() == preferred.casefold()), names[0])
        sheet = workbook.get_sheet_by_name(sheet_name)
        rows = sheet.iter_rows()
        table: SheetTable | None = None
        share: Any = {}.setdefault
        width = 0
        row_number = sheet.start[0] if sheet.start else 0
        for cells in rows:
            row_number += 1
            if row_number > MAX_ROWS:
                raise WorkbookError(f"{path.name}, sheet {sheet_name}: more than {MAX_ROWS:,} rows")
            if table is None:
                if any(_present(c) for c in cells):
                    header = [str(c).strip() if _present(c) else "" for c in cells]
                    while header and not header[-1]:
                        header.pop()
                    if len(header) > MAX_COLUMNS:
                        raise WorkbookError(
                            f"{path.name}, sheet {sheet_name}: {len(header):,} columns; a claims sheet has fewer than {MAX_COLUMNS}"
                        )
                    table = SheetTable(path, sheet_name, header)
                    width = len(header)
                continue
            # One object per distinct text: a sheet repeats titles, labels and choices on every row, and the
            # table is pickled back from the sandbox (half the bytes and half the unpickling at 30,000 rows).
            cells = [share(c, c) if c.__class__ is str else c for c in cells[:width]]
            if cells.count("") + cells.count(None) < len(cells):  # not every cell empty
                table.rows.append((row_number, cells))
    except CalamineError as exc:
        raise WorkbookError(
            f"{path.name} cannot be read as a workbook ({_reason(exc)}); open it in your spreadsheet program and save it again as .xlsx"
        ) from exc
    except (ValueError, OSError) as exc:  # python-calamine raises these for unreadable parts
        raise WorkbookError(f"{path.name} cannot be read as a workbook ({_reason(exc)})") from exc
    if table is None:
        raise WorkbookError(f"{path.name}, sheet {sheet_name} is empty")
    return table


def _present(value: Any) -> bool:
    return value is not None and value != ""


def _reason(exc: Exception) -> str:
    text = str(exc)
    if "entity" in text.lower():
        return "it declares XML entities, which no spreadsheet program writes"
    if "larger than its declared" in text:
        return "a part unpacks larger than the file declares: it is damaged or built to exhaust memory"
    return text[:200]
