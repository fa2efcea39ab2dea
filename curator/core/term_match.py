"""Rank vocabulary terms for what a reviewer types: the best match first, not the alphabet's.

Tiers, best first: the typed text *is* a label, synonym or identifier; it starts one; it starts a
word of one; it occurs inside one. Within a tier, terms already used in this project come before
unused ones, then shorter names before longer ones ("Multiple sclerosis" before "Chronic progressive
multiple sclerosis"), then the alphabet.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from curator.core.records import TermInfo

EXACT, PREFIX, WORD_PREFIX, SUBSTRING = range(4)
_DASHES = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2212_-]+")
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Case, hyphens and runs of spaces (NBSP included) do not matter when matching names."""
    return _SPACES.sub(" ", _DASHES.sub(" ", text.casefold())).strip()


@dataclass(frozen=True)
class TermMatch:
    term: TermInfo
    tier: int
    via: str = ""  # the synonym or identifier that matched, "" when the label did


def _tier(query: str, name: str) -> int | None:
    if name == query:
        return EXACT
    if name.startswith(query):
        return PREFIX
    at = name.find(query)
    if at < 0:
        return None
    while at >= 0:
        if at == 0 or not name[at - 1].isalnum():
            return WORD_PREFIX
        at = name.find(query, at + 1)
    return SUBSTRING


class TermIndex:
    """A role's terms with their names folded once, so each keystroke only compares strings."""

    def __init__(self, terms: Iterable[TermInfo]):
        self.entries: list[tuple[TermInfo, list[tuple[str, str]]]] = []
        for term in terms:
            names = [(fold(term.label), "")]
            names += [(fold(s), s) for s in term.synonyms if s.strip()]
            if term.identifier:
                names.append((fold(term.identifier), term.identifier))
            self.entries.append((term, names))

    def rank(self, text: str, used: frozenset[int] | set[int] = frozenset(), limit: int = 50) -> list[TermMatch]:
        query = fold(text)
        if not query:
            return []
        found: list[tuple[tuple, TermMatch]] = []
        for term, names in self.entries:
            best: tuple[int, int, str] | None = None
            for name, via in names:
                tier = _tier(query, name)
                if tier is not None and (best is None or (tier, len(name)) < best[:2]):
                    best = (tier, len(name), via)
            if best is not None:
                tier, length, via = best
                key = (tier, term.id not in used, length, term.label.casefold(), term.id)
                found.append((key, TermMatch(term, tier, via)))
        found.sort(key=lambda pair: pair[0])
        return [match for _, match in found[:limit]]

    def resolve(self, text: str) -> TermInfo | None:
        """The one term `text` names: an exact label, synonym or identifier, or the only term that
        matches at all. None when nothing or several match."""
        matches = self.rank(text, limit=1000)
        exact = {m.term.id: m.term for m in matches if m.tier == EXACT}
        if len(exact) == 1:
            return next(iter(exact.values()))
        if not exact and len({m.term.id for m in matches}) == 1:
            return matches[0].term
        return None
