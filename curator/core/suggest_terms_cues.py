"""Terms a passage names in other words than the vocabulary's: a few cue phrases per concept, coordinated
ellipsis, and when a document's topics apply to a passage that names none.

- Cue phrases (`CONCEPTS`): a concept said by a pattern of words rather than one name — MeSH defines
  Dysbiosis as "changes in the composition of microbiota", so "alterations in the gut microbiota" or
  "microbiome changes" name it; "modulating the immune system" names Immune modulation; "production of
  short-chain fatty acids" names SCFA production (the of-phrase of the compound). A concept is suggested
  only when the codebook has a term with that label serving that role; a term named inside the cue
  phrase ("short-chain fatty acids" inside "production of short-chain fatty acids") gives way to it, as
  a shorter name gives way to a longer one.
- Coordinated ellipsis: "migraine frequency, severity and disability" shares the modifier "migraine"
  across the list, so "severity" there names Migraine severity when the vocabulary has that name.
- A document's main intervention is what a passage is about only when the passage speaks of giving or
  testing something (a trial, a treatment, a dose, an effect or improvement, "They …"); a sentence on
  disease biology in a probiotics article is not a probiotics claim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from curator.core.suggest_fields_cues import fold as plain

_SEP = r"[\s-]+"
_MICROBES = (
    r"(?:gut\s+|intestinal\s+)?(?:microbio(?:ta|me|mes)|microbial\s+(?:communit(?:y|ies)|composition)|microflora|"
    r"(?:gut|intestinal)\s+(?:bacteria|microbes|flora))"
)
_DISTURBED = r"(?:alterations?|altered|changes?|disruptions?|disrupted|disrupters?|disturbances?|disturbed|imbalances?|perturbations?|perturbed|shifts?)"
_SCFA = r"(?:short-chain\s+fatty\s+acids?|SCFAs?)"


@dataclass(frozen=True)
class Concept:
    label: str  # the codebook label (case-insensitive)
    role: str  # the role it is suggested under
    pattern: re.Pattern


def _concept(label: str, role: str, *patterns: str) -> Concept:
    return Concept(label, role, re.compile(r"\b(?:" + "|".join(patterns) + r")\b", re.I))


CONCEPTS = (
    _concept(
        "Dysbiosis",
        "mechanism",
        _MICROBES + r"(?:\s+[\w-]+){0,2}?\s+" + _DISTURBED,  # "gut microbiota alterations", "... is disturbed"
        _DISTURBED
        + r"\s+(?:in|of|to)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?"
        + _MICROBES,  # "alterations in the gut microbiota"
        r"microbial\s+disrupt\w*",
        r"(?:microbial|microbiota|microbiome|bacterial)\s+balance",
        r"balance\s+of\s+(?:the\s+)?(?:[\w-]+\s+)?(?:gut\s+|intestinal\s+)?(?:microbes|microbiota|microbiome|bacteria|flora)",
        r"dysbiotic",
    ),
    _concept(
        "Immune modulation",
        "mechanism",
        r"(?:modulat|calm|dampen|rebalanc)\w*\s+(?:the\s+)?(?:host\s+)?immun\w*",
        r"immun\w*[\s-]+modulat\w*",
        r"immunomodulat\w*",
    ),
    _concept(
        "SCFA production",
        "mechanism",
        r"(?:production|synthesis|output)\s+of\s+(?:the\s+)?" + _SCFA,
        _SCFA + r"\s+(?:production|synthesis|output)",
    ),
    _concept(
        "Inflammation",
        "mechanism",
        r"(?:anti|pro)-?inflammatory\s+(?:effects?|properties|activit(?:y|ies)|actions?|responses?|state|milieu)",
    ),
    _concept(
        "Neuroinflammation",
        "mechanism",
        r"neuroinflammatory\s+(?:process(?:es)?|pathways?|responses?|changes|mechanisms?|activity|state)",
    ),
)


@dataclass(frozen=True)
class ConceptHit:
    label: str
    role: str
    start: int  # document offsets
    end: int
    words: str


def concept_hits(text: str, start: int, end: int) -> list[ConceptHit]:
    """Cue phrases for CONCEPTS in text[start:end] (document offsets)."""
    folded = plain(text[start:end])
    out = []
    for concept in CONCEPTS:
        for m in concept.pattern.finditer(folded):
            out.append(ConceptHit(concept.label, concept.role, start + m.start(), start + m.end(), m.group(0)))
    return out


# "frequency, severity, and disability": the items after a "modifier head" name
_ITEM = re.compile(r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or|and/or)\s+)([A-Za-z][\w-]*)(?:\s+([A-Za-z][\w-]*))?")
MAX_ITEMS = 6


def ellipsis_items(text: str, end: int) -> list[tuple[int, int, list[str]]]:
    """The list items that follow a name ending at `end`: (start, end, [one-word, two-word reading])."""
    out = []
    at = end
    for _ in range(MAX_ITEMS):
        m = _ITEM.match(text, at)
        if m is None:
            break
        words = [m.group(1)] + ([f"{m.group(1)} {m.group(2)}"] if m.group(2) else [])
        out.append((m.start(1), m.end(2) if m.group(2) else m.end(1), words))
        at = m.end(1)
    return out


# Giving or testing something, or its effect; "They" opening a passage refers back to what was given.
_INTERVENTION_TALK = re.compile(
    r"\b(?:trials?|treatments?|treated|therap(?:y|ies)|supplement\w*|interventions?|dos(?:e|es|ing)|"
    r"administ\w*|benefits?|beneficial|improv\w*|efficacy|effective\w*|effects?|reduc\w*|alleviat\w*|reliev\w*|"
    r"relief|findings|(?<!case-control\s)(?<!cohort\s)(?<!cross-sectional\s)(?<!observational\s)stud(?:y|ies))\b",
    re.I,
)
_THEY = re.compile(r"^\W*(?:they|them)\b", re.I)


def speaks_of_intervention(passage: str) -> bool:
    """Whether the passage speaks of giving or testing something, so that the document's main
    intervention may be what it is about. Studies of an observational design test nothing."""
    folded = plain(passage)
    return bool(_THEY.search(folded) or _INTERVENTION_TALK.search(folded))
