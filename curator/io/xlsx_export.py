"""Export the project to an Excel workbook reviewers can analyse, edit and import back.

Sheets: Claims (one row per claim), Claim terms (long format, for pivots), Documents, Codebook,
Evidence map, About (with a data dictionary), and a hidden Lists sheet the dropdowns refer to.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from curator.core.reconcile_view import consensus_view
from curator.core.records import READING_STATUSES, SOURCE_KINDS
from curator.core.session import Session
from curator.io.claim_table import claim_columns
from curator.io.xlsx_agreement_sheets import write_agreement_sheets
from curator.io.xlsx_sheets import (
    ExportCancelled,
    ExportError,
    ExportReport,
    SheetLayout,
    TableSheet,
    check_target,
    close_all,
    disk_full_reported,
    write_atomically,
)
from curator.io.xlsx_summary_sheets import (
    DataDictionary,
    add_dropdowns,
    write_about,
    write_codebook,
    write_evidence_map,
    write_lists,
)

__all__ = ["ExportCancelled", "ExportError", "ExportReport", "export_xlsx"]

CLAIMS_LAYOUT = SheetLayout(
    widths={
        "Quote": 60,
        "Statement": 45,
        "Notes": 40,
        "Document": 36,
        "Document SHA-256": 20,
        "Created": 18,
        "Updated": 18,
    },
    wrapped=frozenset({"Quote", "Statement", "Notes"}),  # not Document: the same title on every row
)
CLAIM_TERMS_HEADERS = {
    "Claim ID": "The claim (see Claims).",
    "Document": "Title of the claim's document.",
    "Role": "Which form field the term fills (Conditions, Interventions, …).",
    "Term": "The term's label as placed on the claim.",
    "Identifier": "The term's identifier (MeSH, NCBI Taxonomy, PubChem …), if it has one.",
    "In vocabulary": "Yes, or No when the term has since been deleted from the vocabulary (the claim keeps it as text).",
    "Status": "The claim's status.",
    "Claim type": "The claim's type.",
    "Direction": "The claim's direction of effect.",
}
DOCUMENT_HEADERS = {
    "Document ID": "Curator's id of the document (an import may name the document by it).",
    "Title": "Title found in or given to the document.",
    "Kind of source": "Peer-reviewed article, news summary, web article, …",
    "Authors": "Authors, where found.",
    "Venue": "Journal or site.",
    "Published": "Publication date as found in the source.",
    "DOI": "Digital Object Identifier.",
    "URL": "Where the source came from.",
    "File name": "The file it was imported from.",
    "SHA-256": "SHA-256 of the document's canonical text; every claim records it.",
    "Reading status": "Unread, In progress or Done.",
    "Claims": "Number of claims on the document.",
    "Imported at": "When the document was imported (UTC).",
}
DOCUMENTS_LAYOUT = SheetLayout(
    widths={"Title": 60, "Authors": 30, "URL": 30, "SHA-256": 20, "Imported at": 18},
    wrapped=frozenset({"Title"}),
    fit_width=True,
)
CLAIM_TERMS_LAYOUT = SheetLayout(widths={"Document": 36, "Term": 32}, freeze="A2", fit_width=True)
PROGRESS_EVERY = 500


def document_row(d, total: int, by_status: dict, statuses: list[tuple[str, str]]) -> list:
    """A row of the Documents sheet: details, the claim count, and the count per status."""
    return [
        d.id,
        d.title,
        SOURCE_KINDS.get(d.source_kind, d.source_kind),
        d.authors,
        d.venue,
        d.published,
        d.doi,
        d.url,
        d.file_name,
        d.sha256,
        READING_STATUSES.get(d.reading_status, d.reading_status),
        total,
        d.imported_at,
        *[by_status.get((d.id, key), 0) for key, _ in statuses],
    ]


def export_xlsx(
    session: Session,
    path: str | os.PathLike,
    progress: Callable[[int, int], bool] | None = None,
    all_reviewers: bool = False,
) -> ExportReport:
    """Write the workbook to `path` atomically.

    `progress(done, total)` is called now and then; returning False cancels, leaving any previous
    file at `path` untouched. The Claims and Claim terms sheets hold the consensus claims and the claims
    not reconciled yet (in a single-reviewer project: every claim); `all_reviewers`: every reviewer's claims.
    """

    path = Path(path)
    check_target(path, ".xlsx", "an Excel export")
    with disk_full_reported(path):
        return _write_workbook(session, path, progress, all_reviewers)


def _write_workbook(
    session: Session, path: Path, progress: Callable[[int, int], bool] | None, all_reviewers: bool = False
) -> ExportReport:
    from openpyxl import Workbook

    report = ExportReport(path)
    documents = session.documents.infos()
    titles = {d.id: d.title for d in documents}
    everyone = sorted(session.claims.all(), key=lambda c: (c.document_id, c.anchor.start, c.id))  # reading order
    consensus = consensus_view(session)
    claims = consensus.select(everyone, all_reviewers)
    term_rows = sum(len(c.terms) for c in claims)
    total = len(claims) + term_rows + len(documents)
    done = 0

    def tick(n: int = 1) -> None:
        nonlocal done
        done += n
        if progress and done % PROGRESS_EVERY == 0 and progress(done, total) is False:
            close_all(workbook)
            raise ExportCancelled("export cancelled; nothing was written")

    workbook = Workbook(write_only=True)
    dictionary = DataDictionary()
    exported_at = dt.datetime.now(dt.UTC).replace(microsecond=0, tzinfo=None)

    # Claims
    columns = claim_columns(session, titles, consensus)
    claims_sheet = TableSheet(workbook, "Claims", [c.header for c in columns], len(claims), report, CLAIMS_LAYOUT)
    dictionary.add("Claims", [(c.header, c.description) for c in columns])
    for claim in claims:
        claims_sheet.append([c.value(claim) for c in columns], f"Claims, claim {claim.id}")
        tick()

    # Claim terms (long format)
    codebook = session.codebook
    role_labels = {r.key: r.label for r in codebook.roles}
    choice = {
        k: (codebook.field(k) if any(f.key == k for f in codebook.fields) else None)
        for k in ("status", "claim_type", "direction")
    }

    def label(key: str, claim) -> str:
        f = choice[key]
        value = claim.values.get(key) or ""
        return f.choice_label(value) if f and value else value

    sheet = TableSheet(workbook, "Claim terms", list(CLAIM_TERMS_HEADERS), term_rows, report, CLAIM_TERMS_LAYOUT)
    dictionary.add("Claim terms", CLAIM_TERMS_HEADERS.items())
    for claim in claims:
        status, kind, direction = label("status", claim), label("claim_type", claim), label("direction", claim)
        for t in claim.terms:
            sheet.append(
                [
                    claim.id,
                    titles.get(claim.document_id, ""),
                    role_labels.get(t.role, t.role),
                    t.label,
                    t.identifier,
                    "Yes" if t.term_id is not None else "No",
                    status,
                    kind,
                    direction,
                ],
                f"Claim terms, claim {claim.id}",
            )
        tick(len(claim.terms))

    # Documents, with claim counts by status
    status_field = choice["status"]
    statuses = [(c.key, c.label) for c in status_field.choices] if status_field else []
    headers = list(DOCUMENT_HEADERS)
    descriptions = dict(DOCUMENT_HEADERS)
    for _, status_label in statuses:
        headers.append(f"Claims: {status_label}")
        descriptions[f"Claims: {status_label}"] = f"Number of the document's claims whose status is {status_label}."
    sheet = TableSheet(workbook, "Documents", headers, len(documents), report, DOCUMENTS_LAYOUT)
    dictionary.add("Documents", [(h, descriptions[h]) for h in headers])
    # counted from the claims written above, so the two sheets agree once consensus claims replace the
    # extractors' claims they reconcile
    by_status = Counter((c.document_id, c.values.get("status") or "") for c in claims)
    per_document = Counter(c.document_id for c in claims)
    for d in documents:
        sheet.append(document_row(d, per_document[d.id], by_status, statuses), f"Documents, document {d.id}")
        tick()

    write_codebook(workbook, session, report, dictionary)
    written = {c.id for c in claims}
    write_evidence_map(workbook, session, report, dictionary, frozenset(c.id for c in everyone if c.id not in written))
    write_agreement_sheets(workbook, session, consensus.without_consensus(everyone), report, dictionary)
    about = workbook.create_sheet("About")
    lists = write_lists(workbook, columns, [d.title for d in documents], report)
    add_dropdowns(claims_sheet, lists)
    report.claims, report.documents = len(claims), len(documents)
    write_about(about, session, report, dictionary, exported_at, term_rows)
    write_atomically(workbook.save, path)
    if progress:
        progress(total, total)
    return report
