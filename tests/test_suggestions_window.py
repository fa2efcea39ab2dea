"""Suggestions in the window (issue 13), driven as a reviewer does: ghosts in a new claim's form, taken
with Tab, a click or Alt+A, dismissed with Esc, never saved unless taken; passage marks and F8."""

from PySide6.QtCore import Qt

from curator.core import models
from curator.core.sentences import sentence_span
from tests.conftest import doc_id_by_file
from tests.gui_helpers import choose, select_in_reader

PILOT = "Pilot trials report modest reductions in relapse rate (RR\u00a0≈\u00a00.85)"
CTRL, SHIFT, ALT = (
    Qt.KeyboardModifier.ControlModifier,
    Qt.KeyboardModifier.ShiftModifier,
    Qt.KeyboardModifier.AltModifier,
)


def new_claim_on_pilot_sentence(qtbot, window, session, wait=True):
    """Select the sentence with "(RR ≈ 0.85)" and "no significant benefit (p > 0.05)", Ctrl+N."""
    window.open_document(doc_id_by_file(session, "002"))
    text = window.reader.text
    start, end = sentence_span(text, text.find(PILOT), text.find(PILOT))
    assert "double‑blind RCTs showed no significant benefit (p\u00a0 >\u00a0 0.05)" in text[start:end]
    select_in_reader(qtbot, window.reader, start, end)
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    assert window.form.mode == "new"
    if wait:
        qtbot.waitUntil(
            lambda: window.suggestions.ghosts.count() > 0 and not window.suggestions.build.running, timeout=5000
        )
    return start, end


def chips(window, role):
    box = window.suggestions.ghosts._chips.get(role)
    return {} if box is None or box.isHidden() else {b.text(): b for b in box.buttons}


def suggested_rows(claim_id):
    rows = models.ChangeLog.select().where(
        (models.ChangeLog.entity == "claim")
        & (models.ChangeLog.entity_id == claim_id)
        & (models.ChangeLog.action == "suggested")
    )
    return {r.field: (r.new, r.old) for r in rows}


def test_ghosts_show_what_is_suggested_and_are_not_the_values(qtbot, window, session):
    new_claim_on_pilot_sentence(qtbot, window, session)
    form = window.form
    claim_type, effect_value = form.widgets["claim_type"], form.widgets["effect_value"]
    assert claim_type.placeholderText() == "Intervention effect — suggested"
    assert claim_type.currentIndex() == -1 and claim_type.font().italic()
    assert form.widgets["direction"].placeholderText() == "Mixed — suggested"
    assert form.widgets["study_design"].placeholderText() == "Pilot trial — suggested"
    assert effect_value.placeholderText() == "0.85 — suggested" and effect_value.text() == ""
    assert "Because of: RR ≈ 0.85" in effect_value.toolTip()  # the words that suggested it, on hover
    assert effect_value.toolTip().startswith("<qt>")  # escaped in a frame: shown as plain text (plain.tooltip)
    values = form.values()
    assert values["claim_type"] == "" and values["effect_value"] is None and values["direction"] == ""
    assert set(chips(window, "condition")) == {"+ Multiple sclerosis · from the document"}
    assert {"+ Relapse rate", "+ Fatigue"} <= set(chips(window, "outcome"))
    assert "relapse rate" in chips(window, "outcome")["+ Relapse rate"].toolTip()
    assert form.terms() == ()
    assert window.actions["accept_suggestions"].isEnabled()


def test_saving_without_taking_any_stores_none_of_them(qtbot, window, session):
    new_claim_on_pilot_sentence(qtbot, window, session)
    qtbot.keyClick(window.form.widgets["statement"], Qt.Key.Key_S, CTRL)
    assert window.form.mode == "edit"
    record = session.claims.get(window.form.claim_id)
    assert not record.values.get("claim_type") and not record.values.get("direction")
    assert record.values.get("effect_value") is None and not record.values.get("notes")
    assert record.terms == ()
    assert suggested_rows(record.id) == {}
    assert window.suggestions.ghosts.count() == 0  # an opened claim shows none


