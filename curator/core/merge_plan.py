"""A merge's plan as plain values: what the preview shows and MergeProject writes (curator.core.merge)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from curator.core.errors import CuratorError
from curator.core.merge_types import (
    AssignmentRow,
    ChoiceRow,
    ClaimRow,
    DecisionRow,
    DocumentRow,
    PagesRow,
    ReviewerRow,
    SourceRow,
    TermRow,
    VocabularyRow,
)

PREFERENCES = (None, "mine", "theirs")
BOTH_EDITED = "edited on both sides"
DELETED_HERE = "deleted here, edited there"
DELETED_THERE = "edited here, deleted there"
DECIDED_DIFFERENTLY = "decided differently"  # an unmatched claim accepted on one side, rejected on the other
FIXED_LABELS = {
    "document": "Document version",
    "start": "Quote start",
    "end": "Quote end",
    "exact": "Quote",
    "anchor_status": "Anchor",
    "terms": "Terms",
    "reviewer": "Reviewer",
}


class MergeError(CuratorError):
    """The two projects cannot be merged; the message says why and what to do."""


@dataclass(frozen=True)
class Conflict:
    """A claim changed on both sides since the projects last met: kept as here unless `resolution`."""

    claim_uuid: str
    document_title: str
    quote: str
    reviewer: str
    kind: str  # BOTH_EDITED, DELETED_HERE, DELETED_THERE or DECIDED_DIFFERENTLY (claim_uuid: the decided claim)
    fields: tuple[tuple[str, str, str], ...]  # (field, here, there) for every field that differs
    resolution: str = ""  # "" (kept as here, listed again next time), "mine" or "theirs"


@dataclass(frozen=True)
class Skipped:
    claim_uuid: str
    document_title: str
    quote: str
    reason: str  # a sentence: why, and what to do


@dataclass(frozen=True)
class DuplicateConsensus:
    """Two consensus claims that reconcile one unit (two adjudicators on two copies): both are kept."""

    document_title: str
    quote: str  # of the first consensus claim, which is one of the unit's quotes
    start: int
    claim_uuids: tuple[str, str]
    adjudicators: tuple[str, str]

    def sentence(self) -> str:
        by = " and ".join(name or "nobody named" for name in self.adjudicators)
        return (
            f"the unit at “{_short(self.quote, 60)}” (character {self.start:,}) on “{self.document_title}” was "
            f"reconciled twice, by {by}: both consensus claims are kept; the adjudicator should delete one"
        )


@dataclass(frozen=True)
class ClaimWrite:
    """A claim taken from the other project: inserted (local_id None) or written over the local one."""

    row: ClaimRow
    digest: str
    local_id: int | None = None
    local_digest: str = ""  # checked again when written: the claim must not have changed since the plan
    diffs: tuple[tuple[str, str, str], ...] = ()  # (field, here, there), for the change log


@dataclass(frozen=True)
class ClaimDelete:
    claim_uuid: str
    local_id: int
    local_digest: str
    deleted_by: str  # who deleted it there


@dataclass(frozen=True)
class MergePlan:
    source: str  # the other project's file name
    other_uuid: str
    prefer: str | None
    new_documents: tuple[DocumentRow, ...] = ()
    new_vocabularies: tuple[VocabularyRow, ...] = ()
    new_terms: tuple[TermRow, ...] = ()
    terms: tuple[TermRow, ...] = ()  # every term the incoming claims name, to find them here
    new_reviewers: tuple[ReviewerRow, ...] = ()
    new_claims: tuple[ClaimWrite, ...] = ()
    updated_claims: tuple[ClaimWrite, ...] = ()
    deleted_claims: tuple[ClaimDelete, ...] = ()
    unchanged: int = 0
    kept_mine: int = 0  # changed only here since the projects last met
    kept_deleted: int = 0  # deleted here, unchanged there
    skipped: tuple[Skipped, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    new_assignments: tuple[AssignmentRow, ...] = ()
    done_assignments: tuple[AssignmentRow, ...] = ()  # marked done there, not yet here
    new_choices: tuple[ChoiceRow, ...] = ()
    differing_choices: tuple[tuple[str, str, str, str], ...] = ()  # (field, choice, label here, label there)
    bases: tuple[tuple[str, str | None], ...] = ()  # (claim uuid, digest) to record; None removes the row
    revived: tuple[str, ...] = field(default=())  # uuids deleted here that come back (prefer theirs)
    sources: tuple[tuple[str, tuple[SourceRow, ...]], ...] = ()  # (claim uuid, its consensus sources) to write
    decisions: tuple[DecisionRow, ...] = ()  # reconciliation decisions to write (over a different one: prefer)
    duplicates: tuple[DuplicateConsensus, ...] = ()
    pages: tuple[PagesRow, ...] = ()  # the new documents' PDF pages, current and older versions (v8)

    @property
    def has_changes(self) -> bool:
        return any(
            (
                self.new_documents,
                self.new_vocabularies,
                self.new_terms,
                self.new_reviewers,
                self.new_claims,
                self.updated_claims,
                self.deleted_claims,
                self.new_assignments,
                self.done_assignments,
                self.new_choices,
                self.bases,
                self.sources,
                self.decisions,
            )
        )

    @property
    def open_conflicts(self) -> tuple[Conflict, ...]:
        return tuple(c for c in self.conflicts if not c.resolution)

    def summary_lines(self) -> list[str]:
        """The preview: counts, then every skipped claim and every conflict by claim and field."""
        out = [f"Merge of {self.source}:"]
        for count, what in (
            (len(self.new_documents), "new document(s)"),
            (len(self.new_terms), "new term(s)"),
            (len(self.new_reviewers), "new reviewer(s)"),
            (len(self.new_claims), "new claim(s)"),
            (len(self.updated_claims), "claim(s) updated from there"),
            (len(self.deleted_claims), "claim(s) deleted there, deleted here too"),
            (self.unchanged, "claim(s) the same on both sides"),
            (self.kept_mine, "claim(s) changed only here, kept"),
            (self.kept_deleted, "claim(s) deleted here, kept deleted"),
            (len(self.new_assignments), "new assignment(s)"),
            (len(self.done_assignments), "assignment(s) marked done there"),
            (len(self.new_choices), "new codebook choice(s)"),
            (len(self.sources), "consensus claim(s) given their sources from there"),
            (len(self.decisions), "reconciliation decision(s) from there"),
            (len(self.duplicates), "unit(s) reconciled twice"),
            (len(self.skipped), "claim(s) skipped"),
            (len(self.conflicts), "conflict(s)"),
        ):
            if count:
                out.append(f"  {count:>7,} {what}")
        for s in self.skipped:
            out.append(f"  skipped: “{_short(s.quote)}” on “{s.document_title}”: {s.reason}")
        for d in self.duplicates:
            out.append(f"  reconciled twice: {d.sentence()}")
        for f, c, mine, theirs in self.differing_choices:
            out.append(f"  codebook: choice {c} of {f} is “{mine}” here and “{theirs}” there; kept as here")
        for c in self.conflicts:
            settled = {"mine": "kept as here", "theirs": "taken from there"}.get(c.resolution, "kept as here for now")
            where = f"“{_short(c.quote)}” on “{c.document_title}” by {c.reviewer}"
            out.append(f"  conflict ({c.kind}, {settled}): {where}")
            for name, here, there in c.fields:
                out.append(f"      {name}: here “{_short(here)}”, there “{_short(there)}”")
        if self.open_conflicts:
            out.append(
                f"  {len(self.open_conflicts)} conflict(s) stay as they are here and are listed again at the next "
                "merge: edit the claims to agree, or merge with --prefer mine or --prefer theirs"
            )
        if not self.has_changes and not self.conflicts and not self.skipped and not self.duplicates:
            out.append(f"  nothing to change: {self.source} brings nothing new")
        return out


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_of(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, list | tuple):
        return "; ".join(f"{r}: {label}" + (f" ({i})" if i else "") for r, label, i in value) or "(none)"
    return str(value) if not isinstance(value, float) else f"{value:g}"
