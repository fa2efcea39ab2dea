"""The suggestion evaluation set (issue 13): claims a reviewer made by hand from the five seeds.

Each claim in tests/fixtures/suggest_eval/claims.json holds the passage she selected (document prefix,
start, end and the exact quote of the document's canonical text), the claim type, the terms she set per
role, which of those terms the passage leaves implicit, the form fields she set, concepts the codebook
has no term for, the fields where reviewers could reasonably differ, and a dev/test split. The set was
made from the texts and the codebook alone, without the suggestion code; README.md next to it says how.

Loading the claims needs nothing of Curator; canonical_text() reads a seed the way the app imports it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
CLAIMS_FILE = HERE / "fixtures" / "suggest_eval" / "claims.json"
SEEDS_DIR = HERE.parent / "seeds"
SPLITS = ("dev", "test")


@cache
def _all_claims() -> tuple[dict, ...]:
    return tuple(json.loads(CLAIMS_FILE.read_text(encoding="utf-8")))


def load_claims(split: str | None = None) -> list[dict]:
    """The evaluation claims in reading order, all or one split ("dev" or "test"); fresh copies each call."""
    if split is not None and split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS} or None, not {split!r}")
    return [json.loads(json.dumps(c)) for c in _all_claims() if split is None or c["split"] == split]


def seed_path(prefix: str) -> Path:
    """The seed file whose name starts with prefix (e.g. "002")."""
    found = sorted(SEEDS_DIR.glob(f"{prefix}_*"))
    if len(found) != 1:
        raise LookupError(f"expected one seed named {prefix}_* in {SEEDS_DIR}, found {len(found)}")
    return found[0]


@cache
def canonical_text(prefix: str) -> str:
    """The seed's canonical text as Curator imports it (the text that claims' offsets refer to)."""
    from curator.io.document_files import read_document

    return read_document(seed_path(prefix)).text
