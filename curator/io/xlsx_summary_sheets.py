"""The workbook's smaller sheets: Codebook, Evidence map, About (with the data dictionary), Lists."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from curator import __version__
from curator.core.db import describe_target
from curator.core.evidence import MAP_DIRECTIONS, OTHER, evidence_map
from curator.core.migrations import current_version
from curator.core.session import Session
from curator.io.claim_table import ClaimColumn
from curator.io.xlsx_sheets import (
    HEADER_FILL,
    ExportReport,
    SheetLayout,
    TableSheet,
    landscape,
    safe_text,
    styled,
)

LISTS_SHEET = "Lists"
# Direction columns of the evidence map: label, colour of the fullest cell.
MAP_COLUMNS = {
    "benefit": ("Benefit", "2E7D32", "green"),
    "no_effect": ("No effect", "757575", "grey"),
    "harm": ("Harm", "C62828", "red"),
    "mixed": ("Mixed", "EF8F00", "amber"),
    OTHER: ("Other", "5C6BC0", "blue"),
}
CODEBOOK_HEADERS = {
    "Vocabulary": "The vocabulary (controlled list) the term belongs to.",
    "Used for": "Which form fields may take terms from this vocabulary.",
    "Term": "The term's label.",
    "Identifier": "MeSH, NCBI Taxonomy, PubChem … identifier, where the term has one.",
    "Synonyms": "Other names the term is found by, joined with '; '.",
    "Description": "What the term covers.",
    "Claims": "Number of claims tagged with the term.",
    "Added by": "'Codebook' for terms shipped with the codebook, else the reviewer who added it.",
}
CODEBOOK_LAYOUT = SheetLayout(
    widths={"Term": 34, "Synonyms": 40, "Description": 50, "Vocabulary": 22},
    wrapped=frozenset({"Description", "Synonyms"}),
    freeze="D2",
    fit_width=True,
)


class DataDictionary:
    """Every column of every sheet, with what it means; written on the About sheet."""

    def __init__(self):
        self.entries: list[tuple[str, str, str]] = []

    def add(self, sheet: str, columns: Iterable[tuple[str, str]]) -> None:
        self.entries += [(sheet, column, meaning) for column, meaning in columns]


def write_codebook(workbook, session: Session, report: ExportReport, dictionary: DataDictionary) -> None:
    terms = session.terms.all()
    usage = session.terms.usage_counts()
    added_by = session.terms.added_by_names()
    kept = session.terms.kept_as_text()
    role_labels = {r.key: r.label for r in session.codebook.roles}
    sheet = TableSheet(workbook, "Codebook", list(CODEBOOK_HEADERS), len(terms) + len(kept), report, CODEBOOK_LAYOUT)
    dictionary.add("Codebook", CODEBOOK_HEADERS.items())
    for t in terms:
        used_for = ", ".join(role_labels.get(r, r) for r in t.roles) or "any field"
        sheet.append(
            [
                t.vocabulary_name,
                used_for,
                t.label,
                t.identifier,
                "; ".join(t.synonyms),
                t.description,
                usage.get(t.id, 0),
                added_by.get(t.id) or "Codebook",
            ],
            f"Codebook, term {t.id}",
        )
    for role, label, identifier, n in kept:
        sheet.append(
            [
                "(deleted from the vocabulary; kept on claims)",
                role_labels.get(role, role),
                label,
                identifier,
                "",
                "",
                n,
                "",
            ],
            f"Codebook, kept term {label}",
        )


def write_evidence_map(
    workbook,
    session: Session,
    report: ExportReport,
    dictionary: DataDictionary,
    leave_out: frozenset[int] = frozenset(),
) -> None:
    """Conditions down, interventions across, one narrow column per direction under each intervention.
    `leave_out`: claims the Claims sheet leaves out (replaced by a consensus claim), not counted here either."""
    from openpyxl.formatting.rule import ColorScaleRule
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    codebook = session.codebook
    roles = {r.key: r.label for r in codebook.roles}
    emap = evidence_map(visible=session.team.visible_claims(), leave_out=leave_out)
    sheet = workbook.create_sheet("Evidence map")
    directions = list(MAP_DIRECTIONS) + [OTHER]
    group = len(directions)
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 15
    for i in range(len(emap.columns) * group):
        sheet.column_dimensions[get_column_letter(3 + i)].width = 5.5
    # page set-up goes before the first row: a write-only sheet writes its properties with it
    fits = len(emap.columns) <= 8
    landscape(sheet, fit_width=fits)
    if emap.rows:
        sheet.print_area = f"A1:{get_column_letter(2 + len(emap.columns) * group)}{4 + len(emap.rows)}"
    if not fits:
        sheet.print_title_rows, sheet.print_title_cols = "3:4", "A:B"
    bold, white = Font(bold=True), Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor=HEADER_FILL)
    centre = Alignment(horizontal="center", vertical="bottom", wrap_text=True)
    turned = Alignment(horizontal="center", vertical="bottom", text_rotation=90)
    wrap = Alignment(wrap_text=True, vertical="top")

    sheet.append(
        [
            styled(
                sheet,
                f"Evidence map: number of claims per {roles.get('condition', 'condition').lower()} (rows) "
                f"and {roles.get('intervention', 'intervention').lower()} (columns), by direction of effect",
                font=Font(bold=True, size=13),
            )
        ]
    )
    legend = ", ".join(f"{label} {colour}" for label, _, colour in MAP_COLUMNS.values())
    sheet.append(
        [
            "A claim with two conditions and two interventions counts in four cells. An empty cell: no claim. "
            f"Colours deepen with the count ({legend})."
        ]
    )
    dictionary.add(
        "Evidence map",
        [
            (
                "Condition / ID",
                "A condition term used on at least one claim that also names an intervention, and its identifier.",
            ),
            (
                "Intervention × direction",
                "Number of claims naming that condition and that intervention, with that direction of effect "
                "(Benefit, No effect, Harm, Mixed; Other covers every other direction and none).",
            ),
        ],
    )
    if not emap.rows:
        sheet.append(["No claim names both a condition and an intervention yet."])
        return

    header_row = [
        styled(sheet, "Condition", font=white, fill=fill, alignment=centre),
        styled(sheet, "ID", font=white, fill=fill, alignment=centre),
    ]
    sub_row = [styled(sheet, "", fill=fill), styled(sheet, "", fill=fill)]
    for c, column in enumerate(emap.columns):
        name = safe_text(column.label, "Evidence map", report) + (f"\n{column.identifier}" if column.identifier else "")
        header_row.append(styled(sheet, name, font=white, fill=fill, alignment=centre))
        header_row += [styled(sheet, "", fill=fill)] * (group - 1)
        first = get_column_letter(3 + c * group)
        sheet.merged_cells.add(f"{first}3:{get_column_letter(2 + (c + 1) * group)}3")
        for d in directions:
            sub_row.append(styled(sheet, MAP_COLUMNS[d][0], font=bold, alignment=turned))
    sheet.merged_cells.add("A3:A4")
    sheet.merged_cells.add("B3:B4")
    sheet.row_dimensions[3].height = 48
    sheet.row_dimensions[4].height = 78
    sheet.append(header_row)
    sheet.append(sub_row)
    count_format = "0;-0;;@"  # zero shows as an empty cell, yet stays a number for sums
    for row in emap.rows:
        values = [
            styled(sheet, safe_text(row.label, "Evidence map", report), font=bold, alignment=wrap),
            row.identifier or None,
        ]
        for column in emap.columns:
            for d in directions:
                values.append(
                    styled(
                        sheet,
                        emap.count(row, column, d),
                        number_format=count_format,
                        alignment=Alignment(horizontal="center"),
                    )
                )
        sheet.append(values)
    last_row = 4 + len(emap.rows)
    for i, d in enumerate(directions):
        ranges = " ".join(
            f"{get_column_letter(3 + c * group + i)}5:{get_column_letter(3 + c * group + i)}{last_row}"
            for c in range(len(emap.columns))
        )
        sheet.conditional_formatting.add(
            ranges,
            ColorScaleRule(
                start_type="num", start_value=0, start_color="FFFFFF", end_type="max", end_color=MAP_COLUMNS[d][1]
            ),
        )
    sheet.freeze_panes = "C5"


def write_lists(
    workbook, columns: list[ClaimColumn], document_titles: list[str], report: ExportReport
) -> dict[str, str]:
    """The hidden sheet the dropdowns refer to (inline lists are limited to 255 characters)."""
    from openpyxl.utils import get_column_letter

    lists: dict[str, list[str]] = {"Document": document_titles}
    for c in columns:
        if c.kind == "value" and c.field is not None and c.field.kind == "choice":
            lists[c.header] = [choice.label for choice in c.field.active_choices]
    sheet = workbook.create_sheet(LISTS_SHEET)
    sheet.sheet_state = "hidden"
    headers = list(lists)
    depth = max(len(v) for v in lists.values())
    sheet.append(headers)
    for i in range(depth):
        sheet.append(
            [styled(sheet, safe_text(lists[h][i], "Lists", report)) if i < len(lists[h]) else None for h in headers]
        )
    refs = {}
    for j, h in enumerate(headers, 1):
        letter = get_column_letter(j)
        if lists[h]:
            refs[h] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(lists[h]) + 1}"
    return refs


def add_dropdowns(claims: TableSheet, lists: dict[str, str]) -> None:
    from openpyxl.worksheet.datavalidation import DataValidation

    for header, ref in lists.items():
        if header not in claims.headers:
            continue
        letter = claims.column_letter(header)
        validation = DataValidation(
            type="list",
            formula1=ref,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle=f"Not a known {header.lower()}",
            error=f"Pick {header} from the list (see the Codebook and About sheets).",
        )
        validation.add(f"{letter}2:{letter}1048576")
        claims.sheet.data_validations.append(validation)


def write_about(
    sheet, session: Session, report: ExportReport, dictionary: DataDictionary, exported_at: dt.datetime, term_rows: int
) -> None:
    from openpyxl.styles import Alignment, Font

    bold, title = Font(bold=True), Font(bold=True, size=13)
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 26
    sheet.column_dimensions["B"].width = 26
    sheet.column_dimensions["C"].width = 100
    landscape(sheet, fit_width=True)
    reviewer = session.reviewer.name if session.reviewer else ""
    facts = [
        ("Exported at (UTC)", exported_at),
        ("Curator version", __version__),
        ("Schema version", current_version(session.database)),
        ("Database", describe_target(session.target) if session.target else ""),
        ("Exported by", reviewer),
        ("Claims", report.claims),
        ("Claim terms", term_rows),
        ("Documents", report.documents),
        ("Vocabulary terms", len(session.terms.all())),
    ]
    sheet.append([styled(sheet, "Curator export", font=title)])
    for key, value in facts:
        sheet.append([styled(sheet, key, font=bold), styled(sheet, value) if isinstance(value, str) else value])
    sheet.append([])
    warnings = report.warnings
    sheet.append(
        [
            styled(sheet, "Warnings", font=bold),
            styled(sheet, "None" if not warnings else f"{len(warnings)} cell(s) changed to fit Excel:"),
        ]
    )
    for line in warnings:
        sheet.append([None, None, styled(sheet, line, alignment=wrap)])
    sheet.append([])
    sheet.append([styled(sheet, "Data dictionary", font=title)])
    sheet.append([styled(sheet, h, font=bold) for h in ("Sheet", "Column", "Meaning")])
    for sheet_name, column, meaning in dictionary.entries:
        sheet.append([styled(sheet, sheet_name), styled(sheet, column), styled(sheet, meaning, alignment=wrap)])
