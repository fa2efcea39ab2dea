"""What the Reconcile window (curator/ui/reconcile_window.py) shows, as plain text and without Qt: who
may reconcile a document and why not, each unit's state in words, every value as text, and the
adjudicator's choices for one unit (begun from its consensus claim when it has one: resumable)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from curator.core.codebook import Codebook
from curator.core.reconcile import MAY_RECONCILE, QUOTE, ConsensusDraft, ReconUnit
from curator.core.team import DocumentTeamState

EMPTY = "—"
EDITED = "edited"
SHORTCUT = "Ctrl+Shift+C"  # Ctrl+Shift+R re-anchors a claim


def may_reconcile(role: str | None, document: int | None, state: DocumentTeamState | None) -> tuple[bool, str]:
    """(enabled, tooltip) of Document → Reconcile…, from what the team controller last read (no query)."""
    if role not in MAY_RECONCILE:
        who = (role or "no reviewer").capitalize()
        return False, f"Only the lead and adjudicators reconcile; you are {who}."
    if document is None:
        return False, "Open a document to reconcile it."
    if state is None or len(state.extractors) < 2:
        return False, "This document is not assigned to two or more extractors."
    waiting = [name for name in state.extractors if name not in state.done]
    if waiting:
        return False, f"Not ready: {', '.join(waiting)} {'has' if len(waiting) == 1 else 'have'} not marked it done."
    return True, f"Turn the extractors' claims into consensus claims, field by field ({SHORTCUT})"


def unit_key(unit: ReconUnit) -> frozenset[str]:
    """A unit's identity across re-reads: its extractors' claims."""
    return unit.uuids


def unit_state(unit: ReconUnit) -> str:
    if unit.matched:
        return "reconciled ✓" if unit.consensus is not None else "matched"
    if unit.decision == "rejected":
        return "rejected"
    if unit.decision == "accepted" or unit.consensus is not None:
        return "accepted ✓"
    return f"only {unit.reviewers[0]}"


def unit_title(unit: ReconUnit, number: int) -> str:
    claim = next(iter(unit.claims.values()))
    quote = " ".join(claim.anchor.exact.split())
    quote = quote if len(quote) <= 60 else quote[:59] + "…"
    return f"{number}. [{unit_state(unit)}] “{quote}”"


def value_text(codebook: Codebook, key: str, value: Any) -> str:
    """A field's value as the reviewer reads it: a choice's label, terms joined, numbers as typed."""
    if value is None or value == "" or value == ():
        return EMPTY
    if isinstance(value, tuple):
        return "; ".join(str(v) for v in value)
    if key != QUOTE:
        try:
            f = codebook.field(key)
        except KeyError:
            return str(value)
        if f.kind == "choice":
            return f.choice_label(str(value))
        if f.kind == "number" and isinstance(value, float):
            return f"{value:g}"
    return " ".join(str(value).split()) if key == QUOTE else str(value)


@dataclass
class Choices:
    """The adjudicator's choices for one unit: per field whose value (`take`) or her own (`edits`)."""

    take: dict[str, str] = field(default_factory=dict)
    edits: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def for_unit(cls, unit: ReconUnit) -> Choices:
        """A unit with a consensus claim: its sources. Otherwise the fields nobody disagrees on."""
        choices = cls()
        if unit.consensus is not None and unit.matched:
            for key, source in unit.sources.items():
                if source.edited and key in unit.consensus.values:
                    choices.edits[key] = unit.consensus.values[key]
                elif source.edited:  # a term role the adjudicator edited (the window only takes terms)
                    choices.edits[key] = unit.consensus.terms_for(key)
                elif source.reviewer in unit.claims:
                    choices.take[key] = source.reviewer
        first = unit.reviewers[0]
        for row in unit.fields:
            if not row.differs and row.key not in choices.take and row.key not in choices.edits:
                choices.take[row.key] = first
        return choices

    def source(self, key: str) -> str:
        """Whose value the field takes: a reviewer's name, EDITED, or "" (not chosen yet)."""
        return EDITED if key in self.edits else self.take.get(key, "")

    def value(self, unit: ReconUnit, key: str) -> Any:
        if key in self.edits:
            value = self.edits[key]
            return tuple(t.label for t in value) if isinstance(value, tuple) else value
        name = self.take.get(key)
        row = next(r for r in unit.fields if r.key == key)
        return row.values.get(name) if name else None

    def undecided(self, unit: ReconUnit) -> list[str]:
        """Labels of the differing fields with no value chosen yet."""
        return [r.label for r in unit.fields if not self.source(r.key)]

    def draft(self, unit: ReconUnit) -> ConsensusDraft:
        return ConsensusDraft(take=dict(self.take), edits=dict(self.edits), default=unit.reviewers[0])


class ReconcileAction:
    """Document → Reconcile… and its window, for the team controller: the action enabled with its reason,
    the window opened on the current document (built on first use), refreshed from the window's Changes."""

    def __init__(self, parent, session, undo_stack, run, current_document, show_quote):
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QAction, QKeySequence

        self.parent, self.session, self.undo_stack, self.run = parent, session, undo_stack, run
        self.current_document, self.show_quote = current_document, show_quote
        self.window = None
        self.action = QAction("Re&concile…", parent)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.setStatusTip("Turn the extractors' claims on this document into consensus claims")
        self.action.triggered.connect(self.open)
        parent.addAction(self.action)

    def update(self, role: str | None, document: int | None, state: DocumentTeamState | None, editable: bool) -> None:
        enabled, tip = may_reconcile(role, document, state)
        if enabled and not editable:
            enabled, tip = False, "The project is open read-only."
        self.action.setEnabled(enabled)
        self.action.setToolTip(tip)
        if role not in MAY_RECONCILE and self.window is not None and self.window.isVisible():
            self.window.close()  # her role changed while it was open

    def open(self) -> None:
        document = self.current_document()
        if document is None or not self.action.isEnabled():
            return
        if self.window is None:
            from curator.ui.reconcile_window import ReconcileWindow

            self.window = ReconcileWindow(self.parent, self.session, self.undo_stack, self.run, self.show_quote)
        self.window.open_for(document)

    def apply(self, changes) -> None:
        if self.window is not None:
            self.window.apply(changes)

    def shutdown(self) -> None:
        if self.window is not None:
            self.window.close()
