"""Keyboard-first: the whole loop without the mouse, and what each key does."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox

from curator.core.records import ClaimDraft
from tests.conftest import doc_id_by_file

CTRL, SHIFT, ALT = (
    Qt.KeyboardModifier.ControlModifier,
    Qt.KeyboardModifier.ShiftModifier,
    Qt.KeyboardModifier.AltModifier,
)
PILOT = "Pilot trials report modest reductions in relapse rate"


class Keyboard:
    """Presses keys where the focus is, and counts them (typed text is counted apart)."""

    def __init__(self, qtbot):
        self.qtbot, self.presses, self.typed = qtbot, 0, 0

    def press(self, key, modifiers=Qt.KeyboardModifier.NoModifier, times=1):
        for _ in range(times):  # an open suggestion list takes the keys, as it grabs them on a screen
            self.qtbot.keyClick(QApplication.activePopupWidget() or QApplication.focusWidget(), key, modifiers)
            self.presses += 1

    def type(self, text):
        self.qtbot.keyClicks(QApplication.focusWidget(), text)
        self.typed += len(text)


def open_ms_review(window, session):
    doc_id = doc_id_by_file(session, "002")
    window.open_document(doc_id)
    return doc_id


def claims_at(session, doc_id, *quotes, **values):
    text = session.documents.get(doc_id).text
    out = []
    for quote in quotes:
        start = text.index(quote)
        out.append(session.claims.create(ClaimDraft(doc_id, start, start + len(quote), dict(values)))[0])
    return out


def reopen(window, doc_id):
    window.document_id = None
    window.open_document(doc_id)


def test_a_whole_claim_without_the_mouse(qtbot, window, session):
    doc_id = open_ms_review(window, session)
    keys = Keyboard(qtbot)
    window.activateWindow()
    keys.press(Qt.Key.Key_2, CTRL)  # to the reader
    assert window.reader.hasFocus()
    keys.press(Qt.Key.Key_F, CTRL)  # find the passage
    keys.type("modest reductions in relapse")
    keys.press(Qt.Key.Key_Escape)
    keys.press(Qt.Key.Key_S, ALT)  # grow the found words to the whole sentence
    start, end = window.reader.selection_range()
    assert window.reader.text[start:end].startswith("Pilot trials report")
    keys.press(Qt.Key.Key_3, ALT)  # Alt+3: a claim of the third type, started from the selection
    assert window.form.mode == "new" and window.form.values()["claim_type"] == "intervention_effect"
    assert isinstance(QApplication.focusWidget(), QComboBox)  # Ctrl+N / a type key lands on the first field
    keys.press(Qt.Key.Key_Tab)
    keys.type("Pilot trials of microbiome therapies modestly reduce MS relapses.")
    keys.press(Qt.Key.Key_Tab)
    keys.type("multiple scl")
    keys.press(Qt.Key.Key_Return)  # the best-ranked suggestion
    assert [r.label for r in window.form.pickers["condition"].refs()] == ["Multiple sclerosis"]
    keys.press(Qt.Key.Key_S, CTRL)
    [claim] = session.claims.for_document(doc_id)
    assert claim.values["claim_type"] == "intervention_effect"
    assert claim.values["statement"].startswith("Pilot trials of microbiome")
    assert [t.label for t in claim.terms] == ["Multiple sclerosis"]
    assert claim.anchor.exact.startswith("Pilot trials report") and claim.anchor.exact.endswith("effect sizes.")
    # README, "A claim by keyboard": these numbers are quoted there
    assert (keys.presses, keys.typed) == (9, 105)


def test_panes_are_reached_with_f6_and_ctrl_digits(qtbot, window, session):
    open_ms_review(window, session)
    window.activateWindow()
    window.document_view.setFocus()
    order = []
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)
        order.append(QApplication.focusWidget())
    assert order[0] is window.reader
    assert order[1] is window.claim_view
    assert order[2] is window.form  # no claim open: the form itself holds the focus
    assert order[3] is window.document_view
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6, SHIFT)
    assert QApplication.focusWidget() is window.form
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_3, CTRL)
    assert QApplication.focusWidget() is window.claim_view


def test_next_and_previous_claim_in_reading_order_and_the_next_to_review(qtbot, window, session):
    doc_id = open_ms_review(window, session)
    later, earlier, middle = claims_at(
        session, doc_id, PILOT, "There has been a consistent depletion", "Early trials have shown modest"
    )
    session.claims.update(
        middle.id, ClaimDraft(doc_id, middle.anchor.start, middle.anchor.end, {"status": "confirmed"})
    )
    reopen(window, doc_id)
    window.activateWindow()
    window.reader.setFocus()
    window.reader.select_range(0, 0)
    visited = []
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageDown, CTRL)
        visited.append(window.form.claim_id)
    assert visited == [earlier.id, middle.id, later.id]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageUp, CTRL)
    assert window.form.claim_id == middle.id
    window.select_claim(earlier.id)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_PageDown, CTRL | SHIFT)
    assert window.form.claim_id == later.id  # the confirmed one in between is skipped


def test_status_and_type_hotkeys_set_the_form(qtbot, window, session):
    doc_id = open_ms_review(window, session)
    [claim] = claims_at(session, doc_id, PILOT)
    reopen(window, doc_id)
    window.select_claim(claim.id)
    window.activateWindow()
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_2, CTRL | ALT)
    qtbot.keyClick(window.reader, Qt.Key.Key_6, ALT)
    assert window.form.values()["status"] == "confirmed" and window.form.values()["claim_type"] == "background"
    qtbot.keyClick(window.reader, Qt.Key.Key_S, CTRL)
    saved = session.claims.get(claim.id)
    assert (saved.values["status"], saved.values["claim_type"]) == ("confirmed", "background")


def test_alt_shift_s_grows_a_caret_to_its_clause(qtbot, window, session):
    open_ms_review(window, session)
    window.activateWindow()
    text = window.reader.text
    at = text.index("several double")
    window.reader.select_range(at + 3, at + 3)
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_S, ALT | SHIFT)
    start, end = window.reader.selection_range()
    assert text[start:end] == "but several double\u2011blind RCTs showed no significant benefit"


def test_ctrl_n_lands_on_the_first_field_which_is_the_claim_type(qtbot, window, session):
    open_ms_review(window, session)
    window.activateWindow()
    start = window.reader.text.index(PILOT)
    window.reader.select_range(start, start + len(PILOT))
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_N, CTRL)
    assert QApplication.focusWidget() is window.form.widgets["claim_type"]
    assert window.session.codebook.fields[0].key == "claim_type"


def test_all_claims_is_reached_by_keyboard_and_tab_leaves_the_lists(qtbot, window, session):
    doc_id = open_ms_review(window, session)
    claims_at(session, doc_id, PILOT)
    window.activateWindow()
    window.reader.setFocus()
    qtbot.keyClick(window.reader, Qt.Key.Key_A, CTRL | SHIFT)
    assert window.all_claims.isVisible()
    assert QApplication.focusWidget() is window.all_claims.panel.filter_edit
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)  # from the last pane round to the first
    assert QApplication.focusWidget() is window.document_view
    qtbot.keyClick(window.document_view, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not window.document_view  # Tab moves on, arrows move within
    window.all_claims.hide()
    window.claim_view.setFocus()
    qtbot.keyClick(window.claim_view, Qt.Key.Key_F6)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)  # a closed dock is skipped
    assert QApplication.focusWidget() is window.document_view
