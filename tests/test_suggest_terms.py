"""Term suggestions: what a passage names, the document's abbreviations and topics, and speed of change."""

import pytest

from curator.core.records import TermInfo
from curator.core.suggest_terms import DOCUMENT, PASSAGE, TermSuggester, suggest_terms
from curator.core.suggest_terms_document import DocumentContext, find_abbreviations
from curator.core.suggest_terms_match import TermMatcher
from tests.conftest import doc_id_by_file


def info(id_, label, roles=("condition",), identifier="", synonyms=()):
    return TermInfo(id_, "v", "V", tuple(roles), label, identifier, tuple(synonyms), "")


TERMS = [
    info(1, "Multiple sclerosis", identifier="MESH:D009103", synonyms=("MS",)),
    info(2, "Relapsing-remitting multiple sclerosis", identifier="MESH:D020529", synonyms=("RRMS",)),
    info(3, "Alzheimer disease", identifier="MESH:D000544", synonyms=("AD",)),
    info(4, "Short-chain fatty acids", roles=("intervention",), identifier="MESH:D005232"),
    info(5, "Gut-brain axis", roles=("mechanism",)),
    info(6, "Probiotics", roles=("intervention",), synonyms=("probiotic",)),
    info(7, "Inflammatory markers", roles=("outcome",), synonyms=("CRP",)),
    info(8, "Tumor necrosis factor", roles=("mechanism",), synonyms=("TNF-alpha",)),
    info(9, "Butyrate", roles=("intervention",), identifier="PubChem:104775"),
]


def context(text, title="", terms=TERMS, entities=()):
    return DocumentContext(TermMatcher(terms), text, title, entities)


def labels(suggestions, source=PASSAGE):
    return [s.label for s in suggestions if s.source == source]


ROLES = ("condition", "intervention", "mechanism", "outcome")


def suggest_in(ctx, quote):
    start = ctx.text.index(quote)
    return suggest_terms(ctx, start, start + len(quote), ROLES)


def test_longest_match_wins_and_acronyms_match_on_word_boundaries_in_case():
    ctx = context("In relapsing\u2013remitting multiple sclerosis (RRMS) the MSc students saw forms of ms. MS-like.")
    found = suggest_in(ctx, "relapsing\u2013remitting multiple sclerosis (RRMS)")
    assert labels(found) == ["Relapsing-remitting multiple sclerosis"]
    assert found[0].reason == (
        "mentions “relapsing–remitting multiple sclerosis”; "
        "mentions “RRMS”, defined in the document as “relapsing–remitting multiple sclerosis”"
    )
    assert labels(suggest_in(ctx, "the MSc students saw forms of ms.")) == []
    found = suggest_in(ctx, "MS-like.")
    assert labels(found) == ["Multiple sclerosis"]
    assert ctx.text[found[0].start : found[0].end] == "MS"


def test_typography_greek_letters_and_plurals_fold():
    ctx = context("Gut\u2010brain\u00a0axes; probiotics raise TNF-α and butyrates.")
    assert sorted(labels(suggest_in(ctx, ctx.text))) == [
        "Butyrate",
        "Gut-brain axis",
        "Probiotics",
        "Tumor necrosis factor",
    ]
    found = {s.label: s for s in suggest_in(ctx, ctx.text)}
    assert ctx.text[found["Tumor necrosis factor"].start : found["Tumor necrosis factor"].end] == "TNF-α"


def test_identifiers_are_found_as_sources_write_them():
    ctx = context("Coded as MESH:D009103, see also D020529 and PubChem CID 104775; not XD009103.")
    found = {s.label: s.reason for s in suggest_in(ctx, ctx.text)}
    assert set(found) == {"Multiple sclerosis", "Relapsing-remitting multiple sclerosis", "Butyrate"}
    assert found["Multiple sclerosis"] == "names its identifier “MESH:D009103”"
    assert found["Butyrate"] == "names its identifier “PubChem CID 104775”"


