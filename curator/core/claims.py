"""Create, read, update, delete and restore claims; every write is logged field by field."""

from __future__ import annotations

import math
import re
import sqlite3
from typing import TYPE_CHECKING, Any

import peewee

from curator.core import changelog
from curator.core.anchoring import Anchor, AnchorError, make_anchor
from curator.core.claim_records import read_records
from curator.core.claim_stale import stale_error
from curator.core.db import write_transaction
from curator.core.errors import NotFoundError, ValidationError
from curator.core.models import Claim, ClaimTerm, ClaimTombstone, Document, Term, new_uuid, utcnow
from curator.core.records import Changes, ClaimDraft, ClaimRecord, TermRef
from curator.core.suggest_provenance import record_accepted

if TYPE_CHECKING:
    from curator.core.session import Session

ANCHOR_FIELDS = ("start", "end", "exact", "prefix", "suffix", "document_sha256")


# kind -> (parse, what a valid entry is, check, what the check demands)
_NUMBER_KINDS = {
    "number": (float, "a number", math.isfinite, "enter a finite number"),
    "integer": (int, "a whole number", lambda n: n >= 0, "a count cannot be negative"),
}


def number_text(text: str) -> str:
    """A number as typed: a decimal comma (0,3 — the decimal mark of most of Europe) reads as a point."""
    text = text.strip().replace("\u2212", "-")  # a typographic minus pasted from a PDF
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    return text


def _parse_number(f, value: Any) -> float | int | None:
    typed = value  # messages quote what the reviewer typed, not its normalised form
    if isinstance(value, str):
        value = number_text(value)
    if value in (None, ""):
        return None
    parse, noun, check, demand = _NUMBER_KINDS[f.kind]
    if f.kind == "integer" and isinstance(value, float):
        if not value.is_integer():  # int(0.5) would quietly be 0
            raise ValidationError(
                f"{f.label}: '{value:g}' is not {noun}", ((f.key, f"{f.label}: '{value:g}' is not {noun}"),)
            )
        value = int(value)
    try:
        number = parse(value)
    except (TypeError, ValueError, OverflowError):
        message = f"{f.label}: '{typed}' is not {noun}"
        raise ValidationError(message, ((f.key, message),)) from None
    if not check(number):
        raise ValidationError(f"{f.label}: {demand}", ((f.key, f"{f.label}: {demand}"),))
    return number


RATIO_MEASURES = {"rr": "A risk ratio", "or": "An odds ratio", "hr": "A hazard ratio"}


def _effect_problems(values: dict[str, Any]) -> list[tuple[str, str]]:
    """What no study reports: a point estimate outside its own interval, a ratio at or below zero."""
    effect, low, high = values.get("effect_value"), values.get("ci_low"), values.get("ci_high")
    problems = []
    if effect is not None and low is not None and high is not None and low <= high and not low <= effect <= high:
        message = f"Effect value: {effect:g} lies outside its 95% CI ({low:g} to {high:g})"
        problems += [("effect_value", message), ("ci_low", message), ("ci_high", message)]
    ratio = RATIO_MEASURES.get(values.get("effect_measure") or "")
    if ratio:
        for key, label in (("effect_value", "Effect value"), ("ci_low", "95% CI, lower"), ("ci_high", "95% CI, upper")):
            if values.get(key) is not None and values[key] <= 0:
                problems.append((key, f"{label}: {ratio.lower()} is above 0 (1 means no effect)"))
    return problems


def number_problem(f, text: str) -> str | None:
    """What is wrong with a number field's text as typed, or None (for checking as the reviewer types)."""
    try:
        _parse_number(f, text)
    except ValidationError as exc:
        return str(exc)
    return None


def anchor_columns(anchor: Anchor, sha: str) -> dict[str, Any]:
    """The claim columns that hold an anchor (W3C position + quote selectors) and its text's hash."""
    return {
        "start": anchor.start,
        "end": anchor.end,
        "exact": anchor.exact,
        "prefix": anchor.prefix,
        "suffix": anchor.suffix,
        "document_sha256": sha,
    }


