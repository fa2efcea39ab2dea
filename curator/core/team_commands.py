"""Undoable team operations over `session.team` (do/undo returning `Changes`, as curator/core/commands.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from curator.core.commands import Command
from curator.core.records import Changes

if TYPE_CHECKING:
    from curator.core.session import Session


class AssignReviewers(Command):
    """The Assign dialog's answer as one step: these reviewers added to the document, those taken off.

    Undo takes the added ones off and puts the removed ones back (their "done" mark is not restored)."""

    def __init__(self, session: Session, document_id: int, add: list[int], remove: list[int], title: str = ""):
        self.session, self.document_id = session, document_id
        self.add, self.remove = sorted(add), sorted(remove)
        self.text = f"Assign {title}" if title else "Assign document"

    def _swap(self, add: list[int], remove: list[int]) -> Changes:
        team, changes = self.session.team, Changes(team=True)
        if remove:
            changes |= team.unassign(self.document_id, remove)
        if add:
            changes |= team.assign(self.document_id, add)
        return changes

    def do(self) -> Changes:
        return self._swap(self.add, self.remove)

    def undo(self) -> Changes:
        return self._swap(self.remove, self.add)


class SetDone(Command):
    """The current reviewer marks her extraction of a document done (or not done again)."""

    def __init__(self, session: Session, document_id: int, done: bool):
        self.session, self.document_id, self.done = session, document_id, done
        self.text = "Mark my extraction done" if done else "Mark my extraction not done"

    def do(self) -> Changes:
        return self.session.team.set_done(self.document_id, self.done)

    def undo(self) -> Changes:
        return self.session.team.set_done(self.document_id, not self.done)


class SetRoles(Command):
    """Reviewers' roles and blind extraction, changed together in the Reviewers dialog.

    A new lead is named before the old one steps down (a project always has a lead)."""

    text = "Change reviewers and roles"

    def __init__(self, session: Session, roles: dict[int, tuple[str, str]], blind: tuple[bool, bool]):
        self.session = session
        self.roles = {k: v for k, v in roles.items() if v[0] != v[1]}  # reviewer id -> (old, new)
        self.blind = blind  # (old, new)

    def _apply(self, which: int) -> Changes:
        team, changes = self.session.team, Changes(team=True)
        # leads first: the last lead is never demoted before another one exists
        for reviewer_id, pair in sorted(self.roles.items(), key=lambda item: item[1][which] != "lead"):
            changes |= team.set_role(reviewer_id, pair[which])
        if self.blind[0] != self.blind[1]:
            changes |= team.set_blind(self.blind[which])
        return changes

    def do(self) -> Changes:
        return self._apply(1)

    def undo(self) -> Changes:
        return self._apply(0)

    @property
    def changes_anything(self) -> bool:
        return bool(self.roles) or self.blind[0] != self.blind[1]
