"""Suggest vocabulary terms for a selected passage, each with the words that triggered it.

A term is suggested when the passage names it — by label, synonym, identifier or an abbreviation
the document defines (curator/core/suggest_terms_match.py, suggest_terms_document.py) — under the
role its vocabulary serves first. Where the passage names no term of a topic role (conditions,
interventions), the document's own main topic of that role is suggested, marked source="document":
reviewers tag what a claim is about even when its sentence leaves it implicit.

`TermSuggester` is the session's service: it builds the matcher once per vocabulary revision and a
document's context once per text (by SHA-256), so a selection costs one fold and one automaton pass
over the passage. Everything it returns is a plain value.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import peewee

from curator.core.errors import NotFoundError
from curator.core.models import ChangeLog, Document, Term, Vocabulary
from curator.core.records import TermInfo
from curator.core.suggest_terms_cues import concept_hits, ellipsis_items, speaks_of_intervention
from curator.core.suggest_terms_document import DocumentContext
from curator.core.suggest_terms_match import ABBREVIATION, IDENTIFIER, LABEL, SYNONYM, TermMatcher

if TYPE_CHECKING:
    from curator.core.session import Session

PASSAGE, DOCUMENT = "passage", "document"
TOPIC_ROLES = ("condition", "intervention")
CACHED_DOCUMENTS = 16
_KIND_ORDER = (ABBREVIATION, IDENTIFIER, LABEL, SYNONYM)  # which reason a span gives when it names a term twice


@dataclass(frozen=True)
class TermSuggestion:
    role: str
    label: str
    identifier: str
    term_id: int
    reason: str  # the words that triggered it, or why the document suggests it
    start: int | None  # the first mention in the passage (document offsets); None for a document topic
    end: int | None
    source: str  # PASSAGE | DOCUMENT
    roles: tuple[str, ...] = ()  # every role the term's vocabulary serves (role is the first)


def _quoted(words: dict[str, int]) -> str:
    return ", ".join(f"“{w}”" + (f" ({n}×)" if n > 1 else "") for w, n in words.items())


def suggest_terms(
    context: DocumentContext, start: int, end: int, role_order: Sequence[str] = ()
) -> list[TermSuggestion]:
    """Terms for text[start:end] of the context's document: what it names, then the document's topics
    for the topic roles it names nothing of. Ordered by role (as `role_order`), then position."""
    matcher, text = context.matcher, context.text
    start, end = max(0, start), min(len(text), end)
    found: dict[int, dict[tuple[int, int], str]] = {}  # term -> span -> how it was named there
    for hit in context.hits(start, end):
        for name in hit.names:
            spans = found.setdefault(name.term, {})
            kind = spans.get((hit.start, hit.end))
            if kind is None or _KIND_ORDER.index(name.kind) < _KIND_ORDER.index(kind):
                spans[(hit.start, hit.end)] = name.kind
    _add_other_wordings(context, start, end, found)
    _prefer_mechanism_twins(context, found)
    _drop_broader(matcher, found, text)
    long_forms = {a.short: a.long for a in context.abbreviations}
    out = []
    for term_index, spans in found.items():
        term = matcher.terms[term_index]
        words: dict[str, dict[str, int]] = {kind: {} for kind in _KIND_ORDER}
        for (s, e), kind in sorted(spans.items()):
            words[kind][text[s:e]] = words[kind].get(text[s:e], 0) + 1
        reasons = []
        if words[LABEL] or words[SYNONYM]:
            reasons.append(f"mentions {_quoted(words[LABEL] | words[SYNONYM])}")
        for word in words[ABBREVIATION]:
            definition = long_forms.get(word) or long_forms.get(word + "s") or long_forms.get(word[:-1], "")
            reasons.append(
                f"mentions {_quoted({word: words[ABBREVIATION][word]})}, defined in the document as “{definition}”"
            )
        if words[IDENTIFIER]:
            reasons.append(f"names its identifier {_quoted(words[IDENTIFIER])}")
        first = min(spans)
        out.append(
            TermSuggestion(
                context.role_of(term_index),
                term.label,
                term.identifier,
                term.id,
                "; ".join(reasons),
                first[0],
                first[1],
                PASSAGE,
                term.roles,
            )
        )
    named_roles = {s.role for s in out}
    for role, topics in context.topics.items():
        if role in named_roles:
            continue
        if role == "intervention" and not speaks_of_intervention(text[start:end]):
            continue
        for topic in topics:
            term = matcher.terms[topic.term]
            out.append(
                TermSuggestion(
                    role, term.label, term.identifier, term.id, topic.reason, None, None, DOCUMENT, term.roles
                )
            )
    rank = {role: i for i, role in enumerate(role_order)}
    out.sort(key=lambda s: (rank.get(s.role, len(rank)), s.source != PASSAGE, s.start or 0, s.label))
    return out


def _terms_labelled(matcher: TermMatcher) -> dict[tuple[str, str], int]:
    """(folded label, role) -> term index, for every role the term's vocabulary serves (first one wins)."""
    index = getattr(matcher, "_suggest_labels", None)
    if index is None:
        index = {}
        for i, term in enumerate(matcher.terms):
            for role in term.roles:
                index.setdefault((term.label.casefold(), role), i)
        matcher._suggest_labels = index
    return index


