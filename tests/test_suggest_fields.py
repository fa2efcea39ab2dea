"""Field suggestions from a passage's words: cues, negation, mixed results, design, and the words behind each."""

import pytest

from curator.core.codebook import load_codebook, parse_codebook
from curator.core.paths import CODEBOOK as CODEBOOK_PATH
from curator.core.suggest_fields import CONTEXT, suggest_fields

from .test_effects import PILOT

CODEBOOK = load_codebook(CODEBOOK_PATH)


def fields(text, context=None, codebook=CODEBOOK):
    return {s.field_key: s for s in suggest_fields(codebook, text, context)}


def values(text, context=None):
    return {k: s.value for k, s in fields(text, context).items()}


def test_the_seed_pilot_sentence():
    got = fields(PILOT)
    assert got["claim_type"].value == "intervention_effect"
    assert got["direction"].value == "mixed"
    assert "reductions in relapse" in got["direction"].reason and "no significant" in got["direction"].reason
    assert got["study_design"].value == "pilot_trial"  # the most specific of pilot trials and RCTs
    assert (got["effect_measure"].value, got["effect_value"].value) == ("rr", 0.85)
    assert got["source_certainty"].value == "asserted"
    assert "p_value" not in got  # "p > 0.05" is a bound: the codebook wants it in Notes
    assert got["notes"].value == "p > 0.05"
    assert "n_participants" not in got  # 40% of participants is not a count


def test_every_suggestion_points_at_its_words():
    for text in (PILOT, "Two RCTs in 120 children found that the drug did not improve sleep (p = 0.40)."):
        for s in suggest_fields(CODEBOOK, text):
            assert s.spans and s.start == s.spans[0][0] and s.end == max(e for _, e in s.spans)
            for start, end in s.spans:
                assert " ".join(text[start:end].split()) in s.reason
            assert s.rule.startswith(s.field_key + ".")


def test_nothing_on_a_neutral_sentence():
    # only the default certainty: a selected statement with no hedge is asserted as worded
    got = suggest_fields(CODEBOOK, "The meeting took place in a large room on the third floor.")
    assert [(s.field_key, s.value, s.rule) for s in got] == [
        ("source_certainty", "asserted", "source_certainty.no_hedge")
    ]
    assert suggest_fields(CODEBOOK, "") == []
    assert suggest_fields(CODEBOOK, " \n ") == []


@pytest.mark.parametrize(
    ("text", "claim_type"),
    [
        ("Probiotic supplementation did not reduce migraine frequency.", "null_finding"),
        ("The trial failed to show any difference between the groups.", "null_finding"),
        ("There was no significant change in fatigue scores.", "null_finding"),
        ("Larger trials are needed to confirm these benefits.", "evidence_gap"),
        ("These results warrant further investigation.", "evidence_gap"),
        ("The optimal dose remains unclear.", "evidence_gap"),
        ("Butyrate acts via the vagus nerve to dampen inflammation.", "mechanism"),
        ("The effect is mediated by regulatory T cells.", "mechanism"),
        ("Dysbiosis was associated with higher disease activity.", "association"),
        ("Gut permeability correlates with symptom severity.", "association"),
        ("In a randomised trial, treatment with vitamin D improved fatigue.", "intervention_effect"),
        ("Probiotics reduced the severity of depressive symptoms.", "intervention_effect"),
        ("Migraine is a common neurological disorder characterized by recurrent headaches.", "background"),
    ],
)
def test_claim_type_cues(text, claim_type):
    assert values(text)["claim_type"] == claim_type


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("The treatment improved quality of life.", "benefit"),
        ("Probiotics alleviate abdominal pain in adults.", "benefit"),
        ("The intervention reduced symptoms of anxiety.", "benefit"),
        ("The drug worsened fatigue in several patients.", "harm"),
        ("Antibiotic treatment increased the risk of relapse.", "harm"),
        ("Treatment reduced microbial diversity.", "harm"),  # a reduction of something good
        ("The supplement did not improve sleep.", "no_effect"),
        ("The intervention showed no significant effect on pain.", "no_effect"),
        ("Treatment improved pain, but quality of life did not change.", "mixed"),
        ("Trials of the therapy report conflicting results.", "mixed"),
        ("Obesity was associated with lower butyrate levels.", "negative_association"),
        ("Stress was inversely associated with diversity.", "negative_association"),
        ("Migraine has been associated with increased permeability.", "positive_association"),
    ],
)
def test_direction_cues(text, direction):
    assert values(text)["direction"] == direction


def test_a_change_without_anything_given_has_no_benefit_or_harm():
    # an observation in patients, not an intervention's effect
    assert "direction" not in values("MS patients show reduced SCFA-producing bacteria.")


