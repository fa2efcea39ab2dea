"""What an import would do, row by row: the plan shown before anything is written (and its text)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from curator.core.records import ClaimDraft


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = ", ".join(p for p in (f"row {self.row}" if self.row else "", self.column) if p)
        return f"{where}: {self.message}" if where else self.message


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class RowPlan:
    row: int
    claim_id: int | None  # None: a new claim
    document: str
    draft: ClaimDraft
    changes: list[FieldChange] = field(default_factory=list)
    quote: str = ""  # the document's own text at the located passage


@dataclass
class ImportPlan:
    source: Path
    sheet: str
    new: list[RowPlan] = field(default_factory=list)
    changed: list[RowPlan] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    new_terms: list[tuple[str, str]] = field(default_factory=list)  # (role, label) to add to a vocabulary
    role_labels: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed)

    def summary(self) -> str:
        text = f"{len(self.new)} new, {len(self.changed)} changed, {self.unchanged} unchanged"
        if self.new_terms:
            text += f", {len(self.new_terms)} new vocabulary term(s)"
        if self.problems:
            text += f"; {len(self.problems)} problem(s): nothing will be written"
        return text

    def lines(self) -> list[str]:
        """The preview as text: what `--dry-run` prints and the dialog lists."""
        out = [f"{self.source.name}, sheet {self.sheet}: {self.summary()}"]
        out += [f"  problem: {p}" for p in self.problems]
        if self.ignored_columns:
            out.append(f"  ignored column(s): {', '.join(self.ignored_columns)}")
        for r in self.new:
            out.append(
                f"  row {r.row}: new claim in “{short(r.document)}”: “{short(r.draft.values.get('statement') or '')}”"
            )
        for r in self.changed:
            out.append(f"  row {r.row}: claim {r.claim_id}:")
            out += [f"      {c.field}: {short(c.old) or '(empty)'} → {short(c.new) or '(empty)'}" for c in r.changes]
        for role, label in self.new_terms:
            out.append(f"  new term for {self.role_labels.get(role, role)}: {label}")
        return out


def short(text: str, limit: int = 70) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
