"""Suggestions for the claim form (issue 13), through one service on the session.

`session.suggestions.for_passage(document, start, end)` gives the terms the passage names (or the
document's topics where it names none) and the field values its wording supports, each with the words
that triggered it. Nothing here writes: a suggestion becomes part of a claim only when the reviewer
accepts it in the form, and the claim's change log then says so (ClaimDraft.suggested).

`passages(document)` marks the sentences likely to carry a claim (curator/core/suggest_passages.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from curator.core.sentences import sentence_span
from curator.core.suggest_fields import FieldSuggestion, suggest_fields
from curator.core.suggest_passages import PassageSuggestion, suggest_passages
from curator.core.suggest_terms import TermSuggester, TermSuggestion

if TYPE_CHECKING:
    from curator.core.session import Session

CONTEXT_CHARACTERS = 600  # how much text around a passage a field suggestion may read (design, population)


@dataclass(frozen=True)
class Suggestions:
    document_id: int
    start: int
    end: int
    terms: tuple[TermSuggestion, ...] = ()
    values: tuple[FieldSuggestion, ...] = ()
    terms_pending: bool = False  # the vocabulary's matcher is still being built: no terms yet

    def value(self, key: str) -> FieldSuggestion | None:
        return next((v for v in self.values if v.field_key == key), None)

    def as_json(self) -> dict[str, Any]:
        """{"terms": {ROLE: [{"label", "id", "reason", "source"}]}, "values": {FIELD_KEY: value}} with the
        codebook's role and field keys; "reasons": {FIELD_KEY: the words} beside the values."""
        terms: dict[str, list[dict[str, Any]]] = {}
        for t in self.terms:
            terms.setdefault(t.role, []).append(
                {"label": t.label, "id": t.identifier, "reason": t.reason, "source": t.source}
            )
        return {
            "terms": terms,
            "values": {v.field_key: v.value for v in self.values},
            "reasons": {v.field_key: v.reason for v in self.values},
        }


class SuggestionService:
    def __init__(self, session: Session):
        self.session = session
        self.terms = TermSuggester(session)

    def invalidate(self) -> None:
        """Forget cached matchers and document contexts (a vocabulary change)."""
        self.terms.invalidate()

    def for_passage(self, document_id: int, start: int, end: int, wait_for_terms: bool = True) -> Suggestions:
        """What the form could take from text[start:end] of the document's current text.

        `wait_for_terms=False`: while the vocabulary's matcher is not built (TermSuggester.prepare), give
        the field values at once and no terms (`terms_pending`) rather than build it here."""
        info = self.session.documents.get(document_id)
        text = info.text
        start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
        if end <= start:
            return Suggestions(document_id, start, end)
        pending = not wait_for_terms and not self.terms.ready()
        terms = () if pending else tuple(self.terms.suggest(document_id, start, end))
        context = self._context(info.title, text, start, info.source_kind)
        values = tuple(suggest_fields(self.session.codebook, text[start:end], context))
        return Suggestions(document_id, start, end, terms, values, pending)

    def passages(self, document_id: int) -> list[PassageSuggestion]:
        """The document's sentences likely to carry a claim, in reading order."""
        context = self.terms.context(document_id)
        return suggest_passages(context, self.session.codebook)

    @staticmethod
    def _context(title: str, text: str, start: int, source_kind: str = "") -> str:
        """The document's title and the sentence before the passage: where a review names its own design
        ("A narrative review") and a paragraph its population, for a passage that names neither. A news
        summary reports on one source, which its lead names ("A narrative review … synthesizes"): the
        lead is read too, as the title of what is summarised."""
        # the sentence holding the last word before the passage (not the white space it starts after)
        last = max(0, len(text[:start].rstrip()) - 1)
        before_start, _ = sentence_span(text, last, last)
        before = text[max(before_start, start - CONTEXT_CHARACTERS) : start]
        parts = [title] if title else []
        if source_kind == "news_summary":
            parts.append(_lead(text))
        return "\n".join([*parts, before])


LEAD_WORDS = 12  # the lead is the first line that reads as a sentence, not a menu, a heading or a date


def _lead(text: str) -> str:
    """The first sentence of the document's first prose paragraph (at most CONTEXT_CHARACTERS)."""
    for line in text[: 20 * CONTEXT_CHARACTERS].splitlines():
        if len(line.split()) >= LEAD_WORDS:
            return line[: min(sentence_span(line, 0, 0)[1], CONTEXT_CHARACTERS)]
    return ""
