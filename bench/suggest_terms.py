"""Term suggestions for one selection with a 20,000-term vocabulary (issue 13; aim ≤ 20 ms).

    python bench/run.py suggest-terms          # 20,000 terms
    python bench/run.py suggest-terms 5000     # a smaller vocabulary

The vocabulary is the codebook's terms plus synthetic ones with realistic multiword labels
("chronic eosinophilic gastritis", "Bacteroides fragilis", "interleukin 23 signalling") and 0–3
synonyms each (some short acronyms). The selections are the seed documents' paragraphs and
sentences (real text: U+2010 hyphens, en dashes, NBSP, abbreviations).

Contenders, per selection, median over every selection and several rounds (interleaved):
- scan: the floor a naive matcher pays — the passage folded once, then `name in passage` for each
  folded label and synonym (no variants, no word boundaries, no offsets: less work than Curator's);
- curator: suggest_terms() on the document's cached context — fold the passage, one Aho–Corasick
  pass, word boundaries, case checks, longest-first resolution, reasons, document topics.
Building the matcher (once per vocabulary revision) and a document's context (once per text) are
reported apart: they are not paid per selection.
"""

from __future__ import annotations

import random
import re
import statistics
import time

from curator.core.paths import SEEDS
from curator.core.records import TermInfo

AIM_MS = 20.0
ROUNDS = 5


def _words(text: str) -> list[str]:
    return text.split()


_ADJECTIVES = _words(
    "chronic acute juvenile hereditary idiopathic allergic autoimmune eosinophilic atrophic erosive "
    "progressive refractory secondary primary congenital neonatal familial recurrent systemic focal "
    "diffuse benign malignant metabolic vascular bacterial viral fungal intestinal hepatic renal"
)
_ORGANS = _words(
    "gastric colonic duodenal hepatic pancreatic renal cardiac pulmonary cerebral spinal cutaneous "
    "ocular vestibular thyroid adrenal ovarian testicular prostatic biliary esophageal rectal"
)
_NOUNS = _words(
    "gastritis colitis enteritis neuropathy myopathy encephalitis dermatitis nephritis hepatitis "
    "arthritis vasculitis fibrosis stenosis dysplasia insufficiency failure syndrome disorder "
    "disease carcinoma lymphoma ulcer lesion infection inflammation deficiency atrophy"
)
_GENERA = _words(
    "Bacteroides Clostridium Streptococcus Staphylococcus Enterococcus Prevotella Ruminococcus "
    "Eubacterium Veillonella Klebsiella Alistipes Parabacteroides Collinsella Dorea Coprococcus "
    "Oscillibacter Sutterella Desulfovibrio Bilophila Odoribacter"
)
_EPITHETS = _words(
    "fragilis vulgatus ovatus uniformis thetaiotaomicron caccae longum breve bifidum adolescentis "
    "salivarius gasseri plantarum acidophilus casei faecalis faecium coli pneumoniae mirabilis"
)
_MOLECULES = _words(
    "interleukin interferon chemokine receptor kinase transporter peptide hormone factor ligand "
    "protease inhibitor antibody antagonist agonist"
)
_PROCESSES = _words("signalling pathway production expression activation release uptake metabolism secretion")


def synthetic_terms(count: int, seed: int = 13, start_id: int = 100_000) -> list[TermInfo]:
    """`count` terms with multiword labels, synonyms and some acronyms, over the codebook's roles."""
    rnd = random.Random(seed)
    seen: set[str] = set()
    out: list[TermInfo] = []
    while len(out) < count:
        kind = rnd.random()
        if kind < 0.45:
            words = [rnd.choice(_ADJECTIVES), rnd.choice(_ORGANS), rnd.choice(_NOUNS)][rnd.randint(0, 1) :]
            role = "condition"
        elif kind < 0.7:
            words = [rnd.choice(_GENERA), rnd.choice(_EPITHETS)]
            role = "taxon"
        elif kind < 0.9:
            words = [rnd.choice(_MOLECULES), str(rnd.randint(1, 40)), rnd.choice(_PROCESSES)]
            role = "mechanism"
        else:
            words = [rnd.choice(_ADJECTIVES), rnd.choice(_MOLECULES), rnd.choice(["therapy", "supplementation"])]
            role = "intervention"
        label = " ".join(words)
        label = label[0].upper() + label[1:]
        if label.casefold() in seen:
            continue
        seen.add(label.casefold())
        synonyms = []
        for _ in range(rnd.randint(0, 3)):
            if rnd.random() < 0.3:
                synonyms.append("".join(w[0] for w in words if w[0].isalpha()).upper() + rnd.choice(["", "X", "2"]))
            else:
                shuffled = words[:]
                rnd.shuffle(shuffled)
                synonyms.append(" ".join(shuffled).lower())
        identifier = f"MESH:D{rnd.randint(0, 999_999):06d}" if rnd.random() < 0.5 else ""
        out.append(
            TermInfo(start_id + len(out), "synthetic", "Synthetic", (role,), label, identifier, tuple(synonyms), "")
        )
    return out