def _unique(problems: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple(dict.fromkeys(problems))


def _gather(*checks) -> list:
    """Run every check; raise one ValidationError with all their problems, or return their results."""
    results, problems = [], []
    for check in checks:
        try:
            results.append(check())
        except ValidationError as exc:
            problems += exc.problems or [("", str(exc))]
    if problems:
        raise ValidationError(problems=_unique(problems))
    return results


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def unstorable_text(text: str) -> str | None:
    """Why no database can store `text` (a NUL, or half of a character), or None.

    PostgreSQL refuses NUL in text and SQLite cuts text at it in places; a lone surrogate (from a
    broken paste or file name) has no UTF-8 form, so the driver would fail with a raw encoding error."""
    if "\x00" in text:
        return "holds a NUL character, which cannot be stored; delete it"
    m = _LONE_SURROGATE.search(text)
    if m:
        return (
            f"holds half of a character (a lone surrogate, U+{ord(m.group()):04X}) at position {m.start() + 1}, "
            "which cannot be stored; retype that character"
        )
    return None


def format_terms(terms: tuple[TermRef, ...]) -> str:
    return "; ".join(f"{t.role}: {t.label}" + (f" ({t.identifier})" if t.identifier else "") for t in terms)


class ClaimService:
    def __init__(self, session: Session):
        self.session = session

    # -- reading ------------------------------------------------------------------------------
    def get(self, claim_id: int) -> ClaimRecord:
        records = self._records(Claim.id == claim_id)
        if not records:
            if Claim.select().where(Claim.id == claim_id).exists():
                raise NotFoundError(f"claim {claim_id} is another extractor's, hidden while extraction is blind")
            raise NotFoundError(f"claim {claim_id} no longer exists")
        return records[0]

    def get_many(self, claim_ids: list[int]) -> list[ClaimRecord]:
        """The claims with these ids that exist, in chunks that stay under SQL's parameter limits."""
        out: list[ClaimRecord] = []
        for i in range(0, len(claim_ids), 900):
            out += self._records(Claim.id.in_(claim_ids[i : i + 900]))
        return out

    def for_document(self, document_id: int) -> list[ClaimRecord]:
        return self._records(Claim.document == document_id)

    def all(self) -> list[ClaimRecord]:
        return self._records(None)

    def count(self) -> int:
        visible = self.session.team.visible_claims()
        return Claim.select().where(visible if visible is not None else True).count()

    def status_counts(self) -> dict[tuple[int, str], int]:
        """(document id, status) -> number of claims the reviewer may see."""
        n = peewee.fn.COUNT(Claim.id)
        query = Claim.select(Claim.document, Claim.status, n).group_by(Claim.document, Claim.status)
        visible = self.session.team.visible_claims()
        if visible is not None:
            query = query.where(visible)
        return {(doc, status): count for doc, status, count in query.tuples()}

    def _records(self, where) -> list[ClaimRecord]:
        value_keys = [f.key for f in self.session.codebook.value_fields]
        visible = self.session.team.visible_claims()  # blind extraction: others' claims stay out of every view
        if visible is not None:
            where = visible if where is None else (where & visible)
        try:
            return read_records(where, value_keys)
        except (peewee.OperationalError, sqlite3.OperationalError) as exc:  # a fetch raises the driver's own
            # SQLite's "Could not decode to UTF-8 column …" names the column but not the row: say which
            # claim and field hold bytes another program wrote, in one sentence, instead.
            if "decode" not in str(exc):
                raise
            from curator.core.checks import unreadable_claims_error  # checks reads claims: import late

            error = unreadable_claims_error(self.session.database)
            if error is None:
                raise
            raise error from None

    # -- validation ---------------------------------------------------------------------------
    def clean_values(self, values: dict[str, Any]) -> dict[str, Any]:
        """Return every codebook value field, checked and normalised; raise naming every field at fault."""
        codebook = self.session.codebook
        known = {f.key for f in codebook.value_fields}
        unknown = set(values) - known
        if unknown:
            raise ValidationError(f"unknown claim field(s): {', '.join(sorted(unknown))}")
        cleaned: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        for f in codebook.value_fields:
            value = values.get(f.key)
            why = unstorable_text(value) if isinstance(value, str) else None
            if why:  # before anything quotes the value: a message holding a lone surrogate cannot be printed
                problems.append((f.key, f"{f.label}: {why}"))
                cleaned[f.key] = "" if f.kind in ("text", "longtext", "choice") else None
                continue
            if f.kind in ("text", "longtext"):
                # one newline convention, fixed once on the way in: spreadsheets turn CRLF into LF
                text = str(value or "").replace("\r\n", "\n").replace("\r", "\n")
                cleaned[f.key] = text.strip() if f.kind == "text" else text
            elif f.kind == "choice":
                value = value or f.default
                if value and value not in f.choice_keys:
                    problems.append((f.key, f"{f.label}: '{value}' is not one of the codebook's choices"))
                cleaned[f.key] = value or ""
            else:
                try:
                    cleaned[f.key] = _parse_number(f, value)
                except ValidationError as exc:
                    problems += exc.problems
                    cleaned[f.key] = None
        p = cleaned.get("p_value")
        if p is not None and not 0 <= p <= 1:
            problems.append(("p_value", "p-value: must lie between 0 and 1"))
        low, high = cleaned.get("ci_low"), cleaned.get("ci_high")
        if low is not None and high is not None and low > high:
            problems += [(key, "95% CI: the lower bound is above the upper bound") for key in ("ci_low", "ci_high")]
        problems += _effect_problems(cleaned)
        if problems:
            raise ValidationError(problems=_unique(problems))
        return cleaned

    def clean_terms(self, terms: tuple[TermRef, ...]) -> tuple[TermRef, ...]:
        roles = {r.key: r.label for r in self.session.codebook.roles}
        cleaned, seen, problems = [], set(), []
        for ref in terms:
            why = unstorable_text(ref.label) or unstorable_text(ref.identifier) or unstorable_text(ref.role)
            if why:
                problems.append((ref.role, f"{roles.get(ref.role, 'Term')}: a term {why}"))
                continue
            if ref.role not in roles:
                problems.append((ref.role, f"term '{ref.label}': unknown role '{ref.role}'"))
                continue
            if ref.term_id is not None:
                term = Term.get_or_none(Term.id == ref.term_id)
                if term is None:
                    problems.append(
                        (ref.role, f"{roles[ref.role]}: '{ref.label}' was deleted from the vocabulary; pick it again")
                    )
                    continue
                ref = TermRef(ref.role, term.label, term.identifier, term.id)
            elif not ref.label.strip():
                problems.append((ref.role, f"{roles[ref.role]}: a term needs a label"))
                continue
            key = (ref.role, ref.term_id, ref.label.casefold())
            if key not in seen:
                seen.add(key)
                cleaned.append(ref)
        if problems:
            raise ValidationError(problems=_unique(problems))
        return tuple(cleaned)

    def check_draft(self, draft: ClaimDraft) -> tuple[Anchor, str, dict[str, Any], tuple[TermRef, ...]]:
        """Anchor, values and terms of a draft, checked together: one error lists every problem."""
        (anchor, sha), values, terms = _gather(
            lambda: self._anchor(draft), lambda: self.clean_values(draft.values), lambda: self.clean_terms(draft.terms)
        )
        return anchor, sha, values, terms

    def _anchor(self, draft: ClaimDraft) -> tuple[Anchor, str]:
        document = Document.get_or_none(Document.id == draft.document_id)
        if document is None:
            raise NotFoundError(f"document {draft.document_id} no longer exists")
        try:
            return make_anchor(document.text, draft.start, draft.end), document.sha256
        except AnchorError as exc:
            raise ValidationError(f"Quote: {exc}", (("quote", f"Quote: {exc}"),)) from None

    # -- writing ------------------------------------------------------------------------------
    def create(self, draft: ClaimDraft) -> tuple[ClaimRecord, Changes]:
        anchor, sha, values, terms = self.check_draft(draft)
        reviewer_id = self.session.reviewer_id
        now = utcnow()
        with write_transaction():
            claim = Claim.create(
                document=draft.document_id,
                reviewer=reviewer_id,
                **anchor_columns(anchor, sha),
                created_at=now,
                updated_at=now,
                uuid=new_uuid(),
                **values,
            )
            self._write_terms(claim.id, terms)
            diffs = [("quote", None, anchor.exact), ("start", None, anchor.start), ("end", None, anchor.end)]
            diffs += [(k, None, v) for k, v in values.items() if v not in (None, "")]
            if terms:
                diffs.append(("terms", None, format_terms(terms)))
            changelog.record("create", "claim", claim.id, diffs, reviewer_id)
            record_accepted(claim.id, draft, values, terms, reviewer_id)
        return self.get(claim.id), Changes(documents=frozenset({draft.document_id}), claims=frozenset({claim.id}))

    def update(self, claim_id: int, draft: ClaimDraft, restore_anchor_of: ClaimRecord | None = None) -> Changes:
        return self.update_versioned(claim_id, draft, restore_anchor_of)[0]

    def update_versioned(
        self, claim_id: int, draft: ClaimDraft, restore_anchor_of: ClaimRecord | None = None
    ) -> tuple[Changes, int]:
        """update(), also returning the version the claim has after it, as this write made it: an undo
        must expect exactly that version, not whatever a later read finds (another client's save).

        Change a claim. `restore_anchor_of` (undo) puts that record's anchor back as it was stored,
        instead of re-anchoring its positions in the current text, which may be another version.

        A draft that names the version it was made from is refused if the claim has moved on since
        (StaleClaimError: another client changed it); the check is repeated in the UPDATE itself. So is
        one whose claim another client deleted: the reviewer keeps her input and may save it anew."""
        try:
            old = self.get(claim_id)
        except NotFoundError:
            if draft.version is not None and not Claim.select().where(Claim.id == claim_id).exists():
                raise stale_error(None, draft.uuid) from None
            raise
        if draft.uuid and draft.uuid != old.uuid:
            # SQLite gives a new claim the id of a deleted one (the highest rowid is reused): this is
            # another claim, and the one the form was loaded from is gone
            raise stale_error(None, draft.uuid)
        if draft.version is not None and draft.version != old.version:
            raise stale_error(old)
        if draft.document_id != old.document_id:
            raise ValidationError("a claim cannot move to another document")
        if restore_anchor_of is not None:
            r = restore_anchor_of
            anchor, sha, status = r.anchor, r.document_sha256, r.anchor_status
        elif (draft.start, draft.end) == (old.anchor.start, old.anchor.end):
            # The same selection keeps the stored anchor: an orphaned claim (whose positions refer to
            # an earlier version) must never be re-bound to whatever the current text holds there.
            anchor, sha, status = old.anchor, old.document_sha256, old.anchor_status
        else:
            anchor, sha, status = None, "", ""
        located, values, terms = _gather(
            (lambda: self._anchor(draft)) if anchor is None else (lambda: (anchor, sha)),
            lambda: self.clean_values(draft.values),
            lambda: self.clean_terms(draft.terms),
        )
        anchor, sha = located
        diffs = [(k, old.values.get(k), v) for k, v in values.items() if old.values.get(k) != v]
        if (anchor.start, anchor.end) != (old.anchor.start, old.anchor.end):
            diffs += [
                ("quote", old.anchor.exact, anchor.exact),
                ("start", old.anchor.start, anchor.start),
                ("end", old.anchor.end, anchor.end),
            ]
        if status != old.anchor_status:
            diffs.append(("anchor_status", old.anchor_status, status))
        terms_changed = [(t.role, t.label, t.identifier, t.term_id) for t in terms] != [
            (t.role, t.label, t.identifier, t.term_id) for t in old.terms
        ]
        if terms_changed:
            diffs.append(("terms", format_terms(old.terms), format_terms(terms)))
        if not diffs:
            return Changes(), old.version
        same_claim = (Claim.id == claim_id) & (Claim.version == old.version)
        if old.uuid:  # deleted meanwhile and its id given to a new claim (SQLite reuses the highest rowid)
            same_claim &= Claim.uuid == old.uuid
        with write_transaction():
            updated = (
                Claim.update(
                    **anchor_columns(anchor, sha),
                    anchor_status=status,
                    updated_at=utcnow(),
                    version=Claim.version + 1,
                    **values,
                )
                .where(same_claim)
                .execute()
            )
            if not updated:  # another client wrote (or deleted) between our read and this write
                current = self._current(claim_id)
                raise stale_error(current if current is not None and current.uuid == old.uuid else None, old.uuid)
            if terms_changed:
                ClaimTerm.delete().where(ClaimTerm.claim == claim_id).execute()
                self._write_terms(claim_id, terms)
            changelog.record("update", "claim", claim_id, diffs, self.session.reviewer_id)
            record_accepted(claim_id, draft, values, terms, self.session.reviewer_id)
        return Changes(documents=frozenset({old.document_id}), claims=frozenset({claim_id})), old.version + 1

    def delete(self, claim_id: int, version: int | None = None, uuid: str = "") -> tuple[ClaimRecord, Changes]:
        """Delete a claim; return the snapshot that restore() puts back. With `version` (and `uuid`),
        refuse if the claim has changed (or was deleted, its id now another claim's) since the reviewer
        saw that version."""
        try:
            old = self.get(claim_id)
        except NotFoundError:
            if version is not None and not Claim.select().where(Claim.id == claim_id).exists():
                raise stale_error(None, uuid) from None
            raise
        if uuid and uuid != old.uuid:
            raise stale_error(None, uuid)
        if version is not None and version != old.version:
            raise stale_error(old)
        with write_transaction():
            # The claim's row first, as update() does: a delete that took the terms first and an edit
            # that took the row first would each wait for the other (a deadlock on PostgreSQL); and a
            # refusal then reads the claim before this transaction has deleted any of it.
            same_claim = (Claim.id == claim_id) & (Claim.version == old.version)
            if old.uuid:  # not a new claim given this id after the one read was deleted
                same_claim &= Claim.uuid == old.uuid
            if not Claim.update(version=Claim.version + 1).where(same_claim).execute():
                current = self._current(claim_id)
                raise stale_error(current if current is not None and current.uuid == old.uuid else None, old.uuid)
            ClaimTerm.delete().where(ClaimTerm.claim == claim_id).execute()
            Claim.delete().where(Claim.id == claim_id).execute()
            if old.uuid:  # a merge must not bring it back from a project that still has it
                reviewer = self.session.reviewer
                ClaimTombstone.insert(
                    uuid=old.uuid, deleted_at=utcnow(), reviewer_name=reviewer.name if reviewer else ""
                ).on_conflict(
                    conflict_target=[ClaimTombstone.uuid],
                    update={ClaimTombstone.deleted_at: utcnow()},
                ).execute()
            diffs = [("quote", old.anchor.exact, None)] + [
                (k, v, None) for k, v in old.values.items() if v not in (None, "")
            ]
            if old.terms:
                diffs.append(("terms", format_terms(old.terms), None))
            changelog.record("delete", "claim", claim_id, diffs, self.session.reviewer_id)
        return old, Changes(documents=frozenset({old.document_id}), claims=frozenset({claim_id}))

    def restore(self, record: ClaimRecord) -> Changes:
        """Put a deleted claim back exactly as it was: same id, reviewer, anchor and timestamps."""
        if Claim.get_or_none(Claim.id == record.id) is not None:
            raise ValidationError(f"claim {record.id} already exists")
        if Document.get_or_none(Document.id == record.document_id) is None:
            raise NotFoundError("the claim's document no longer exists")
        terms = tuple(
            t
            if t.term_id is None or Term.get_or_none(Term.id == t.term_id)
            else TermRef(t.role, t.label, t.identifier, None)
            for t in record.terms
        )
        a = record.anchor
        with write_transaction():
            Claim.insert(
                id=record.id,
                document=record.document_id,
                reviewer=record.reviewer_id,
                **anchor_columns(a, record.document_sha256),
                anchor_status=record.anchor_status,
                created_at=record.created_at,
                updated_at=record.updated_at,
                uuid=record.uuid or new_uuid(),  # undo/redo keep the claim's identity
                version=record.version + 1,  # a client still holding the deleted version must not write over it
                **record.values,
            ).execute()
            if record.uuid:
                ClaimTombstone.delete().where(ClaimTombstone.uuid == record.uuid).execute()
            self._write_terms(record.id, terms)
            diffs = [("quote", None, a.exact)] + [(k, None, v) for k, v in record.values.items() if v not in (None, "")]
            changelog.record("create", "claim", record.id, diffs, self.session.reviewer_id)
        return Changes(documents=frozenset({record.document_id}), claims=frozenset({record.id}))

    def _current(self, claim_id: int) -> ClaimRecord | None:
        try:
            return self.get(claim_id)
        except NotFoundError:
            return None

    @staticmethod
    def _write_terms(claim_id: int, terms: tuple[TermRef, ...]) -> None:
        if terms:
            ClaimTerm.insert_many(
                [
                    {
                        "claim": claim_id,
                        "term": t.term_id,
                        "role": t.role,
                        "label": t.label,
                        "identifier": t.identifier,
                        "position": i,
                    }
                    for i, t in enumerate(terms)
                ]
            ).execute()
