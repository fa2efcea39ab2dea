"""Rows of plain values written as sheet XML directly, inside a sheet openpyxl otherwise writes.

openpyxl spends ~60 % of a 100,000-claim export turning each value into a cell object and each cell
into lxml calls (bench/RESULTS.md). The table sheets' rows are simple: text, numbers and dates, a
style id on some. So `RowWriter` writes them as the same XML openpyxl would (inline strings, the
same number formatting, the same date serials and styles) into a temporary file, and when openpyxl
closes the sheet, splices them into its `<sheetData>`. Everything around the rows (column widths,
frozen panes, autofilter, validations, page set-up, styles.xml, the zip) stays openpyxl's.

tests/test_export_cells.py compares the result with a workbook written by openpyxl alone.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell._writer import _set_attributes
from openpyxl.compat import safe_string
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

FLUSH_EVERY = 1000  # rows per write: one syscall per ~1 MB rather than per row


def xml_text(text: str) -> str:
    """Text as element content, escaped as lxml escapes it (quotes need no escape there)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def style_id(sheet, **style) -> int:
    """The workbook's id for a cell style (font, fill, alignment, number_format), as openpyxl assigns it."""
    cell = WriteOnlyCell(sheet)
    for name, value in style.items():
        setattr(cell, name, value)
    return cell.style_id


class RowWriter:
    """Appends rows to a write-only openpyxl sheet without a cell object per value.

    Text must already be fit for a cell (curator.io.xlsx_sheets.safe_text: escaped, cut): it is
    always written as an inline string, so it never turns into a formula or an error value.
    """

    def __init__(self, sheet, columns: int):
        self.sheet = sheet
        self.letters = [get_column_letter(i) for i in range(1, columns + 1)]
        self.epoch = sheet.parent.epoch
        self.row = 0
        self._pending: list[str] = []
        # anonymous, so it is gone however the export ends (a cancel or a full disk included)
        self._rows = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the sheet, not a block
        # ' s="N"' of a datetime cell: openpyxl gives datetimes a number format, hence a style of their own
        self._datetime_style = ""
        # openpyxl calls close() when it saves the workbook; the rows go in then, after the
        # validations and filters that are written below them have been added to the sheet.
        self._close_openpyxl = sheet.close
        sheet.close = self.close

    def append(self, values: list[Any], text_styles: list[str], height: float | None = None) -> None:
        """One row; `text_styles[i]` is '' or ' s="N"', applied to column i when it holds text."""
        self.row += 1
        r = str(self.row)
        parts = [f'<row r="{r}" ht="{safe_string(height)}" customHeight="1">' if height else f'<row r="{r}">']
        for letter, value, text_style in zip(self.letters, values, text_styles):
            kind = type(value)
            if kind is str:
                space = ' xml:space="preserve"' if value[0].isspace() or value[-1].isspace() else ""
                parts.append(
                    f'<c r="{letter}{r}"{text_style} t="inlineStr"><is><t{space}>{xml_text(value)}</t></is></c>'
                )
            elif kind is int or kind is float:
                parts.append(f'<c r="{letter}{r}" t="n"><v>{safe_string(value)}</v></c>')
            elif value is not None:
                parts.append(self._other(letter, r, value))
        parts.append("</row>")
        self._pending.append("".join(parts))
        if len(self._pending) >= FLUSH_EVERY:
            self._flush()

    def _other(self, letter: str, r: str, value: Any) -> str:
        """A date, bool, Decimal … exactly as openpyxl writes it (rare enough to go through its cell)."""
        if type(value) is dt.datetime and value.tzinfo is None:
            if not self._datetime_style:
                self._datetime_style = f' s="{WriteOnlyCell(self.sheet, value=value).style_id}"'
            return (
                f'<c r="{letter}{r}"{self._datetime_style} t="n"><v>{safe_string(to_excel(value, self.epoch))}</v></c>'
            )
        cell = WriteOnlyCell(self.sheet, value=value)  # raises, as openpyxl would, for a value Excel cannot hold
        cell.row, cell.column = int(r), self.letters.index(letter) + 1
        shown, attrs = _set_attributes(cell, cell.has_style)
        attributes = "".join(f' {k}="{v}"' for k, v in attrs.items())
        return f"<c{attributes}><v>{xml_text(safe_string(shown))}</v></c>"

    def _flush(self) -> None:
        self._rows.write("".join(self._pending).encode("utf-8"))
        self._pending.clear()

    def close(self) -> None:
        """Let openpyxl write the sheet around empty rows, then put the rows in."""
        self._close_openpyxl()
        self._flush()
        path = self.sheet._writer.out
        with open(path, "rb") as f:
            skeleton = f.read()  # everything but the rows: a few KB
        for empty in (b"<sheetData/>", b"<sheetData></sheetData>"):
            head, found, tail = skeleton.partition(empty)
            if found:
                break
        else:
            raise AssertionError(f"no empty <sheetData> in {self.sheet.title!r} as openpyxl wrote it")
        self._rows.seek(0)
        with open(path, "wb") as out:
            out.write(head + b"<sheetData>")
            shutil.copyfileobj(self._rows, out, 1 << 20)
            out.write(b"</sheetData>" + tail)
        self._rows.close()
