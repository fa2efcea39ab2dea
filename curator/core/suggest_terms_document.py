"""What a whole document tells the term suggestions: its own abbreviations and its main topics.

Abbreviations: Schwartz & Hearst (2003), "A simple algorithm for identifying abbreviation definitions
in biomedical text": a short form in parentheses after its long form ("short‐chain fatty acids
(SCFAs)") or before it ("SCFAs (short-chain fatty acids)"); the long form is the shortest run of
the preceding words in which the short form's characters occur in order, its first character at the
start of a word. The short form then names, in this document only, the term its long form names —
and a short form the document defines as something no term names is not read as the vocabulary's
acronym of the same spelling ("AD (atopic dermatitis)" is not Alzheimer disease there).

Topics: reviewers tag the condition a claim is about even where the sentence leaves it implicit, so
the document's main condition(s) — and intervention(s) when clearly dominant — are found from its
title, the entities it lists with identifiers, and how often its text mentions each term.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from curator.core.records import EntityMention
from curator.core.suggest_terms_match import ABBREVIATION, Hit, Name, PatternSet, TermMatcher, acronym_variants
from curator.core.text_fold import Folded, fold, fold_key

_PAREN = re.compile(r"\(([^()\n]{1,80})\)")
SHORT_FORM_MAX = 10
MIN_MENTIONS = 3  # fewer mentions never make a topic by count alone
DOMINANCE = 2.0  # the most-mentioned term of a role leads the next by this factor to be "the" topic
MAX_TOPICS = 3  # per role: a title naming four conditions names none in particular


@dataclass(frozen=True)
class Abbreviation:
    short: str
    long: str
    start: int  # of the long form in the text
    end: int
    terms: tuple[int, ...]  # matcher term indexes the long form names; () when none does


@dataclass(frozen=True)
class Topic:
    role: str
    term: int  # matcher term index
    mentions: int
    in_title: bool
    listed: str  # the identifier or label the document's entity list gives it, or ""
    reason: str


WORD_WINDOW = 40  # characters a long form's word may take, at most, when looking back for it


def _short_form_ok(short: str) -> bool:
    """A short form: 2–10 characters, at most two words, starts with a letter or digit, holds a
    capital ("(MS)", "(SCFAs)", "(IL-6)"); not "(n = 30)", "(2019)", "(see below)"."""
    return (
        2 <= len(short) <= SHORT_FORM_MAX
        and len(short.split()) <= 2
        and short[0].isalnum()
        and any(c.isupper() for c in short)
    )


def best_long_form(short: str, candidate: str) -> int | None:
    """Schwartz & Hearst's findBestLongForm: where in `candidate` the long form of `short` starts."""
    s, lf = short.lower(), candidate.lower()
    si, li = len(s) - 1, len(lf) - 1
    while si >= 0:
        c = s[si]
        if not c.isalnum():
            si -= 1
            continue
        while li >= 0 and (lf[li] != c or (si == 0 and li > 0 and lf[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return None
        li -= 1
        si -= 1
    word_start = max(candidate.rfind(" ", 0, li + 1), candidate.rfind("\n", 0, li + 1)) + 1
    return word_start


def find_abbreviations(text: str) -> list[tuple[str, int, int]]:
    """(short form, long form start, long form end) for every definition in `text`."""
    found = []
    for m in _PAREN.finditer(text):
        inner = re.split(r"[;,]", m.group(1))[0].strip()
        line_start = text.rfind("\n", 0, m.start()) + 1
        before = text[line_start : m.start()].rstrip()
        if _short_form_ok(inner):
            # long form before the parenthesis: at most min(|SF| + 5, 2|SF|) words back
            limit = min(len(inner) + 5, 2 * len(inner))
            # only the line's end can hold those words: a paragraph is one line, and reading all of it
            # for every parenthesis made a long document's abbreviations cost a third of a second
            skip = max(0, len(before) - limit * WORD_WINDOW)
            words = list(re.finditer(r"\S+", before[skip:]))[-limit:]
            if not words:
                continue
            offset = line_start + skip + words[0].start()
            window = text[offset : line_start + len(before)]
            at = best_long_form(inner, window)
            if at is not None and window[at:].strip() and len(window) - at > len(inner):
                found.append((inner, offset + at, line_start + len(before)))
        else:
            # "SF (long form)": the word before the parenthesis is the short form
            tail = before.rsplit(None, 1)[-1] if before.strip() else ""
            if tail and _short_form_ok(tail) and len(inner.split()) > 1:
                at = best_long_form(tail, inner)
                if at == 0:
                    start = m.start(1) + (len(m.group(1)) - len(m.group(1).lstrip()))
                    found.append((tail, start, start + len(inner)))
    return found


def define_abbreviations(matcher: TermMatcher, text: str) -> list[Abbreviation]:
    """The document's abbreviations with the terms their long forms name (first definition wins)."""
    out: dict[str, Abbreviation] = {}
    for short, lo, hi in find_abbreviations(text):
        if short in out:
            continue
        terms: set[int] = set()
        for hit in matcher.hits(text, lo, hi):
            # the long form's head is at its end; a match must cover at least half of it
            if hit.end == hi and 2 * (hit.end - hit.start) >= hi - lo:
                terms |= {n.term for n in hit.names}
        out[short] = Abbreviation(short, text[lo:hi], lo, hi, tuple(sorted(terms)))
    return list(out.values())


def resolve(hits: Iterable[Hit]) -> list[Hit]:
    """Overlapping hits, longest first: "relapsing-remitting multiple sclerosis" beats "multiple
    sclerosis" inside it. A hit through the document's own abbreviation wins a tie of length."""
    kept: list[Hit] = []
    taken: dict[tuple[int, int], int] = {}
    # the kept spans never overlap, so sorted by start they are sorted by end too: a new span overlaps
    # one of them only if it overlaps its neighbours there (bisect, not a scan of every kept hit — a
    # whole document has tens of thousands)
    span_starts: list[int] = []
    span_ends: list[int] = []
    for hit in sorted(hits, key=lambda h: (h.start - h.end, not h.document, h.start)):
        same = taken.get((hit.start, hit.end))
        if same is not None:
            if kept[same].document == hit.document:  # e.g. "Dysbiosis" in two vocabularies
                kept[same] = Hit(hit.start, hit.end, kept[same].names + hit.names, hit.document)
            continue
        at = bisect.bisect_left(span_starts, hit.start)
        if (at > 0 and span_ends[at - 1] > hit.start) or (at < len(span_starts) and span_starts[at] < hit.end):
            continue
        span_starts.insert(at, hit.start)
        span_ends.insert(at, hit.end)
        taken[(hit.start, hit.end)] = len(kept)
        kept.append(hit)
    return sorted(kept, key=lambda h: h.start)


def _entity_lines(text: str, entities: Sequence[EntityMention]) -> list[tuple[int, int]]:
    """The lines holding listed entities: a list names everything once, which is no sign of a topic."""
    spans = set()
    for e in entities:
        if e.start is not None:
            spans.add((text.rfind("\n", 0, e.start) + 1, (text.find("\n", e.start) + 1 or len(text) + 1) - 1))
    return sorted(spans)


class DocumentContext:
    """One document text's abbreviations, term mentions and topics, for one matcher revision."""

    def __init__(
        self,
        matcher: TermMatcher,
        text: str,
        title: str = "",
        entities: Sequence[EntityMention] = (),
        roles: Sequence[str] = ("condition", "intervention"),
        fallback_role: str = "other",
    ):
        self.matcher, self.text, self.title = matcher, text, title
        self.fallback_role = fallback_role
        self.abbreviations = define_abbreviations(matcher, text)
        short_forms = PatternSet()
        # case-kept key of every short form the document defines -> the terms its long form names
        self.defined: dict[str, set[int]] = {}
        for abbreviation in self.abbreviations:
            for key in acronym_variants(abbreviation.short):
                self.defined.setdefault(key, set()).update(abbreviation.terms)
                for term in abbreviation.terms:
                    short_forms.add(key.casefold(), Name(term, ABBREVIATION, abbreviation.short, key))
        self.short_forms = short_forms.build()
        skip = _entity_lines(text, entities)
        self.mentions: Counter[int] = Counter()
        self.first_mention: dict[int, Hit] = {}
        # every mention of the whole text, folded once: topics count them, passage suggestions reuse them
        self.all_hits = self._resolved(text, 0, len(text), fold(text))
        for hit in self.all_hits:
            if any(lo <= hit.start < hi for lo, hi in skip):
                continue
            for term in {n.term for n in hit.names}:
                self.mentions[term] += 1
                self.first_mention.setdefault(term, hit)
        self.in_title = {n.term for hit in self._resolved(title, 0, len(title)) for n in hit.names}
        self.listed = self._listed(entities)
        self.topics = {role: self._topics(role) for role in roles}

    def role_of(self, term: int) -> str:
        roles = self.matcher.terms[term].roles
        return roles[0] if roles else self.fallback_role

    def hits(self, start: int, end: int) -> list[Hit]:
        """Vocabulary names and the document's abbreviations in text[start:end], overlaps resolved."""
        return self._resolved(self.text, start, end)

    def _resolved(self, text: str, start: int, end: int, whole: Folded | None = None) -> list[Hit]:
        found = self.short_forms.hits(text, start, end, document=True, whole=whole)
        for hit in self.matcher.hits(text, start, end, whole=whole):
            if any(n.case_key is not None for n in hit.names):
                defined = self.defined.get(fold_key(text[hit.start : hit.end], keep_case=True))
                if defined is not None:
                    hit = Hit(hit.start, hit.end, tuple(n for n in hit.names if not self._redefined(n, defined)))
                    if not hit.names:
                        continue
            found.append(hit)
        return resolve(found)

    def _redefined(self, name: Name, defined: set[int]) -> bool:
        """Whether the document gives the vocabulary's acronym `name` a meaning of its own.

        Only an acronym that abbreviates its own term's label or a synonym ("AD" of "Alzheimer
        disease") can be told apart from a long form that names something else ("AD (atopic
        dermatitis)"); an acronym that is a name in its own right ("CRP" of "Inflammatory markers")
        is kept, since the document's long form may be the same thing in words the vocabulary lacks."""
        if name.case_key is None or name.term in defined:
            return False
        term = self.matcher.terms[name.term]
        return any(
            best_long_form(name.written, other) == 0 for other in (term.label, *term.synonyms) if other != name.written
        )

    def _listed(self, entities: Sequence[EntityMention]) -> dict[int, str]:
        by_identifier: dict[str, list[int]] = {}
        for i, term in enumerate(self.matcher.terms):
            if term.identifier:
                by_identifier.setdefault(term.identifier.casefold(), []).append(i)
        listed: dict[int, str] = {}
        for e in entities:
            # identifiers first; a source's id may differ from the codebook's (Butyrate: MeSH in the
            # source, PubChem in the codebook), so the entity's label is matched too
            terms = by_identifier.get(e.identifier.casefold(), []) if e.identifier else []
            if not terms:
                named = self.matcher.term_named(e.label)
                terms = [named] if named is not None else []
            for term in terms:
                listed.setdefault(term, e.identifier or e.label)
        return listed

    def _topics(self, role: str) -> list[Topic]:
        candidates = [t for t in set(self.mentions) | self.in_title if self.role_of(t) == role]
        if not candidates:
            return []
        ranked = sorted(candidates, key=lambda t: (-self.mentions[t], self.matcher.terms[t].label))
        top = ranked[0]
        runner_up = self.mentions[ranked[1]] if len(ranked) > 1 else 0
        dominant = self.mentions[top] >= MIN_MENTIONS and self.mentions[top] >= DOMINANCE * runner_up
        if role == "condition":
            # a condition in the title is what the document is about; so is one it mentions most by far
            main = [t for t in ranked if t in self.in_title]
        else:
            # other roles (interventions) only when the text itself keeps coming back to them
            main = [t for t in ranked if t in self.in_title and self.mentions[t] >= MIN_MENTIONS]
        if dominant and top not in main:
            main.append(top)
        if len(main) > MAX_TOPICS:
            return []
        return [self._topic(role, t) for t in main]

    def _topic(self, role: str, term: int) -> Topic:
        why = ["title"] if term in self.in_title else []
        n = self.mentions[term]
        why.append(f"{n} mention{'s' if n != 1 else ''}")
        if term in self.listed:
            why.append(f"listed as {self.listed[term]}")
        reason = f"the document's main {role} ({'; '.join(why)})"
        return Topic(role, term, n, term in self.in_title, self.listed.get(term, ""), reason)