def _add_other_wordings(context: DocumentContext, start: int, end: int, found: dict[int, dict]) -> None:
    """Concepts named by cue phrases, and list items that share a name's modifier (suggest_terms_cues)."""
    matcher, text = context.matcher, context.text
    labelled = _terms_labelled(matcher)
    for cue in concept_hits(text, start, end):
        term = labelled.get((cue.label.casefold(), cue.role))
        if term is None or context.role_of(term) != cue.role:
            continue
        for other, spans in list(found.items()):  # a name inside the cue phrase gives way to it
            if other != term:
                for s, e in [sp for sp in spans if cue.start <= sp[0] and sp[1] <= cue.end]:
                    del spans[(s, e)]
                if not spans:
                    del found[other]
        found.setdefault(term, {}).setdefault((cue.start, cue.end), SYNONYM)
    for term, spans in list(found.items()):
        for s, e in list(spans):
            words = text[s:e].split()
            if len(words) < 2:
                continue
            modifier = " ".join(words[:-1])
            for item_start, item_end, readings in ellipsis_items(text[:end], e):
                for reading in readings:
                    named = matcher.term_named(f"{modifier} {reading}")
                    if named is not None and named != term:
                        found.setdefault(named, {}).setdefault((item_start, item_end), SYNONYM)
                        break


def _prefer_mechanism_twins(context: DocumentContext, found: dict[int, dict]) -> None:
    """A label the codebook keeps both as a condition and as a mechanism (Dysbiosis) is the mechanism in
    a document whose main condition is another: there it is how the disease comes about, not the disease."""
    topics = {t.term for t in context.topics.get("condition", ())}
    labelled = _terms_labelled(context.matcher)
    for term in list(found):
        if context.role_of(term) != "condition" or term in topics:
            continue
        twin = labelled.get((context.matcher.terms[term].label.casefold(), "mechanism"))
        if twin is not None and twin != term and context.role_of(twin) == "mechanism":
            spans = found.pop(term)
            for span, kind in spans.items():
                found.setdefault(twin, {}).setdefault(span, kind)


NEAR = 80  # characters: a head noun this soon after a more specific name completes the same mention


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def _drop_broader(matcher: TermMatcher, found: dict[int, dict], text: str) -> None:
    """The most specific term: "anti-CGRP (…) monoclonal antibodies" is Anti-CGRP monoclonal antibodies,
    not also Monoclonal antibodies. A term of the same role is dropped when each of its mentions is the
    head of a more specific term's label (its last words) and follows a mention of that term closely."""
    for broad in list(found):
        for specific in list(found):
            if specific == broad or broad not in found:
                continue
            if not set(matcher.terms[broad].roles[:1]) & set(matcher.terms[specific].roles[:1]):
                continue
            head = _words(matcher.terms[specific].label)
            if all(
                (w := _words(text[s:e])) and len(w) < len(head) and head[-len(w) :] == w
                and any(0 < s - s2 <= NEAR for s2, _ in found[specific])
                for s, e in found[broad]
            ):  # fmt: skip
                del found[broad]


def build_matcher(rows: Sequence[tuple], revision: tuple, cancelled: Callable[[], bool] | None = None) -> TermMatcher:
    """The matcher of TermSuggester.prepare()'s rows; touches no database, so any thread may run it."""
    terms = [
        TermInfo(id_, key, name, tuple(roles.split()), label, identifier, _synonyms(synonyms), description)
        for id_, key, name, roles, label, identifier, synonyms, description in rows
    ]
    return TermMatcher(terms, revision, cancelled)


def _synonyms(joined: str) -> tuple[str, ...]:
    return tuple(s for s in (p.strip() for p in joined.split(";")) if s)