def codebook_terms() -> list[TermInfo]:
    from curator.core.codebook import load_codebook
    from curator.core.models import CLAIM_FIELD_COLUMNS
    from curator.core.paths import CODEBOOK

    codebook = load_codebook(CODEBOOK, set(CLAIM_FIELD_COLUMNS))
    out = []
    for vocabulary in codebook.vocabularies:
        for term in vocabulary.terms:
            out.append(
                TermInfo(
                    len(out) + 1,
                    vocabulary.key,
                    vocabulary.name,
                    vocabulary.roles,
                    term.label,
                    term.identifier,
                    term.synonyms,
                    "",
                )
            )
    return out


def selections(text: str) -> list[tuple[int, int]]:
    """Every paragraph of 80–1,500 characters, and every sentence of 40+ characters, as (start, end)."""
    out = [(m.start(), m.end()) for m in re.finditer(r"[^\n]{80,1500}", text)]
    out += [(m.start(), m.end()) for m in re.finditer(r"[A-Z][^.\n]{40,600}\.", text)]
    return out


def bench_suggest_terms(count: int = 20_000) -> None:
    from curator.core.suggest_terms import suggest_terms
    from curator.core.suggest_terms_document import DocumentContext
    from curator.core.suggest_terms_match import TermMatcher
    from curator.core.text_fold import fold, fold_key

    terms = codebook_terms()
    terms += synthetic_terms(count - len(terms))
    t = time.perf_counter()
    matcher = TermMatcher(terms)
    build = time.perf_counter() - t
    names = [fold_key(n) for term in terms for n in (term.label, *term.synonyms)]

    documents, context_ms = [], []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        t = time.perf_counter()
        context = DocumentContext(matcher, text, text.split("\n", 1)[0])
        context_ms.append((time.perf_counter() - t) * 1000)
        documents.append((context, selections(text)))

    def scan(text: str, start: int, end: int) -> int:
        passage = fold(text[start:end]).text
        return sum(1 for name in names if name in passage)

    curator_ms, scan_ms, found = [], [], 0
    for _ in range(ROUNDS):
        for context, spans in documents:
            for start, end in spans:
                t = time.perf_counter()
                found += len(suggest_terms(context, start, end))
                t1 = time.perf_counter()
                scan(context.text, start, end)
                t2 = time.perf_counter()
                curator_ms.append((t1 - t) * 1000)
                scan_ms.append((t2 - t1) * 1000)

    selections_n = sum(len(spans) for _, spans in documents)
    lengths = [end - start for _, spans in documents for start, end in spans]
    print(
        f"term suggestions, {len(terms):,} terms ({len(matcher.patterns):,} indexed keys), "
        f"{selections_n} selections of {min(lengths)}–{max(lengths)} characters from the seeds, "
        f"median of {ROUNDS} rounds"
    )
    print(f"  build matcher         {build:8.2f} s   (once per vocabulary revision)")
    print(f"  document context      {statistics.median(context_ms):8.2f} ms  (median; once per document text)")
    cur, base = statistics.median(curator_ms), statistics.median(scan_ms)
    p95 = sorted(curator_ms)[int(0.95 * len(curator_ms))]
    print(f"  scan (name in passage) {base:7.2f} ms  per selection")
    print(
        f"  curator               {cur:8.2f} ms  per selection (p95 {p95:.2f} ms, max {max(curator_ms):.2f})  "
        f"{base / cur:6.1f}× faster than scan   aim ≤ {AIM_MS:.0f} ms: {'met' if p95 <= AIM_MS else 'MISSED'}"
    )
    print(f"  ({found / ROUNDS / selections_n:.1f} suggestions per selection on average)")


if __name__ == "__main__":
    import sys

    bench_suggest_terms(*[int(a) for a in sys.argv[1:2]])
