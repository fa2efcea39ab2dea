"""Write-only sheets whose cells never turn into formulas, and atomic saving.

openpyxl's write-only mode streams rows to disk, so memory stays flat at 100,000 claims; styles,
validation, conditional formats and freeze panes are still available there.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curator.core.errors import CuratorError
from curator.io import ooxml_text

EXCEL_CELL_LIMIT = 32_767
CUT_MARK = " […cut: {total:,} characters in Curator]"
LINE_HEIGHT_POINTS = 15
MAX_ROW_POINTS = 409  # Excel's limit
HEADER_FILL = "2F5D7C"


class ExportError(CuratorError):
    pass


class ExportCancelled(ExportError):
    pass


@dataclass
class ExportReport:
    path: Path
    claims: int = 0
    documents: int = 0
    repaired: list[str] = field(default_factory=list)  # "claim 12, Notes: 2 illegal characters replaced"
    truncated: list[str] = field(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return self.repaired + self.truncated


def cut_text(text: str) -> str:
    """Text over Excel's cell limit, cut with a visible mark that says so (and the importer knows).

    The limit applies to the cell as written, escapes included, so the cut is made on the escaped
    text and never inside an escape."""
    mark = CUT_MARK.format(total=len(text))
    return ooxml_text.escape(text[: ooxml_text.fitting_prefix(text, EXCEL_CELL_LIMIT - len(mark))])[0] + mark


def safe_text(text: str, where: str, report: ExportReport) -> str:
    """`text` as a cell can hold it: characters XML cannot carry written as OOXML escapes (`_x000C_`,
    which spreadsheet programs and the importer read back as the character), long text cut visibly."""
    if len(text) <= EXCEL_CELL_LIMIT and not ooxml_text.needs_escape(text):
        return text
    escaped, replaced = ooxml_text.escape(text)
    if replaced:
        report.repaired.append(
            f"{where}: {replaced} character(s) no workbook can hold (U+FFFE, U+FFFF or half of a character) "
            "replaced with \ufffd; the CSV and JSON-LD exports keep them"
        )
    if len(escaped) <= EXCEL_CELL_LIMIT:
        return escaped
    shown = ooxml_text.fitting_prefix(text, EXCEL_CELL_LIMIT - len(CUT_MARK.format(total=len(text))))
    report.truncated.append(
        f"{where}: {len(text):,} characters, more than an Excel cell holds; the cell shows the first "
        f"{shown:,} and says it was cut (the CSV and JSON-LD exports hold all of it)"
    )
    return cut_text(text)


@dataclass(frozen=True)
class SheetLayout:
    widths: dict[str, float] = field(default_factory=dict)
    wrapped: frozenset[str] = frozenset()
    freeze: str = "B2"
    default_width: tuple[int, int] = (12, 28)
    fit_width: bool = False  # print on one page wide (small sheets only: a wide one becomes unreadable)


class TableSheet:
    """A write-only sheet: styled, frozen, filtered header, then rows of plain values.

    openpyxl sets the sheet up (widths, frozen panes, filter, print titles, page set-up); the rows go
    through RowWriter, which writes the XML openpyxl would without a cell object per value."""

    def __init__(self, workbook, title: str, headers: list[str], rows: int, report: ExportReport, layout: SheetLayout):
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        from curator.io.xlsx_writer import RowWriter, style_id

        self.sheet = workbook.create_sheet(title)
        self.report = report
        self.headers = headers
        self.layout = layout
        # bottom, like every unstyled cell, so a row reads level (openpyxl cannot restyle the default)
        wrap = Alignment(wrap_text=True)
        low, high = layout.default_width
        for i, header in enumerate(headers, 1):
            width = layout.widths.get(header, max(low, min(high, len(header) + 4)))
            self.sheet.column_dimensions[get_column_letter(i)].width = width
        self.sheet.freeze_panes = layout.freeze
        self.last_column = get_column_letter(len(headers))
        self.sheet.auto_filter.ref = f"A1:{self.last_column}{rows + 1}"
        self.sheet.print_title_rows = "1:1"
        landscape(self.sheet, fit_width=layout.fit_width)
        self.writer = RowWriter(self.sheet, len(headers))
        header_style = style_id(
            self.sheet,
            font=Font(bold=True, color="FFFFFF"),
            fill=PatternFill("solid", fgColor=HEADER_FILL),
            alignment=wrap,
        )
        self.writer.append(
            [safe_text(h, f"{title}, header", report) for h in headers], [f' s="{header_style}"'] * len(headers)
        )
        wrapped = f' s="{style_id(self.sheet, alignment=wrap)}"'
        # Text in a wrapped column carries the wrap style; any other text, and every number, none.
        self._text_styles = [wrapped if h in layout.wrapped else "" for h in headers]
        self._wrapped_width = [
            (i, max(1, int(self.sheet.column_dimensions[get_column_letter(i + 1)].width * 1.1)))
            for i, h in enumerate(headers)
            if h in layout.wrapped
        ]

    def column_letter(self, header: str) -> str:
        from openpyxl.utils import get_column_letter

        return get_column_letter(self.headers.index(header) + 1)

    def _row_height(self, values: list[Any]) -> float | None:
        """Points for the row's tallest wrapped cell: spreadsheet programs do not grow rows on open."""
        lines = 1
        for i, per_line in self._wrapped_width:
            value = values[i]
            if isinstance(value, str) and value:
                lines = max(lines, sum(-(-max(len(part), 1) // per_line) for part in value.split("\n")))
        return min(lines * LINE_HEIGHT_POINTS, MAX_ROW_POINTS) if lines > 1 else None

    def append(self, values: list[Any], row_label: str) -> None:
        cells = list(values)
        for i, value in enumerate(cells):
            if type(value) is str:
                # an empty cell, not an empty string: smaller, and what openpyxl wrote before
                cells[i] = safe_text(value, f"{row_label}, {self.headers[i]}", self.report) if value else None
        self.writer.append(cells, self._text_styles, self._row_height(values))

    def append_all(self, rows: Iterable[tuple[list[Any], str]]) -> None:
        for values, label in rows:
            self.append(values, label)


def styled(sheet, value: Any, **style) -> Any:
    """One cell with a style (font, fill, alignment, number_format); text stays text."""
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    for name, v in style.items():
        setattr(cell, name, v)
    return cell


def landscape(sheet, fit_width: bool) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = "9"  # A4
    if fit_width:
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0


def close_all(workbook) -> None:
    for open_sheet in workbook.worksheets:
        open_sheet.close()  # end the sheet's XML stream; openpyxl removes its temp file at exit


def _disk_full(exc: BaseException) -> bool:
    # lxml reports a failed write as SerialisationError("IO_ENOSPC"), not as an OSError.
    return getattr(exc, "errno", None) in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT) or str(exc) in (
        "IO_ENOSPC",
        "IO_EFBIG",
        "IO_EDQUOT",
    )


@contextmanager
def disk_full_reported(path: Path):
    """Turn a full disk anywhere inside the block into one ExportError that says so."""
    existed = path.exists()
    try:
        yield
    except ExportError:
        raise
    except Exception as exc:
        if _disk_full(exc):
            raise ExportError(
                f"cannot write {path}: the disk is full (or the file is larger than this disk allows). "
                f"{'The previous file is unchanged. ' if existed else ''}Free some space and export again."
            ) from exc
        if isinstance(exc, OSError) or type(exc).__name__ == "SerialisationError":
            raise ExportError(f"cannot write {path}: {getattr(exc, 'strerror', None) or exc}") from exc
        raise


def write_atomically(save: Callable[[str], None], path: Path) -> None:
    """Save to a temporary file beside `path`, then move it into place: a failure leaves the old file."""
    with disk_full_reported(path):
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
        os.close(fd)
        try:
            save(tmp)
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def check_target(path: Path, suffix: str, what: str) -> None:
    if path.suffix.lower() != suffix:
        raise ExportError(f"{path.name}: {what} needs a file name ending in {suffix}")
    if not path.parent.is_dir():
        raise ExportError(f"folder {path.parent} does not exist")
