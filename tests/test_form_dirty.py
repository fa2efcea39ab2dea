"""The form's dirty check is kept per field (a keystroke compares one field): it must give the same
answer as comparing the whole form with what was loaded, after any sequence of edits, reverts and
saves."""

import random

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit

from curator.core.paths import SEEDS
from curator.core.records import ClaimDraft
from curator.io.seeds import seed_new_project
from curator.ui.claim_form import ClaimForm
from tests.gui_helpers import pick_term


def whole_form_dirty(form: ClaimForm) -> bool:
    """The reference: every field read and compared, as the form did before it tracked fields."""
    if form.mode == "new":
        return True
    if form.mode != "edit" or form._baseline is None:
        return False
    return form._snapshot() != form._baseline or bool(form.pending_terms())


def edit_something(qtbot, form: ClaimForm, rng: random.Random, session) -> None:
    key = rng.choice([f.key for f in form.codebook.fields])
    widget = form.widgets[key]
    if key in form.pickers:
        picker = form.pickers[key]
        action = rng.choice(["pick", "type", "clear", "remove"])
        if action == "pick":
            terms = session.terms.for_role(key)
            if terms:
                pick_term(qtbot, picker, rng.choice(terms).label)
        elif action == "type":
            picker.edit.setText(rng.choice(["", "zz", "not a term"]))
        elif action == "clear":
            picker.clear_pending()
        elif picker.chips.count():
            picker._remove_item(picker.chips.item(rng.randrange(picker.chips.count())))
    elif isinstance(widget, QComboBox):
        widget.setCurrentIndex(rng.randrange(widget.count()))
    elif isinstance(widget, QPlainTextEdit):
        widget.setPlainText(rng.choice(["", "a note", widget.toPlainText()]))
    elif isinstance(widget, QLineEdit):
        original = widget.text()
        widget.setText(rng.choice(["", "0.5", " 0.5 ", "x", original, original + " ", original[:-1]]))


def test_the_per_field_dirty_check_agrees_with_the_whole_form(qtbot, session):
    seed_new_project(session, SEEDS)
    session.use_reviewer("R")
    form = ClaimForm(session.codebook)
    qtbot.addWidget(form)
    form.set_vocabulary({f.key: session.terms.for_role(f.key) for f in session.codebook.term_fields})
    doc = session.documents.summaries()[0]
    values = {"statement": "A statement", "claim_type": session.codebook.field("claim_type").choices[0].key}
    record, _ = session.claims.create(ClaimDraft(doc.id, 0, 10, values, ()))
    form.load_record(record)
    rng = random.Random(5)
    changes, seen = [], set()
    form.dirtyChanged.connect(changes.append)
    for step in range(400):
        roll = rng.random()
        if roll < 0.08:
            form.revert()
        elif roll < 0.12:
            form.mark_saved()
        elif roll < 0.14:
            form.load_record(record)
        elif roll < 0.16:
            form.set_codebook(session.codebook)
        else:
            changes.clear()
            edit_something(qtbot, form, rng, session)
            if changes:  # every edit tells the listeners (undo action, draft keeper) the same answer
                assert changes[-1] == whole_form_dirty(form), step
        assert form.is_dirty() == whole_form_dirty(form), step
        seen.update(changes)
    assert seen == {True, False}
