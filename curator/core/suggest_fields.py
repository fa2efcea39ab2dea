"""Suggest claim-form values from a passage's own words, offline, each with the words behind it.

A suggestion is made only when a cue supports it, with one default: the certainty of a passage
with no hedge and no conjecture is "asserted" (every claim carries one, and a plain statement is
asserted as written); no design word, no design. Each suggestion names its rule and
the words that triggered it (`reason`, with their offsets in the passage) so the form can show them
on hover and the reviewer can judge them. Cues live in `suggest_fields_cues`; typed numbers come
from `effects.parse_effects`. Choice values are codebook keys, and a field or choice the codebook
lacks (or has retired) is never suggested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from curator.core import suggest_fields_cues as cues
from curator.core.codebook import Codebook
from curator.core.effects import CI, EFFECT, N_PARTICIPANTS, N_STUDIES, P_VALUE, Finding, parse_effects
from curator.core.suggest_fields_cues import Hit

PASSAGE, CONTEXT = "passage", "context"


@dataclass(frozen=True)
class FieldSuggestion:
    """A value for one field, the words that suggest it and where they stand."""

    field_key: str
    value: Any  # a choice key, a number (float or int) or a text
    reason: str  # the triggering words, as written
    start: int  # offsets of the first and last triggering words in `source`
    end: int
    rule: str  # which rule fired, e.g. "claim_type.null_finding"
    source: str = PASSAGE  # PASSAGE, or CONTEXT when the words stand in the context text
    spans: tuple[tuple[int, int], ...] = ()  # every triggering span, for highlighting


NO_HEDGE = "no hedge or conjecture in the wording"


def _suggestion(key: str, value: Any, rule: str, hits: list[Hit], text: str, source: str = PASSAGE) -> FieldSuggestion:
    if not hits:  # a value by the absence of cues (asserted: nothing hedges it)
        return FieldSuggestion(key, value, NO_HEDGE, 0, 0, rule, source, ())
    hits = sorted(hits, key=lambda h: h.start)
    spans = tuple((h.start, h.end) for h in hits)
    reason = " … ".join(dict.fromkeys(re.sub(r"\s+", " ", h.words) for h in hits))
    return FieldSuggestion(key, value, reason, hits[0].start, max(h.end for h in hits), rule, source, spans)


def _finding_hit(f: Finding, text: str) -> Hit:
    return Hit(f.kind, f.start, f.end, text[f.start : f.end])


# --- the codebook's intervention terms, matched as cues ------------------------------------------
_TERM_CACHE: dict[int, tuple[object, dict[str, re.Pattern]]] = {}


def _intervention_terms(codebook: Codebook) -> dict[str, re.Pattern]:
    """A cue pattern for every label and synonym of the codebook's intervention vocabularies."""
    cached = _TERM_CACHE.get(id(codebook.vocabularies))
    if cached is not None and cached[0] is codebook.vocabularies:
        return cached[1]
    names = {
        re.escape(cues.fold(name))
        for v in codebook.vocabularies
        # only vocabularies kept for interventions: a taxon may be given as one, but naming
        # Faecalibacterium in a list of depleted genera says nothing about a treatment
        if v.roles[:1] == ("intervention",)
        for t in v.terms
        for name in (t.label, *t.synonyms)
        if len(name) > 2
    }
    patterns = cues.lexicon(term=sorted(names, key=len, reverse=True)) if names else {}
    if len(_TERM_CACHE) > 8:
        _TERM_CACHE.clear()
    _TERM_CACHE[id(codebook.vocabularies)] = (codebook.vocabularies, patterns)
    return patterns