def test_esc_dismisses_them_and_the_fields_are_as_before(qtbot, window, session):
    new_claim_on_pilot_sentence(qtbot, window, session)
    form = window.form
    focused = form.widgets["claim_type"]
    assert focused.hasFocus()
    qtbot.keyClick(focused, Qt.Key.Key_Escape)
    assert window.suggestions.ghosts.count() == 0
    assert focused.currentIndex() == 0 and focused.placeholderText() == "" and not focused.font().italic()
    assert form.widgets["effect_value"].placeholderText() == "not reported"
    assert chips(window, "outcome") == {}
    assert form.mode == "new"  # Esc took the ghosts, not the claim
    assert not window.actions["accept_suggestions"].isEnabled()


def test_typing_in_a_field_drops_its_ghost_only(qtbot, window, session):
    new_claim_on_pilot_sentence(qtbot, window, session)
    effect_value = window.form.widgets["effect_value"]
    effect_value.setFocus()
    qtbot.keyClicks(effect_value, "0.9")
    assert effect_value.placeholderText() == "not reported" and effect_value.text() == "0.9"
    assert "claim_type" in window.suggestions.ghosts.ghosts


def test_tab_click_and_alt_a_take_them_and_the_change_log_says_so(qtbot, window, session):
    new_claim_on_pilot_sentence(qtbot, window, session)
    form = window.form
    claim_type = form.widgets["claim_type"]
    qtbot.keyClick(claim_type, Qt.Key.Key_Tab)  # takes the claim type, and moves on
    assert claim_type.currentData() == "intervention_effect" and not claim_type.font().italic()
    assert form.widgets["statement"].hasFocus()
    qtbot.mouseClick(chips(window, "outcome")["+ Relapse rate"], Qt.MouseButton.LeftButton)
    assert [t.label for t in form.pickers["outcome"].refs()] == ["Relapse rate"]
    assert set(chips(window, "outcome")) == {"+ Fatigue"}
    effect_value = form.widgets["effect_value"]
    qtbot.mouseClick(effect_value, Qt.MouseButton.LeftButton)  # a click on the ghost takes it, selected
    assert effect_value.text() == "0.85" and effect_value.selectedText() == "0.85"

    qtbot.keyClick(form.widgets["statement"], Qt.Key.Key_A, ALT)  # every other one
    assert window.suggestions.ghosts.count() == 0
    values = form.values()
    assert values["direction"] == "mixed" and values["study_design"] == "pilot_trial"
    assert values["effect_measure"] == "rr" and values["notes"] == "p > 0.05"
    assert {t.label for t in form.terms()} == {"Multiple sclerosis", "Relapse rate", "Fatigue"}
    choose(qtbot, form.widgets["direction"], "benefit")  # changed by hand: the reviewer's own, not suggested

    qtbot.keyClick(form.widgets["direction"], Qt.Key.Key_S, CTRL)
    record = session.claims.get(form.claim_id)
    assert record.values["claim_type"] == "intervention_effect" and record.values["effect_value"] == 0.85
    assert record.values["direction"] == "benefit"
    rows = suggested_rows(record.id)
    assert rows["claim_type"][0] == "intervention_effect"
    assert rows["effect_value"] == ("0.85", "RR ≈ 0.85")  # the value, and the words behind it
    assert rows["outcome"][0] in ("Relapse rate", "Fatigue")
    assert "direction" not in rows
    assert {"study_design", "effect_measure", "notes", "condition"} <= set(rows)


def test_ctrl_z_takes_back_what_alt_a_filled(qtbot, window, session):
    new_claim_on_pilot_sentence(qtbot, window, session)
    qtbot.keyClick(window.form.widgets["claim_type"], Qt.Key.Key_A, ALT)
    assert window.form.values()["claim_type"] == "intervention_effect"
    qtbot.keyClick(window.form.widgets["claim_type"], Qt.Key.Key_Z, CTRL)
    assert window.form.mode == "new" and window.form.values()["claim_type"] == ""
    assert window.form.terms() == ()


def test_view_suggestions_off_shows_none_and_is_remembered(qtbot, window, session, settings):
    window.actions["suggestions"].trigger()
    assert not window.actions["suggestions"].isChecked()
    assert settings.value("view/suggestions") == "false"
    new_claim_on_pilot_sentence(qtbot, window, session, wait=False)
    qtbot.wait(400)
    assert window.suggestions.ghosts.count() == 0
    assert window.form.widgets["claim_type"].placeholderText() == ""
    window.actions["suggestions"].trigger()  # on again: the open new claim gets them
    assert window.suggestions.ghosts.count() > 0
    assert settings.value("view/suggestions") == "true"


