import re

import pytest

from curator.core.codebook import CodebookError, load_codebook, parse_codebook
from curator.core.models import CLAIM_FIELD_COLUMNS
from curator.core.paths import CODEBOOK

ID_FORMAT = re.compile(r"^(MESH:[CD]\d{6,9}|NCBITaxon:\d+|PubChem:\d+)$")


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(CODEBOOK, set(CLAIM_FIELD_COLUMNS))


def test_bundled_codebook_has_the_form_and_vocabularies(codebook):
    assert [r.key for r in codebook.roles] == ["condition", "intervention", "taxon", "mechanism", "outcome", "other"]
    kinds = {f.key: f.kind for f in codebook.fields}
    assert (
        kinds["claim_type"] == "choice" and kinds["effect_value"] == "number" and kinds["n_participants"] == "integer"
    )
    assert [c.key for c in codebook.field("direction").choices] == [
        "benefit",
        "harm",
        "no_effect",
        "mixed",
        "positive_association",
        "negative_association",
        "unclear",
    ]
    assert codebook.field("status").default == "draft"


def test_identifiers_are_well_formed_or_empty(codebook):
    bad = [
        (v.key, t.label, t.identifier)
        for v in codebook.vocabularies
        for t in v.terms
        if t.identifier and not ID_FORMAT.match(t.identifier)
    ]
    assert bad == []


def test_codebook_covers_what_the_seed_documents_discuss(codebook):
    labels = {t.label.casefold() for v in codebook.vocabularies for t in v.terms}
    for needed in [
        "migraine",
        "multiple sclerosis",
        "experimental autoimmune encephalomyelitis",
        "depression",
        "anxiety",
        "bipolar disorder",
        "schizophrenia",
        "irritable bowel syndrome",
        "probiotics",
        "prebiotics",
        "inulin-type fructans",
        "synbiotics",
        "postbiotics",
        "fecal microbiota transplantation",
        "diet",
        "short-chain fatty acids",
        "anti-cgrp monoclonal antibodies",
        "cognitive behavioral therapy",
        "mindfulness",
        "lactobacillus",
        "bifidobacterium",
        "faecalibacterium",
        "roseburia",
        "akkermansia muciniphila",
        "dysbiosis",
        "intestinal permeability",
        "oxidative stress",
        "vagus nerve",
        "th17/treg balance",
        "blood-brain barrier",
        "migraine frequency",
        "relapse rate",
        "fatigue",
        "quality of life",
    ]:
        assert needed in labels, needed


def test_seed_identifiers_match_those_printed_in_seed_002(codebook):
    ids = {t.label: t.identifier for v in codebook.vocabularies for t in v.terms}
    assert ids["Akkermansia muciniphila"] == "NCBITaxon:239935"
    assert ids["Multiple sclerosis"] == "MESH:D009103"
    assert ids["Butyrate"] == "PubChem:104775"
    assert ids["Roseburia"] == "NCBITaxon:841"


def test_terms_with_an_exact_descriptor_carry_it(codebook):
    ids = {t.label: t.identifier for v in codebook.vocabularies for t in v.terms}
    assert ids["Gut-brain axis"] == "MESH:D000087502"  # MeSH "Brain-Gut Axis"; Gut-Brain Axis is an entry term
    assert ids["Synbiotics"] == "MESH:D058616"


def test_an_acid_and_its_anion_are_terms_of_their_own(codebook):
    # PubChem keeps butyric acid (CID 264) apart from butyrate (CID 104775), propionic acid (1032) from
    # propionate (104745): a synonym would tag the acid with the anion's identifier.
    ids = {t.label: t.identifier for v in codebook.vocabularies for t in v.terms}
    assert (ids["Butyric acid"], ids["Propionic acid"]) == ("PubChem:264", "PubChem:1032")


def test_no_synonym_names_another_term(codebook):
    # within a role, a synonym that is another term's label (or synonym) with a different identifier is an
    # approximate identifier: the suggestion matcher would not know which term a mention means. Across
    # roles the same words may name two things ("depressive symptoms": the condition, or the outcome).
    owners: dict[tuple[str, str], set[str]] = {}
    for v in codebook.vocabularies:
        for t in v.terms:
            for name in (t.label, *t.synonyms):
                for role in v.roles:
                    owners.setdefault((role, name.casefold()), set()).add(t.identifier or t.label)
    assert {name: ids for name, ids in owners.items() if len(ids) > 1} == {}


def base():
    return {
        "role": [{"key": "condition", "label": "Conditions"}],
        "field": [{"key": "claim_type", "label": "Type", "kind": "choice", "choices": [{"key": "a", "label": "A"}]}],
        "vocabulary": [{"key": "c", "name": "C", "roles": ["condition"], "terms": [{"label": "X", "id": ""}]}],
    }


@pytest.mark.parametrize(
    "mutate,message",
    [
        (lambda d: d["field"][0].update(kind="colour"), "field 'claim_type': kind 'colour'"),
        (lambda d: d["field"][0].update(key="nonsense"), "claims have no column 'nonsense'"),
        (lambda d: d["field"][0].update(choices=[]), "needs choices"),
        (lambda d: d["vocabulary"][0].update(roles=["ghost"]), "vocabulary 'c': unknown role(s) ghost"),
        (lambda d: d["vocabulary"][0]["terms"].append({"label": "x"}), "term 'x' appears twice"),
        (lambda d: d["field"].append({"key": "taxon", "label": "T", "kind": "terms"}), "no role 'taxon'"),
    ],
)
def test_inconsistent_codebook_is_refused_naming_the_place(mutate, message):
    data = base()
    mutate(data)
    with pytest.raises(CodebookError, match=re.escape(message)):
        parse_codebook(data, "cb.toml", set(CLAIM_FIELD_COLUMNS))


def test_unreadable_codebook_names_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text("[[field]\nkey=", encoding="utf-8")
    with pytest.raises(CodebookError, match="broken.toml is not valid TOML"):
        load_codebook(path)
