"""Another reviewer's project as plain values (read by curator.io.project_reader in the sandbox), and
the digest that tells whether a claim says the same on both sides.

The rows are NamedTuples of plain values: they cross the sandbox's pipe as pickles at C speed (a
100,000-claim project is one reply) and the planner reads them without any database.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, NamedTuple

# The claim columns a merge carries and compares (CLAIM_FIELD_COLUMNS of schema v6, in this order).
# Fixed here rather than derived from the model, so a snapshot's meaning does not depend on the
# reading side's version; the reader fills a column a file lacks with its default.
VALUE_COLUMNS = (
    "statement",
    "claim_type",
    "population",
    "study_design",
    "direction",
    "effect_measure",
    "effect_value",
    "ci_low",
    "ci_high",
    "p_value",
    "n_studies",
    "n_participants",
    "source_certainty",
    "reviewer_certainty",
    "status",
    "notes",
)
FLOAT_COLUMNS = frozenset({"effect_value", "ci_low", "ci_high", "p_value"})
INT_COLUMNS = frozenset({"n_studies", "n_participants"})
VALUE_DEFAULTS = {name: (None if name in FLOAT_COLUMNS | INT_COLUMNS else "") for name in VALUE_COLUMNS}
VALUE_DEFAULTS["status"] = "draft"


class VersionRow(NamedTuple):
    sha256: str
    text: str
    file_name: str
    format: str
    encoding: str
    styles: str
    replaced_at: str


class EntityRow(NamedTuple):
    section: str
    kind: str
    label: str
    identifier: str
    start: int | None
    end: int | None


class PagesRow(NamedTuple):
    """A PDF version's pages (schema v8), by the SHA-256 of the document or version they belong to."""

    sha256: str
    pdf: bytes
    layout: bytes  # PageLayout.to_bytes(), checked by the reader to cover that version's text
    page_count: int


class DocumentRow(NamedTuple):
    sha256: str  # of the current text: the document's identity across projects
    title: str
    source_kind: str
    authors: str
    venue: str
    published: str
    doi: str
    url: str
    file_name: str
    text: str
    format: str
    reading_status: str
    notes: str
    imported_at: str
    encoding: str
    styles: str
    versions: tuple[VersionRow, ...]
    entities: tuple[EntityRow, ...]


class VocabularyRow(NamedTuple):
    key: str
    name: str
    roles: str


class TermRow(NamedTuple):
    id: int  # the other project's id, only to resolve ClaimRow.terms
    vocabulary_key: str
    label: str
    identifier: str
    synonyms: str
    description: str


class ReviewerRow(NamedTuple):
    name: str
    initials: str
    role: str


class ClaimTermRow(NamedTuple):
    role: str
    label: str
    identifier: str
    term_id: int | None  # the other project's TermRow.id, None once the term was deleted there


class ClaimRow(NamedTuple):
    uuid: str
    document_sha256: str  # the current text of the claim's document there (DocumentRow.sha256)
    anchor_sha256: str  # the text the claim was made on (Claim.document_sha256)
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    anchor_status: str
    values: tuple  # in VALUE_COLUMNS order
    reviewer_name: str
    created_at: str
    updated_at: str
    version: int
    terms: tuple[ClaimTermRow, ...]


class AssignmentRow(NamedTuple):
    document_sha256: str
    reviewer_name: str
    assigned_at: str
    done_at: str | None


class TombstoneRow(NamedTuple):
    uuid: str
    deleted_at: str
    reviewer_name: str


class ChoiceRow(NamedTuple):
    field_key: str
    choice_key: str
    label: str
    position: int
    retired: bool


class SourceRow(NamedTuple):
    """A consensus claim's source (schema v7), by the consensus claim's uuid: field_key "" (reconcile.MEMBER)
    names a claim of the unit it reconciles."""

    claim_uuid: str
    field_key: str
    source_uuid: str
    source_reviewer: str
    edited: bool


class DecisionRow(NamedTuple):
    """An adjudicator's decision on an unmatched claim (schema v7): accepted or rejected."""

    claim_uuid: str
    decision: str
    decided_by: str
    decided_at: str


class ProjectSnapshot(NamedTuple):
    """Everything a merge takes from another project; merge_bases are (project uuid, claim uuid, digest)."""

    name: str  # the file's name, for messages
    path: str  # where it was read from
    project_uuid: str
    project_path: str  # where it says it lives ("" before it was first opened by this version)
    schema_version: int
    documents: tuple[DocumentRow, ...]
    vocabularies: tuple[VocabularyRow, ...]
    terms: tuple[TermRow, ...]
    reviewers: tuple[ReviewerRow, ...]
    claims: tuple[ClaimRow, ...]
    assignments: tuple[AssignmentRow, ...]
    tombstones: tuple[TombstoneRow, ...]
    merge_bases: tuple[tuple[str, str, str], ...]
    choices: tuple[ChoiceRow, ...]
    consensus_sources: tuple[SourceRow, ...] = ()  # none before schema v7
    decisions: tuple[DecisionRow, ...] = ()
    pages: tuple[PagesRow, ...] = ()  # none before schema v8


CONTENT_KEYS = ("document", "start", "end", "exact", "anchor_status", *VALUE_COLUMNS, "terms", "reviewer")
_FLOAT_AT = tuple(5 + VALUE_COLUMNS.index(name) for name in sorted(FLOAT_COLUMNS))
_CANONICAL = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def claim_content(
    anchor_sha256: str,
    start: int,
    end: int,
    exact: str,
    anchor_status: str,
    values: tuple,
    terms: tuple[tuple[str, str, str], ...],
    reviewer_name: str | None,
) -> list:
    """What a claim says, as compared between projects, in CONTENT_KEYS order: never ids, versions or
    timestamps. The order is part of the digest: append new keys, never reorder."""
    content = [anchor_sha256, start, end, exact, anchor_status or "", *values, terms, reviewer_name or ""]
    for at in _FLOAT_AT:  # 2 and 2.0 are one number, whichever driver read it
        if content[at] is not None and type(content[at]) is not float:
            content[at] = float(content[at])
    return content


def content_fields(content: list) -> dict[str, Any]:
    return dict(zip(CONTENT_KEYS, content))


def content_digest(content: list) -> str:
    """SHA-256 of the claim's canonical JSON: one array in CONTENT_KEYS order (terms as [role, label,
    identifier] arrays), compact, UTF-8. An array encodes in a third of a sorted object's time."""
    return hashlib.sha256(_CANONICAL.encode(content).encode("utf-8", "surrogatepass")).hexdigest()


def row_content(claim: ClaimRow) -> list:
    return claim_content(
        claim.anchor_sha256,
        claim.start,
        claim.end,
        claim.exact,
        claim.anchor_status,
        claim.values,
        tuple(t[:3] for t in claim.terms),
        claim.reviewer_name,
    )