@dataclass
class _Cues:
    """Every cue found in one passage, read once and shared by the field rules."""

    text: str
    folded: str
    gap: list[Hit]
    null: list[Hit]
    mechanism: list[Hit]
    association: list[Hit]
    intervention: list[Hit]
    background: list[Hit]
    benefit: list[Hit]
    harm: list[Hit]
    mixed: list[Hit]
    findings: list[Finding]

    @classmethod
    def read(cls, codebook: Codebook, text: str) -> _Cues:
        folded = cues.fold(text)

        def find(patterns: dict[str, re.Pattern], negation: bool = True) -> list[Hit]:
            return cues.find(folded, text, patterns, negation)

        benefit, harm = find(cues.BENEFIT), find(cues.HARM)
        benefit += _changes(folded, text, cues.DOWN, cues.BAD_THINGS) + _changes(
            folded, text, cues.UP, cues.GOOD_THINGS
        )
        harm += _changes(folded, text, cues.UP, cues.BAD_THINGS) + _changes(folded, text, cues.DOWN, cues.GOOD_THINGS)
        null = find(cues.NULL, negation=False)
        # "did not improve": a negated benefit is a null result, and not also a benefit
        null += [h for h in benefit + harm if h.negated and not _inside(h, null)]
        benefit = [h for h in benefit if not h.negated and not _inside(h, null)]
        harm = [h for h in harm if not h.negated and not _inside(h, null) and not _inside(h, benefit)]
        intervention = _acting(folded, text, codebook, benefit + harm + null)
        association = [h for h in find(cues.ASSOCIATION) if not h.negated and not _inside(h, null)]
        if not intervention:  # a difference between groups, where nothing was given
            association += [h for h in find(cues.DIFFERENCE) if not h.negated]
        return cls(
            text,
            folded,
            gap=[h for h in find(cues.GAP) if not h.negated],
            null=sorted(null, key=lambda h: h.start),
            mechanism=[h for h in find(cues.MECHANISM) if not h.negated],
            association=sorted(association, key=lambda h: h.start),
            intervention=intervention,
            background=find(cues.BACKGROUND, negation=False),
            benefit=benefit,
            harm=harm,
            mixed=find(cues.MIXED, negation=False),
            findings=parse_effects(text),
        )

    @property
    def effect_shown(self) -> list[Hit]:
        return self.benefit + self.harm


def _acting(folded: str, text: str, codebook: Codebook, outcomes: list[Hit]) -> list[Hit]:
    """What was given or tested: generic words anywhere ("trial", "treatment", "given"), and the
    codebook's intervention terms only when they come before an outcome in its clause, as the
    subject of "probiotics can reduce ..." is; "depletion of SCFA-producing bacteria" names no
    treatment."""
    generic = cues.find(folded, text, cues.INTERVENTION, negation=False)
    terms = [
        t
        for t in cues.find(folded, text, _intervention_terms(codebook), negation=False)
        if any(t.end <= o.start and cues.clause_start(folded, o.start) <= t.start for o in outcomes)
    ]
    return sorted(generic + terms, key=lambda h: h.start)


def _inside(hit: Hit, others: list[Hit]) -> bool:
    return any(o.start <= hit.start and hit.end <= o.end and o is not hit for o in others)


_OBJECT_WINDOW = re.compile(
    r"(?:[\s,]*(?!(?:that|which|who|whether|when|because|if|evidence|interest)\b)[\w'-]+){0,5}", re.I
)


def _changes(folded: str, text: str, verbs: dict[str, re.Pattern], objects: re.Pattern) -> list[Hit]:
    """A change word with the thing it changes a few words after it, in the same clause: "reduce the
    severity", "reductions in relapse rate". The hit spans both, so the reason names both."""
    hits = []
    for verb in cues.find(folded, text, verbs):
        # the object is among the next five words, before any word that starts a new phrase
        window = _OBJECT_WINDOW.match(folded, verb.end)
        stop = window.end() if window else verb.end
        obj = objects.search(folded, verb.end, stop)
        if obj is not None and not cues.contrast_between(folded, verb.end, obj.start()):
            hits.append(Hit(verb.cue, verb.start, obj.end(), text[verb.start : obj.end()], verb.negated))
    return hits


