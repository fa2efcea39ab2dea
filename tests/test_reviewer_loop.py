"""The reviewer's loop, as a reviewer presses keys: each defect found by trying it has a test here."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from curator.core.records import ClaimDraft
from tests.conftest import doc_id_by_file
from tests.gui_helpers import click_row, select_in_reader

pytestmark = pytest.mark.both_backends  # the reviewer's whole loop, in the window, on either backend

PILOT = "Pilot trials report modest reductions in relapse rate (RR\u00a0≈\u00a00.85)"
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def open_ms_review(qtbot, window, session):
    doc_id = doc_id_by_file(session, "002")
    window.open_document(doc_id)
    assert window.document_id == doc_id
    return doc_id


def make_claim(session, doc_id, quote, **values):
    text = session.documents.get(doc_id).text
    start = text.index(quote)
    record, _ = session.claims.create(ClaimDraft(doc_id, start, start + len(quote), values))
    return record


def reopen(window, doc_id):
    """Show the document again so the window sees claims made through the services."""
    window.documents.set_rows(window.session.documents.summaries())
    window.document_id = None
    window.open_document(doc_id)


def test_ctrl_z_in_a_form_field_undoes_the_saved_edit(qtbot, window, session):
    doc_id = open_ms_review(qtbot, window, session)
    claim = make_claim(session, doc_id, PILOT, statement="Original statement")
    reopen(window, doc_id)
    window.select_claim(claim.id)
    statement = window.form.widgets["statement"]
    statement.setFocus()
    statement.selectAll()
    qtbot.keyClicks(statement, "Edited statement")
    qtbot.keyClick(statement, Qt.Key.Key_S, CTRL)
    assert session.claims.get(claim.id).values["statement"] == "Edited statement"
    assert statement.hasFocus()

    qtbot.keyClick(statement, Qt.Key.Key_Z, CTRL)  # the field has no typing of its own left: the window undoes
    assert session.claims.get(claim.id).values["statement"] == "Original statement"
    assert statement.text() == "Original statement"
    qtbot.keyClick(statement, Qt.Key.Key_Z, CTRL | SHIFT)
    assert session.claims.get(claim.id).values["statement"] == "Edited statement"

    qtbot.keyClicks(statement, " more")  # unsaved typing: Ctrl+Z takes that back first, the database stays
    qtbot.keyClick(statement, Qt.Key.Key_Z, CTRL)
    assert statement.text() == "Edited statement"
    assert session.claims.get(claim.id).values["statement"] == "Edited statement"


def test_ctrl_z_in_the_search_box_undoes_the_last_claim(qtbot, window, session):
    doc_id = open_ms_review(qtbot, window, session)
    start = window.reader.text.index(PILOT)
    select_in_reader(qtbot, window.reader, start, start + len(PILOT))
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    qtbot.keyClick(window.form.widgets["statement"], Qt.Key.Key_S, CTRL)
    assert len(session.claims.for_document(doc_id)) == 1
    window.search_panel.open_panel()
    qtbot.keyClick(window.search_panel.query, Qt.Key.Key_Z, CTRL)
    assert session.claims.for_document(doc_id) == []


def test_text_left_in_a_term_field_is_resolved_or_saving_is_refused(qtbot, window, session, interaction):
    doc_id = open_ms_review(qtbot, window, session)
    start = window.reader.text.index(PILOT)
    select_in_reader(qtbot, window.reader, start, start + len(PILOT))
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    form = window.form
    taxa = form.pickers["taxon"]
    qtbot.keyClicks(taxa.edit, "Akkermansia muciniphila")
    taxa.completer.popup().hide()
    conditions = form.pickers["condition"]
    qtbot.keyClicks(conditions.edit, "sclerosis")  # names several terms
    conditions.completer.popup().hide()

    qtbot.keyClicks(form.widgets["p_value"], "2")
    interaction.pending_answer = None  # the reviewer stays to decide
    qtbot.keyClick(conditions.edit, Qt.Key.Key_S, CTRL)
    assert {"condition", "p_value"} <= set(form.invalid)  # the term and the number, in one go
    form.widgets["p_value"].setText("")
    assert session.claims.for_document(doc_id) == []
    assert any(a.startswith("pending:Conditions:sclerosis:Multiple sclerosis|") for a in interaction.asked)
    assert [r.label for r in taxa.refs()] == ["Akkermansia muciniphila"]  # the unique one was resolved
    assert "condition" in form.invalid and conditions.edit.property("invalid") is True
    assert conditions.edit.text() == "sclerosis"  # nothing typed is lost

    interaction.pending_answer = "pick"
    qtbot.keyClick(conditions.edit, Qt.Key.Key_S, CTRL)
    [saved] = session.claims.for_document(doc_id)
    assert [(t.role, t.label) for t in saved.terms] == [
        ("condition", "Multiple sclerosis"),
        ("taxon", "Akkermansia muciniphila"),
    ]


def test_discarding_pending_text_is_a_choice_not_an_accident(qtbot, window, session, interaction):
    doc_id = open_ms_review(qtbot, window, session)
    claim = make_claim(session, doc_id, PILOT)
    reopen(window, doc_id)
    window.select_claim(claim.id)
    mechanisms = window.form.pickers["mechanism"]
    qtbot.keyClicks(mechanisms.edit, "Gut barrier leak")
    mechanisms.completer.popup().hide()
    assert window.form.is_dirty()  # typed text counts as unsaved input
    interaction.pending_answer = "discard"
    assert window.save_claim()
    assert mechanisms.edit.text() == "" and session.claims.get(claim.id).terms == ()


def test_typed_term_text_does_not_follow_into_the_next_claim(qtbot, window, session, interaction):
    doc_id = open_ms_review(qtbot, window, session)
    first = make_claim(session, doc_id, PILOT)
    second = make_claim(session, doc_id, "Early trials have shown modest improvements")
    reopen(window, doc_id)
    window.select_claim(first.id)
    mechanisms = window.form.pickers["mechanism"]
    qtbot.keyClicks(mechanisms.edit, "Gut barrier leak")
    mechanisms.completer.popup().hide()
    qtbot.mouseClick(window.form.revert_button, Qt.MouseButton.LeftButton)
    assert mechanisms.edit.text() == ""
    qtbot.keyClicks(mechanisms.edit, "Gut barrier leak")
    mechanisms.completer.popup().hide()
    interaction.unsaved_answer = "discard"
    click_row(qtbot, window.claim_view, window.claims.row_of(second.id))
    assert window.form.claim_id == second.id
    assert mechanisms.edit.text() == ""


def test_type_ahead_puts_the_best_match_first_and_shows_it_whole(qtbot, window, session):
    open_ms_review(qtbot, window, session)
    start = window.reader.text.index(PILOT)
    select_in_reader(qtbot, window.reader, start, start + len(PILOT))
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    conditions = window.form.pickers["condition"]
    qtbot.keyClicks(conditions.edit, "multiple scl")
    popup = conditions.completer.popup()
    assert popup.isVisible()
    shown = [conditions.completions.index(i, 0).data() for i in range(conditions.completions.rowCount())]
    assert shown[0].startswith("Multiple sclerosis  ·  MESH:D009103")
    assert shown.index(next(s for s in shown if s.startswith("Chronic progressive"))) > 0
    widest = max(popup.fontMetrics().horizontalAdvance(s) for s in shown)
    assert popup.width() >= widest
    qtbot.keyClick(popup, Qt.Key.Key_Return)  # Enter takes the highlighted, best match
    assert [r.label for r in conditions.refs()] == ["Multiple sclerosis"]
    assert conditions.edit.text() == ""


def test_after_save_the_selection_no_longer_hides_the_new_highlight(qtbot, window, session):
    open_ms_review(qtbot, window, session)
    start = window.reader.text.index(PILOT)
    select_in_reader(qtbot, window.reader, start, start + len(PILOT))
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    qtbot.keyClick(window.form.first_field(), Qt.Key.Key_S, CTRL)
    assert window.reader.selection_range() is None
    assert window.reader.selected_claim() == window.form.claim_id
    assert window.reader.highlight_format_at(start + 5).background().style() != Qt.BrushStyle.NoBrush


def test_every_problem_is_marked_at_once_and_a_decimal_comma_is_a_number(qtbot, window, session):
    doc_id = open_ms_review(qtbot, window, session)
    start = window.reader.text.index(PILOT)
    select_in_reader(qtbot, window.reader, start, start + len(PILOT))
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    form = window.form
    qtbot.keyClicks(form.widgets["effect_value"], "0,85")
    assert form.widgets["effect_value"].text() == "0,85"  # accepted while typing
    qtbot.keyClicks(form.widgets["p_value"], "3")
    qtbot.keyClicks(form.widgets["ci_low"], "2")
    qtbot.keyClicks(form.widgets["ci_high"], "1")
    qtbot.keyClick(form.widgets["ci_high"], Qt.Key.Key_S, CTRL)
    assert session.claims.for_document(doc_id) == []
    assert set(form.invalid) == {"p_value", "ci_low", "ci_high"}
    for key in ("p_value", "ci_low", "ci_high"):
        assert form.widgets[key].property("invalid") is True
        assert form.labels[key].property("invalid") is True
    assert form.problems.isVisible()
    assert "p-value: must lie between 0 and 1" in form.problems.text()
    assert "95% CI: the lower bound is above the upper bound" in form.problems.text()
    assert form.widgets["effect_value"].property("invalid") is not True
    assert form.widgets["ci_low"].hasFocus()  # the first field at fault, in form order
    edge = form.widgets["p_value"].grab().toImage()
    red = edge.pixelColor(1, edge.height() // 2)
    assert red.red() > 150 and red.green() < 90 and red.blue() < 90  # the mark is seen, not only set
    listed = form.problems.text().splitlines()
    assert len(listed) == len(set(listed)) == 3  # "Not saved:" and the two problems, each once

    form.widgets["p_value"].setText("0,04")
    assert form.widgets["p_value"].property("invalid") is False  # fixing a field clears its mark
    assert "p-value" not in form.problems.text()  # and its line in the list
    form.widgets["ci_high"].setText("2,5")
    assert form.widgets["ci_low"].property("invalid") is False  # a problem of two fields leaves both
    assert not form.problems.isVisible()
    form.widgets["ci_low"].setText("0,5")  # the effect (0.85) must lie inside its interval
    qtbot.keyClick(form.widgets["ci_high"], Qt.Key.Key_S, CTRL)
    [saved] = session.claims.for_document(doc_id)
    assert (saved.values["effect_value"], saved.values["p_value"], saved.values["ci_high"]) == (0.85, 0.04, 2.5)
    assert not form.problems.isVisible()


def test_save_is_enabled_only_with_something_to_save_and_counts_read_well(qtbot, window, session):
    doc_id = open_ms_review(qtbot, window, session)
    assert session.documents.get(doc_id).reading_status == "unread"
    claim = make_claim(session, doc_id, PILOT)
    reopen(window, doc_id)
    window.select_claim(claim.id)
    assert not window.form.save_button.isEnabled()
    qtbot.keyClicks(window.form.widgets["statement"], "x")
    assert window.form.save_button.isEnabled()
    qtbot.keyClick(window.form.widgets["statement"], Qt.Key.Key_Backspace)
    assert not window.form.save_button.isEnabled()
    assert "· 1 claim ·" in window.status_counts.text()

    start = window.reader.text.index("Early trials")
    select_in_reader(qtbot, window.reader, start, start + 30)
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    qtbot.keyClick(window.form.first_field(), Qt.Key.Key_S, CTRL)
    assert session.documents.get(doc_id).reading_status == "in_progress"  # the first claim made here
    assert "· 2 claims ·" in window.status_counts.text()
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)
    assert session.documents.get(doc_id).reading_status == "unread"  # undone with it


def test_find_in_document_counts_matches(qtbot, window, session):
    open_ms_review(qtbot, window, session)
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(window.find_bar.edit, "microbio")
    expected = window.reader.text.casefold().count("microbio")
    assert expected > 2
    assert window.find_bar.status.text() == f"1 of {expected}"
    qtbot.keyClick(window.find_bar.edit, Qt.Key.Key_Return)
    assert window.find_bar.status.text() == f"2 of {expected}"


def test_search_snippets_are_cut_between_words(qtbot, session):
    hits = session.search.search("microbiome")
    assert len(hits) >= 3
    for hit in hits:
        words = set(session.documents.get(hit.document_id).text.split())
        body = hit.snippet.strip("…").split()
        for edge in (body[0], body[-1]):
            assert "«" in edge or "»" in edge or edge in words, (edge, hit.snippet)


def test_overlapping_claims_are_told_apart_and_a_click_offers_both(qtbot, window, session, interaction):
    doc_id = open_ms_review(qtbot, window, session)
    outer = make_claim(session, doc_id, PILOT, claim_type="intervention_effect")
    inner = make_claim(session, doc_id, "modest reductions in relapse rate", claim_type="association")
    apart = make_claim(session, doc_id, "Early trials have shown modest improvements", claim_type="background")
    reopen(window, doc_id)
    window.reader.scroll_to(outer.anchor.start)
    window.reader.viewport().repaint()
    lanes = window.reader.overlap_lanes()
    assert set(lanes) == {outer.id, inner.id} and lanes[outer.id] != lanes[inner.id]
    assert apart.id not in lanes  # on its own: no underline, its fill says it all

    # the stacked underline of the outer claim is drawn in its type's hue below the inner claim's words
    image = window.reader.viewport().grab().toImage()
    inner_at = window.reader.rect_for_offset(inner.anchor.start + 3)
    hues = {image.pixelColor(inner_at.center().x(), y).name() for y in range(inner_at.top(), inner_at.bottom() + 8)}
    assert "#009e73" in hues  # intervention effect (Okabe-Ito bluish green)

    interaction.picked_claim = outer.id
    point = window.reader.rect_for_offset(inner.anchor.start + 3).center()
    qtbot.mouseClick(window.reader.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert interaction.asked[-1] == f"pick_claim:{inner.id},{outer.id}"  # shortest first
    assert window.form.claim_id == outer.id


def test_saving_undoing_and_deleting_refresh_only_what_changed(qtbot, window, session, monkeypatch):
    open_ms_review(qtbot, window, session)
    start = window.reader.text.index(PILOT)

    def no_full_reload(*args, **kwargs):
        raise AssertionError("a whole document's claims were reloaded for one change")

    monkeypatch.setattr(session.claims, "for_document", no_full_reload)
    select_in_reader(qtbot, window.reader, start, start + len(PILOT))
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    qtbot.keyClicks(window.form.widgets["statement"], "Pilot trials help")
    qtbot.keyClick(window.form.widgets["statement"], Qt.Key.Key_S, CTRL)
    claim_id = window.form.claim_id
    assert window.claims.row_of(claim_id) == 0 and window.reader.claims_at(start + 1) == [claim_id]
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL)
    assert window.claims.row_of(claim_id) == -1 and window.reader.claims_at(start + 1) == []
    qtbot.keyClick(window.reader, Qt.Key.Key_Z, CTRL | SHIFT)
    assert window.claims.row_of(claim_id) == 0
    window.select_claim(claim_id)
    window.delete_claim()
    assert window.claims.row_of(claim_id) == -1 and window.marks.marks == []


@pytest.mark.parametrize("size", [(1024, 640), (1440, 900)])
def test_the_reader_keeps_a_readable_line_in_every_state(qtbot, window, session, size):
    open_ms_review(qtbot, window, session)
    window.resize(*size)
    states = {
        "start": lambda: None,
        "search open": window.search_panel.open_panel,
        "find bar": window.find_bar.open_bar,
        "all claims": window.all_claims.show,
        "new claim": lambda: (window.reader.select_range(0, 40), window.new_claim()),
    }
    for name, enter in states.items():
        enter()
        QApplication.processEvents()
        qtbot.wait(20)
        assert shortest_full_line(window.reader) >= 50, name


def shortest_full_line(reader) -> int:
    """Characters on the first line of the longest paragraph: what a reader actually sees."""
    document = reader.document()
    layout = document.documentLayout()
    block = max((document.findBlockByNumber(i) for i in range(document.blockCount())), key=lambda b: b.length())
    layout.blockBoundingRect(block)  # lays it out at the current width
    return block.layout().lineAt(0).textLength()


def test_first_start_sizes_the_window_from_the_screen(qtbot, session, settings, interaction):
    from curator.ui.main_window import MainWindow

    w = MainWindow(session, settings, interaction)
    qtbot.addWidget(w)
    available = w.screen().availableGeometry()
    assert w.width() == min(int(available.width() * 0.9), 1600)
    assert w.height() == min(int(available.height() * 0.9), 1000)
    assert (w.width(), w.height()) != (w.sizeHint().width(), w.sizeHint().height())


def test_number_fields_keep_what_is_typed_and_mark_what_is_not_a_number(qtbot, window, session):
    open_ms_review(qtbot, window, session)
    start = window.reader.text.index(PILOT)
    select_in_reader(qtbot, window.reader, start, start + len(PILOT))
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    form = window.form
    qtbot.keyClicks(form.widgets["n_studies"], "3.5")
    qtbot.keyClicks(form.widgets["n_participants"], "-4")
    qtbot.keyClicks(form.widgets["effect_value"], ",")
    assert form.widgets["n_studies"].text() == "3.5"  # nothing swallowed: it was 35 before
    assert form.widgets["n_participants"].text() == "-4"
    assert form.invalid["n_studies"] == "Number of studies: '3.5' is not a whole number"
    assert form.invalid["effect_value"] == "Effect value: ',' is not a number"
    assert form.invalid["n_participants"] == "Participants: a count cannot be negative"
    qtbot.keyClick(form.widgets["effect_value"], Qt.Key.Key_Backspace)
    assert "effect_value" not in form.invalid


def test_a_type_key_on_a_new_passage_after_saving_starts_a_new_claim(qtbot, window, session):
    doc_id = open_ms_review(qtbot, window, session)
    window.activateWindow()
    text = window.reader.text
    first = text.index(PILOT)
    window.reader.select_range(first, first + 20)
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(window.reader, Qt.Key.Key_S, CTRL)
    second = text.index("consistent depletion")
    window.reader.select_range(second, second + 20)
    qtbot.keyClick(window.reader, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert window.form.mode == "new"
    qtbot.keyClick(window.reader, Qt.Key.Key_S, CTRL)
    saved = {(r.anchor.start, r.values["claim_type"]) for r in session.claims.for_document(doc_id)}
    assert saved == {(first, "intervention_effect"), (second, "association")}  # the first claim kept its type


def test_a_click_inside_a_claim_keeps_the_caret_so_a_shift_click_makes_a_nested_claim(qtbot, window, session):
    doc_id = open_ms_review(qtbot, window, session)
    outer = make_claim(session, doc_id, PILOT)
    reopen(window, doc_id)
    window.form.clear()
    inner = "modest reductions in relapse rate"
    start = window.reader.text.index(inner)
    scroll = window.reader.verticalScrollBar()
    select_in_reader(qtbot, window.reader, start, start + len(inner))
    before = scroll.value()
    assert window.reader.selection_range() == (start, start + len(inner))
    assert window.form.claim_id == outer.id and scroll.value() == before  # selected, nothing moved
    qtbot.keyClick(window.reader, Qt.Key.Key_N, CTRL)
    qtbot.keyClick(window.form.first_field(), Qt.Key.Key_S, CTRL)
    quotes = sorted(r.anchor.exact for r in session.claims.for_document(doc_id))
    assert quotes == sorted([outer.anchor.exact, inner])


def test_ctrl_delete_in_a_text_field_deletes_a_word_not_the_claim(qtbot, window, session, interaction):
    doc_id = open_ms_review(qtbot, window, session)
    claim = make_claim(session, doc_id, PILOT, statement="alpha beta gamma")
    reopen(window, doc_id)
    window.select_claim(claim.id)
    statement = window.form.widgets["statement"]
    statement.setFocus()
    statement.setCursorPosition(6)
    qtbot.keyClick(statement, Qt.Key.Key_Delete, CTRL)
    assert statement.text() == "alpha gamma"
    assert session.claims.get(claim.id).values["statement"] == "alpha beta gamma"
    interaction.confirm_answer = False  # deleting with unsaved input asks first
    window.delete_claim()
    assert interaction.asked[-1] == "confirm:Delete claim" and session.claims.get(claim.id)
    assert statement.text() == "alpha gamma"


def test_ctrl_z_with_an_unsaved_choice_takes_back_that_choice_not_an_older_saved_claim(qtbot, window, session):
    doc_id = open_ms_review(qtbot, window, session)
    start = window.reader.text.index(PILOT)
    window.reader.select_range(start, start + 30)
    window.new_claim()
    window.save_claim()
    other = make_claim(session, doc_id, "Early trials have shown modest")
    window.documents.set_rows(session.documents.summaries())
    window.claims.upsert([other])
    window.select_claim(other.id)
    combo = window.form.widgets["claim_type"]
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert window.form.is_dirty()
    qtbot.keyClick(combo, Qt.Key.Key_Z, CTRL)
    assert combo.currentData() == "" and not window.form.is_dirty()
    assert len(session.claims.for_document(doc_id)) == 2  # the saved claim was not undone
    assert "unsaved changes" in window.statusBar().currentMessage()


def test_ctrl_click_builds_a_multi_selection_that_survives_a_bulk_action(qtbot, window, session, interaction):
    doc_id = open_ms_review(qtbot, window, session)
    quotes = [PILOT, "Early trials have shown modest", "There has been a consistent depletion", "These changes promote"]
    ids = [make_claim(session, doc_id, q).id for q in quotes]
    reopen(window, doc_id)
    view = window.claim_view
    click_row(qtbot, view, 0)
    for row in (1, 3):
        index = window.claims.index(row, 1)
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, CTRL, view.visualRect(index).center())
    chosen = window.claim_panel.selected_claim_ids()
    assert len(chosen) == 3 and set(chosen) <= set(ids)
    window.set_status_of(chosen, "confirmed")
    assert sorted(window.claim_panel.selected_claim_ids()) == sorted(chosen)  # still there for the next action
    interaction.confirm_answer = True
    window.delete_claims(window.claim_panel.selected_claim_ids())
    assert [r.id for r in session.claims.for_document(doc_id)] == [i for i in ids if i not in chosen]


def test_term_fields_never_offer_a_duplicate_and_tab_takes_the_highlighted_term(qtbot, window, session, interaction):
    open_ms_review(qtbot, window, session)
    start = window.reader.text.index(PILOT)
    window.reader.select_range(start, start + 30)
    window.new_claim()
    interventions = window.form.pickers["intervention"]
    interventions.edit.setFocus()
    qtbot.keyClicks(interventions.edit, "lacto")
    popup = interventions.completer.popup()
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    assert not popup.isVisible()
    qtbot.keyClick(interventions.edit, Qt.Key.Key_Return)  # matches exist: they are shown again
    assert popup.isVisible() and not [a for a in interaction.asked if a.startswith("new_term")]
    qtbot.keyClick(popup, Qt.Key.Key_Up)  # no wrap-around past the first suggestion
    assert popup.currentIndex().row() == 0
    qtbot.keyClick(popup, Qt.Key.Key_Escape)
    conditions = window.form.pickers["condition"]
    conditions.edit.setFocus()
    qtbot.keyClicks(conditions.edit, "migr")
    qtbot.keyClick(conditions.completer.popup(), Qt.Key.Key_Tab)
    assert [r.label for r in conditions.refs()] == ["Migraine"] and conditions.pending_text() == ""
    assert not conditions.edit.hasFocus()  # Tab moved on, as Tab does
    assert conditions.chips.item(0).text().startswith("✕")  # the remove mark is never cut off
