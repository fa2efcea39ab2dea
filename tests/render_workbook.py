"""Render the exported workbook's Claims and Evidence map sheets to PNGs (the README's pictures).

Builds the demo project tests/screenshot.py shows (the seeds plus its CLAIMS, on a temporary SQLite
file), exports it with export_xlsx, keeps a corner of one sheet in a copy of the workbook, prints that
to PDF with LibreOffice and rasterises it with pdftoppm at a resolution that makes the printed corner
about --width pixels wide, so the text reads at 100 % zoom. Needs soffice (libreoffice-calc) and
pdftoppm (poppler-utils) on PATH; margins are trimmed with Qt.

QT_QPA_PLATFORM=offscreen .venv/bin/python -m tests.render_workbook resources/
… -m tests.render_workbook out/ --width 1400 --keep out/demo.xlsx     # keep the exported workbook too
"""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from PySide6.QtGui import QColor, QImage

from curator.core.paths import SEEDS
from curator.core.records import ClaimDraft, TermRef
from curator.core.session import open_session
from curator.io.seeds import seed_new_project
from curator.io.xlsx_export import export_xlsx
from tests.screenshot import CLAIMS

# sheet -> (PNG name, last column or None for as far as row 1 and 2's text runs, last row or None for all):
# the corner a reader sees when the file opens
VIEWS = {
    "Claims": ("workbook-claims.png", 11, None),  # up to Conditions IDs
    "Evidence map": ("workbook-evidence-map.png", None, None),  # the whole map and its title
}
DEFAULT_WIDTH = 8.43  # characters, what a column without a width of its own gets


def text_columns(sheet) -> int:
    """How many columns the title rows' text runs over on screen (it spills into the empty cells beside it)."""

    def width(c):  # in column-width units: a Calibri letter is about 0.85 of the digit zero the unit measures
        font = c.font
        return len(str(c.value or "")) * 0.85 * (font.sz or 11) / 11 * (1.25 if font.b else 1)

    def column_width(i):
        dimension = sheet.column_dimensions.get(get_column_letter(i))  # .get: [] would add a 13-wide column
        return dimension.width if dimension and dimension.customWidth else DEFAULT_WIDTH

    needed = max(width(c) for row in sheet.iter_rows(max_row=2) for c in row)
    last = sheet.max_column
    while sum(column_width(i) for i in range(1, last + 1)) < needed:
        last += 1
    return last


def build_workbook(path: Path, tmp: Path) -> None:
    session = open_session(tmp / "demo.sqlite3")
    seed_new_project(session, SEEDS)
    session.use_reviewer("Ada Lovelace")
    terms = {t.label: t for t in session.terms.all()}
    doc_id = next(d.id for d in session.documents.summaries() if d.source_kind == "peer_reviewed")
    text = session.documents.get(doc_id).text
    for quote, values, refs in CLAIMS:
        start = text.index(quote)
        terms_ = tuple(TermRef(role, label, terms[label].identifier, terms[label].id) for role, label in refs)
        session.claims.create(ClaimDraft(doc_id, start, start + len(quote), values, terms_))
    export_xlsx(session, path)
    session.close()


def corner(source: Path, sheet_name: str, last_col: int | None, last_row: int | None, out: Path) -> None:
    """A copy of the workbook with only `sheet_name`, printed on one large page, gridlines on."""
    workbook = load_workbook(source)
    for other in list(workbook.worksheets):
        if other.title != sheet_name:
            workbook.remove(other)
    sheet = workbook[sheet_name]
    sheet.data_validations.dataValidation = []  # their lists were on the removed Lists sheet
    sheet.print_area = f"A1:{get_column_letter(last_col or text_columns(sheet))}{last_row or sheet.max_row}"
    sheet.print_title_rows = sheet.print_title_cols = None
    sheet.print_options.gridLines = True  # as it looks on screen
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A3
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = sheet.page_setup.fitToHeight = 1
    sheet.page_margins.left = sheet.page_margins.right = sheet.page_margins.top = sheet.page_margins.bottom = 0.2
    sheet.oddHeader.center.text = sheet.oddFooter.center.text = None
    workbook.save(out)


def to_pdf(xlsx: Path, folder: Path) -> Path:
    profile = (folder / "lo-profile").as_uri()  # a fresh profile: no clash with a LibreOffice already running
    subprocess.run(
        ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", folder, xlsx],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return folder / (xlsx.stem + ".pdf")


def rasterise(pdf: Path, dpi: float, stem: Path, box=None) -> QImage:
    """The PDF's first page at `dpi`; only `box` (left, top, right, bottom, in pixels at that dpi) if given."""
    crop = []
    if box:
        crop = ["-x", box[0], "-y", box[1], "-W", box[2] - box[0] + 1, "-H", box[3] - box[1] + 1]
    command = ["pdftoppm", "-png", "-singlefile", "-r", f"{dpi:.2f}", *crop, pdf, stem]
    subprocess.run([str(a) for a in command], check=True)
    return QImage(str(stem) + ".png")


def content_box(image: QImage, pad: int = 6):
    """Bounding box of the non-white pixels, with `pad` pixels around it."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height, white = image.width(), image.height(), QColor("white").rgb()

    def blank_row(y):
        return all(image.pixel(x, y) == white for x in range(width))

    def blank_col(x):
        return all(image.pixel(x, y) == white for y in range(height))

    top = next(y for y in range(height) if not blank_row(y))
    bottom = next(y for y in range(height - 1, -1, -1) if not blank_row(y))
    left = next(x for x in range(width) if not blank_col(x))
    right = next(x for x in range(width - 1, -1, -1) if not blank_col(x))
    return max(left - pad, 0), max(top - pad, 0), min(right + pad, width - 1), min(bottom + pad, height - 1)


def render(source: Path, sheet_name: str, out: Path, width: int, tmp: Path) -> None:
    name, last_col, last_row = VIEWS[sheet_name]
    xlsx = tmp / f"{name}.xlsx"
    corner(source, sheet_name, last_col, last_row, xlsx)
    pdf = to_pdf(xlsx, tmp)
    probe_dpi = 50
    probe = content_box(rasterise(pdf, probe_dpi, tmp / "probe"))
    dpi = probe_dpi * width / (probe[2] - probe[0] + 1)  # the printed corner `width` pixels wide
    image = rasterise(pdf, dpi, tmp / "final", [round(v * dpi / probe_dpi) for v in probe])
    left, top, right, bottom = content_box(image)
    image.copy(left, top, right - left + 1, bottom - top + 1).save(str(out))
    print(f"{out}: {right - left + 1}×{bottom - top + 1} px at {dpi:.0f} dpi")


def main(folder: str, width: int = 1600, keep: str = "") -> None:
    for tool in ("soffice", "pdftoppm"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found: apt-get install libreoffice-calc-nogui poppler-utils")
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        source = tmp / "demo.xlsx"
        build_workbook(source, tmp)
        if keep:
            shutil.copy(source, keep)
        for sheet_name, (name, _, _) in VIEWS.items():
            render(source, sheet_name, out / name, width, tmp)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    options = dict(zip(sys.argv[1:], sys.argv[2:]))
    main(args[0] if args else ".", int(options.get("--width", 1600)), options.get("--keep", ""))
