"""Export claims and documents to an Excel workbook that no cell can turn into a formula."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from curator.core.errors import CuratorError
from curator.core.records import READING_STATUSES, SOURCE_KINDS, ClaimRecord
from curator.core.session import Session

EXCEL_CELL_LIMIT = 32_767
# Characters outside XML 1.0's Char production: openpyxl refuses some and writes others into a file
# that no longer opens (U+FFFE, U+FFFF, lone surrogates).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
WIDE_COLUMNS = {"Quote": 60, "Statement": 45, "Notes": 40, "Title": 60, "Document": 36}
WRAPPED_COLUMNS = {"Quote", "Statement", "Notes", "Title", "Document"}
LINE_HEIGHT_POINTS = 15
MAX_ROW_POINTS = 409  # Excel's limit


def _error_codes() -> frozenset[str]:
    from openpyxl.cell.cell import ERROR_CODES

    return frozenset(ERROR_CODES)


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


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[ClaimRecord], Any]


def claim_columns(session: Session, document_titles: dict[int, str]) -> list[Column]:
    """Fixed leading columns, codebook fields in form order, anchor columns last."""
    codebook = session.codebook
    status = codebook.field("status") if any(f.key == "status" for f in codebook.fields) else None
    columns = [
        Column("Claim ID", lambda c: c.id),
        Column("Document", lambda c: document_titles.get(c.document_id, "")),
        Column("Quote", lambda c: c.anchor.exact),
        Column("Statement", lambda c: c.values.get("statement", "")),
        Column("Reviewer", lambda c: c.reviewer_name),
        Column("Status", lambda c: status.choice_label(c.values.get("status", "")) if status else ""),
        Column("Created", lambda c: c.created_at),
        Column("Updated", lambda c: c.updated_at),
    ]
    for f in codebook.fields:
        if f.key in ("statement", "status"):
            continue
        if f.kind == "terms":
            columns.append(Column(f.label, lambda c, role=f.key: "; ".join(t.label for t in c.terms_for(role))))
            columns.append(Column(f"{f.label} IDs", lambda c, role=f.key: "; ".join(t.identifier for t in c.terms_for(role))))
        elif f.kind == "choice":
            columns.append(Column(f.label, lambda c, f=f: f.choice_label(c.values.get(f.key) or "") if c.values.get(f.key) else ""))
        else:
            columns.append(Column(f.label, lambda c, key=f.key: c.values.get(key)))
    columns += [
        Column("Start", lambda c: c.anchor.start),
        Column("End", lambda c: c.anchor.end),
        Column("Document SHA-256", lambda c: c.document_sha256),
    ]
    return columns


def safe_text(text: str, where: str, report: ExportReport) -> str:
    cleaned, replaced = _ILLEGAL_XML.subn("\ufffd", text)
    if replaced:
        report.repaired.append(f"{where}: {replaced} character(s) not allowed in Excel replaced with �")
    if len(cleaned) > EXCEL_CELL_LIMIT:
        report.truncated.append(f"{where}: {len(cleaned):,} characters, cut to Excel's limit of {EXCEL_CELL_LIMIT:,}")
        cleaned = cleaned[:EXCEL_CELL_LIMIT]
    return cleaned


class _SheetWriter:
    """Write-only sheet with a styled, frozen, filtered header and typed cells."""

    def __init__(self, workbook, title: str, headers: list[str], rows: int, report: ExportReport):
        from openpyxl.cell import WriteOnlyCell
        from openpyxl.styles import Alignment, Font, PatternFill
        from openpyxl.utils import get_column_letter

        self.cell_type = WriteOnlyCell
        self.sheet = workbook.create_sheet(title)
        self.report = report
        self.headers = headers
        self.error_codes = _error_codes()
        # bottom, like every unstyled cell, so a row reads level (openpyxl cannot restyle the default)
        self.wrap = Alignment(wrap_text=True)
        for i, header in enumerate(headers, 1):
            self.sheet.column_dimensions[get_column_letter(i)].width = WIDE_COLUMNS.get(header, max(12, min(28, len(header) + 4)))
        self.sheet.freeze_panes = "B2"
        self.sheet.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{rows + 1}"
        bold, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="2F5D7C")
        header_cells = []
        for header in headers:
            cell = self.cell_type(self.sheet, value=header)
            cell.font, cell.fill = bold, fill
            header_cells.append(cell)
        self.sheet.append(header_cells)
        self.row = 1

    def _row_height(self, values: list[Any]) -> float | None:
        """Points for the row's tallest wrapped cell: spreadsheet programs do not grow rows on open."""
        lines = 1
        for header, value in zip(self.headers, values):
            if header in WRAPPED_COLUMNS and isinstance(value, str) and value:
                per_line = max(1, int(WIDE_COLUMNS.get(header, 12) * 1.1))
                lines = max(lines, sum(-(-max(len(part), 1) // per_line) for part in value.split("\n")))
        return min(lines * LINE_HEIGHT_POINTS, MAX_ROW_POINTS) if lines > 1 else None

    def append(self, values: list[Any], row_label: str) -> None:
        # A styled cell object costs ~10× a plain value, so only cells that need one get one:
        # wrapped long text, and text openpyxl would otherwise store as a formula or an error.
        cells: list[Any] = []
        for header, value in zip(self.headers, values):
            if value == "":
                value = None  # an empty cell, not an empty string: smaller and faster
            elif isinstance(value, str):
                value = safe_text(value, f"{row_label}, {header}", self.report)
                wrapped = header in WRAPPED_COLUMNS
                if wrapped or value.startswith("=") or value in self.error_codes:
                    cell = self.cell_type(self.sheet, value=value)
                    cell.data_type = "s"  # text stays text: never a formula or an error value
                    if wrapped:
                        cell.alignment = self.wrap
                    value = cell
            cells.append(value)
        self.row += 1
        height = self._row_height(values)
        if height:
            self.sheet.row_dimensions[self.row].height = height
        self.sheet.append(cells)


def export_xlsx(session: Session, path: str | os.PathLike, progress: Callable[[int, int], bool] | None = None) -> ExportReport:
    """Write the Claims and Documents sheets to `path` atomically.

    `progress(done, total)` is called now and then; returning False cancels, leaving any previous
    file at `path` untouched.
    """
    from openpyxl import Workbook

    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ExportError(f"{path.name}: an Excel export needs a file name ending in .xlsx")
    if not path.parent.is_dir():
        raise ExportError(f"folder {path.parent} does not exist")
    report = ExportReport(path)
    documents = session.documents.summaries()
    titles = {d.id: d.title for d in documents}
    claims = session.claims.all()
    total = len(claims) + len(documents)

    workbook = Workbook(write_only=True)
    columns = claim_columns(session, titles)
    sheet = _SheetWriter(workbook, "Claims", [c.header for c in columns], len(claims), report)
    for i, claim in enumerate(claims, 1):
        sheet.append([c.value(claim) for c in columns], f"claim {claim.id}")
        if progress and i % 500 == 0 and progress(i, total) is False:
            for open_sheet in workbook.worksheets:
                open_sheet.close()  # end the sheet's XML stream; openpyxl removes its temp file at exit
            raise ExportCancelled("export cancelled; nothing was written")

    doc_headers = ["Document ID", "Title", "Kind of source", "Authors", "Venue", "Published", "DOI", "URL",
                   "File name", "SHA-256", "Reading status", "Claims", "Imported at"]
    sheet = _SheetWriter(workbook, "Documents", doc_headers, len(documents), report)
    counts = {d.id: d.claim_count for d in documents}
    for d in session.documents.infos():
        sheet.append(
            [d.id, d.title, SOURCE_KINDS.get(d.source_kind, d.source_kind), d.authors, d.venue, d.published, d.doi, d.url,
             d.file_name, d.sha256, READING_STATUSES.get(d.reading_status, d.reading_status), counts.get(d.id, 0), d.imported_at],
            f"document {d.id}",
        )
    report.claims, report.documents = len(claims), len(documents)
    write_atomically(workbook.save, path)
    if progress:
        progress(total, total)
    return report


def write_atomically(save: Callable[[str], None], path: Path) -> None:
    """Save to a temporary file beside `path`, then move it into place: a failure leaves the old file."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        save(tmp)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from exc
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