def test_a_document_abbreviation_names_its_term_in_later_passages():
    text = (
        "Dysbiosis lowers short\u2010chain fatty acids (SCFAs) in patients.\n"
        "Later, SCFAs were restored; the scfas typo is not the acronym.\n"
        "Atopic dermatitis (AD) is common. AD flares were noted.\n"
        "C-reactive protein (CRP) rose; CRP fell later."
    )
    ctx = context(text)
    assert ("SCFAs", "short\u2010chain fatty acids") in [(s, text[a:b]) for s, a, b in find_abbreviations(text)]
    found = suggest_in(ctx, "Later, SCFAs were restored; the scfas typo is not the acronym.")
    assert labels(found) == ["Short-chain fatty acids"]
    assert found[0].reason == "mentions “SCFAs”, defined in the document as “short‐chain fatty acids”"
    # the document gives AD a meaning of its own: not Alzheimer disease here
    assert labels(suggest_in(ctx, "AD flares were noted.")) == []
    # CRP is a name of its term in its own right, not an abbreviation of its label: kept
    assert labels(suggest_in(ctx, "CRP fell later.")) == ["Inflammatory markers"]


def test_the_document_topic_is_suggested_only_where_the_passage_names_none_of_its_role():
    text = "Multiple sclerosis (MS) and probiotics.\n" + "MS relapses fell. " * 5 + "Butyrate rose in the gut."
    ctx = context(text, title="Probiotics in multiple sclerosis")
    found = suggest_in(ctx, "Butyrate rose in the gut.")
    assert [(s.role, s.label, s.source) for s in found] == [
        ("condition", "Multiple sclerosis", DOCUMENT),
        ("intervention", "Butyrate", PASSAGE),
    ]
    assert found[0].reason == "the document's main condition (title; 7 mentions)"
    assert found[0].start is None
    assert labels(suggest_in(ctx, "MS relapses fell."), DOCUMENT) == []  # the passage names it


# -- through the session, on the seed documents ----------------------------------------------------
@pytest.fixture
def suggester(session):
    return TermSuggester(session)


def passage(session, doc_id, quote):
    text = session.documents.get(doc_id).text
    start = text.index(quote)
    return start, start + len(quote)


def test_seed_002_scfas_ms_and_topics(session, suggester):
    doc = doc_id_by_file(session, "002")
    found = suggester.suggest(doc, *passage(session, doc, "decreased short‐chain fatty acids (SCFAs)‐producing taxa"))
    assert [(s.role, s.label, s.source) for s in found] == [
        ("condition", "Multiple sclerosis", DOCUMENT),
        ("intervention", "Short-chain fatty acids", PASSAGE),
    ]
    assert found[0].reason.startswith("the document's main condition (title; ")
    assert "listed as MONDO:0005301" in found[0].reason
    later = suggester.suggest(doc, *passage(session, doc, "acting principally through the restoration of SCFAs"))
    assert ("intervention", "Short-chain fatty acids") in [(s.role, s.label) for s in later]
    ms = suggester.suggest(doc, *passage(session, doc, "in MS patients across studies"))
    assert [(s.label, s.source) for s in ms if s.role == "condition"] == [("Multiple sclerosis", PASSAGE)]
    assert "“MS”" in ms[0].reason


def test_a_term_added_to_the_vocabulary_is_found_without_restarting(session, suggester):
    doc = doc_id_by_file(session, "002")
    span = passage(session, doc, "expansion of Akkermansia muciniphila")
    before = suggester.matcher()
    assert "Akkermansia" not in labels(suggester.suggest(doc, *span))
    session.terms.add("taxa", "Akkermansia", "NCBITaxon:239934")
    assert "Akkermansia" not in labels(suggester.suggest(doc, *span))  # the longer name still wins
    session.terms.add("mechanisms", "Microbial expansion", synonyms=("expansion",))
    assert "Microbial expansion" in labels(suggester.suggest(doc, *span))
    assert suggester.matcher() is not before
    same = suggester.matcher()
    session.documents.set_reading_status(doc, "in_progress")  # logged, but not a term: no rebuild
    assert suggester.matcher() is same