def test_negation_reaches_a_few_words_back_in_its_clause_only():
    got = values("Without significant side effects, the probiotic reduced pain.")
    assert got["direction"] == "benefit"
    got = values("The probiotic did not improve pain.")
    assert (got["claim_type"], got["direction"]) == ("null_finding", "no_effect")
    got = values("A narrative review, without meta-analysis, of 95 studies.")
    assert got["study_design"] == "narrative_review"


@pytest.mark.parametrize(
    ("text", "certainty"),
    [
        ("Probiotics may reduce migraine frequency.", "hedged"),
        ("These findings suggest a role for butyrate.", "hedged"),
        ("Preliminary data point to a benefit of the diet.", "hedged"),
        ("The treatment appears to lower relapse rates.", "hedged"),
        ("We hypothesize that the vagus nerve carries the signal.", "speculative"),
        ("Butyrate could potentially restore barrier function.", "speculative"),
        ("The RCT showed that probiotics reduced pain scores.", "asserted"),
        ("Treatment reduced relapses (RR 0.80, 95% CI 0.70-0.90).", "asserted"),
    ],
)
def test_certainty_as_worded(text, certainty):
    assert values(text)["source_certainty"] == certainty


def test_plain_statements_are_asserted_by_default():
    # every claim carries a certainty: with no hedge and no conjecture, a statement is asserted as worded
    got = fields("Multiple sclerosis is a chronic autoimmune disease.")
    assert got["source_certainty"].value == "asserted"
    assert got["source_certainty"].rule == "source_certainty.no_hedge"
    assert got["source_certainty"].reason and got["source_certainty"].spans == ()
    assert values("Larger trials are needed.")["source_certainty"] == "asserted"
    assert values("Larger trials may be needed.")["source_certainty"] == "hedged"


@pytest.mark.parametrize(
    "text",
    [
        "Mapping the virome could pave the way for new therapies.",
        "Fibre supplements hold promise for people with epilepsy.",
        "Trials are investigating whether inulin could lower seizure counts.",
        "Vitamin D is being considered as an add-on therapy.",
        "The links are presented as hypotheses rather than definitive mechanisms.",
    ],
)
def test_future_promise_and_open_questions_are_speculative(text):
    assert values(text)["source_certainty"] == "speculative"


@pytest.mark.parametrize(
    ("text", "design"),
    [
        ("A double-blind trial of inulin in adults.", "rct"),
        ("A randomized controlled trial enrolled 80 patients.", "rct"),
        ("In a pilot randomized trial of 20 adults, fatigue fell.", "pilot_trial"),
        ("A systematic review and meta-analysis of 14 RCTs.", "meta_analysis"),
        ("A systematic review of probiotic trials.", "systematic_review"),
        ("A prospective cohort study of 2,000 women.", "observational"),
        ("A case-control study in children.", "observational"),
        ("A narrative review of the gut-brain axis.", "narrative_review"),
        ("Mice fed butyrate developed milder disease.", "animal_study"),
        ("In a murine model of colitis, inflammation fell.", "animal_study"),
        ("In vitro, butyrate tightened cell cultures' junctions.", "in_vitro"),
    ],
)
def test_study_design_most_specific(text, design):
    assert values(text)["study_design"] == design


def test_future_trials_in_a_recommendation_are_not_the_design():
    got = values("Larger, longer-term randomized trials are required to confirm clinical efficacy.")
    assert got["claim_type"] == "evidence_gap" and "study_design" not in got


@pytest.mark.parametrize(
    ("text", "population"),
    [
        ("A trial in adults with migraine.", "adults"),
        ("Probiotics in paediatric migraine.", "children"),
        ("Cohorts spanning both adult and pediatric migraine patients.", "mixed"),
        ("Mice engineered to develop MS-like symptoms.", "animal_model"),
        ("Butyrate in cell lines from the colon.", "in_vitro"),
    ],
)
def test_population(text, population):
    assert values(text)["population"] == population


def test_effect_fields():
    got = values("In 12 RCTs (n = 1,204), the pooled OR was 0.62 (95% CI 0.48–0.80; p = 0.003).")
    assert got["effect_measure"] == "or"
    assert (got["effect_value"], got["ci_low"], got["ci_high"]) == (0.62, 0.48, 0.80)
    assert (got["p_value"], got["n_studies"], got["n_participants"]) == (0.003, 12, 1204)
    assert "notes" not in got


def test_a_p_bound_goes_to_notes_not_p_value():
    got = values("Fatigue did not differ between groups (P<0.001 for time only).")
    assert "p_value" not in got and got["notes"] == "p < 0.001"


