"""The app's start shows the document first and builds the rest right after that paint: the form's
fields, the term vocabulary and the undo-key guard come a moment later, the all-claims dock when first
wanted, and nothing a reviewer can reach behaves differently for it."""

from PySide6.QtCore import QSettings, Qt

from curator.core.records import ClaimDraft
from curator.ui.main_window import MainWindow
from tests.conftest import doc_id_by_file

CTRL = Qt.KeyboardModifier.ControlModifier
PILOT = "Pilot trials report modest reductions in relapse rate"


def staged_window(qtbot, session, settings, interaction) -> MainWindow:
    window = MainWindow(session, settings, interaction, staged=True)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    return window


def test_the_form_fields_follow_the_first_paint(qtbot, session, settings, interaction):
    window = staged_window(qtbot, session, settings, interaction)
    assert not window.started and not window.form._fields_built  # not before the first paint
    window.show()
    qtbot.waitUntil(lambda: window.started)
    assert window.form._fields_built
    assert window.form.widgets["statement"].isEnabled() is False  # an empty form, as clear() leaves it
    # the pickers got the vocabulary that was asked for before their fields existed
    assert window.form.pickers["condition"].index.rank("multiple scl")


def test_a_field_asked_for_before_the_paint_is_built_then(qtbot, session, settings, interaction):
    window = staged_window(qtbot, session, settings, interaction)
    doc_id = doc_id_by_file(session, "002")
    window.open_document(doc_id)
    start = window.reader.text.index(PILOT)
    window.reader.select_range(start, start + len(PILOT))
    window.new_claim()  # loads the form, so its fields are built on the spot
    assert window.form.mode == "new" and window.form.widgets["statement"].isEnabled()
    window.finish_start()
    window.form.widgets["statement"].setText("Pilot trials reduce relapses.")
    assert window.save_claim()
    [claim] = session.claims.for_document(doc_id)
    assert claim.values["statement"] == "Pilot trials reduce relapses."


def test_ctrl_z_in_a_field_still_goes_to_the_window_after_a_staged_start(qtbot, session, settings, interaction):
    window = staged_window(qtbot, session, settings, interaction)
    window.show()
    qtbot.waitUntil(lambda: window.started)
    doc_id = doc_id_by_file(session, "002")
    window.open_document(doc_id)
    text = session.documents.get(doc_id).text
    start = text.index(PILOT)
    claim, _ = session.claims.create(ClaimDraft(doc_id, start, start + len(PILOT), {"statement": "Original"}))
    window.claims.upsert([claim])
    window.select_claim(claim.id)
    statement = window.form.widgets["statement"]
    window.activateWindow()
    statement.setFocus()
    statement.selectAll()
    qtbot.keyClicks(statement, "Edited")
    qtbot.keyClick(statement, Qt.Key.Key_S, CTRL)
    assert session.claims.get(claim.id).values["statement"] == "Edited"
    qtbot.keyClick(statement, Qt.Key.Key_Z, CTRL)  # nothing typed since the save: the window undoes it
    assert session.claims.get(claim.id).values["statement"] == "Original"


def test_the_all_claims_dock_is_built_when_first_wanted_and_reopens_as_left(
    qtbot, session, settings, interaction, tmp_path
):
    window = staged_window(qtbot, session, settings, interaction)
    window.show()
    qtbot.waitUntil(lambda: window.started)
    assert window._all_claims is None  # hidden at start: not built
    window.actions["all_claims"].trigger()
    dock = window.all_claims
    assert dock.isVisible() and dock.loaded and window.all_claims is dock
    window.close()

    again = staged_window(qtbot, session, QSettings(settings.fileName(), QSettings.Format.IniFormat), interaction)
    assert again._all_claims is not None  # saved open: built before the layout was restored
    again.show()
    qtbot.waitUntil(lambda: again.started)
    assert again.all_claims.isVisible()
    again.all_claims.hide()
    again.close()

    third = staged_window(qtbot, session, QSettings(settings.fileName(), QSettings.Format.IniFormat), interaction)
    assert third._all_claims is None
    third.show()
    qtbot.waitUntil(lambda: third.started)
    assert not third.all_claims.isVisible()  # built on asking, hidden as it was left


def test_a_window_that_never_paints_still_finishes_its_start(qtbot, session, settings, interaction):
    window = staged_window(qtbot, session, settings, interaction)  # never shown: no first paint
    qtbot.waitUntil(lambda: window.started, timeout=10_000)
    assert window.form._fields_built and window.form.pickers["condition"].index.rank("multiple scl")