# --- the field rules -----------------------------------------------------------------------------
def _claim_type(c: _Cues) -> tuple[str, str, list[Hit]] | None:
    if c.gap:
        return "evidence_gap", "gap_cue", c.gap[:2]
    scope = cues.find(c.folded, c.text, cues.SCOPE, negation=False)
    # a count ("a meta-analysis of 59 studies") describes the work; an effect or a p-value is a result
    if scope and not any(f.kind in {EFFECT, CI, P_VALUE} for f in c.findings):
        return "background", "scope_of_the_work", scope[:1]
    if c.null and not c.effect_shown:
        return "null_finding", "null_cue", c.null[:2]
    if c.association:
        return "association", "association_cue", c.association[:1]
    trial = [h for h in c.intervention if h.cue == "intervention"]
    if c.intervention and c.effect_shown and (trial or not c.mechanism):
        return "intervention_effect", "intervention_with_outcome", [c.intervention[0], c.effect_shown[0]]
    if c.mechanism:
        return "mechanism", "mechanism_cue", c.mechanism[:2]
    if c.intervention and c.null:  # a benefit and a null result together: what the intervention did was mixed
        return "intervention_effect", "intervention_with_outcome", [c.intervention[0], c.null[0]]
    if c.background and not c.findings:  # a definition ("is a … condition characterized by …") first
        return "background", "background_cue", c.background[:1]
    if c.benefit and not c.harm:
        # "some studies observed improvements in migraine frequency", "can reduce … symptoms": a benefit is
        # what a treatment brings, whether or not the sentence names it (the subject is often a sentence back)
        return "intervention_effect", "benefit_without_named_intervention", c.benefit[:1]
    return None


def _direction(c: _Cues, claim_type: str | None) -> tuple[str, str, list[Hit]] | None:
    if claim_type in {"evidence_gap", "background", "mechanism"}:
        # what is needed, what a thing is or how it works has no direction of effect (the codebook sets one
        # for associations, intervention effects and null findings only)
        return None
    if c.null and c.effect_shown:
        return "mixed", "effect_and_null", [c.effect_shown[0], c.null[0]]
    if c.mixed and (c.null or c.effect_shown or c.findings or c.intervention):
        return "mixed", "mixed_cue", c.mixed[:1]
    if c.null:
        return "no_effect", "null_cue", c.null[:1]
    unclear = cues.find(c.folded, c.text, cues.UNCLEAR, negation=False)
    if unclear:
        return "unclear", "unclear_cue", unclear[:1]
    if claim_type == "association":
        return _association_direction(c)
    if not c.intervention and claim_type != "intervention_effect":
        return None  # a benefit or harm is an intervention's or an exposure's; without one, say nothing
    if c.benefit and c.harm:
        if cues.contrast_between(c.folded, c.benefit[0].start, c.harm[0].start):
            return "mixed", "benefit_and_harm", [c.benefit[0], c.harm[0]]
        return None
    if c.benefit:
        return "benefit", "benefit_cue", c.benefit[:1]
    if c.harm:
        return "harm", "harm_cue", c.harm[:1]
    return None


def _association_direction(c: _Cues) -> tuple[str, str, list[Hit]] | None:
    assoc = c.association[0]
    if assoc.cue in {"difference_up", "difference_down"}:  # more of it, or less of it, in the group
        value = "positive_association" if assoc.cue == "difference_up" else "negative_association"
        return value, assoc.cue, [assoc]
    inverse = cues.find(c.folded, c.text, cues.INVERSE, negation=False)
    if inverse:
        return "negative_association", "inverse_cue", [inverse[0], assoc]
    positive = cues.find(c.folded, c.text, cues.POSITIVE, negation=False)
    if positive:
        return "positive_association", "positive_cue", [positive[0], assoc]
    # "associated with reduced levels of ..." is negative; "associated with increased ..." or with
    # the presence of something ("associated with dysbiosis") is positive
    window = c.folded[assoc.end : assoc.end + 40]
    down = cues.DOWN["down"].search(window)
    up = cues.UP["up"].search(window)
    if down and (not up or down.start() < up.start()):
        hit = Hit(
            "down",
            assoc.end + down.start(),
            assoc.end + down.end(),
            c.text[assoc.end + down.start() : assoc.end + down.end()],
        )
        return "negative_association", "association_with_decrease", [assoc, hit]
    # "associated with dysbiosis", "closely linked to migraine": going together, with no word against it
    if assoc.words.lower().startswith(("associated", "linked")):
        return "positive_association", "associated_with", [assoc]
    return None