def test_f8_steps_through_suggested_passages_and_ctrl_n_makes_one_a_claim(qtbot, window, session):
    doc_id = doc_id_by_file(session, "002")
    window.open_document(doc_id)
    assert window.passage_marks.isHidden()
    window.actions["suggest_passages"].trigger()
    qtbot.waitUntil(lambda: len(window.passages.passages) > 3)  # once the matcher is built (a worker thread)
    passages = window.passages.passages
    assert window.passage_marks.isVisible()
    assert all(p.reason for p in passages)
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_F8)
    assert window.reader.selection_range() == (passages[0].start, passages[0].end)
    qtbot.keyClick(window.reader, Qt.Key.Key_F8)
    assert window.reader.selection_range() == (passages[1].start, passages[1].end)
    qtbot.keyClick(window.reader, Qt.Key.Key_F8)
    qtbot.keyClick(window.reader, Qt.Key.Key_F8, SHIFT)
    assert window.reader.selection_range() == (passages[1].start, passages[1].end)
    assert window.passage_marks.current == 1

    qtbot.keyClick(window.reader, Qt.Key.Key_N, CTRL)
    qtbot.keyClick(window.form.first_field(), Qt.Key.Key_S, CTRL)
    record = session.claims.get(window.form.claim_id)
    assert record.anchor.exact == window.reader.text[passages[1].start : passages[1].end]


def test_passage_marks_follow_the_document_and_are_remembered(qtbot, window, session, settings):
    window.open_document(doc_id_by_file(session, "002"))
    window.actions["suggest_passages"].trigger()
    qtbot.waitUntil(lambda: bool(window.passages.passages))
    first = list(window.passages.passages)
    assert settings.value("view/suggest_passages") == "true"
    window.open_document(doc_id_by_file(session, "001"))
    qtbot.waitUntil(lambda: window.passages._computed_for == window.document_id)
    assert window.passages.passages != first
    assert all(p.end <= len(window.reader.text) for p in window.passages.passages)
    window.actions["suggest_passages"].trigger()
    assert window.passages.passages == [] and window.passage_marks.isHidden()


def test_a_large_vocabulary_is_built_off_the_gui_thread_and_its_chips_follow(qtbot, window, session):
    """With 20,000 terms the matcher takes seconds to build: selecting a passage keeps the event loop
    turning (the longest gap between 10 ms timer ticks stays well under a second), the field ghosts
    show at once, and the term chips follow once the build is done."""
    import itertools
    import time

    import peewee
    from PySide6.QtCore import QTimer

    from bench.suggest_terms import synthetic_terms

    vocabulary = models.Vocabulary.select().order_by(models.Vocabulary.id).first()
    rows = [
        {"vocabulary": vocabulary.id, "label": t.label, "identifier": t.identifier, "synonyms": "; ".join(t.synonyms)}
        for t in synthetic_terms(20_000)
    ]
    with models.database.atomic():
        for batch in peewee.chunked(rows, 500):
            models.Term.insert_many(batch).on_conflict_ignore().execute()
    assert models.Term.select().count() > 20_000
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    new_claim_on_pilot_sentence(qtbot, window, session, wait=False)
    form = window.form
    qtbot.waitUntil(lambda: form.widgets["claim_type"].placeholderText().endswith("— suggested"), timeout=3000)
    assert window.suggestions.build.running  # the fields came first; the matcher is still being built
    assert chips(window, "outcome") == {}
    qtbot.waitUntil(lambda: "+ Relapse rate" in chips(window, "outcome"), timeout=120_000)
    timer.stop()
    assert form.widgets["claim_type"].placeholderText() == "Intervention effect — suggested"  # still there
    longest = max(b - a for a, b in itertools.pairwise(ticks))
    print(f"longest gap between 10 ms ticks: {longest * 1000:.0f} ms over {ticks[-1] - ticks[0]:.1f} s")
    # built on this thread, the matcher stopped the loop for seconds; what is left are the garbage
    # collector's passes over the builder's new objects (≈ 0.1–0.3 s each, on any thread)
    assert longest < 1.0 < ticks[-1] - ticks[0]


def test_the_term_matcher_is_warmed_after_the_first_paint(qtbot, window, session):
    """Before any passage is selected, the vocabulary's matcher is built (in the background) once shown."""
    qtbot.waitUntil(lambda: session.suggestions.terms.ready() and not window.suggestions.build.running, timeout=5000)
