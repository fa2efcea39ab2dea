"""Suggestion quality (issue 13) on the hand-made evaluation set, tests/fixtures/suggest_eval/.

    python bench/run.py suggest            # both splits, and each one
    python bench/run.py suggest-speed      # one selection with a 20,000-term vocabulary; 1 MB of passages

The evaluation set holds 110 claims a reviewer made from the five seeds without the suggestion code
(its README says how). For each claim the suggestions for its exact passage are compared with what she
set:
- terms, per role: precision = suggested terms she set / suggested terms; recall = terms she set that
  were suggested / terms she set; micro-averaged over roles (aim: recall ≥ 90 % at precision ≥ 85 %);
- fields: of the times she set a field, how often the suggestion was that value (aim ≥ 80 %), with how
  often a value was suggested that she did not set, and how often it was wrong when suggested;
- passages: the share of her claims whose quote lies mostly (≥ half its characters) in a marked
  sentence (aim ≥ 80 %), and the share of sentences marked (aim ≤ 30 %).
"dev" is the half looked at while building; "test" the half kept aside: both are printed.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FIELDS = (
    "claim_type",
    "source_certainty",
    "direction",
    "study_design",
    "population",
    "effect_measure",
    "effect_value",
    "ci_low",
    "ci_high",
    "p_value",
    "n_studies",
    "n_participants",
    "notes",
)


def open_seeded(folder: Path):
    from curator.core.paths import SEEDS
    from curator.core.session import open_session
    from curator.io.seeds import seed_new_project

    session = open_session(folder / "eval.sqlite3")
    seed_new_project(session, SEEDS)
    session.use_reviewer("Evaluation")
    return session


def document_ids(session) -> dict[str, int]:
    from curator.core.models import Document

    return {row.file_name[:3]: row.id for row in Document.select(Document.id, Document.file_name)}


def evaluate(session, claims: list[dict]) -> dict:
    ids = document_ids(session)
    terms = defaultdict(Counter)  # role -> tp / fp / fn
    implicit = Counter()
    fields = defaultdict(Counter)  # field -> set / right / suggested / wrong / extra
    for claim in claims:
        got = session.suggestions.for_passage(ids[claim["document"]], claim["start"], claim["end"])
        gold = {(role, label) for role, labels in claim["terms"].items() for label in labels}
        hidden = {tuple(pair) for pair in claim.get("implicit", ())}
        suggested = {(t.role, t.label) for t in got.terms}
        for role, label in suggested | gold:
            key = (
                "tp"
                if (role, label) in gold and (role, label) in suggested
                else "fp"
                if (role, label) in suggested
                else "fn"
            )
            terms[role][key] += 1
        for pair in hidden:
            implicit["set"] += 1
            implicit["found"] += pair in suggested
        want = dict(claim.get("fields", {}))
        want["claim_type"] = claim["claim_type"]
        values = {v.field_key: v.value for v in got.values}
        for key in FIELDS:
            if key in want:
                fields[key]["set"] += 1
                if key in values:
                    fields[key]["suggested"] += 1
                    right = _same(values[key], want[key])
                    fields[key]["right"] += right
                    fields[key]["wrong"] += not right
            elif key in values:
                fields[key]["extra"] += 1
    return {"terms": terms, "implicit": implicit, "fields": fields}


def _same(got, want) -> bool:
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return abs(float(got) - float(want)) < 1e-9
    return str(got).strip().casefold() == str(want).strip().casefold()


def passage_coverage(session, claims: list[dict]) -> tuple[float, float, int, int]:
    from curator.core.sentences import sentence_bounds

    ids = document_ids(session)
    covered = 0
    marked_sentences = sentences = 0
    by_document: dict[str, list] = {}
    for prefix, doc in ids.items():
        marks = session.suggestions.passages(doc)
        by_document[prefix] = marks
        text = session.documents.get(doc).text
        ends = sentence_bounds(text)
        sentences += sum(1 for i, e in enumerate(ends) if text[(ends[i - 1] if i else 0) : e].strip())
        marked_sentences += len(marks)
    for claim in claims:
        marks = by_document[claim["document"]]
        inside = sum(max(0, min(m.end, claim["end"]) - max(m.start, claim["start"])) for m in marks)
        covered += inside * 2 >= claim["end"] - claim["start"]
    return covered / len(claims), marked_sentences / sentences, marked_sentences, sentences


def report(name: str, result: dict) -> None:
    print(f"\n== {name}")
    tp = fp = fn = 0
    print(f"{'role':14}{'precision':>10}{'recall':>8}{'tp':>5}{'fp':>5}{'fn':>5}")
    for role, c in sorted(result["terms"].items()):
        tp, fp, fn = tp + c["tp"], fp + c["fp"], fn + c["fn"]
        print(f"{role:14}{_ratio(c['tp'], c['tp'] + c['fp']):>10}{_ratio(c['tp'], c['tp'] + c['fn']):>8}"
              f"{c['tp']:>5}{c['fp']:>5}{c['fn']:>5}")  # fmt: skip
    print(
        f"{'micro':14}{_ratio(tp, tp + fp):>10}{_ratio(tp, tp + fn):>8}{tp:>5}{fp:>5}{fn:>5}   (aim: recall ≥ 90 % at precision ≥ 85 %)"
    )
    i = result["implicit"]
    print(f"implicit terms suggested: {i['found']} of {i['set']} ({_ratio(i['found'], i['set'])})")
    print(f"\n{'field':18}{'right/set':>11}{'suggested':>11}{'wrong':>7}{'unasked':>9}")
    for key in FIELDS:
        c = result["fields"].get(key, Counter())
        if not (c["set"] or c["extra"]):
            continue
        print(
            f"{key:18}{_ratio(c['right'], c['set']):>11}{c['suggested']:>7}/{c['set']:<3}{c['wrong']:>7}{c['extra']:>9}"
        )


def _ratio(a: int, b: int) -> str:
    return f"{100 * a / b:.0f} %" if b else "—"


def bench_suggest(count: int | None = None) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.suggest_eval import load_claims

    with tempfile.TemporaryDirectory() as folder:
        session = open_seeded(Path(folder))
        try:
            for split in (None, "dev", "test"):
                claims = load_claims(split)
                report(f"{split or 'all'} ({len(claims)} claims)", evaluate(session, claims))
                cover, share, marked, sentences = passage_coverage(session, claims)
                print(f"\npassages: {100 * cover:.0f} % of claims covered, {marked} of {sentences} sentences marked "
                      f"({100 * share:.0f} %)   (aim: ≥ 80 % covered, ≤ 30 % marked)")  # fmt: skip
        finally:
            session.close()


if __name__ == "__main__":
    bench_suggest()
