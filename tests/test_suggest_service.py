"""The suggestion service end to end (issue 13): a passage's suggestions through the session, the CLI's
JSON, passage marks, and the change log recording only what the reviewer accepted."""

from __future__ import annotations

import json

import pytest

from curator.core.models import ChangeLog
from curator.core.records import ClaimDraft, TermRef
from tests.conftest import doc_id_by_file

pytestmark = pytest.mark.both_backends

PILOT = "Pilot trials report modest reductions in relapse rate"


def _passage(session, doc: int, opening: str) -> tuple[int, int]:
    """The sentence of the document's text that opens with `opening`."""
    text = session.documents.get(doc).text
    start = text.index(opening)
    return start, text.index(".", text.index("participants", start)) + 1


def test_a_passage_gets_its_terms_and_typed_effect_values(session):
    doc = doc_id_by_file(session, "002")
    start, end = _passage(session, doc, PILOT)
    found = session.suggestions.for_passage(doc, start, end)
    terms = {(t.role, t.label) for t in found.terms}
    assert ("outcome", "Fatigue") in terms and ("outcome", "Relapse rate") in terms
    values = {v.field_key: v.value for v in found.values}
    assert values["effect_measure"] == "rr" and values["effect_value"] == pytest.approx(0.85)
    assert values["study_design"] == "pilot_trial"
    assert "p_value" not in values and values["notes"] == "p > 0.05"  # a bound is not a value
    assert all(v.reason for v in found.values) and all(t.reason for t in found.terms)


def test_an_empty_or_reversed_selection_suggests_nothing(session):
    doc = doc_id_by_file(session, "002")
    assert session.suggestions.for_passage(doc, 50, 50).terms == ()
    assert session.suggestions.for_passage(doc, 60, 40).values == ()


def test_passages_mark_sentences_with_a_term_and_a_finding_and_never_most_of_the_text(session):
    doc = doc_id_by_file(session, "002")
    text = session.documents.get(doc).text
    marks = session.suggestions.passages(doc)
    assert marks and marks == sorted(marks, key=lambda m: m.start)
    assert any(PILOT in text[m.start : m.end] for m in marks)
    assert not any("Linked entities" in text[m.start : m.end] for m in marks)
    assert all(text[m.start : m.end].strip() == text[m.start : m.end] and m.reason for m in marks)
    from curator.core.sentences import sentence_bounds

    assert len(marks) <= 0.3 * len(sentence_bounds(text))


def _logged(claim_id: int) -> dict[str, tuple[str, str]]:
    rows = ChangeLog.select().where(
        (ChangeLog.entity == "claim") & (ChangeLog.entity_id == claim_id) & (ChangeLog.action == "suggested")
    )
    return {r.field: (r.new, r.old) for r in rows}


def test_the_change_log_records_accepted_suggestions_that_the_claim_still_holds(session):
    doc = doc_id_by_file(session, "002")
    start, end = _passage(session, doc, PILOT)
    fatigue = next(t for t in session.terms.for_role("outcome") if t.label == "Fatigue")
    draft = ClaimDraft(
        doc,
        start,
        end,
        {"effect_measure": "rr", "effect_value": "0.85", "study_design": "rct"},
        (TermRef("outcome", fatigue.label, fatigue.identifier, fatigue.id),),
        suggested=(
            ("effect_measure", "rr", "RR ≈ 0.85"),
            ("effect_value", "0.85", "RR ≈ 0.85"),
            ("study_design", "pilot_trial", "Pilot trials"),  # accepted, then changed by hand to RCT
            ("outcome", "Fatigue", "mentions “fatigue”"),
        ),
    )
    record, _ = session.claims.create(draft)
    assert _logged(record.id) == {
        "effect_measure": ("rr", "RR ≈ 0.85"),
        "effect_value": ("0.85", "RR ≈ 0.85"),
        "outcome": ("Fatigue", "mentions “fatigue”"),
    }
    # an edit that accepts another suggestion logs that one only
    edit = ClaimDraft(
        doc, start, end, {**draft.values, "direction": "mixed"}, draft.terms,
        version=record.version, uuid=record.uuid, suggested=(("direction", "mixed", "reductions … no significant"),),
    )  # fmt: skip
    session.claims.update(record.id, edit)
    assert _logged(record.id)["direction"] == ("mixed", "reductions … no significant")


def test_a_claim_saved_without_accepting_logs_no_suggestion(session):
    doc = doc_id_by_file(session, "002")
    start, end = _passage(session, doc, PILOT)
    record, _ = session.claims.create(ClaimDraft(doc, start, end, {"claim_type": "background"}))
    assert _logged(record.id) == {}
    assert session.claims.get(record.id).values.get("effect_measure") in ("", None)


