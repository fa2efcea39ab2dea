"""The suggestion evaluation set is well formed: exact quotes, codebook terms and choices, numbers, splits."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path

import pytest

from tests.suggest_eval import CLAIMS_FILE, SPLITS, canonical_text, load_claims

CODEBOOK = Path(__file__).resolve().parents[1] / "resources" / "codebook.toml"
KEYS = {
    "id",
    "document",
    "split",
    "start",
    "end",
    "quote",
    "claim_type",
    "terms",
    "implicit",
    "fields",
    "missing_terms",
    "ambiguous",
}
SET_FIELDS = {
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
}
CLAIMS = load_claims()


def _codebook():
    book = tomllib.loads(CODEBOOK.read_text(encoding="utf-8"))
    fields = {f["key"]: f for f in book["field"]}
    roles = {r["key"]: r for r in book["role"]}
    labels: dict[str, set[str]] = {key: set() for key in roles}
    for vocabulary in book["vocabulary"]:
        for role in roles:
            if role in vocabulary["roles"] or roles[role].get("any_vocabulary"):
                labels[role] |= {term["label"] for term in vocabulary["terms"]}
    return fields, labels


FIELDS, LABELS = _codebook()


def _choice_keys(field: str) -> set[str]:
    return {choice["key"] for choice in FIELDS[field]["choices"]}


def test_the_set_is_large_enough_and_covers_every_seed():
    assert 90 <= len(CLAIMS) <= 130
    per_document = Counter(c["document"] for c in CLAIMS)
    assert set(per_document) == {"000", "001", "002", "003", "004"}
    assert min(per_document.values()) >= 12, per_document
    assert len({c["id"] for c in CLAIMS}) == len(CLAIMS)
    assert all(set(c) == KEYS for c in CLAIMS)


@pytest.mark.parametrize("claim", CLAIMS, ids=[c["id"] for c in CLAIMS])
def test_the_quote_is_the_canonical_slice(claim):
    text = canonical_text(claim["document"])
    assert 0 <= claim["start"] < claim["end"] <= len(text)
    assert text[claim["start"] : claim["end"]] == claim["quote"]
    assert claim["quote"] == claim["quote"].strip()


def test_terms_are_codebook_labels_of_a_vocabulary_serving_their_role():
    for claim in CLAIMS:
        for role, labels in claim["terms"].items():
            assert role in LABELS, (claim["id"], role)
            assert labels, (claim["id"], role)
            assert len(set(labels)) == len(labels), (claim["id"], role)
            for label in labels:
                assert label in LABELS[role], (claim["id"], role, label)
        for role, label in claim["implicit"]:
            assert label in claim["terms"].get(role, []), (claim["id"], role, label)


def test_choices_numbers_and_ambiguities_fit_the_form():
    for claim in CLAIMS:
        assert claim["claim_type"] in _choice_keys("claim_type"), claim["id"]
        assert set(claim["fields"]) <= SET_FIELDS, claim["id"]
        for key, value in claim["fields"].items():
            kind = FIELDS[key]["kind"]
            if kind == "choice":
                assert value in _choice_keys(key), (claim["id"], key, value)
            elif kind == "number":
                assert isinstance(value, int | float) and not isinstance(value, bool), (claim["id"], key)
            elif kind == "integer":
                assert isinstance(value, int) and not isinstance(value, bool), (claim["id"], key)
            else:
                assert isinstance(value, str) and value.strip(), (claim["id"], key)
        for key in claim["ambiguous"]:
            assert key in FIELDS, (claim["id"], key)
        assert all(isinstance(t, str) and t for t in claim["missing_terms"]), claim["id"]
        if "ci_low" in claim["fields"] or "ci_high" in claim["fields"]:
            assert claim["fields"]["ci_low"] <= claim["fields"]["effect_value"] <= claim["fields"]["ci_high"]


def test_a_bound_on_p_goes_in_notes_not_in_the_p_value():
    for claim in CLAIMS:
        p = claim["fields"].get("p_value")
        assert p is None or 0 <= p <= 1, claim["id"]
        if any(s in claim["quote"] for s in ("p\u00a0 >", "p >", "p <", "p\u00a0<")):
            assert "p_value" not in claim["fields"], claim["id"]
            assert "p >" in claim["fields"]["notes"] or "p <" in claim["fields"]["notes"], claim["id"]


def test_splits_alternate_in_reading_order_within_each_document():
    by_document: dict[str, list[dict]] = {}
    for claim in CLAIMS:
        by_document.setdefault(claim["document"], []).append(claim)
    for document, claims in by_document.items():
        claims.sort(key=lambda c: (c["start"], c["end"]))
        assert [c["split"] for c in claims] == [SPLITS[i % 2] for i in range(len(claims))], document
    dev, test = load_claims("dev"), load_claims("test")
    assert len(dev) + len(test) == len(CLAIMS)
    assert abs(len(dev) - len(test)) <= len(by_document)
    assert {c["document"] for c in dev} == {c["document"] for c in test} == set(by_document)


def test_the_file_is_readable_utf8_json_with_typographic_characters_kept():
    raw = CLAIMS_FILE.read_text(encoding="utf-8")
    assert "\\u2013" not in raw and "–" in raw