def _certainty(c: _Cues, claim_type: str | None) -> tuple[str, str, list[Hit]] | None:
    speculation = cues.find(c.folded, c.text, cues.SPECULATION, negation=False)
    if speculation:
        return "speculative", "speculation_cue", speculation[:1]
    hedges = cues.find(c.folded, c.text, cues.HEDGE, negation=False)
    if hedges:
        return "hedged", "hedge_cue", hedges[:2]
    stated = cues.find(c.folded, c.text, cues.FINDING, negation=False) + c.effect_shown + c.null + c.association
    stated += [_finding_hit(f, c.text) for f in c.findings if f.kind in {EFFECT, P_VALUE}]
    if stated:
        return "asserted", "finding_without_hedge", [min(stated, key=lambda h: h.start)]
    # Every claim carries a certainty, and a plain statement — a definition, a stated need, a
    # description — is asserted as written: with no hedge and no conjecture, say so rather than abstain.
    return "asserted", "no_hedge", []


_DESIGN_RANK = (
    "meta_analysis",
    "systematic_review",
    "narrative_review",
    "pilot_trial",
    "rct",
    "observational",
    "in_vitro",
    "animal_study",
    "expert_opinion",
)
_FUTURE_DESIGNS = {"rct", "pilot_trial", "observational"}  # in "larger RCTs are needed" they name future work


def _design(folded: str, text: str, claim_type: str | None, human: bool = False) -> tuple[str, str, list[Hit]] | None:
    """The most specific design named. Evidence said to be in humans ("human and preclinical studies",
    "early human trials") is not animal evidence alone: no animal design then, from the passage or
    from its context (`human` says whether the passage speaks of humans)."""
    hits = [h for h in cues.find(folded, text, cues.DESIGN) if not h.negated]
    if human or cues.HUMAN.search(folded):
        hits = [h for h in hits if h.cue != "animal_study"]
    if claim_type == "evidence_gap":
        hits = [h for h in hits if h.cue not in _FUTURE_DESIGNS]
    if not hits:
        return None
    best = min(_DESIGN_RANK.index(h.cue) for h in hits)
    key = _DESIGN_RANK[best]
    return key, f"most_specific_of_{len({h.cue for h in hits})}", [h for h in hits if h.cue == key][:1]


def _population(folded: str, text: str, human: bool = False) -> tuple[str, str, list[Hit]] | None:
    hits = [h for h in cues.find(folded, text, cues.POPULATION) if not h.negated]
    if human:  # the passage speaks of humans: an animal model in the sentence before is another study's
        hits = [h for h in hits if h.cue != "animal_model"]
    kinds = {h.cue for h in hits}
    for key in ("mixed", "in_vitro", "animal_model"):
        if key in kinds:
            return key, f"{key}_cue", [h for h in hits if h.cue == key][:1]
    if "children" in kinds and "adults" in kinds:
        return "mixed", "children_and_adults", [next(h for h in hits if h.cue == k) for k in ("adults", "children")]
    for key in ("children", "adults"):
        if key in kinds:
            return key, f"{key}_cue", [h for h in hits if h.cue == key][:1]
    return None