class TermSuggester:
    """Term suggestions through the session: `session.term_suggestions.suggest(document_id, start, end)`."""

    def __init__(self, session: Session):
        self.session = session
        self._matcher: TermMatcher | None = None
        self._contexts: OrderedDict[tuple, DocumentContext] = OrderedDict()
        self._log_seen: int | None = None
        self._vocabulary_stamp = 0

    # -- what changed -------------------------------------------------------------------------
    def invalidate(self) -> None:
        """Forget the matcher and contexts (call on Changes.vocabulary; the revision check would
        notice too, one query later)."""
        self._matcher = None
        self._contexts.clear()

    def _revision(self) -> tuple:
        """A value that changes whenever a term is added, edited or deleted, by any client.

        Every term write logs an entity "term" (or "vocabulary") row in the change log; only rows
        newer than the last look are read, through the primary key, so a project with a long
        history pays one MAX(id) per call while nothing changed. The count and highest id of the
        terms catch terms added without a log row (the codebook's at open)."""
        count, top = Term.select(peewee.fn.COUNT(Term.id), peewee.fn.MAX(Term.id)).tuples().first() or (0, 0)
        log_top = ChangeLog.select(peewee.fn.MAX(ChangeLog.id)).scalar() or 0
        if log_top != self._log_seen:
            if (
                self._log_seen is None
                or log_top < self._log_seen
                or (
                    ChangeLog.select(ChangeLog.id)
                    .where(ChangeLog.id > self._log_seen, ChangeLog.entity.in_(("term", "vocabulary")))
                    .exists()
                )
            ):
                self._vocabulary_stamp = log_top
            self._log_seen = log_top
        return (count, top, self._vocabulary_stamp)

    def matcher(self) -> TermMatcher:
        """The matcher of the vocabulary as it is now, rebuilt here (and now) only when a term changed."""
        prepared = self.prepare()
        if prepared is not None:
            self.install(build_matcher(*prepared))
        assert self._matcher is not None
        return self._matcher

    # -- building the matcher elsewhere ---------------------------------------------------------
    # With 20,000 terms a build takes seconds. A window reads the terms' rows here, on the thread that
    # owns the database connection (one fetchall: ≈ 0.1 s), builds with build_matcher(rows, revision)
    # on another thread, and hands the matcher back with install(); until then ready() is False.
    def prepare(self) -> tuple[list[tuple], tuple] | None:
        """(term rows, revision) to build a matcher from when the one held is out of date; None if current."""
        revision = self.stale_revision()
        return None if revision is None else (self.rows(), revision)

    def stale_revision(self) -> tuple | None:
        """The vocabulary's revision when the matcher held is not of it (a few indexed queries); else None."""
        revision = self._revision()
        return None if self._matcher is not None and self._matcher.revision == revision else revision

    def rows(self) -> list[tuple]:
        """Every term as a row for build_matcher, in TermService.all()'s order."""
        query = (
            Term.select(
                Term.id,
                Vocabulary.key,
                Vocabulary.name,
                Vocabulary.roles,
                Term.label,
                Term.identifier,
                Term.synonyms,
                Term.description,
            )
            .join(Vocabulary)
            .order_by(Vocabulary.id, Term.label)  # as TermService.all() gives them
        )
        return Term._meta.database.execute(query).fetchall()  # rows in C, not one by one

    def install(self, matcher: TermMatcher) -> bool:
        """Use a matcher built from prepare()'s terms, unless the vocabulary changed meanwhile (False)."""
        if matcher.revision != self._revision():
            return False
        if matcher is not self._matcher:
            self._matcher = matcher
            self._contexts.clear()
        return True

    def ready(self) -> bool:
        """Whether suggesting terms now would not first build a matcher."""
        return self._matcher is not None and self._matcher.revision == self._revision()

    def _fallback_role(self) -> str:
        any_roles = [r.key for r in self.session.codebook.roles if r.any_vocabulary]
        return any_roles[0] if any_roles else "other"

    def context(self, document_id: int) -> DocumentContext:
        """The document's abbreviations and topics, built once per text (SHA-256) and vocabulary."""
        matcher = self.matcher()
        row = Document.select(Document.sha256).where(Document.id == document_id).tuples().first()
        if row is None:
            raise NotFoundError(f"document {document_id} no longer exists")
        key = (document_id, row[0])
        context = self._contexts.get(key)
        if context is None:
            info = self.session.documents.get(document_id)
            roles = [r for r in TOPIC_ROLES if any(role.key == r for role in self.session.codebook.roles)]
            context = DocumentContext(
                matcher,
                info.text,
                info.title,
                self.session.documents.entities(document_id),
                roles,
                self._fallback_role(),
            )
            self._contexts[key] = context
            while len(self._contexts) > CACHED_DOCUMENTS:
                self._contexts.popitem(last=False)
        else:
            self._contexts.move_to_end(key)
        return context

    # -- what the UI and the CLI ask ------------------------------------------------------------
    def suggest(self, document_id: int, start: int, end: int) -> list[TermSuggestion]:
        """Terms for the selection start–end (code points) of the document's current text."""
        return suggest_terms(self.context(document_id), start, end, [r.key for r in self.session.codebook.roles])

    def document_topics(self, document_id: int) -> list[TermSuggestion]:
        """The document's main topics per topic role, as suggestions marked source="document"."""
        context = self.context(document_id)
        out = []
        for role, topics in context.topics.items():
            for topic in topics:
                term = context.matcher.terms[topic.term]
                out.append(
                    TermSuggestion(
                        role, term.label, term.identifier, term.id, topic.reason, None, None, DOCUMENT, term.roles
                    )
                )
        return out
