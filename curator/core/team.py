"""Team review: reviewers' roles, documents assigned to extractors, and blind extraction.

Blind extraction (Cochrane Handbook ch. 5: two people extract independently): while a document has
two or more assigned extractors and not all of them have marked it done, whoever extracts sees only
her own claims on it — in the reader, the tables, search and exports, since they all read claims
through `visible_claims`. The lead and adjudicators who are not extracting it see every claim.
Roles order the work; they are not access control (anyone who can open the database can name anyone).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import peewee

from curator.core import changelog
from curator.core.db import write_transaction
from curator.core.errors import NotFoundError, ValidationError
from curator.core.models import ROLES, Assignment, Claim, Document, Reviewer, SchemaInfo, utcnow
from curator.core.records import Changes, ReviewerInfo

if TYPE_CHECKING:
    from curator.core.session import Session

BLIND_KEY = "blind_extraction"  # schema_info: "off" turns blind extraction off for the project
SEES_EVERYTHING = ("lead", "adjudicator")


@dataclass(frozen=True)
class AssignmentInfo:
    document_id: int
    reviewer_id: int
    reviewer_name: str
    assigned_at: dt.datetime
    done_at: dt.datetime | None

    @property
    def done(self) -> bool:
        return self.done_at is not None


@dataclass(frozen=True)
class DocumentTeamState:
    """Where a document stands in the team's work."""

    document_id: int
    extractors: tuple[str, ...]  # assigned reviewers, by name
    done: tuple[str, ...]  # those who have marked it done
    blind: bool  # claims are hidden between its extractors now

    @property
    def ready_for_reconciliation(self) -> bool:
        return len(self.extractors) >= 2 and len(self.done) == len(self.extractors)

    @property
    def label(self) -> str:
        if not self.extractors:
            return ""
        if self.ready_for_reconciliation:
            return "ready for reconciliation"
        return f"{len(self.done)} of {len(self.extractors)} done" + (" · blind" if self.blind else "")


