"""Undoable codebook edits (git-cola's do/undo commands) over `CodebookEditor`.

Undo puts back exactly what the edit changed — ids, the claim terms linked to a term with their
label/identifier snapshots, retired rows — from a state captured just before the edit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from curator.core.codebook_edit import TermState
from curator.core.commands import Command
from curator.core.records import Changes

if TYPE_CHECKING:
    from curator.core.session import Session


class AddTerm(Command):
    def __init__(
        self,
        session: Session,
        vocabulary_key: str,
        label: str,
        identifier: str = "",
        synonyms: Iterable[str] = (),
        description: str = "",
    ):
        self.editor = session.codebook_editor
        self.args = (vocabulary_key, label, identifier, tuple(synonyms), description)
        self.text = f"Add term “{label.strip()}”"
        self.term_id: int | None = None
        self.before: TermState | None = None
        self.after: TermState | None = None

    def do(self) -> Changes:
        if self.after is not None:  # redo: the same id, so later commands still find the term
            return self.editor.restore_term(self.after)
        # Before: no term, and the label retired or not (adding removes a retired row; undo puts it back).
        before = self.editor.capture_term(0, self.args[0], labels=[self.args[1].strip()])
        self.term_id, changes = self.editor.add_term(*self.args)
        self.before = dataclasses.replace(before, term_id=self.term_id)
        self.after = self.editor.capture_term(self.term_id)
        return changes

    def undo(self) -> Changes:
        assert self.before is not None
        return self.editor.restore_term(self.before)


class EditTerm(Command):
    """Change a term's label (a rename), identifier, synonyms or description."""

    def __init__(
        self, session: Session, term_id: int, label: str, identifier: str, synonyms: Iterable[str], description: str
    ):
        self.editor = session.codebook_editor
        self.term_id = term_id
        self.args = (label, identifier, tuple(synonyms), description)
        self.text = f"Edit term “{label.strip()}”"
        self.before: TermState | None = None

    def do(self) -> Changes:
        self.before = self.editor.capture_term(self.term_id, labels=[self.args[0].strip()])
        return self.editor.edit_term(self.term_id, *self.args)

    def undo(self) -> Changes:
        assert self.before is not None
        return self.editor.restore_term(self.before)


class MergeTerms(Command):
    def __init__(self, session: Session, source_id: int, target_id: int, text: str = "Merge terms"):
        self.editor = session.codebook_editor
        self.source_id, self.target_id = source_id, target_id
        self.text = text
        self.before: TermState | None = None

    def do(self) -> Changes:
        self.before = self.editor.capture_term(self.source_id)
        return self.editor.merge_terms(self.source_id, self.target_id)

    def undo(self) -> Changes:
        assert self.before is not None
        return self.editor.restore_term(self.before)


class RetireTerm(Command):
    """Take a term out of its vocabulary; claims keep it as text until undo links them again."""

    def __init__(self, session: Session, term_id: int, text: str = "Retire term"):
        self.editor = session.codebook_editor
        self.term_id = term_id
        self.text = text
        self.before: TermState | None = None

    def do(self) -> Changes:
        self.before = self.editor.capture_term(self.term_id)
        return self.editor.retire_term(self.term_id)

    def undo(self) -> Changes:
        assert self.before is not None
        return self.editor.restore_term(self.before)


class _ChoiceCommand(Command):
    """An edit of one choice whose undo is putting that choice's row back as it was."""

    def __init__(self, session: Session, field_key: str, key: str):
        self.editor = session.codebook_editor
        self.field_key, self.key = field_key, key
        self.before: dict[str, Any] | None = None

    def edit(self) -> Changes:
        raise NotImplementedError

    def do(self) -> Changes:
        self.before = self.editor.capture_choice(self.field_key, self.key)
        return self.edit()

    def undo(self) -> Changes:
        return self.editor.restore_choice(self.field_key, self.key, self.before)


class AddChoice(Command):
    def __init__(self, session: Session, field_key: str, label: str):
        self.editor = session.codebook_editor
        self.field_key, self.label = field_key, label
        self.text = f"Add choice “{label.strip()}”"
        self.key: str | None = None
        self.after: dict[str, Any] | None = None

    def do(self) -> Changes:
        if self.after is not None:  # redo: the same key and place
            assert self.key is not None
            return self.editor.restore_choice(self.field_key, self.key, self.after)
        self.key, changes = self.editor.add_choice(self.field_key, self.label)
        self.after = self.editor.capture_choice(self.field_key, self.key)
        return changes

    def undo(self) -> Changes:
        assert self.key is not None
        return self.editor.restore_choice(self.field_key, self.key, None)


class RenameChoice(_ChoiceCommand):
    def __init__(self, session: Session, field_key: str, key: str, label: str):
        super().__init__(session, field_key, key)
        self.label = label
        self.text = f"Rename choice to “{label.strip()}”"

    def edit(self) -> Changes:
        return self.editor.rename_choice(self.field_key, self.key, self.label)


class RetireChoice(_ChoiceCommand):
    """Retire a choice (retired=True) or restore a retired one (retired=False)."""

    def __init__(self, session: Session, field_key: str, key: str, retired: bool = True):
        super().__init__(session, field_key, key)
        self.retired = retired
        self.text = "Retire choice" if retired else "Restore choice"

    def edit(self) -> Changes:
        return self.editor.set_choice_retired(self.field_key, self.key, self.retired)


class MergeChoices(Command):
    """Claims holding `source` take `target`; undo gives each of them `source` back."""

    def __init__(self, session: Session, field_key: str, source: str, target: str):
        self.editor = session.codebook_editor
        self.field_key, self.source, self.target = field_key, source, target
        self.text = "Merge choices"
        self.claims: list[int] = []
        self.was_retired = False

    def do(self) -> Changes:
        self.claims, self.was_retired, changes = self.editor.merge_choices(self.field_key, self.source, self.target)
        return changes

    def undo(self) -> Changes:
        return self.editor.unmerge_choices(self.field_key, self.source, self.claims, self.was_retired)
