"""Passage suggestions: the sentences of a document likely to carry a claim (issue 13).

A sentence is a candidate when it names a vocabulary term of a role claims are about (a condition,
intervention, taxon, mechanism or outcome) *and* says something of it: a finding ("showed", "reduced",
"no significant"), an association, a mechanism or a recommendation ("are needed"). Candidates are
ranked by how much of both they hold; at most MAX_SHARE of a document's sentences are marked, so the
margin points at the claims rather than at the whole text. Headings, list labels and the entity lists
a source prints ("Linked entities") are never marked.

The whole text is matched once for terms (the document context already holds its matcher); cue
patterns run only over sentences that name a term, so a 1 MB document stays well under a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from curator.core import suggest_fields_cues as cues
from curator.core.sentences import sentence_bounds

if TYPE_CHECKING:
    from curator.core.codebook import Codebook
    from curator.core.suggest_terms_document import DocumentContext

CLAIM_ROLES = ("condition", "intervention", "taxon", "mechanism", "outcome")
MAX_SHARE = 0.30  # never mark more than this share of a document's sentences
MIN_LETTERS = 30  # shorter lines are headings, labels or list stubs
# what a sentence says of its terms, and how strongly that marks a claim
SAYING = (
    ("finds", cues.FINDING, 2),
    ("no effect", cues.NULL, 3),
    ("benefit", cues.BENEFIT, 2),
    ("harm", cues.HARM, 2),
    ("lowers", cues.DOWN, 1),
    ("raises", cues.UP, 1),
    ("association", cues.ASSOCIATION, 2),
    ("mechanism", cues.MECHANISM, 1),
    ("recommendation", cues.GAP, 2),
    ("hedged", cues.HEDGE, 1),
)
_ENTITY_LIST = re.compile(r"\((?:MESH|NCBITaxon|PubChem|CHEBI)[:\s]", re.IGNORECASE)
# a reported result: an effect measure with its value, a confidence interval, a p-value, an n — the
# sentence a reviewer extracts numbers from is a claim whatever its verbs
_RESULT = re.compile(
    r"(?<![\w-])(?:p\s*[<>=≤≥]\s*0?[.,]\d|95\s*%\s*(?:CI|confidence)|(?:RR|OR|HR|SMD|MD|IRR)\s*[=≈:~]?\s*-?\d"
    r"|Cohen['’]s\s+d|n\s*=\s*\d)"
)
RESULT_WEIGHT = 3
_BULLET = re.compile(r"(?:[-*•‣◦]|\d{1,3}[.)])\s+")  # a list item's marker is not part of its claim
_NOT_LETTERS = re.compile(r"[\W\d_]+")
_HEADING = re.compile(r"^\s*(?:#+\s|\*\*[^*]+\*\*\s*:?\s*$)")


@dataclass(frozen=True)
class PassageSuggestion:
    start: int
    end: int
    reason: str  # the terms it names and what it says of them, in words
    score: int


_HEAD, _TAIL = r"(?<![\w-])(?:", r")(?![\w-])"  # how suggest_fields_cues.lexicon wraps each cue


def _joined(lexicon: dict[str, re.Pattern]) -> tuple[re.Pattern, re.Pattern]:
    """A lexicon's cue patterns as one: a passage asks only whether and where one is, so one search
    per lexicon instead of one per cue (the searches were most of a 1 MB document's time).

    Two forms that find the same matches (checked on the seeds and 300 KB of their sentences): for
    lower-cased text, one word boundary in front of the whole alternation and no IGNORECASE — three
    times faster, as the engine no longer tries a look-behind and case-folds at every position — and
    the plain join for a sentence whose lower-casing changes its length (offsets must stay put)."""
    bodies = []
    for pattern in lexicon.values():
        text = pattern.pattern
        if not (text.startswith(_HEAD) and text.endswith(_TAIL)):
            raise ValueError(f"a cue pattern not made by lexicon(): {text[:40]}")
        bodies.append(text[len(_HEAD) : -len(_TAIL)])
    plain = re.compile("|".join(p.pattern for p in lexicon.values()), next(iter(lexicon.values())).flags)
    lowered = re.compile(r"\b(?<!-)(?:" + "|".join(bodies) + r")(?![\w-])")
    return lowered, plain


_SAYING = tuple((what, *_joined(lexicon), weight) for what, lexicon, weight in SAYING)


def _plain(text: str) -> bool:
    """Whether a sentence reads as prose: not a heading, a label or a list of identifiers."""
    letters = len(_NOT_LETTERS.sub("", text))
    if letters < MIN_LETTERS or _HEADING.match(text):
        return False
    return len(_ENTITY_LIST.findall(text)) < 2


def suggest_passages(context: DocumentContext, codebook: Codebook) -> list[PassageSuggestion]:
    text = context.text
    roles = {r.key for r in codebook.roles} & set(CLAIM_ROLES)
    ends = sentence_bounds(text)
    named: dict[int, dict[str, None]] = {}  # sentence index -> the term labels it names, in order
    sentence = 0
    for hit in context.all_hits:
        while sentence < len(ends) - 1 and hit.start >= ends[sentence]:
            sentence += 1
        for name in hit.names:
            term = context.matcher.terms[name.term]
            if context.role_of(name.term) in roles:
                named.setdefault(sentence, {})[term.label] = None
    candidates: list[PassageSuggestion] = []
    for index, labels in named.items():
        lo, hi = _trimmed(text, ends[index - 1] if index else 0, ends[index])
        bullet = _BULLET.match(text, lo, hi)
        if bullet is not None:
            lo = bullet.end()
        words = text[lo:hi]
        if not _plain(words):
            continue
        folded = cues.fold(words)
        lowered = folded.lower()
        same_length = len(lowered) == len(folded)
        said, score = [], 0
        for what, fast, plain, weight in _SAYING:
            first = fast.search(lowered) if same_length else plain.search(folded)
            if first is not None:
                said.append(f"{what} (“{words[first.start() : first.end()]}”)")
                score += weight
        result = _RESULT.search(folded)
        if result is not None:
            said.insert(0, f"reports a result (“{words[result.start() : result.end()]}”)")
            score += RESULT_WEIGHT
        if not said:
            continue
        score += min(len(labels), 3)
        names = ", ".join(list(labels)[:3]) + ("…" if len(labels) > 3 else "")
        candidates.append(PassageSuggestion(lo, hi, f"names {names}; {', '.join(said[:3])}", score))
    sentences = sum(1 for i, e in enumerate(ends) if text[(ends[i - 1] if i else 0) : e].strip())
    keep = max(1, int(sentences * MAX_SHARE)) if sentences else 0
    if len(candidates) > keep:
        threshold = sorted((c.score for c in candidates), reverse=True)[keep - 1]
        best = [c for c in candidates if c.score > threshold]
        best += [c for c in candidates if c.score == threshold][: keep - len(best)]
        candidates = best
    return sorted(candidates, key=lambda c: c.start)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
