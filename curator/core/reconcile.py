"""Reconciliation (issue 12): the extractors' claims on a document, matched into units as agreement
matches them, turned by an adjudicator into *consensus claims*.

A consensus claim is an ordinary claim (status confirmed, reviewer = the adjudicator) with
`consensus_source` rows: per field (a codebook value field key, a term role key, or "quote") the
extractor's claim and reviewer whose value it took, or `edited` when the adjudicator typed her own;
plus one row per claim of the unit it reconciles (field key MEMBER, ""), which ties the consensus to
its unit. The extractors' claims are never changed or deleted. A unit's claim that no other extractor
matched is accepted (a consensus claim copied from it) or rejected (a `reconciliation_decision` row).
Everything is read back from the database: a half-done document stays half done.

A consensus goes *stale* when an extractor edits (or deletes) one of the claims it reconciles after it
was made: a member claim's updated_at later than the consensus claim's, or a member no longer in the
unit. The unit then says which fields no longer hold their source's value, and can be reconciled again.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from curator.core.agreement import DEFAULT_THRESHOLD, build_units
from curator.core.errors import ValidationError
from curator.core.models import ROLES, Assignment, ConsensusSource, ReconciliationDecision, Reviewer
from curator.core.records import ClaimRecord, TermRef

if TYPE_CHECKING:
    from curator.core.session import Session

QUOTE = "quote"
MEMBER = ""  # a consensus_source row naming one claim of the unit the consensus reconciles
STATUS = "status"  # not compared nor taken: a consensus claim is confirmed
CONSENSUS_STATUS = "confirmed"
MAY_RECONCILE = ("lead", "adjudicator")


@dataclass(frozen=True)
class Source:
    """Where one field of a consensus claim came from."""

    field_key: str
    reviewer: str = ""  # "" when edited
    uuid: str = ""  # the extractor's claim, "" when edited
    edited: bool = False


@dataclass(frozen=True)
class FieldRow:
    """One field of a unit, side by side: each reviewer's value (terms: their labels; quote: its text)."""

    key: str
    label: str
    values: dict[str, Any]  # reviewer name -> value
    differs: bool


@dataclass(frozen=True)
class ReconUnit:
    document_id: int
    claims: dict[str, ClaimRecord]  # reviewer name -> her claim in this unit
    fields: tuple[FieldRow, ...]
    consensus: ClaimRecord | None = None  # the consensus claim already made for it
    sources: dict[str, Source] = field(default_factory=dict)  # field key -> source, of that consensus
    decision: str = ""  # unmatched claims: "" | accepted | rejected
    members: dict[str, str] = field(default_factory=dict)  # of that consensus: claim uuid -> reviewer it reconciles
    changed: tuple[str, ...] = ()  # stale: field keys whose consensus value is no longer its source's value

    @property
    def matched(self) -> bool:
        return len(self.claims) >= 2

    @property
    def reviewers(self) -> tuple[str, ...]:
        return tuple(sorted(self.claims))

    @property
    def uuids(self) -> frozenset[str]:
        return frozenset(c.uuid for c in self.claims.values())

    @property
    def differing(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields if f.differs)

    @property
    def reconciled(self) -> bool:
        return self.consensus is not None or self.decision == "rejected"

    @property
    def stale(self) -> bool:
        """Changed since reconciled: a claim it reconciles was edited after the consensus claim was last
        written, or deleted (or moved out of the unit), or another claim joined the unit."""
        made = self.consensus
        if made is None:
            return False
        return set(self.members) != self.uuids or any(c.updated_at > made.updated_at for c in self.claims.values())

    @property
    def gone(self) -> tuple[str, ...]:
        """Reviewers whose claim the consensus reconciles and that is no longer in the unit."""
        return tuple(sorted({name for uuid, name in self.members.items() if uuid not in self.uuids}))


@dataclass(frozen=True)
class ConsensusDraft:
    """What the adjudicator chose: per field key the reviewer whose value is taken (`take`), or her own
    value (`edits`: a value field's value, or for a role a tuple of TermRef). Fields named in neither
    take `default`'s value (by default the unit's first reviewer by name). The quote is always one
    reviewer's quote (`take["quote"]`); the consensus claim can be re-anchored afterwards as any claim."""

    take: dict[str, str] = field(default_factory=dict)
    edits: dict[str, Any] = field(default_factory=dict)
    default: str = ""


def _terms_key(terms: tuple[TermRef, ...]) -> frozenset[str]:
    return frozenset(t.identifier or t.label.casefold() for t in terms)


def _empty(value: Any) -> Any:
    return None if value == "" else value