CUE_TERMS = [
    info(20, "Epilepsy", identifier="MESH:D004827"),
    info(21, "Dysbiosis", identifier="MESH:D064806"),  # kept as a condition and as a mechanism
    info(22, "Dysbiosis", roles=("mechanism",), identifier="MESH:D064806"),
    info(23, "Immune modulation", roles=("mechanism",)),
    info(24, "SCFA production", roles=("mechanism",)),
    info(25, "Short-chain fatty acids", roles=("intervention",), synonyms=("SCFAs",)),
    info(26, "Seizure frequency", roles=("outcome",)),
    info(27, "Seizure severity", roles=("outcome",)),
    info(28, "Ketogenic diet", roles=("intervention",)),
    info(29, "Monoclonal antibodies", roles=("intervention",)),
    info(30, "Anti-IL6 monoclonal antibodies", roles=("intervention",), synonyms=("anti-IL6",)),
]


def roles_labels(suggestions):
    return sorted((s.role, s.label) for s in suggestions if s.source == PASSAGE)


def test_concepts_named_in_other_words():
    text = (
        "Epilepsy and the gut. Shifts in the intestinal microbiota precede seizures. "
        "Fibre may dampen the immune response. Fibre raises the production of short-chain fatty acids. "
        "Epilepsy is common. Epilepsy is treated."
    )
    ctx = context(text, "Epilepsy and the gut", CUE_TERMS)
    assert roles_labels(suggest_in(ctx, "Shifts in the intestinal microbiota precede seizures.")) == [
        ("mechanism", "Dysbiosis")
    ]
    assert roles_labels(suggest_in(ctx, "Fibre may dampen the immune response.")) == [
        ("mechanism", "Immune modulation")
    ]
    # the compound's of-phrase names the process, not the substance given
    assert roles_labels(suggest_in(ctx, "Fibre raises the production of short-chain fatty acids.")) == [
        ("mechanism", "SCFA production")
    ]


def test_a_condition_twin_is_the_mechanism_in_a_document_about_another_condition():
    ctx = context("Epilepsy today. In epilepsy, dysbiosis is common. Epilepsy again.", "Epilepsy today", CUE_TERMS)
    assert roles_labels(suggest_in(ctx, "In epilepsy, dysbiosis is common.")) == [
        ("condition", "Epilepsy"),
        ("mechanism", "Dysbiosis"),
    ]
    own = context("Dysbiosis explained. Dysbiosis is common.", "Dysbiosis explained", CUE_TERMS)
    assert ("condition", "Dysbiosis") in roles_labels(suggest_in(own, "Dysbiosis is common."))


def test_a_list_shares_its_modifier_and_the_specific_term_wins():
    ctx = context(
        "The diet lowered seizure frequency, severity and duration. Anti-IL6 (tocilizumab) monoclonal antibodies "
        "were tried. Monoclonal antibodies are costly.",
        terms=CUE_TERMS,
    )
    got = roles_labels(suggest_in(ctx, "The diet lowered seizure frequency, severity and duration."))
    assert got == [("outcome", "Seizure frequency"), ("outcome", "Seizure severity")]
    got = roles_labels(suggest_in(ctx, "Anti-IL6 (tocilizumab) monoclonal antibodies were tried."))
    assert got == [("intervention", "Anti-IL6 monoclonal antibodies")]
    assert roles_labels(suggest_in(ctx, "Monoclonal antibodies are costly.")) == [
        ("intervention", "Monoclonal antibodies")
    ]


def test_the_main_intervention_only_where_the_passage_speaks_of_giving_or_testing():
    body = "Ketogenic diet works. " * 4
    ctx = context(
        "Ketogenic diet in epilepsy. " + body + "Epilepsy has many causes. The trials were small. "
        "They lowered seizures. Case-control studies found links.",
        "Ketogenic diet in epilepsy",
        CUE_TERMS,
    )
    topics = lambda quote: labels(suggest_in(ctx, quote), DOCUMENT)  # noqa: E731
    assert "Ketogenic diet" not in topics("Epilepsy has many causes.")
    assert "Ketogenic diet" in topics("The trials were small.")
    assert "Ketogenic diet" in topics("They lowered seizures.")
    assert "Ketogenic diet" not in topics("Case-control studies found links.")
