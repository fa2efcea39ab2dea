"""Edit the project's codebook: vocabulary terms, and the choices of the form's choice fields.

Each edit is one write transaction together with its change-log rows, and returns a `Changes`
value; `curator.core.codebook_commands` makes them undoable. Undo must be exact, so the service can
capture a term or a choice as it stands (for a term: its row, the claim terms linked to it with
their label/identifier snapshots, and the retired-term rows of its labels) and put it back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import peewee

from curator.core import changelog
from curator.core.codebook import Codebook, FormField
from curator.core.db import write_transaction
from curator.core.errors import NotFoundError, ValidationError
from curator.core.models import CLAIM_FIELD_COLUMNS, Claim, ClaimTerm, CodebookChoice, RetiredTerm, Term, Vocabulary
from curator.core.records import Changes
from curator.core.terms import normalize_identifier

if TYPE_CHECKING:
    from curator.core.session import Session

TERM_FIELDS = ("label", "identifier", "synonyms", "description")
CHOICE_FIELDS = ("label", "position", "retired")
CHUNK = 500  # ids per IN (…): well below SQLite's limit on bound variables


def split_synonyms(text: str) -> tuple[str, ...]:
    """Synonyms as typed: one per line, or separated by ';'."""
    return tuple(part.strip() for part in re.split(r"[;\n]", text) if part.strip())


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def _documents_of(claim_ids: Iterable[int]) -> frozenset[int]:
    ids, out = sorted(set(claim_ids)), set()
    for chunk in _chunks(ids):
        out.update(r[0] for r in Claim.select(Claim.document).where(Claim.id.in_(chunk)).distinct().tuples())
    return frozenset(out)


def _claim_changes(claim_ids: Iterable[int], **flags: bool) -> Changes:
    claims = frozenset(claim_ids)
    return Changes(claims=claims, documents=_documents_of(claims), **flags)


# -- the project's choices -----------------------------------------------------------------------
def project_choice_rows(db: peewee.Database) -> list[tuple[str, str, str, bool]]:
    """(field key, choice key, label, retired) in form order; none for a schema older than v4."""
    if not db.table_exists(CodebookChoice._meta.table_name):  # an older project opened read-only
        return []
    query = CodebookChoice.select(
        CodebookChoice.field_key, CodebookChoice.choice_key, CodebookChoice.label, CodebookChoice.retired
    ).order_by(CodebookChoice.field_key, CodebookChoice.position, CodebookChoice.id)
    return [(f, k, label, bool(retired)) for f, k, label, retired in query.tuples()]


def sync_choices(template: Codebook) -> int:
    """Give the project the template's choices it has no row for (a new project: all); return how many.

    A retired choice keeps its row, so the template never brings it back."""
    last: dict[str, int] = {}
    existing = set()
    for field_key, key, position in CodebookChoice.select(
        CodebookChoice.field_key, CodebookChoice.choice_key, CodebookChoice.position
    ).tuples():
        existing.add((field_key, key))
        last[field_key] = max(last.get(field_key, -1), position)
    rows = []
    for f in template.fields:
        for c in f.choices if f.kind == "choice" else ():
            if (f.key, c.key) not in existing:
                last[f.key] = last.get(f.key, -1) + 1
                rows.append(
                    {
                        "field_key": f.key,
                        "choice_key": c.key,
                        "label": c.label,
                        "position": last[f.key],
                        "retired": c.retired,
                    }
                )
    if rows:  # no write (and so no new rolling backup) when nothing is new
        with write_transaction():
            CodebookChoice.insert_many(rows).execute()
    return len(rows)


@dataclass(frozen=True)
class TermState:
    """A term as it stood: row None if it did not exist; its claim terms as (claim term id, claim id,
    label, identifier); and which of `labels` (casefolded) were retired in its vocabulary."""

    term_id: int
    vocabulary_key: str
    row: dict[str, Any] | None
    links: tuple[tuple[int, int, str, str], ...]
    labels: frozenset[str]
    retired: frozenset[str]


class CodebookEditor:
    def __init__(self, session: Session):
        self.session = session

    @property
    def _reviewer(self) -> int | None:
        return self.session.reviewer_id

    # -- terms ----------------------------------------------------------------------------------
    def vocabularies(self) -> list[tuple[str, str]]:
        """(key, name) of every vocabulary, in codebook order."""
        return list(Vocabulary.select(Vocabulary.key, Vocabulary.name).order_by(Vocabulary.id).tuples())

    def check_term(
        self,
        vocabulary_id: int,
        label: str,
        identifier: str,
        synonyms: Iterable[str],
        description: str,
        term_id: int | None = None,
    ) -> dict[str, str]:
        """The term's fields, checked and normalised as stored; raise naming the field."""
        label = label.strip()
        if not label:
            raise ValidationError("Label: a term needs a label")
        others = Term.select(Term.label).where(Term.vocabulary == vocabulary_id)
        if term_id is not None:
            others = others.where(Term.id != term_id)
        # casefold in Python: SQLite's LOWER() folds ASCII only
        if any(t.label.casefold() == label.casefold() for t in others):
            name = Vocabulary.get_by_id(vocabulary_id).name
            raise ValidationError(f"Label: '{label}' is already a term in {name}")
        cleaned = []
        for synonym in synonyms:
            if not isinstance(synonym, str) or not synonym.strip():
                raise ValidationError("Synonyms: each synonym needs some text (leave out empty ones)")
            if ";" in synonym:  # stored '; '-joined
                raise ValidationError(f"Synonyms: '{synonym.strip()}' holds a ';' — give each synonym on its own")
            cleaned.append(synonym.strip())
        return {
            "label": label,
            "identifier": normalize_identifier(identifier),
            "synonyms": "; ".join(cleaned),
            "description": description.strip(),
        }

    def _term(self, term_id: int) -> Term:
        term = Term.get_or_none(Term.id == term_id)
        if term is None:
            raise NotFoundError(f"term {term_id} no longer exists")
        return term

    def add_term(
        self, vocabulary_key: str, label: str, identifier: str = "", synonyms: Iterable[str] = (), description: str = ""
    ) -> tuple[int, Changes]:
        vocabulary = Vocabulary.get_or_none(Vocabulary.key == vocabulary_key)
        if vocabulary is None:
            raise NotFoundError(f"vocabulary '{vocabulary_key}' does not exist")
        values = self.check_term(vocabulary.id, label, identifier, synonyms, description)
        with write_transaction():
            term = Term.create(vocabulary=vocabulary, added_by=self._reviewer, **values)
            RetiredTerm.delete().where(
                RetiredTerm.vocabulary_key == vocabulary_key, RetiredTerm.label == values["label"].casefold()
            ).execute()
            diffs = [(f, None, values[f]) for f in TERM_FIELDS if values[f]]
            changelog.record("create", "term", term.id, diffs, self._reviewer)
        return term.id, Changes(vocabulary=True)

    def edit_term(
        self, term_id: int, label: str, identifier: str, synonyms: Iterable[str], description: str
    ) -> Changes:
        """Change a term; the claims tagged with it show its new label and identifier."""
        term = self._term(term_id)
        values = self.check_term(term.vocabulary_id, label, identifier, synonyms, description, term_id)
        diffs = [(f, getattr(term, f), values[f]) for f in TERM_FIELDS if getattr(term, f) != values[f]]
        if not diffs:
            return Changes()
        vocabulary_key = term.vocabulary.key
        claims = {r[0] for r in ClaimTerm.select(ClaimTerm.claim).where(ClaimTerm.term == term_id).tuples()}
        with write_transaction():
            Term.update(**values).where(Term.id == term_id).execute()
            old, new = term.label.casefold(), values["label"].casefold()
            if old != new:
                # The old label is retired so the template does not bring it back beside the renamed term.
                RetiredTerm.insert(vocabulary_key=vocabulary_key, label=old).on_conflict_ignore().execute()
                RetiredTerm.delete().where(
                    RetiredTerm.vocabulary_key == vocabulary_key, RetiredTerm.label == new
                ).execute()
            if (term.label, term.identifier) != (values["label"], values["identifier"]):
                ClaimTerm.update(label=values["label"], identifier=values["identifier"]).where(
                    ClaimTerm.term == term_id
                ).execute()
            changelog.record("update", "term", term_id, diffs, self._reviewer)
        return _claim_changes(claims, vocabulary=True)

    def retire_term(self, term_id: int) -> Changes:
        """Take a term out of its vocabulary; claims keep it as text."""
        changes = self.session.terms.delete(term_id)
        return changes | _claim_changes(changes.claims)

    def merge_terms(self, source_id: int, target_id: int) -> Changes:
        """Fold `source` into `target`: its claims take the target term."""
        changes = self.session.terms.merge(source_id, target_id)
        return changes | _claim_changes(changes.claims)

    def capture_term(self, term_id: int, vocabulary_key: str = "", labels: Iterable[str] = ()) -> TermState:
        """The term as it stands now, with the retired state of its label and of `labels`."""
        row = next(iter(Term.select().where(Term.id == term_id).dicts()), None)
        if row is not None:
            vocabulary_key = Vocabulary.get_by_id(row["vocabulary"]).key
        folded = frozenset(label.casefold() for label in (*labels, *([row["label"]] if row else [])))
        links = tuple(
            ClaimTerm.select(ClaimTerm.id, ClaimTerm.claim, ClaimTerm.label, ClaimTerm.identifier)
            .where(ClaimTerm.term == term_id)
            .order_by(ClaimTerm.id)
            .tuples()
        )
        retired = RetiredTerm.select(RetiredTerm.label).where(
            RetiredTerm.vocabulary_key == vocabulary_key, RetiredTerm.label.in_(list(folded))
        )
        return TermState(
            term_id,
            vocabulary_key,
            row,
            links,
            folded,
            frozenset(r[0] for r in retired.tuples()) if folded else frozenset(),
        )

    def restore_term(self, state: TermState) -> Changes:
        """Put a term back as `state` holds it: same id, the same claim terms linked with their old
        snapshots, the same retired labels. Claim terms linked since keep what they have."""
        current = next(iter(Term.select().where(Term.id == state.term_id).dicts()), None)
        with write_transaction():
            if state.row is None:
                if current is not None:  # claim terms still on it keep their text (ON DELETE SET NULL)
                    Term.delete().where(Term.id == state.term_id).execute()
                    changelog.record(
                        "delete", "term", state.term_id, [("label", current["label"], None)], self._reviewer
                    )
            elif current is None:
                Term.insert(**state.row).execute()
                diffs = [(f, None, state.row[f]) for f in TERM_FIELDS if state.row[f]]
                changelog.record("create", "term", state.term_id, diffs, self._reviewer)
            else:
                diffs = [(f, current[f], state.row[f]) for f in TERM_FIELDS if current[f] != state.row[f]]
                if diffs:
                    Term.update(**{f: state.row[f] for f in TERM_FIELDS}).where(Term.id == state.term_id).execute()
                    changelog.record("update", "term", state.term_id, diffs, self._reviewer)
            snapshots: dict[tuple[str, str], list[int]] = {}
            for link_id, _claim, label, identifier in state.links:
                snapshots.setdefault((label, identifier), []).append(link_id)
            for (label, identifier), ids in snapshots.items():
                for chunk in _chunks(ids):
                    ClaimTerm.update(term=state.term_id, label=label, identifier=identifier).where(
                        ClaimTerm.id.in_(chunk)
                    ).execute()
            for label in state.labels:
                where = (RetiredTerm.vocabulary_key == state.vocabulary_key) & (RetiredTerm.label == label)
                if label in state.retired:
                    RetiredTerm.insert(vocabulary_key=state.vocabulary_key, label=label).on_conflict_ignore().execute()
                else:
                    RetiredTerm.delete().where(where).execute()
        return _claim_changes((claim for _, claim, _, _ in state.links), vocabulary=True)

    # -- choices --------------------------------------------------------------------------------
    def choice_fields(self) -> list[FormField]:
        """The form's choice fields with the project's choices (retired ones flagged)."""
        return [f for f in self.session.codebook.fields if f.kind == "choice"]

    def choice_usage(self, field_key: str) -> dict[str, int]:
        """choice key -> number of claims holding it."""
        column = self._column(field_key)
        query = Claim.select(column, peewee.fn.COUNT(Claim.id)).where(column != "").group_by(column)
        return dict(query.tuples())

    def _field(self, field_key: str) -> FormField:
        try:
            f = self.session.codebook.field(field_key)
        except KeyError:
            raise NotFoundError(f"the form has no field '{field_key}'") from None
        if f.kind != "choice":
            raise ValidationError(f"{f.label}: not a choice field")
        return f

    def _column(self, field_key: str) -> peewee.Field:
        self._field(field_key)
        return CLAIM_FIELD_COLUMNS[field_key]

    def _choice(self, field_key: str, key: str) -> CodebookChoice:
        row = CodebookChoice.get_or_none(CodebookChoice.field_key == field_key, CodebookChoice.choice_key == key)
        if row is None:
            raise NotFoundError(f"{self._field(field_key).label}: there is no choice '{key}'")
        return row

    def _check_label(self, f: FormField, label: str, key: str = "") -> str:
        label = label.strip()
        if not label:
            raise ValidationError(f"{f.label}: a choice needs a label")
        # a label may not name another choice by its label or key: imports match either, in any case
        for c in f.choices:
            if c.key != key and label.casefold() in (c.label.casefold(), c.key.casefold()):
                raise ValidationError(f"{f.label}: '{label}' is already a choice")
        return label

    def add_choice(self, field_key: str, label: str) -> tuple[str, Changes]:
        """Add a choice at the end of the field's list; return its key (made from the label)."""
        f = self._field(field_key)
        label = self._check_label(f, label)
        stem = re.sub(r"[^a-z0-9]+", "_", label.casefold()).strip("_")[:56] or "choice"
        taken = {c.key for c in f.choices} | {r[0] for r in self._rows(field_key, CodebookChoice.choice_key)}
        key = next(k for k in (stem if n == 1 else f"{stem}_{n}" for n in range(1, len(taken) + 2)) if k not in taken)
        positions = self._rows(field_key, CodebookChoice.position)
        with write_transaction():
            row = CodebookChoice.create(
                field_key=field_key,
                choice_key=key,
                label=label,
                position=max((p[0] for p in positions), default=-1) + 1,
            )
            changelog.record(
                "create",
                "choice",
                row.id,
                [("key", None, f"{field_key}.{key}"), ("label", None, label)],
                self._reviewer,
            )
        self.session.reload_codebook()
        return key, Changes(codebook=True)

    @staticmethod
    def _rows(field_key: str, column: peewee.Field) -> list[tuple]:
        return list(CodebookChoice.select(column).where(CodebookChoice.field_key == field_key).tuples())

    def rename_choice(self, field_key: str, key: str, label: str) -> Changes:
        """A new label; the key stays, so claims keep their value."""
        row = self._choice(field_key, key)
        label = self._check_label(self._field(field_key), label, key)
        if label == row.label:
            return Changes()
        with write_transaction():
            CodebookChoice.update(label=label).where(CodebookChoice.id == row.id).execute()
            changelog.record("update", "choice", row.id, [("label", row.label, label)], self._reviewer)
        self.session.reload_codebook()
        return Changes(codebook=True)

    def set_choice_retired(self, field_key: str, key: str, retired: bool = True) -> Changes:
        """Retire a choice (no longer offered; claims holding it keep it), or restore it."""
        f, row = self._field(field_key), self._choice(field_key, key)
        if retired and not row.retired:
            self._check_retirable(f, key)
        if bool(row.retired) == retired:
            return Changes()
        with write_transaction():
            CodebookChoice.update(retired=retired).where(CodebookChoice.id == row.id).execute()
            changelog.record("update", "choice", row.id, [("retired", bool(row.retired), retired)], self._reviewer)
        self.session.reload_codebook()
        return Changes(codebook=True)

    @staticmethod
    def _check_retirable(f: FormField, key: str) -> None:
        label = f.choice_label(key)
        if key == f.default:
            raise ValidationError(f"{f.label}: '{label}' is what new claims start with, so it cannot be retired")
        if [c.key for c in f.active_choices] == [key]:
            raise ValidationError(f"{f.label}: '{label}' is the last choice left; the field needs one")

    def merge_choices(self, field_key: str, source: str, target: str) -> tuple[list[int], bool, Changes]:
        """Claims holding `source` take `target`, and `source` is retired.

        Return the claims changed and whether `source` was retired before, for undo."""
        f, source_row, target_row = (
            self._field(field_key),
            self._choice(field_key, source),
            self._choice(field_key, target),
        )
        if source == target:
            raise ValidationError(f"{f.label}: a choice cannot be merged into itself")
        if target_row.retired:
            raise ValidationError(f"{f.label}: '{target_row.label}' is retired; restore it before merging into it")
        if not source_row.retired:
            self._check_retirable(f, source)
        column = CLAIM_FIELD_COLUMNS[field_key]
        claims = [r[0] for r in Claim.select(Claim.id).where(column == source).order_by(Claim.id).tuples()]
        with write_transaction():
            Claim.update({column: target, Claim.version: Claim.version + 1}).where(column == source).execute()
            CodebookChoice.update(retired=True).where(CodebookChoice.id == source_row.id).execute()
            changelog.record(
                "update",
                "choice",
                source_row.id,
                [("merged_into", None, f"{target_row.label} ({target})")],
                self._reviewer,
            )
            for claim_id in claims:
                changelog.record("update", "claim", claim_id, [(field_key, source, target)], self._reviewer)
        self.session.reload_codebook()
        return claims, bool(source_row.retired), _claim_changes(claims, codebook=True)

    def unmerge_choices(self, field_key: str, source: str, claims: list[int], was_retired: bool) -> Changes:
        """Undo a merge: the claims it changed hold `source` again, retired as it was."""
        column, row = self._column(field_key), self._choice(field_key, source)
        with write_transaction():
            for chunk in _chunks(claims):
                Claim.update({column: source, Claim.version: Claim.version + 1}).where(Claim.id.in_(chunk)).execute()
            CodebookChoice.update(retired=was_retired).where(CodebookChoice.id == row.id).execute()
            changelog.record("update", "choice", row.id, [("merged_into", "(undone)", None)], self._reviewer)
            for claim_id in claims:
                changelog.record("update", "claim", claim_id, [(field_key, None, source)], self._reviewer)
        self.session.reload_codebook()
        return _claim_changes(claims, codebook=True)

    def capture_choice(self, field_key: str, key: str) -> dict[str, Any] | None:
        return next(
            iter(
                CodebookChoice.select()
                .where(CodebookChoice.field_key == field_key, CodebookChoice.choice_key == key)
                .dicts()
            ),
            None,
        )

    def restore_choice(self, field_key: str, key: str, row: dict[str, Any] | None) -> Changes:
        """Put a choice's row back as captured (None: remove it, undoing its addition)."""
        current = self.capture_choice(field_key, key)
        with write_transaction():
            if row is None:
                if current is not None:
                    CodebookChoice.delete().where(CodebookChoice.id == current["id"]).execute()
                    changelog.record(
                        "delete", "choice", current["id"], [("label", current["label"], None)], self._reviewer
                    )
            elif current is None:
                CodebookChoice.insert(**row).execute()
                diffs = [("key", None, f"{field_key}.{key}"), ("label", None, row["label"])]
                changelog.record("create", "choice", row["id"], diffs, self._reviewer)
            else:
                diffs = [(f, current[f], row[f]) for f in CHOICE_FIELDS if current[f] != row[f]]
                if diffs:
                    CodebookChoice.update(**{f: row[f] for f in CHOICE_FIELDS}).where(
                        CodebookChoice.id == current["id"]
                    ).execute()
                    changelog.record("update", "choice", current["id"], diffs, self._reviewer)
        self.session.reload_codebook()
        return Changes(codebook=True)
