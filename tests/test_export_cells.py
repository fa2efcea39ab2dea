"""The workbook's cells, styles and sheet settings are exactly those of the openpyxl-only export.

tests/fixtures/export_cells_before.xlsx was written by the export as it was before the table sheets got
their own row writer (curator/io/xlsx_writer.py), from the project `build_project` makes; every time
and UUID is pinned so the two exports can be compared cell by cell. Regenerate it only for a change
meant to alter the workbook: `.venv/bin/python -m tests.test_export_cells`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from curator.core.records import ClaimDraft, TermRef
from curator.io.xlsx_export import export_xlsx
from tests.conftest import doc_id_by_file

pytestmark = pytest.mark.both_backends  # the same workbook, cell by cell, from either backend

FIXTURE = Path(__file__).parent / "fixtures" / "export_cells_before.xlsx"
PINNED = dt.datetime(2026, 11, 30, 12, 34, 56)
TEXTS = [
    "=1+1",
    "#N/A",
    "@SUM(A1)",
    "  leading and trailing spaces  ",
    "a & b < c > d \"quoted\" 'single'",
    "bell\x07, form feed\x0c, CR\r, a literal _x0041_ and U+FFFE \ufffe",
    "line one\nline two\nline three\n" + "a long line of words " * 20,
    "x" * 40_000,
    "emoji 🙂 and NBSP\u00a0here",
    "\ttab first",
]


def build_project(session) -> None:
    """Claims whose cells exercise every kind of value and guard, with pinned times and UUIDs."""
    from curator.core.models import Claim, Document

    terms = session.terms.all()
    doc_id = doc_id_by_file(session, "002")
    text = session.documents.get(doc_id).text
    for i, value in enumerate(TEXTS):
        quote = "Roseburia" if i % 2 else "Faecalibacterium"
        start = text.index(quote)
        refs = [TermRef("condition", t.label, t.identifier, t.id) for t in terms[i : i + 2]]
        session.claims.create(
            ClaimDraft(
                doc_id,
                start,
                start + len(quote),
                {
                    "statement": value,
                    "notes": TEXTS[-1 - i],
                    "claim_type": "intervention_effect" if i % 3 else "",
                    "direction": "benefit",
                    "effect_value": str(0.5 + i / 8),
                    "n_participants": str(10 * i),
                    "status": "confirmed" if i % 2 else "draft",
                },
                tuple(refs),
            )
        )
    for n, claim in enumerate(Claim.select().order_by(Claim.id)):
        Claim.update(created_at=PINNED, updated_at=PINNED, uuid=f"00000000-0000-4000-8000-{n:012d}").where(
            Claim.id == claim.id
        ).execute()
    Document.update(imported_at=PINNED).execute()


def _style(cell) -> tuple:
    font, fill, align = cell.font, cell.fill, cell.alignment
    return (
        font.b,
        font.sz,
        font.color.rgb if font.color is not None else None,
        fill.fill_type,
        fill.fgColor.rgb,
        align.wrap_text,
        align.horizontal,
        align.vertical,
        align.text_rotation,
        cell.number_format,
    )


def _sheet(ws) -> dict:
    """What a reader sees of a sheet: cells with type and style, sizes, views, filters, validations."""
    cells = [
        [(c.coordinate, c.value, c.data_type, _style(c)) for c in row if c.value is not None or c.has_style]
        for row in ws.iter_rows()
    ]
    if ws.title == "About":  # the export's time, the database's path and the versions are the run's own
        own = ("Exported at (UTC)", "Database", "Curator version", "Schema version")
        cells = [row for row in cells if not (row and row[0][1] in own)]
    return {
        "cells": cells,
        "heights": {r: d.height for r, d in ws.row_dimensions.items() if d.height},
        "widths": {k: d.width for k, d in ws.column_dimensions.items()},
        "freeze": ws.freeze_panes,
        "filter": ws.auto_filter.ref,
        "validations": [
            (str(v.sqref), v.type, v.formula1, v.allow_blank, v.showErrorMessage, v.errorStyle, v.errorTitle, v.error)
            for v in ws.data_validations.dataValidation
        ],
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "formats": [(str(f.sqref), [r.type for r in f.rules]) for f in ws.conditional_formatting],
        "print": (ws.print_title_rows, ws.print_title_cols, ws.print_area, ws.page_setup.orientation),
        "state": ws.sheet_state,
    }


def _workbook(path) -> dict:
    wb = openpyxl.load_workbook(path)
    return {ws.title: _sheet(ws) for ws in wb.worksheets}


def test_the_workbook_reads_as_the_openpyxl_only_export_did(session, tmp_path):
    build_project(session)
    report = export_xlsx(session, tmp_path / "now.xlsx")
    assert len(report.truncated) == 2 and len(report.repaired) == 2
    now, before = _workbook(tmp_path / "now.xlsx"), _workbook(FIXTURE)
    assert list(now) == list(before)
    for title in before:
        for key in before[title]:
            assert now[title][key] == before[title][key], (title, key)


if __name__ == "__main__":
    import tempfile

    from curator.core.paths import SEEDS
    from curator.core.session import open_session
    from curator.io.seeds import seed_new_project

    with tempfile.TemporaryDirectory() as tmp:
        s = open_session(Path(tmp) / "project.sqlite3")
        seed_new_project(s, SEEDS)
        s.use_reviewer("Test Reviewer", "TR")
        build_project(s)
        export_xlsx(s, FIXTURE)
        s.close()
    print(f"wrote {FIXTURE}")


def _sheet_xml(path) -> bytes:
    import re
    import zipfile

    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    return re.sub(rb"&#(\d+);", lambda m: chr(int(m.group(1))).encode(), xml)  # lxml's references, as UTF-8


def test_the_row_writer_writes_every_kind_of_value_as_openpyxl_does(tmp_path):
    """Byte for byte, the XML openpyxl's own write-only cells give (its character references decoded)."""
    import decimal
    import math

    import pytest
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment

    from curator.io.xlsx_writer import RowWriter, style_id

    rows = [
        ["text", " lead", "trail\n", "a & <b> \"c\" 'd'", "=1+1", "#REF!", "é 🙂 \u00a0x\u00a0", None, "x"],
        [1, -2, 2**60, 0.1, 1e-20, math.nan, math.inf, True, False],
        [decimal.Decimal("1.25"), dt.date(2026, 1, 2), dt.datetime(2026, 1, 2, 3, 4, 5, 600), dt.time(7, 8, 9), None],
    ]
    wrap = Alignment(wrap_text=True)
    old, new = Workbook(write_only=True), Workbook(write_only=True)
    sheet = old.create_sheet("S")
    for row in rows:
        cells = []
        for i, value in enumerate(row):
            if isinstance(value, str) and i % 2:
                value = WriteOnlyCell(sheet, value=value)
                value.data_type, value.alignment = "s", wrap
            elif isinstance(value, str):
                value = WriteOnlyCell(sheet, value=value)
                value.data_type = "s"
            cells.append(value)
        sheet.append(cells)
    old.save(tmp_path / "old.xlsx")
    writer = RowWriter(new.create_sheet("S"), 9)
    wrapped = f' s="{style_id(writer.sheet, alignment=wrap)}"'
    for row in rows:
        writer.append(row, ["", wrapped] * 4 + [""], 30 if row[0] == 1 else None)
    new.save(tmp_path / "new.xlsx")
    expected = _sheet_xml(tmp_path / "old.xlsx").replace(b'<row r="2">', b'<row r="2" ht="30" customHeight="1">')
    assert _sheet_xml(tmp_path / "new.xlsx") == expected
    with pytest.raises(TypeError, match="timezones"):
        RowWriter(Workbook(write_only=True).create_sheet("T"), 1).append([dt.datetime.now(dt.UTC)], [""])