class ReconcileService:
    def __init__(self, session: Session, threshold: float = DEFAULT_THRESHOLD):
        self.session = session
        self.threshold = threshold

    # -- who may ------------------------------------------------------------------------------
    def require_adjudicator(self, document_id: int) -> None:
        """Refuse unless the current reviewer is a lead or adjudicator and the document is not blind for her."""
        me = self.session.reviewer
        if me is None:
            raise ValidationError("say who you are to reconcile")
        role = Reviewer.select(Reviewer.role).where(Reviewer.id == me.id).scalar() or me.role
        if role not in MAY_RECONCILE:
            raise ValidationError(f"only a lead or an adjudicator can reconcile; {me.name} is {ROLES.get(role, role)}")
        self.require_visible(document_id)

    def require_visible(self, document_id: int) -> None:
        if document_id in self.session.team.hidden_documents():
            raise ValidationError("this document's extraction is still blind: every extractor must mark it done first")

    # -- reading ------------------------------------------------------------------------------
    def consensus_ids(self, document_id: int | None = None) -> set[int]:
        """Claims that are consensus claims (they have sources)."""
        query = ConsensusSource.select(ConsensusSource.claim).distinct()
        if document_id is not None:
            from curator.core.models import Claim

            query = query.join(Claim).where(Claim.document == document_id)
        return {row[0] for row in query.tuples()}

    def sources(self, claim_ids: list[int]) -> dict[int, list[Source]]:
        """Each consensus claim's source rows, MEMBER rows included."""
        out: dict[int, list[Source]] = {}
        for i in range(0, len(claim_ids), 900):
            rows = (
                ConsensusSource.select(
                    ConsensusSource.claim,
                    ConsensusSource.field_key,
                    ConsensusSource.source_reviewer,
                    ConsensusSource.source_uuid,
                    ConsensusSource.edited,
                )
                .where(ConsensusSource.claim.in_(claim_ids[i : i + 900]))
                .order_by(ConsensusSource.id)
                .tuples()
            )
            for claim_id, key, reviewer, uuid, edited in rows:
                out.setdefault(claim_id, []).append(Source(key, reviewer, uuid, bool(edited)))
        return out

    def decisions(self, uuids: list[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for i in range(0, len(uuids), 900):
            query = ReconciliationDecision.select(ReconciliationDecision.claim_uuid, ReconciliationDecision.decision)
            out.update(query.where(ReconciliationDecision.claim_uuid.in_(uuids[i : i + 900])).tuples())
        return out

    def units(self, document_id: int) -> list[ReconUnit]:
        """The document's units of extractors' claims (matched and not), in reading order, with the
        consensus claim or decision each already has."""
        self.require_visible(document_id)
        claims = self.session.claims.for_document(document_id)
        consensus_ids = self.consensus_ids(document_id)
        assigned = {
            name
            for (name,) in Reviewer.select(Reviewer.name)
            .join(Assignment)
            .where(Assignment.document == document_id)
            .tuples()
        }
        by_reviewer: dict[str, list[ClaimRecord]] = {}
        for c in claims:
            if c.id in consensus_ids or c.orphaned or not c.reviewer_name:
                continue
            if assigned and c.reviewer_name not in assigned:
                continue
            by_reviewer.setdefault(c.reviewer_name, []).append(c)
        consensus = [c for c in claims if c.id in consensus_ids]
        sources = self.sources([c.id for c in consensus])
        by_member = {s.uuid: c for c in consensus for s in sources.get(c.id, []) if s.field_key == MEMBER}
        members = {
            c.id: {s.uuid: s.reviewer for s in sources.get(c.id, []) if s.field_key == MEMBER} for c in consensus
        }
        units = build_units(document_id, by_reviewer, self.threshold)
        decisions = self.decisions([c.uuid for u in units if len(u.claims) == 1 for c in u.claims.values()])
        out = []
        for u in units:
            made = next((by_member[c.uuid] for c in u.claims.values() if c.uuid in by_member), None)
            made_sources = {s.field_key: s for s in sources.get(made.id, []) if s.field_key != MEMBER} if made else {}
            decision = decisions.get(next(iter(u.claims.values())).uuid, "") if len(u.claims) == 1 else ""
            unit = ReconUnit(document_id, dict(u.claims), self._fields(u.claims), made, made_sources, decision)
            if made is not None:
                unit = replace(unit, members=members[made.id])
                if unit.stale:
                    unit = replace(unit, changed=self._changed(unit))
            out.append(unit)
        return out

    def _changed(self, unit: ReconUnit) -> tuple[str, ...]:
        """Fields of a stale unit whose consensus value is no longer the value of the claim it was taken
        from (that claim changed, or is gone); fields the adjudicator edited herself are never listed."""
        made = unit.consensus
        assert made is not None
        by_uuid = {c.uuid: c for c in unit.claims.values()}
        out = []
        for row in unit.fields:
            source = unit.sources.get(row.key)
            if source is None or source.edited:
                continue
            claim = by_uuid.get(source.uuid)
            if claim is None:
                out.append(row.key)
            elif row.key == QUOTE:
                if (claim.anchor.start, claim.anchor.end) != (made.anchor.start, made.anchor.end):
                    out.append(row.key)
            elif self.session.codebook.field(row.key).kind == "terms":
                if _terms_key(claim.terms_for(row.key)) != _terms_key(made.terms_for(row.key)):
                    out.append(row.key)
            elif _empty(claim.values.get(row.key)) != _empty(made.values.get(row.key)):
                out.append(row.key)
        return tuple(out)

    def progress(self, document_id: int) -> tuple[int, int]:
        """(units, reconciled units) of a document."""
        units = self.units(document_id)
        return len(units), sum(1 for u in units if u.reconciled)

    def _fields(self, claims: dict[str, ClaimRecord]) -> tuple[FieldRow, ...]:
        names = sorted(claims)
        quotes = {n: claims[n].anchor.exact for n in names}
        spans = {(claims[n].anchor.start, claims[n].anchor.end) for n in names}
        rows = [FieldRow(QUOTE, "Quote", quotes, len(spans) > 1)]
        codebook = self.session.codebook
        for f in codebook.fields:
            if f.kind == "terms":
                terms = {n: claims[n].terms_for(f.key) for n in names}
                differs = len({_terms_key(t) for t in terms.values()}) > 1
                rows.append(FieldRow(f.key, f.label, {n: tuple(t.label for t in terms[n]) for n in names}, differs))
            elif f.key != STATUS:
                values = {n: claims[n].values.get(f.key) for n in names}
                rows.append(FieldRow(f.key, f.label, values, len({_empty(v) for v in values.values()}) > 1))
        return tuple(rows)

    # -- planning -----------------------------------------------------------------------------
    def plan(self, unit: ReconUnit, draft: ConsensusDraft) -> tuple[int, int, dict, tuple[TermRef, ...], list[Source]]:
        """(start, end, values, terms, sources) of the consensus claim the draft describes."""
        names = unit.reviewers
        default = draft.default or names[0]
        wrong = sorted({n for n in [default, *draft.take.values()] if n not in unit.claims})
        if wrong:
            raise ValidationError(f"{', '.join(wrong)} has no claim in this unit (it holds {', '.join(names)})")
        if QUOTE in draft.edits:
            raise ValidationError("Quote: take one reviewer's quote; the consensus claim can be re-anchored afterwards")
        codebook = self.session.codebook
        known = {QUOTE} | {f.key for f in codebook.fields}
        unknown = sorted((set(draft.take) | set(draft.edits)) - known)
        if unknown:
            raise ValidationError(f"no such field: {', '.join(unknown)}")

        def source(key: str) -> Source:
            if key in draft.edits:
                return Source(key, edited=True)
            name = draft.take.get(key, default)
            return Source(key, name, unit.claims[name].uuid)

        quoted = unit.claims[source(QUOTE).reviewer]
        sources = [source(QUOTE)]
        values: dict[str, Any] = {}
        terms: list[TermRef] = []
        for f in codebook.fields:
            if f.key == STATUS:
                continue
            s = source(f.key)
            sources.append(s)
            if f.kind == "terms":
                taken = tuple(draft.edits[f.key]) if s.edited else unit.claims[s.reviewer].terms_for(f.key)
                terms += [TermRef(f.key, t.label, t.identifier, t.term_id) for t in taken]
            else:
                values[f.key] = draft.edits[f.key] if s.edited else unit.claims[s.reviewer].values.get(f.key)
        values[STATUS] = CONSENSUS_STATUS
        sources += [Source(MEMBER, n, unit.claims[n].uuid) for n in names]
        return quoted.anchor.start, quoted.anchor.end, values, tuple(terms), sources


def write_sources(claim_id: int, sources: list[Source]) -> None:
    ConsensusSource.delete().where(ConsensusSource.claim == claim_id).execute()
    if sources:
        ConsensusSource.insert_many(
            [
                {
                    "claim": claim_id,
                    "field_key": s.field_key,
                    "source_uuid": s.uuid,
                    "source_reviewer": s.reviewer,
                    "edited": s.edited,
                }
                for s in sources
            ]
        ).execute()
