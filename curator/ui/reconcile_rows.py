"""What the Reconcile window (curator/ui/reconcile_window.py) shows, as plain text and without Qt: who
may reconcile a document and why not, each unit's state in words, every value as text, and the
adjudicator's choices for one unit (begun from its consensus claim when it has one: resumable)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from curator.core.codebook import Codebook
from curator.core.reconcile import MAY_RECONCILE, QUOTE, ConsensusDraft, FieldRow, ReconUnit
from curator.core.records import TermRef
from curator.core.team import DocumentTeamState

EMPTY = "—"
EDITED = "edited"
AGREED = "all agree"
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
    if unit.stale:
        return "changed since reconciled"
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
        if f.kind in ("text", "longtext"):  # a table cell or a line: its lines joined
            return " ".join(str(value).split())
    return " ".join(str(value).split()) if key == QUOTE else str(value)


def saved_value(unit: ReconUnit, key: str) -> Any:
    """A field's value as the unit's consensus claim holds it (what a stale unit's sources have left)."""
    made = unit.consensus
    if made is None:
        return None
    if key == QUOTE:
        return made.anchor.exact
    terms = made.terms_for(key)
    return tuple(t.label for t in terms) if terms or key not in made.values else made.values.get(key)


def stale_words(unit: ReconUnit, labels: dict[str, str]) -> str:
    """What changed since a unit was reconciled, and what to do, in one sentence; "" if nothing did."""
    if not unit.stale:
        return ""
    what = [f"{' and '.join(unit.gone)}'s claim is no longer in this unit"] if unit.gone else []
    if unit.changed:
        what.append("now differing from the consensus: " + ", ".join(labels.get(k, k) for k in unit.changed))
    else:
        what.append("no field the consensus took differs")
    again = "choose those fields again and save (Ctrl+Enter)" if unit.matched else "A accepts the claim again"
    return f"Changed since reconciled — {'; '.join(what)}. To reconcile it again, {again}."


def term_identity(ref: TermRef) -> tuple:
    """Two reviewers' placings of one term are one checklist row."""
    return (ref.term_id, "") if ref.term_id is not None else (None, ref.label.casefold())


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
                if key in unit.changed:  # changed since reconciled: she chooses again
                    continue
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

    def dirty(self, unit: ReconUnit) -> bool:
        """Whether these choices differ from the ones the unit begins with (its consensus, if any)."""
        return self != Choices.for_unit(unit)

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

    def terms_to_edit(self, unit: ReconUnit, role: str) -> tuple[list[TermRef], list[TermRef]]:
        """(every term the reviewers gave in the role, the ones ticked when the editor opens): the
        terms chosen so far, else those every reviewer gave."""
        offered = [t for n in unit.reviewers for t in unit.claims[n].terms_for(role)]
        if role in self.edits:
            return offered, list(self.edits[role])
        if self.take.get(role):
            return offered, list(unit.claims[self.take[role]].terms_for(role))
        sets = [{term_identity(t) for t in unit.claims[n].terms_for(role)} for n in unit.reviewers]
        return offered, [t for t in offered if all(term_identity(t) in ids for ids in sets)]

    def value_to_edit(self, unit: ReconUnit, row: FieldRow, kind: str) -> Any:
        """What the editor of a value field opens with: the value chosen so far; for a text nothing
        chosen yet, the first reviewer's words, so an edit amends them (an empty editor turned one stray
        key and Ctrl+Enter into both reviewers' notes lost)."""
        value = self.value(unit, row.key)
        if value in (None, "") and kind in ("text", "longtext") and row.key not in self.edits:
            value = next((row.values[n] for n in unit.reviewers if row.values.get(n)), value)
        return value

    def undecided(self, unit: ReconUnit) -> list[str]:
        """Labels of the differing fields with no value chosen yet."""
        return [r.label for r in unit.fields if not self.source(r.key)]

    def draft(self, unit: ReconUnit) -> ConsensusDraft:
        return ConsensusDraft(take=dict(self.take), edits=dict(self.edits), default=unit.reviewers[0])


def choices_key(unit: ReconUnit) -> tuple:
    """Choices belong to a unit as it was when they were made: its claims and its consensus's version."""
    made = unit.consensus
    return unit_key(unit), made.id if made else None, made.version if made else None


def unsaved(units: list[ReconUnit], choices: dict[tuple, Choices]) -> list[tuple[ReconUnit, Choices]]:
    """Matched units whose choices differ from what is saved."""
    out = []
    for unit in units:
        made = choices.get(choices_key(unit))
        if unit.matched and made is not None and made.dirty(unit):
            out.append((unit, made))
    return out


def row_cells(codebook: Codebook, unit: ReconUnit, row: FieldRow, choices: Choices | None) -> tuple[list[str], str]:
    """One table row's texts (≠, field, each reviewer's value, then for a matched unit the consensus
    value and whose it is), and the reviewer whose value it takes ("" if none)."""
    cells = ["≠" if row.differs else "", row.label]
    cells += [value_text(codebook, row.key, row.values.get(n)) for n in unit.reviewers]
    if choices is None:
        return cells, ""
    source = choices.source(row.key)
    if source:
        cells.append(value_text(codebook, row.key, choices.value(unit, row.key)))
        number = unit.reviewers.index(source) + 1 if source in unit.reviewers else 0
        cells.append(EDITED if not number else f"{number} · {source}" if row.differs else AGREED)
    else:
        changed = "changed since reconciled" if row.key in unit.changed else ""
        cells += ["(choose: 1, 2…)" if row.key == QUOTE else "(choose: 1, 2… or E)", changed]
    return cells, source


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
        """The main window closes: unsaved choices are saved or discarded as she says, then it closes."""
        if self.window is not None:
            if self.window.isVisible():
                self.window.resolve_unsaved(can_stay=False)
            self.window.choices = {}
            self.window.close()
