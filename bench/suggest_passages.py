"""Passage suggestions for a 1 MB document (issue 13; aim ≤ 1 s).

    python bench/run.py suggest-passages          # 1 MB
    python bench/run.py suggest-passages 200000   # characters, for a quick look

The document is the five seeds' paragraphs shuffled and repeated to the size (real wording, U+2010
hyphens, NBSP, abbreviations), with the codebook's vocabulary. Contenders, median of the runs:
- split: the floor of any sentence-level marker — the text split into sentences once
  (curator/core/sentences.py), nothing matched;
- context: the document's context as the session builds it once per text (fold, every term mention,
  abbreviations, topics);
- passages: suggest_passages on that context — what Document → Suggest passages pays after it.
"""

from __future__ import annotations

import random
import statistics
import time

from curator.core.paths import SEEDS

AIM_S = 1.0
RUNS = 3


def big_document(size: int, seed: int = 7) -> str:
    paragraphs = [p for path in sorted(SEEDS.glob("*.txt")) for p in path.read_text("utf-8").split("\n\n") if p.strip()]
    rnd = random.Random(seed)
    out, length = [], 0
    while length < size:
        p = rnd.choice(paragraphs)
        out.append(p)
        length += len(p) + 2
    return "\n\n".join(out)[:size]


def bench_suggest_passages(size: int = 1_000_000) -> None:
    from bench.suggest_terms import codebook_terms
    from curator.core.codebook import load_codebook
    from curator.core.models import CLAIM_FIELD_COLUMNS
    from curator.core.paths import CODEBOOK
    from curator.core.sentences import sentence_bounds
    from curator.core.suggest_passages import suggest_passages
    from curator.core.suggest_terms_document import DocumentContext
    from curator.core.suggest_terms_match import TermMatcher

    codebook = load_codebook(CODEBOOK, set(CLAIM_FIELD_COLUMNS))
    matcher = TermMatcher(codebook_terms())
    text = big_document(size)
    split, context_s, passages_s, marked = [], [], [], 0
    for _ in range(RUNS):
        t0 = time.perf_counter()
        sentences = len(sentence_bounds(text))
        t1 = time.perf_counter()
        context = DocumentContext(matcher, text, "A narrative review")
        t2 = time.perf_counter()
        marked = len(suggest_passages(context, codebook))
        t3 = time.perf_counter()
        split.append(t1 - t0)
        context_s.append(t2 - t1)
        passages_s.append(t3 - t2)
    base, ctx, pas = (statistics.median(x) for x in (split, context_s, passages_s))
    print(f"passage suggestions, {len(text):,} characters, {sentences:,} sentences, median of {RUNS} runs")
    print(f"  split into sentences   {base:7.3f} s")
    print(f"  document context       {ctx:7.3f} s   {ctx / base:5.1f}× split   (once per text)")
    print(f"  suggest passages       {pas:7.3f} s   {pas / base:5.1f}× split")
    total = ctx + pas
    print(
        f"  context + passages     {total:7.3f} s   {total / base:5.1f}× split   "
        f"aim ≤ {AIM_S:.0f} s: {'met' if total <= AIM_S else 'MISSED'}   ({marked:,} passages marked)"
    )


if __name__ == "__main__":
    import sys

    bench_suggest_passages(*[int(a) for a in sys.argv[1:2]])
