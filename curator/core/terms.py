"""Vocabulary terms: list, add, delete and merge — never at the cost of a claim."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import peewee

from curator.core import changelog
from curator.core.claims import unstorable_text
from curator.core.codebook import Codebook
from curator.core.db import write_transaction
from curator.core.errors import NotFoundError, ValidationError
from curator.core.models import ChangeLog, ClaimTerm, RetiredTerm, Reviewer, Term, Vocabulary
from curator.core.records import Changes, TermInfo

if TYPE_CHECKING:
    from curator.core.session import Session


def _split(synonyms: str) -> tuple[str, ...]:
    return tuple(s for s in (p.strip() for p in synonyms.split(";")) if s)


# The identifier forms a term may carry: the codebook's (MeSH descriptors and supplementary
# concepts, NCBI Taxonomy, PubChem CIDs) and those the seed documents list (MONDO, NCBI Gene, ChEBI).
# Each is (pattern over the whole text, ignoring case; the prefix as written canonically).
IDENTIFIER_FORMS = (
    (re.compile(r"mesh:([dc]\d+)", re.IGNORECASE), "MESH:"),
    (re.compile(r"ncbitaxon:(\d+)", re.IGNORECASE), "NCBITaxon:"),
    (re.compile(r"pubchem:(\d+)", re.IGNORECASE), "PubChem:"),
    (re.compile(r"mondo:(\d{7})", re.IGNORECASE), "MONDO:"),
    (re.compile(r"ncbigene:(\d+)", re.IGNORECASE), "NCBIGene:"),
    (re.compile(r"chebi:(\d+)", re.IGNORECASE), "CHEBI:"),
)
IDENTIFIER_HELP = (
    "MESH:D or MESH:C followed by digits, NCBITaxon:digits, PubChem:digits (a CID), MONDO:7 digits, "
    "NCBIGene:digits or CHEBI:digits — or leave it empty"
)


def normalize_identifier(text: str) -> str:
    """The identifier in its canonical form (`mesh:d000001` → `MESH:D000001`); "" stays "".

    Raise ValidationError naming the field and the forms it accepts."""
    text = text.strip()
    if not text:
        return ""
    for pattern, prefix in IDENTIFIER_FORMS:
        match = pattern.fullmatch(text)
        if match:
            return prefix + match[1].upper()
    raise ValidationError(f"Identifier: '{text}' is not in a known form; use {IDENTIFIER_HELP}")


class TermService:
    def __init__(self, session: Session):
        self.session = session

    def all(self) -> list[TermInfo]:
        query = (
            Term.select(Term, Vocabulary.key, Vocabulary.name, Vocabulary.roles)
            .join(Vocabulary)
            .order_by(Vocabulary.id, Term.label)
            .dicts()
        )
        return [
            TermInfo(
                r["id"],
                r["key"],
                r["name"],
                tuple(r["roles"].split()),
                r["label"],
                r["identifier"],
                _split(r["synonyms"]),
                r["description"],
            )
            for r in query
        ]

    def usage_counts(self) -> dict[int, int]:
        """term id -> number of claims tagged with it."""
        n = peewee.fn.COUNT(peewee.fn.DISTINCT(ClaimTerm.claim))
        query = (
            ClaimTerm.select(ClaimTerm.term, n).where(ClaimTerm.term.is_null(False)).group_by(ClaimTerm.term).tuples()
        )
        return dict(query)

    def added_by_names(self) -> dict[int, str]:
        """term id -> name of the reviewer who added it (terms from the codebook are absent)."""
        query = Term.select(Term.id, Reviewer.name).join(Reviewer, on=(Term.added_by == Reviewer.id)).tuples()
        return dict(query)

    def kept_as_text(self) -> list[tuple[str, str, str, int]]:
        """(role, label, identifier, claims) of tags whose vocabulary term was deleted."""
        n = peewee.fn.COUNT(peewee.fn.DISTINCT(ClaimTerm.claim))
        query = (
            ClaimTerm.select(ClaimTerm.role, ClaimTerm.label, ClaimTerm.identifier, n)
            .where(ClaimTerm.term.is_null())
            .group_by(ClaimTerm.role, ClaimTerm.label, ClaimTerm.identifier)
            .order_by(ClaimTerm.role, ClaimTerm.label)
            .tuples()
        )
        return list(query)

    def for_role(self, role: str) -> list[TermInfo]:
        """Terms a picker for `role` offers: every vocabulary serving it (all, for 'any' roles)."""
        return self.by_role([role])[role]

    def by_role(self, roles: list[str]) -> dict[str, list[TermInfo]]:
        """for_role() for several roles, from one query."""
        terms = self.all()
        out = {}
        for role in roles:
            any_vocabulary = self.session.codebook.role(role).any_vocabulary
            out[role] = [t for t in terms if any_vocabulary or role in t.roles]
        return out

    def vocabularies_for_role(self, role: str) -> list[tuple[str, str]]:
        """(key, name) of vocabularies a new term for `role` may go into."""
        any_vocabulary = self.session.codebook.role(role).any_vocabulary
        return [
            (v.key, v.name)
            for v in Vocabulary.select().order_by(Vocabulary.id)
            if any_vocabulary or role in v.roles.split()
        ]

    def add(
        self,
        vocabulary_key: str,
        label: str,
        identifier: str = "",
        synonyms: tuple[str, ...] = (),
        description: str = "",
    ) -> tuple[TermInfo, Changes]:
        label = label.strip()
        if not label:
            raise ValidationError("a new term needs a label")
        for what, text in (("label", label), ("identifier", identifier), ("description", description)) + tuple(
            ("synonym", s) for s in synonyms
        ):
            why = unstorable_text(text)
            if why:
                raise ValidationError(f"New term: its {what} {why}")
        identifier = normalize_identifier(identifier)
        vocabulary = Vocabulary.get_or_none(Vocabulary.key == vocabulary_key)
        if vocabulary is None:
            raise NotFoundError(f"vocabulary '{vocabulary_key}' does not exist")
        clash = [t for t in vocabulary.terms if t.label.casefold() == label.casefold()]
        if clash:
            raise ValidationError(f"'{label}' is already in {vocabulary.name}")
        with write_transaction():
            term = Term.create(
                vocabulary=vocabulary,
                label=label,
                identifier=identifier.strip(),
                synonyms="; ".join(synonyms),
                description=description,
                added_by=self.session.reviewer_id,
            )
            RetiredTerm.delete().where(
                RetiredTerm.vocabulary_key == vocabulary_key, RetiredTerm.label == label.casefold()
            ).execute()
            changelog.record(
                "create",
                "term",
                term.id,
                [("label", None, label), ("identifier", None, identifier)],
                self.session.reviewer_id,
            )
        info = next(t for t in self.all() if t.id == term.id)
        return info, Changes(vocabulary=True)

    def delete(self, term_id: int) -> Changes:
        """Remove a term from its vocabulary; claims keep it as text (label and identifier)."""
        term = Term.get_or_none(Term.id == term_id)
        if term is None:
            raise NotFoundError(f"term {term_id} no longer exists")
        claims = {ct.claim_id for ct in ClaimTerm.select(ClaimTerm.claim).where(ClaimTerm.term == term_id)}
        with write_transaction():
            ClaimTerm.update(term=None).where(ClaimTerm.term == term_id).execute()
            self._retire(term)
            term.delete_instance()
            changelog.record("delete", "term", term_id, [("label", term.label, None)], self.session.reviewer_id)
        return Changes(claims=frozenset(claims), vocabulary=True)

    def merge(self, source_id: int, target_id: int) -> Changes:
        """Fold `source` into `target`: its claims take the target term, then it is deleted."""
        source, target = Term.get_or_none(Term.id == source_id), Term.get_or_none(Term.id == target_id)
        if source is None or target is None:
            raise NotFoundError("a term to merge no longer exists")
        if source_id == target_id:
            raise ValidationError("a term cannot be merged into itself")
        claims = {ct.claim_id for ct in ClaimTerm.select(ClaimTerm.claim).where(ClaimTerm.term == source_id)}
        with write_transaction():
            ClaimTerm.update(term=target_id, label=target.label, identifier=target.identifier).where(
                ClaimTerm.term == source_id
            ).execute()
            self._retire(source)
            source.delete_instance()
            changelog.record(
                "update",
                "term",
                source_id,
                [("merged_into", None, f"{target.label} ({target_id})")],
                self.session.reviewer_id,
            )
        return Changes(claims=frozenset(claims), vocabulary=True)

    @staticmethod
    def _retire(term: Term) -> None:
        """Remember the term is gone, so the codebook does not bring it back at the next open."""
        RetiredTerm.insert(
            vocabulary_key=term.vocabulary.key, label=term.label.casefold()
        ).on_conflict_ignore().execute()

    def sync_codebook(self, codebook: Codebook) -> int:
        """Add the codebook's vocabularies and terms the database lacks; return how many terms were added."""
        added = 0
        retired = {(r.vocabulary_key, r.label.casefold()) for r in RetiredTerm.select()}
        # A term edited in the project is the project's now: the template no longer overwrites it.
        edited = {
            row[0]
            for row in ChangeLog.select(ChangeLog.entity_id)
            .where(ChangeLog.entity == "term", ChangeLog.action == "update")
            .distinct()
            .tuples()
        }
        with write_transaction():
            for cv in codebook.vocabularies:
                vocabulary, _ = Vocabulary.get_or_create(
                    key=cv.key, defaults={"name": cv.name, "roles": " ".join(cv.roles)}
                )
                if (vocabulary.name, vocabulary.roles) != (cv.name, " ".join(cv.roles)):
                    Vocabulary.update(name=cv.name, roles=" ".join(cv.roles)).where(
                        Vocabulary.id == vocabulary.id
                    ).execute()
                existing = {t.label.casefold(): t for t in Term.select().where(Term.vocabulary == vocabulary)}
                rows = []
                for ct in cv.terms:
                    term = existing.get(ct.label.casefold())
                    fields = {
                        "identifier": ct.identifier,
                        "synonyms": "; ".join(ct.synonyms),
                        "description": ct.description,
                    }
                    if term is None:
                        if (cv.key, ct.label.casefold()) in retired or ("*", ct.label.casefold()) in retired:
                            continue
                        rows.append({"vocabulary": vocabulary.id, "label": ct.label, **fields})
                    elif (
                        term.added_by_id is None
                        and term.id not in edited
                        and any(getattr(term, k) != v for k, v in fields.items())
                    ):
                        Term.update(**fields).where(Term.id == term.id).execute()
                if rows:
                    Term.insert_many(rows).execute()
                    added += len(rows)
        return added