def test_a_ci_at_another_level_is_not_offered_as_the_95_percent_bounds():
    got = values("RR 0.80 (90% CI 0.70-0.90)")
    assert got["effect_value"] == 0.80 and "ci_low" not in got


def test_context_gives_design_and_population_only_when_the_passage_has_none():
    got = fields("Fatigue improved with treatment.", context="A double-blind RCT in 60 adults.")
    assert got["study_design"].value == "rct" and got["study_design"].source == CONTEXT
    assert got["study_design"].rule.endswith("_in_context")
    assert got["population"].value == "adults"
    got = fields("In mice, fatigue improved with treatment.", context="A double-blind RCT in 60 adults.")
    assert got["study_design"].value == "animal_study" and got["study_design"].source != CONTEXT


def test_only_what_the_codebook_offers():
    data = {
        "field": [
            {"key": "claim_type", "label": "Type", "kind": "choice", "choices": [{"key": "mechanism", "label": "M"}]},
            {"key": "p_value", "label": "p", "kind": "number"},
        ]
    }
    small = parse_codebook(data)
    got = fields("The drug did not improve sleep (p = 0.40).", codebook=small)
    assert set(got) == {"p_value"}  # no direction field, no null_finding choice


def test_human_evidence_is_not_animal_evidence_alone():
    # a mix of human and preclinical work names no single design; the context's animal study is another's
    assert "study_design" not in values("Some 40 human and preclinical studies met the criteria.")
    got = values("First human trials show a small benefit.", "In mouse models, inulin lowered seizures.")
    assert "study_design" not in got and "population" not in got
    # transplants from patients into animals are still animal work
    assert values("Stool from patients transferred to germ-free mice induced anxiety.")["study_design"] == (
        "animal_study"
    )


@pytest.mark.parametrize(
    "text",
    [
        "This review explores how diet contributes to epilepsy.",
        "An umbrella overview of fibre and the gut–liver axis synthesizes proposed links between bile and seizures.",
        "Nutritional psychiatry is a young field that examines the relationship between diet and mood.",
    ],
)
def test_a_work_describing_its_scope_is_background(text):
    assert values(text)["claim_type"] == "background"


# --- second round of claim-type and direction rules (invented sentences) -----------------------------
@pytest.mark.parametrize(
    "text, claim_type, direction",
    [
        # a difference between groups, stated without a treatment: an association with its direction
        (
            "Higher levels of zonulin were found in patients with coeliac disease.",
            "association",
            "positive_association",
        ),
        (
            "Lower concentrations of secondary bile acids in people with Crohn's disease.",
            "association",
            "negative_association",
        ),
        ("Cohorts showed a marked depletion of butyrate producers.", "association", "negative_association"),
        # … but where a treatment is named, the difference is what it did
        ("Probiotics reduced symptoms in patients with colitis.", "intervention_effect", "benefit"),
        ("Anxiety was closely linked to insomnia.", "association", "positive_association"),
        ("The gut microbiome is altered in people with rheumatoid arthritis.", "association", None),
        # a benefit is a treatment's effect even when the sentence leaves the treatment to the one before
        ("Some studies observed improvements in sleep quality and fatigue.", "intervention_effect", "benefit"),
        ("Dietary fibre interventions are promising for glycaemic control.", "intervention_effect", "benefit"),
        # mixed as said of the results outranks the favourable part
        ("Across the trials the results were mixed, with favourable changes in some.", "intervention_effect", "mixed"),
        # a definition stays background, whatever benefit word it holds
        (
            "Lupus is a chronic autoimmune condition characterized by a loss of protective tolerance.",
            "background",
            None,
        ),
        ("Chronic pain is multifactorial.", "background", None),
        ("This therapeutic approach includes options such as diet, exercise and sleep hygiene.", "background", None),
        # what the authors did is the work's scope, even with a count of studies
        ("We conducted a systematic review of 42 cohort studies.", "background", None),
        ("Of these, 31 studies met the inclusion criteria.", "background", None),
        ("The evidence for fermented foods is still emerging.", "evidence_gap", None),
        ("Such biomarkers could pave the way for earlier diagnosis.", "evidence_gap", None),
        ("The pathophysiology of irritable bowel syndrome involves visceral hypersensitivity.", "mechanism", None),
        ("Fibre can increase the production of propionate.", "mechanism", None),
    ],
)
def test_claim_type_and_direction_rules(text, claim_type, direction):
    got = values(text)
    assert got.get("claim_type") == claim_type
    assert got.get("direction") == direction


def test_a_mechanism_claim_carries_no_direction():
    got = values("Butyrate may act by reducing inflammation through the GPR43 pathway.")
    assert got["claim_type"] == "mechanism" and "direction" not in got