def _number_suggestions(findings: list[Finding], text: str) -> list[tuple[str, Any, str, list[Hit]]]:
    """Effect measure, value, CI, p-value and counts, each from the first finding that gives it."""
    out: list[tuple[str, Any, str, list[Hit]]] = []
    notes: list[Finding] = []
    effect = next((f for f in findings if f.kind == EFFECT), None)
    if effect is not None:
        hit = _finding_hit(effect, text)
        out.append(("effect_measure", effect.measure, "effect_label", [hit]))
        if effect.is_bound:
            notes.append(effect)
        elif effect.number is not None:
            out.append(("effect_value", effect.number.value, "effect_value", [hit]))
    ci = (
        effect
        if effect is not None and effect.ci_low is not None
        else next((f for f in findings if f.kind == CI), None)
    )
    if ci is not None and ci.ci_low is not None and ci.ci_high is not None and ci.ci_level in {"", "95"}:
        hit = _finding_hit(ci, text)
        out += [("ci_low", ci.ci_low.value, "ci_bounds", [hit]), ("ci_high", ci.ci_high.value, "ci_bounds", [hit])]
    p = next((f for f in findings if f.kind == P_VALUE), None)
    if p is not None and p.number is not None:
        if p.is_bound:  # the codebook keeps p_value for reported values; a bound goes in Notes
            notes.append(p)
        else:
            out.append(("p_value", p.number.value, "p_reported", [_finding_hit(p, text)]))
    for kind in (N_STUDIES, N_PARTICIPANTS):
        count = next((f for f in findings if f.kind == kind and f.number is not None), None)
        if count is not None and count.number is not None:
            out.append((kind, count.number.value, f"{kind}_count", [_finding_hit(count, text)]))
    if notes:
        words = "; ".join(
            f"{'p' if f.kind == P_VALUE else f.label} {f.comparison} {f.number.text}" for f in notes if f.number
        )
        out.append(("notes", words, "bound_to_notes", [_finding_hit(f, text) for f in notes]))
    return out


def _allowed(codebook: Codebook, key: str, value: Any) -> bool:
    try:
        f = codebook.field(key)
    except KeyError:
        return False
    if f.kind == "choice":
        return any(c.key == value and not c.retired for c in f.choices)
    return True


def suggest_fields(codebook: Codebook, passage_text: str, context: str | None = None) -> list[FieldSuggestion]:
    """Suggested values for the claim form from `passage_text`, at most one per field.

    `context` is optional text around the passage (its sentence or paragraph, or the document's
    title); it is read only for study design and population, and only when the passage itself
    names none. Those suggestions carry source=CONTEXT and offsets into `context`.
    """
    text = passage_text
    if not any(ch.isalnum() for ch in text):
        return []
    c = _Cues.read(codebook, text)
    picked: list[FieldSuggestion] = []

    def add(key: str, found: tuple[str, str, list[Hit]] | None, source_text: str = text, source: str = PASSAGE) -> None:
        if found is not None and _allowed(codebook, key, found[0]):
            value, rule, hits = found
            picked.append(_suggestion(key, value, f"{key}.{rule}", hits, source_text, source))

    claim_type = _claim_type(c)
    add("claim_type", claim_type)
    kind = claim_type[0] if claim_type else None
    add("source_certainty", _certainty(c, kind))
    add("direction", _direction(c, kind))
    for key, rule in (("study_design", _design(c.folded, text, kind)), ("population", _population(c.folded, text))):
        if rule is None and context:
            folded_context = cues.fold(context)
            human = bool(cues.HUMAN.search(c.folded))
            found = (
                _design(folded_context, context, kind, human)
                if key == "study_design"
                else _population(folded_context, context, human)
            )
            add(key, found and (found[0], found[1] + "_in_context", found[2]), context, CONTEXT)
        else:
            add(key, rule)
    for key, value, rule, hits in _number_suggestions(c.findings, text):
        add(key, (value, rule, hits))
    return picked
