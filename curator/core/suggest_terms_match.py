"""Find every vocabulary name in a text in one pass: an Aho–Corasick automaton over folded names.

Variation is handled on the vocabulary's side, never by stemming the text: each label, synonym and
identifier is indexed in its folded form (curator/core/text_fold.py) plus its real variants — the
other number of its last word (migraine/migraines, therapy/therapies, bacterium/bacteria), British
and American spelling (faecal/fecal, signalling/signaling, behaviour/behavior), an eponym with and
without "'s" (Crohn disease/Crohn's disease), an identifier in the ways sources write it
("MESH:D009103", "D009103", "PubChem CID 104775", "taxon 216851"). A hit counts only on word
boundaries of the folded text, so "MS" is not found inside "MSc" or "forms". Short all-caps
synonyms (MS, AD, PD, EAE) must match in case too: "ad" and "pd" are ordinary words or units.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from curator.core.records import TermInfo
from curator.core.text_fold import Folded, fold, fold_key

ACRONYM_LETTERS = 5  # an all-caps name with at most this many letters must match in case

LABEL, SYNONYM, IDENTIFIER, ABBREVIATION = "label", "synonym", "identifier", "abbreviation"


@dataclass(frozen=True, slots=True)
class Name:
    """One way of naming a term, as indexed: which term, how, and the case it must match (or None)."""

    term: int  # index into TermMatcher.terms
    kind: str  # LABEL | SYNONYM | IDENTIFIER | ABBREVIATION
    written: str  # as the vocabulary (or the document, for an abbreviation) writes it
    case_key: str | None = None  # fold_key(…, keep_case=True) the hit must equal, for acronyms


@dataclass(frozen=True, slots=True)
class Hit:
    """Names found at text[start:end] (original offsets)."""

    start: int
    end: int
    names: tuple[Name, ...]
    document: bool = False  # found through an abbreviation the document defines


def is_acronym(name: str) -> bool:
    """All capitals (a plural "s" aside) and at most ACRONYM_LETTERS letters: MS, EAE, SCFAs, IL-6, 5-HT."""
    core = name[:-1] if name.endswith("s") and len(name) > 2 else name
    letters = [c for c in core if c.isalpha()]
    return 0 < len(letters) <= ACRONYM_LETTERS and all(c.isupper() for c in letters) and " " not in name.strip()


# -- variants -----------------------------------------------------------------------------------
_SIBILANT = ("s", "x", "z", "ch", "sh")


def number_forms(word: str) -> set[str]:
    """The word and its other grammatical number, by the regular English and Latin rules.

    Forms that are not words ("diabete") are harmless: no text contains them. Short words keep only
    their own form: "news" must not become "new"."""
    forms = {word}
    if len(word) < 3 or not word.isalpha():
        return forms
    if word.endswith("ies") and len(word) > 4:
        forms.add(word[:-3] + "y")
    elif word.endswith("y") and word[-2] not in "aeiou":
        forms.add(word[:-1] + "ies")
    elif word.endswith(("ses", "xes", "zes", "ches", "shes")):
        forms.add(word[:-2])
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 4:
        forms.add(word[:-1])
    elif word.endswith(_SIBILANT):
        forms.add(word + "es")
    elif not word.endswith("s"):
        forms.add(word + "s")
    # Latin and Greek plurals of the life sciences
    for singular, plural in (("um", "a"), ("us", "i"), ("is", "es"), ("on", "a"), ("ex", "ices"), ("ix", "ices")):
        if word.endswith(singular) and len(word) > len(singular) + 1 and not word.endswith("ion"):
            forms.add(word[: -len(singular)] + plural)
    if word.endswith("ia") and len(word) > 4:
        forms.add(word[:-1] + "um")  # bacteria → bacterium
    if word.endswith("i") and len(word) > 4:
        forms.add(word[:-1] + "us")  # lactobacilli → lactobacillus
    return forms


# British → American, applied to folded (lower-case) names; each is applied both ways when indexing.
_UK_US = [
    (re.compile(r"(?<=[a-z][a-z])our(?=\b|al|ed|s\b)"), "or"),  # behaviour(al), tumour, colour
    (re.compile(r"(?<=[a-z])is(e|ed|es|ing|ation|ations)\b"), r"iz\1"),  # randomised, standardisation
    (re.compile(r"(?<=[a-z])ys(e|ed|es|ing)\b"), r"yz\1"),  # analyse
    (re.compile(r"(?<=[aeiou])ll(ing|ed|er|ers)\b"), r"l\1"),  # signalling, labelled, modeller
    (re.compile(r"ogue\b"), "og"),  # catalogue
    (re.compile(r"(?<=[bcdfgklmnpstv])re\b"), "er"),  # centre, fibre, litre
]
# Medical ae/oe spellings cannot be inferred from the American form; these are the word starts where
# they occur (haemoglobin, anaemia, faecal, paediatric, oesophagus, oestrogen, diarrhoea, …).
_AE_OE = [
    ("haem", "hem"),
    ("anaem", "anem"),
    ("leukaem", "leukem"),
    ("ischaem", "ischem"),
    ("faec", "fec"),
    ("paed", "ped"),
    ("orthopaed", "orthoped"),
    ("anaesth", "anesth"),
    ("oesoph", "esoph"),
    ("oestr", "estr"),
    ("oedem", "edem"),
    ("coeliac", "celiac"),
    ("diarrhoe", "diarrhe"),
    ("gynaecol", "gynecol"),
    ("foet", "fet"),
]
_AE_OE_UK = (re.compile(r"\b(" + "|".join(uk for uk, _ in _AE_OE) + ")"), {uk: us for uk, us in _AE_OE})
_AE_OE_US = (re.compile(r"\b(" + "|".join(us for _, us in _AE_OE) + ")(?=[a-z])"), {us: uk for uk, us in _AE_OE})
_US_UK = [
    (re.compile(r"(?<=[a-z]{3})(?<![aeou])or(?=\b|al\b|ed\b|s\b)"), "our"),  # behavior, tumor, color
    (re.compile(r"(?<=[a-z])iz(e|ed|es|ing|ation|ations)\b"), r"is\1"),
    (re.compile(r"(?<=[a-z])yz(e|ed|es|ing)\b"), r"ys\1"),
    (re.compile(r"(?<=[^aeiou][aeiou])l(ing|ed)\b"), r"ll\1"),
]
# The nouns an eponym goes before ("Parkinson disease", "Crohn's disease", "Cushing syndrome").
_EPONYM_HEADS = frozenset(
    [
        "disease",
        "diseases",
        "syndrome",
        "syndromes",
        "disorder",
        "palsy",
        "sarcoma",
        "lymphoma",
        "ulcer",
        "sign",
        "reflex",
        "test",
        "scale",
        "encephalopathy",
        "thyroiditis",
        "phenomenon",
        "law",
        "method",
        "criteria",
        "classification",
    ]
)
_GLUED_GREEK = re.compile(r"(?<=[a-z0-9])(alpha|beta|gamma|delta|kappa)\b")


def _spellings(key: str) -> set[str]:
    us = key
    for pattern, repl in _UK_US:
        us = pattern.sub(repl, us)
    pattern, table = _AE_OE_UK
    us = pattern.sub(lambda m: table[m[1]], us)
    uk = us
    for pattern, repl in _US_UK:
        uk = pattern.sub(repl, uk)
    pattern, table = _AE_OE_US
    uk = pattern.sub(lambda m: table[m[1]], uk)
    return {key, us, uk}


def name_variants(written: str) -> set[str]:
    """The folded keys a vocabulary name is indexed under (not for acronyms or identifiers)."""
    key = fold_key(written)
    if not key:
        return set()
    keys = _spellings(key)
    keys |= {_GLUED_GREEK.sub(r" \1", k) for k in keys}  # "IL1beta" also as "il1 beta" ("IL1β")
    words = written.split()
    if len(words) > 1 and words[0][:1].isupper() and words[0][1:].islower() and words[1].casefold() in _EPONYM_HEADS:
        # an eponym: "Parkinson disease" is as often "Parkinson's disease" (and the reverse)
        first, rest = key.split(" ", 1)
        if first.endswith("'s"):
            keys.add(f"{first[:-2]} {rest}")
        elif first.isalpha():
            keys |= {f"{first}'s {rest}", f"{first}s {rest}"}
    out = set()
    for k in keys:
        head, _, last = k.rpartition(" ")
        out |= {f"{head} {form}" if head else form for form in number_forms(last)}
    return out


def acronym_variants(written: str) -> set[str]:
    """Case-kept keys of an acronym and its plural: "SCFA" and "SCFAs", "SCFAs" and "SCFA"."""
    key = fold_key(written, keep_case=True)
    if key.endswith("s") and key[:-1] and key[-2:-1].isupper():
        return {key, key[:-1]}
    return {key, key + "s"} if key[-1:].isalpha() else {key}


_ID_FORMS = {
    "MESH": ("mesh:{}", "mesh {}", "{}"),  # MeSH ids (D009103, C116580) are unique enough bare
    "NCBITaxon": ("ncbitaxon:{}", "taxon {}", "ncbi taxonomy {}", "txid{}", "taxid {}", "taxid:{}"),
    "PubChem": ("pubchem:{}", "pubchem cid {}", "pubchem cid: {}", "cid {}", "cid:{}"),
    "CHEBI": ("chebi:{}", "chebi {}"),
    "MONDO": ("mondo:{}", "mondo {}"),
    "NCBIGene": ("ncbigene:{}", "ncbi gene {}", "gene id {}"),
}


def identifier_variants(identifier: str) -> set[str]:
    """How sources write an identifier: "MESH:D009103", "D009103", "PubChem CID 104775", "taxon 841"."""
    prefix, _, local = identifier.partition(":")
    forms = _ID_FORMS.get(prefix, ())
    keys = {fold_key(identifier)}
    keys |= {fold_key(form.format(local)) for form in forms}
    return {k for k in keys if k}


# -- the automaton ------------------------------------------------------------------------------
class PatternSet:
    """Folded keys → the names they stand for, in one Aho–Corasick automaton."""

    def __init__(self) -> None:
        self._names: dict[str, list[Name]] = {}
        self._automaton: ahocorasick.Automaton | None = None

    def add(self, key: str, name: Name) -> None:
        if key:
            self._names.setdefault(key, []).append(name)

    def __len__(self) -> int:
        return len(self._names)

    def build(self) -> PatternSet:
        automaton = ahocorasick.Automaton()
        for key, names in self._names.items():
            automaton.add_word(key, (len(key), tuple(dict.fromkeys(names))))
        if len(automaton):
            automaton.make_automaton()
            self._automaton = automaton
        return self

    def hits(
        self, text: str, lo: int = 0, hi: int | None = None, document: bool = False, whole: Folded | None = None
    ) -> list[Hit]:
        """Names in text[lo:hi] on word boundaries (looking one character beyond lo and hi). `whole`:
        fold(text) already made, used when the whole text is asked for (a document's context)."""
        if self._automaton is None:
            return []
        hi = len(text) if hi is None else hi
        a, b = max(0, lo - 1), min(len(text), hi + 1)
        folded = whole if whole is not None and (a, b) == (0, len(text)) else fold(text[a:b])
        ft = folded.text
        out: list[Hit] = []
        for end, (length, names) in self._automaton.iter(ft):
            fs, fe = end + 1 - length, end + 1
            if (fs > 0 and ft[fs - 1].isalnum()) or (fe < len(ft) and ft[fe].isalnum()):
                continue
            start, stop = folded.span(fs, fe)
            start, stop = start + a, stop + a
            if start < lo or stop > hi:
                continue
            if any(n.case_key is not None for n in names):
                kept = fold_key(text[start:stop], keep_case=True)
                names = tuple(n for n in names if n.case_key is None or n.case_key == kept)
                if not names:
                    continue
            out.append(Hit(start, stop, names, document))
        return out


class BuildCancelled(Exception):
    """A matcher's build was given up: a newer vocabulary revision is being built."""


class TermMatcher:
    """Every term of a vocabulary revision, indexed once; `hits` finds them in any text."""

    def __init__(self, terms: Iterable[TermInfo], revision: object = None, cancelled: Callable[[], bool] | None = None):
        """`cancelled` is asked now and then (a build on another thread, made stale by a newer vocabulary
        revision): when it says True the build stops with BuildCancelled."""
        self.terms: list[TermInfo] = list(terms)
        self.revision = revision
        self.by_id = {t.id: i for i, t in enumerate(self.terms)}
        patterns = PatternSet()
        for i, term in enumerate(self.terms):
            if cancelled is not None and i % 500 == 0 and cancelled():
                raise BuildCancelled(revision)
            for kind, written in [(LABEL, term.label)] + [(SYNONYM, s) for s in term.synonyms]:
                for key, name in name_keys(i, kind, written):
                    patterns.add(key, name)
            if term.identifier:
                for key in identifier_variants(term.identifier):
                    patterns.add(key, Name(i, IDENTIFIER, term.identifier))
        self.patterns = patterns.build()

    def hits(self, text: str, lo: int = 0, hi: int | None = None, whole: Folded | None = None) -> list[Hit]:
        return self.patterns.hits(text, lo, hi, whole=whole)

    def term_named(self, text: str) -> int | None:
        """The term whose label, synonym or identifier is the whole of `text`, if exactly one is."""
        found = {n.term for hit in self.hits(text) if hit.start == 0 and hit.end == len(text) for n in hit.names}
        return next(iter(found)) if len(found) == 1 else None


def name_keys(term: int, kind: str, written: str) -> list[tuple[str, Name]]:
    """(key, Name) pairs to index one written name under."""
    written = written.strip()
    return [(key, Name(term, kind, written, case_key)) for key, case_key in _keys(written)] if written else []


@lru_cache(maxsize=262_144)
def _keys(written: str) -> tuple[tuple[str, str | None], ...]:
    """(key, case key) of a written name; cached, so rebuilding after one term changed is cheap."""
    if is_acronym(written):
        # matched case-insensitively in the automaton, then checked against the case kept here
        return tuple((k.casefold(), k) for k in acronym_variants(written))
    return tuple((k, None) for k in name_variants(written))
