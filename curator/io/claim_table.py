"""The claims table every export shares and the import reads back: columns, values, meanings.

One definition serves the Excel Claims sheet, the CSV file, the About sheet's data dictionary and
the importer's header matching, so a column cannot mean one thing on the way out and another on the
way back in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from curator.core.codebook import FormField
from curator.core.reconcile_view import ConsensusView, consensus_view
from curator.core.records import ClaimRecord
from curator.core.session import Session

# What the importer does with a column, by kind.
# "uuid" is read only to check that a row's Claim ID names the claim it was exported from.
READ_ONLY_KINDS = {"reviewer", "created", "updated", "page", "end", "sha256", "anchor_status", "uuid", "consensus"}


@dataclass(frozen=True)
class ClaimColumn:
    header: str
    # id | document | quote | value | terms | term_ids | reviewer | created | updated | page | start | end | sha256
    # | anchor_status | uuid | consensus
    kind: str
    description: str
    value: Callable[[ClaimRecord], Any]
    field: FormField | None = None
    role: str = ""

    @property
    def importable(self) -> bool:
        return self.kind not in READ_ONLY_KINDS


def _field_value(f: FormField) -> Callable[[ClaimRecord], Any]:
    if f.kind == "choice":
        return lambda c: f.choice_label(c.values[f.key]) if c.values.get(f.key) else ""
    return lambda c: c.values.get(f.key)


def _field_description(f: FormField) -> str:
    what = {
        "text": "free text",
        "longtext": "free text, may span lines",
        "number": "a number",
        "integer": "a whole number",
    }.get(f.kind, "")
    if f.kind == "choice":
        what = (
            "one of: "
            + "; ".join(c.label for c in f.active_choices)
            + " (dropdown; the list is on the hidden Lists sheet)"
        )
    return f"{f.label}: {what}." + (f" {f.help}" if f.help else "")


def claim_page(session: Session) -> Callable[[ClaimRecord], int | None]:
    """A claim's 1-based PDF page (of the first character of its quote on a page, in the version the
    claim was made on), None on a document that is not a PDF. Which versions are PDFs is read on the
    first call, so an import, which never asks, reads nothing."""
    lookup: Callable[[str, int, int], int | None] | None = None

    def page(c: ClaimRecord) -> int | None:
        nonlocal lookup
        if lookup is None:
            lookup = session.documents.page_numbers()
        return lookup(c.document_sha256, c.anchor.start, c.anchor.end)

    return page


def claim_columns(
    session: Session, document_titles: dict[int, str], consensus: ConsensusView | None = None
) -> list[ClaimColumn]:
    """Fixed leading columns, codebook fields in form order, anchor columns last; then, in a project
    whose documents are reconciled (two or more extractors), the Consensus column. A single-reviewer
    project's table is as it always was. `consensus`: the project's, if the caller has read it."""
    codebook = session.codebook
    fields = {f.key: f for f in codebook.fields}
    ro = " Read-only: changes here are ignored on import."
    columns = [
        ClaimColumn(
            "Claim ID",
            "id",
            "Curator's id of the claim. Keep it to update the claim on import; leave it empty on a new row to create a claim.",
            lambda c: c.id,
        ),
        ClaimColumn(
            "Document",
            "document",
            "Title of the source document (on import: its title, file name or Document ID).",
            lambda c: document_titles.get(c.document_id, ""),
        ),
        ClaimColumn(
            "Quote",
            "quote",
            "The passage that makes the claim, exactly as in the document. On import a new row's quote is looked up in its "
            "document; spaces, quotation marks, hyphens and line breaks may differ.",
            lambda c: c.anchor.exact,
        ),
    ]
    if "statement" in fields:
        f = fields["statement"]
        columns.append(ClaimColumn(f.label, "value", "The claim in the reviewer's own words.", _field_value(f), f))
    columns.append(ClaimColumn("Reviewer", "reviewer", "Who made the claim." + ro, lambda c: c.reviewer_name))
    if "status" in fields:
        f = fields["status"]
        columns.append(ClaimColumn(f.label, "value", _field_description(f), _field_value(f), f))
    columns += [
        ClaimColumn("Created", "created", "When the claim was made (UTC)." + ro, lambda c: c.created_at),
        ClaimColumn("Updated", "updated", "When the claim was last changed (UTC)." + ro, lambda c: c.updated_at),
    ]
    for f in codebook.fields:
        if f.key in ("statement", "status"):
            continue
        if f.kind == "terms":
            columns.append(
                ClaimColumn(
                    f.label,
                    "terms",
                    f"{f.label}: vocabulary terms, labels joined with '; '. On import each is matched by label, synonym or identifier (any case).",
                    lambda c, role=f.key: "; ".join(t.label for t in c.terms_for(role)),
                    f,
                    f.key,
                )
            )
            columns.append(
                ClaimColumn(
                    f"{f.label} IDs",
                    "term_ids",
                    f"Identifiers (MeSH, NCBI Taxonomy, PubChem …) of the {f.label} terms, in the same order. "
                    f"On import used only where the {f.label} column is absent.",
                    lambda c, role=f.key: "; ".join(t.identifier for t in c.terms_for(role)),
                    f,
                    f.key,
                )
            )
        else:
            columns.append(ClaimColumn(f.label, "value", _field_description(f), _field_value(f), f))
    columns += [
        ClaimColumn(
            "Page",
            "page",
            "The PDF page the quote starts on (1 for the first page; for an orphaned claim, in the version it was "
            "made on); empty for documents that are not PDFs." + ro,
            claim_page(session),
        ),
        ClaimColumn(
            "Start",
            "start",
            "Where the quote starts in the document's text, in characters (Unicode code points) from 0. On import it picks between several equal quotes.",
            lambda c: c.anchor.start,
        ),
        ClaimColumn("End", "end", "Where the quote ends (exclusive), in characters." + ro, lambda c: c.anchor.end),
        ClaimColumn(
            "Document SHA-256",
            "sha256",
            "SHA-256 of the document text the quote was taken from: text[Start:End] of that text equals Quote." + ro,
            lambda c: c.document_sha256,
        ),
        ClaimColumn(
            "Anchor",
            "anchor_status",
            "Empty when the quote is at Start–End of the document's current text; "
            "'orphaned' when a revised version of the document no longer holds it (Start, End and SHA-256 then "
            "refer to the version the claim was made on)." + ro,
            lambda c: c.anchor_status,
        ),
        ClaimColumn(
            "Claim UUID",
            "uuid",
            "The claim's identity beyond this project: it never changes (not by editing, import, undo or merging "
            "projects), whereas Claim IDs are numbered per project. On import it is checked against the Claim ID "
            "(a workbook of another project is refused); empty on a new row." + ro,
            lambda c: c.uuid,
        ),
    ]
    consensus = consensus or consensus_view(session)
    if consensus.team:
        columns.append(
            ClaimColumn(
                "Consensus",
                "consensus",
                "'consensus of A, B': the adjudicator's consensus claim reconciling those reviewers' claims; "
                "'not reconciled': an extractor's claim no consensus covers yet; 'reconciled' or 'rejected' (only "
                "when every reviewer's claims are exported): an extractor's claim a consensus replaces, or one "
                "the adjudicator rejected; empty on documents with a single extractor." + ro,
                consensus.label,
            )
        )
    return columns


def find_column(columns: list[ClaimColumn], header: str) -> ClaimColumn | None:
    wanted = " ".join(str(header).split()).casefold()
    return next((c for c in columns if c.header.casefold() == wanted), None)
