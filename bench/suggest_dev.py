"""Print the suggestion errors on the evaluation set's **dev** split only (never the test split).

    python bench/suggest_dev.py              # every dev claim with an error: passage, gold vs suggested
    python bench/suggest_dev.py terms        # only term errors
    python bench/suggest_dev.py fields       # only field errors (claim_type, source_certainty, ...)
    python bench/suggest_dev.py passages     # dev claims no marked sentence covers

A tool for tuning the suggestion rules on the half of tests/fixtures/suggest_eval/ that may be looked at;
bench/run.py suggest scores both halves.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.suggest import FIELDS, _same, document_ids, open_seeded  # noqa: E402


def main(what: str = "all") -> None:
    from tests.suggest_eval import load_claims

    claims = load_claims("dev")
    with tempfile.TemporaryDirectory() as folder:
        session = open_seeded(Path(folder))
        try:
            ids = document_ids(session)
            if what == "passages":
                _passages(session, ids, claims)
                return
            for claim in claims:
                got = session.suggestions.for_passage(ids[claim["document"]], claim["start"], claim["end"])
                lines = []
                if what in ("all", "terms"):
                    gold = {(r, lab) for r, labels in claim["terms"].items() for lab in labels}
                    sug = {(t.role, t.label): t for t in got.terms}
                    for pair in sorted(gold - set(sug)):
                        lines.append(f"  term MISSED {pair[0]}: {pair[1]}")
                    for pair in sorted(set(sug) - gold):
                        t = sug[pair]
                        lines.append(f"  term EXTRA  {pair[0]}: {pair[1]}  ({t.source}: {t.reason})")
                if what in ("all", "fields"):
                    want = dict(claim.get("fields", {}))
                    want["claim_type"] = claim["claim_type"]
                    values = {v.field_key: v for v in got.values}
                    for key in FIELDS:
                        w, g = want.get(key), values.get(key)
                        if w is None and g is None:
                            continue
                        if w is not None and g is not None and _same(g.value, w):
                            continue
                        lines.append(f"  field {key}: gold={w!r} got={g.value if g else None!r}"
                                     f"{'  (' + str(g.reason) + ')' if g else ''}")  # fmt: skip
                if lines:
                    amb = ",".join(claim.get("ambiguous", ()))
                    print(f"{claim['id']} [{claim['claim_type']}] {claim['quote']!r}  ambiguous: {amb}")
                    print("\n".join(lines))
        finally:
            session.close()


def _passages(session, ids, claims) -> None:
    marks = {prefix: session.suggestions.passages(doc) for prefix, doc in ids.items()}
    for claim in claims:
        m = marks[claim["document"]]
        inside = sum(max(0, min(x.end, claim["end"]) - max(x.start, claim["start"])) for x in m)
        if inside * 2 < claim["end"] - claim["start"]:
            print(f"{claim['id']} [{claim['claim_type']}] {claim['quote']!r}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "all")