class TeamService:
    def __init__(self, session: Session):
        self.session = session

    # -- reviewers and roles ------------------------------------------------------------------
    def reviewers(self) -> list[ReviewerInfo]:
        rows = Reviewer.select(Reviewer.id, Reviewer.name, Reviewer.initials, Reviewer.role).order_by(Reviewer.name)
        return [ReviewerInfo(*row) for row in rows.tuples()]

    def reviewer_named(self, name: str) -> ReviewerInfo:
        wanted = " ".join(name.split())
        row = Reviewer.get_or_none(peewee.fn.LOWER(Reviewer.name) == wanted.lower())
        if row is None:
            known = ", ".join(r.name for r in self.reviewers()) or "none yet"
            raise NotFoundError(f"no reviewer is called '{wanted}' (reviewers: {known})")
        return ReviewerInfo(row.id, row.name, row.initials, row.role)

    def set_role(self, reviewer_id: int, role: str) -> Changes:
        if role not in ROLES:
            raise ValidationError(f"Role: '{role}' is not one of {', '.join(ROLES)}")
        self._require_lead("change reviewers' roles")
        with write_transaction():
            old = Reviewer.get_or_none(Reviewer.id == reviewer_id)
            if old is None:
                raise NotFoundError(f"reviewer {reviewer_id} no longer exists")
            Reviewer.update(role=role).where(Reviewer.id == reviewer_id).execute()
            changelog.record("update", "reviewer", reviewer_id, [("role", old.role, role)], self.session.reviewer_id)
            if Reviewer.select().where(Reviewer.role == "lead").count() == 0:
                raise ValidationError("Role: a project needs a lead; make someone else lead first")
        if self.session.reviewer and self.session.reviewer.id == reviewer_id:
            self.session.use_reviewer_id(reviewer_id)
        return Changes(documents=self._all_document_ids(), claims=frozenset(), team=True)

    def _require_lead(self, what: str) -> None:
        me = self.session.reviewer
        if me is None:
            raise ValidationError(f"say who you are to {what}")
        if me.role != "lead" and Reviewer.select().where(Reviewer.role == "lead").exists():
            raise ValidationError(f"only the project's lead can {what}; {me.name} is {ROLES.get(me.role, me.role)}")

    # -- assignments --------------------------------------------------------------------------
    def assign(self, document_id: int, reviewer_ids: list[int]) -> Changes:
        """Assign the document to these reviewers (others already assigned stay)."""
        self._require_lead("assign documents")
        if Document.get_or_none(Document.id == document_id) is None:
            raise NotFoundError(f"document {document_id} no longer exists")
        known = {r.id for r in self.reviewers()}
        missing = [r for r in reviewer_ids if r not in known]
        if missing:
            raise NotFoundError(f"reviewer {missing[0]} no longer exists")
        now = utcnow()
        with write_transaction():
            for reviewer_id in reviewer_ids:
                Assignment.insert(
                    document=document_id, reviewer=reviewer_id, assigned_at=now
                ).on_conflict_ignore().execute()
            self._log(document_id, "assigned", reviewer_ids)
        return self._changed(document_id)

    def unassign(self, document_id: int, reviewer_ids: list[int]) -> Changes:
        self._require_lead("take documents back")
        with write_transaction():
            Assignment.delete().where(
                (Assignment.document == document_id) & Assignment.reviewer.in_(reviewer_ids)
            ).execute()
            self._log(document_id, "unassigned", reviewer_ids)
        return self._changed(document_id)

    def assignments(self, document_id: int | None = None) -> list[AssignmentInfo]:
        query = (
            Assignment.select(
                Assignment.document, Assignment.reviewer, Reviewer.name, Assignment.assigned_at, Assignment.done_at
            )
            .join(Reviewer)
            .order_by(Assignment.document, Reviewer.name)
        )
        if document_id is not None:
            query = query.where(Assignment.document == document_id)
        return [AssignmentInfo(*row) for row in query.tuples()]

    def mine(self) -> dict[int, AssignmentInfo]:
        """The current reviewer's assignments by document id."""
        me = self.session.reviewer_id
        return {a.document_id: a for a in self.assignments() if a.reviewer_id == me}

    def my_claim_counts(self, document_ids) -> dict[int, int]:
        """The current reviewer's own claims on each of these documents (one grouped count)."""
        me = self.session.reviewer_id
        ids = sorted(document_ids)
        if me is None or not ids:
            return {}
        query = (
            Claim.select(Claim.document, peewee.fn.COUNT(Claim.id))
            .where((Claim.reviewer == me) & Claim.document.in_(ids))
            .group_by(Claim.document)
        )
        return dict(query.tuples())

    def set_done(self, document_id: int, done: bool = True) -> Changes:
        """Mark the current reviewer's extraction of the document done (or not done again)."""
        me = self.session.reviewer
        if me is None:
            raise ValidationError("say who you are to mark your extraction done")
        with write_transaction():
            updated = (
                Assignment.update(done_at=utcnow() if done else None)
                .where((Assignment.document == document_id) & (Assignment.reviewer == me.id))
                .execute()
            )
            if updated:
                self._log(document_id, "done" if done else "not done", [me.id])
        if not updated:
            raise ValidationError(f"{me.name} is not assigned to this document; the lead assigns it first")
        return self._changed(document_id)

    def states(self) -> dict[int, DocumentTeamState]:
        """Every assigned document's state, by document id."""
        by_document: dict[int, list[AssignmentInfo]] = {}
        for a in self.assignments():
            by_document.setdefault(a.document_id, []).append(a)
        blind_on = self.blind_enabled()
        out = {}
        for document_id, items in by_document.items():
            done = tuple(a.reviewer_name for a in items if a.done)
            blind = blind_on and len(items) >= 2 and len(done) < len(items)
            out[document_id] = DocumentTeamState(document_id, tuple(a.reviewer_name for a in items), done, blind)
        return out

    # -- blind extraction ---------------------------------------------------------------------
    def blind_enabled(self) -> bool:
        row = SchemaInfo.get_or_none(SchemaInfo.key == BLIND_KEY)
        return row is None or row.value != "off"

    def set_blind(self, on: bool) -> Changes:
        self._require_lead("change blind extraction")
        with write_transaction():
            SchemaInfo.insert(key=BLIND_KEY, value="on" if on else "off").on_conflict(
                conflict_target=[SchemaInfo.key], update={SchemaInfo.value: "on" if on else "off"}
            ).execute()
            changelog.record(
                "update", "project", 0, [(BLIND_KEY, None, "on" if on else "off")], self.session.reviewer_id
            )
        return Changes(documents=self._all_document_ids(), team=True)

    def hidden_documents(self) -> frozenset[int]:
        """Documents on which the current reviewer sees only her own claims."""
        if not self.blind_enabled():
            return frozenset()
        counts = (
            Assignment.select(
                Assignment.document,
                peewee.fn.COUNT(Assignment.id),
                peewee.fn.COUNT(Assignment.done_at),
            )
            .group_by(Assignment.document)
            .tuples()
        )
        blind = {doc for doc, assigned, done in counts if assigned >= 2 and done < assigned}
        if not blind:
            return frozenset()
        me = self.session.reviewer
        # the role as stored now: the lead may have changed it since this client signed in
        role = Reviewer.select(Reviewer.role).where(Reviewer.id == me.id).scalar() if me is not None else None
        if me is not None and role in SEES_EVERYTHING:
            extracting = {
                row[0]
                for row in Assignment.select(Assignment.document)
                .where((Assignment.reviewer == me.id) & Assignment.document.in_(sorted(blind)))
                .tuples()
            }
            blind &= extracting
        return frozenset(blind)

    def visible_claims(self):
        """A condition on Claim for the claims the current reviewer may see, or None for all."""
        hidden = self.hidden_documents()
        if not hidden:
            return None
        me = self.session.reviewer_id
        others_there = Claim.document.in_(sorted(hidden))
        if me:
            others_there &= Claim.reviewer.is_null() | (Claim.reviewer != me)
        return ~others_there

    # -- helpers ------------------------------------------------------------------------------
    def _log(self, document_id: int, what: str, reviewer_ids: list[int]) -> None:
        """One change-log row per reviewer: other clients see assignments change (curator/core/live.py)."""
        names = dict(Reviewer.select(Reviewer.id, Reviewer.name).where(Reviewer.id.in_(reviewer_ids)).tuples())
        changelog.record(
            "update",
            "assignment",
            document_id,
            [(what, None, names.get(r, str(r))) for r in reviewer_ids],
            self.session.reviewer_id,
        )

    def _changed(self, document_id: int) -> Changes:
        """An assignment change: the document's row, and every claim on it (what one may see changed)."""
        claims = frozenset(r[0] for r in Claim.select(Claim.id).where(Claim.document == document_id).tuples())
        return Changes(documents=frozenset({document_id}), claims=claims, team=True)

    @staticmethod
    def _all_document_ids() -> frozenset[int]:
        return frozenset(r[0] for r in Document.select(Document.id).tuples())