@pytest.mark.sqlite_only("the CLI test opens the project file; the service under it runs on both (tests above)")
def test_curator_suggest_prints_the_issue_json(session, capsys):
    from curator.cli import main

    doc = doc_id_by_file(session, "002")
    start, end = _passage(session, doc, PILOT)
    session.close()
    assert (
        main(["--db", str(session.path), "suggest", str(doc), "--start", str(start), "--end", str(end), "--json"]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert {t["label"] for t in out["terms"]["outcome"]} >= {"Fatigue", "Relapse rate"}
    assert set(out["terms"]["outcome"][0]) >= {"label", "id", "reason"}
    assert out["values"]["effect_measure"] == "rr" and out["values"]["effect_value"] == pytest.approx(0.85)
    assert main(["--db", str(session.path), "suggest", str(doc), "--passages", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and set(rows[0]) == {"start", "end", "reason"}


@pytest.mark.sqlite_only("the CLI test opens the project file")
def test_curator_suggest_refuses_a_passage_outside_the_text_in_one_line(session, capsys):
    from curator.cli import main

    doc = doc_id_by_file(session, "002")
    session.close()
    assert main(["--db", str(session.path), "suggest", str(doc), "--start", "10", "--end", "99999999"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("curator: error:") and "text's length" in err and "Traceback" not in err
    assert main(["--db", str(session.path), "suggest", str(doc)]) == 1
    assert "--start and --end" in capsys.readouterr().err


def test_a_news_summary_lead_names_the_design_of_what_it_summarises():
    from curator.core.suggest import SuggestionService

    text = (
        "1. Home\n2. News\nFibre and epilepsy\n03/01/2026\n\nA systematic review in epilepsy pools twenty trials"
        " of dietary fibre supplements in children. Most trials were small.\n"
    )
    start = text.index("Most trials")
    context = SuggestionService._context("Fibre and epilepsy", text, start, "news_summary")
    assert "A systematic review in epilepsy" in context
    # elsewhere only the title and the sentence before the passage are read
    assert SuggestionService._context("Fibre and epilepsy", text, start, "web_article") == (
        "Fibre and epilepsy\nA systematic review in epilepsy pools twenty trials of dietary fibre supplements in children. "
    )
    middle = text.index("in epilepsy")
    assert SuggestionService._context("", text, middle, "web_article") == "A systematic review "


def test_the_term_matcher_can_be_built_elsewhere_and_a_stale_one_is_refused(session):
    """A window reads the terms here, builds the matcher on another thread and installs it; meanwhile a
    passage gets its field values and no terms (terms_pending); a build older than the vocabulary is refused."""
    from curator.core.suggest_terms import build_matcher

    doc = doc_id_by_file(session, "002")
    start, end = _passage(session, doc, PILOT)
    service = session.suggestions
    service.invalidate()
    rows, revision = service.terms.prepare()
    early = service.for_passage(doc, start, end, wait_for_terms=False)
    assert early.terms_pending and early.terms == () and early.value("study_design").value == "pilot_trial"
    matcher = build_matcher(rows, revision)
    assert [t.label for t in matcher.terms] == [t.label for t in session.terms.all()]
    vocabulary = session.terms.all()[0].vocabulary_key
    session.terms.add(vocabulary, "Invented syndrome of testing")  # a newer revision while it was built
    assert not service.terms.install(matcher) and not service.terms.ready()
    rows, revision = service.terms.prepare()
    assert service.terms.install(build_matcher(rows, revision)) and service.terms.prepare() is None
    found = service.for_passage(doc, start, end, wait_for_terms=False)
    assert not found.terms_pending and ("outcome", "Fatigue") in {(t.role, t.label) for t in found.terms}


def test_a_sentence_reporting_a_result_is_marked_and_a_list_marker_is_not_part_of_it(session):
    import hashlib

    from curator.core.records import NewDocument

    sentences = [
        "Multiple sclerosis is a chronic disease of the central nervous system that affects young adults.",
        "The gut microbiome of people with multiple sclerosis has been described in many cohorts worldwide.",
        "In a randomized trial, probiotics reduced the annualized relapse rate (RR 0.72, 95% CI 0.55-0.94; p = 0.02).",
        "Fecal microbiota transplantation may improve fatigue, but the evidence is preliminary.",
        "Diet was discussed in several interviews with patients and their families over the years.",
        "Vitamin D levels were measured in blood samples taken at the start of each study visit.",
        "Antibiotic exposure was reported by some participants during the follow-up period of the cohort.",
        "Sleep and stress were recorded in diaries kept by each participant for the whole of the study.",
        "- Probiotics improve fatigue in people with multiple sclerosis.",
        "The authors thank the participants and the study nurses for their time and their help.",
    ]
    text = "\n".join(sentences) + "\n"
    new = NewDocument(title="A trial", text=text, sha256=hashlib.sha256(text.encode()).hexdigest())
    doc, _ = session.documents.add(new)
    marks = session.suggestions.passages(doc)
    marked = [text[m.start : m.end] for m in marks]
    assert sentences[2] in marked  # the numbers make it a claim, whatever else scores
    result = next(m for m in marks if text[m.start : m.end] == sentences[2])
    assert "reports a result" in result.reason
    bullet = [t for t in marked if "improve fatigue in people" in t]
    assert bullet == ["Probiotics improve fatigue in people with multiple sclerosis."]
