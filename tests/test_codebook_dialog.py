"""The codebook dialog on a real session and undo stack: each edit shows in the dialog and the
database, and undo through the stack puts it back."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoStack

from curator.core.codebook import load_codebook
from curator.core.records import ClaimDraft, TermRef
from curator.ui.codebook_dialog import CodebookDialog, open_codebook_editor
from curator.ui.undo import run_command
from tests.conftest import doc_id_by_file


class FakePrompts:
    """Answers the dialog's questions from queues the test fills."""

    def __init__(self):
        self.texts: list[str | None] = []
        self.picks: list[str | None] = []  # the text of the item to pick
        self.offered: list[list[str]] = []

    def text(self, parent, title, label, value=""):
        return self.texts.pop(0)

    def item(self, parent, title, label, items):
        self.offered.append(items)
        wanted = self.picks.pop(0)
        return None if wanted is None else items.index(wanted)


@pytest.fixture
def stack():
    return QUndoStack()


@pytest.fixture
def changes():
    return []


@pytest.fixture
def dialog(qtbot, session, stack, changes, interaction):
    def run(command):
        return run_command(stack, command, changes.append, lambda m: interaction.show_error(None, m))

    d = CodebookDialog(session, run, interaction=interaction)
    d.ask = FakePrompts()
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    return d


def shown_terms(dialog) -> dict[str, list[str]]:
    tree = dialog.term_tree
    return {
        tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole): [
            tree.topLevelItem(i).child(j).text(0) for j in range(tree.topLevelItem(i).childCount())
        ]
        for i in range(tree.topLevelItemCount())
    }


def term_item(dialog, label):
    tree = dialog.term_tree
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        for j in range(top.childCount()):
            if top.child(j).text(0) == label:
                return top.child(j)
    raise AssertionError(f"{label} is not shown")


def select_term(dialog, label):
    dialog.term_tree.setCurrentItem(term_item(dialog, label))


def shown_choices(dialog, field_key) -> list[tuple[str, str]]:
    tree = dialog.choice_tree
    for i in range(tree.topLevelItemCount()):
        top = tree.topLevelItem(i)
        if top.data(0, Qt.ItemDataRole.UserRole)[0] == field_key:
            return [(top.child(j).text(0), top.child(j).text(3)) for j in range(top.childCount())]
    raise AssertionError(field_key)


def select_choice(dialog, field_key, key):
    dialog.tabs.setCurrentIndex(1)
    dialog._select_choice(field_key, key)
    assert dialog.current_choice() == (field_key, key)


def test_add_rename_merge_and_retire_terms_then_undo_each(qtbot, dialog, session, stack, changes, interaction):
    db_labels = lambda: {t.label for t in session.terms.all()}  # noqa: E731
    select_term(dialog, "Migraine")
    dialog.ask.texts.append("Cluster headache")
    qtbot.keyClick(dialog.term_tree, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert "Cluster headache" in shown_terms(dialog)["conditions"] and "Cluster headache" in db_labels()
    assert dialog.label_edit.text() == "Cluster headache"  # the new term is selected for editing

    dialog.label_edit.setText("Cluster headaches")
    dialog.identifier_edit.setText("mesh:d003027")
    dialog.synonyms_edit.setPlainText("Horton headache\nhistamine headache")
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    new = next(t for t in session.terms.all() if t.label == "Cluster headaches")
    assert (new.identifier, new.synonyms) == ("MESH:D003027", ("Horton headache", "histamine headache"))
    assert term_item(dialog, "Cluster headaches").text(1) == "MESH:D003027"

    dialog.identifier_edit.setText("D003027")  # refused: named in words, nothing stored
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert interaction.errors and interaction.errors[-1].startswith("Identifier:")
    assert stack.count() == 2

    select_term(dialog, "Cluster headaches")
    dialog.ask.picks.append("Headache — Conditions")
    qtbot.mouseClick(dialog.merge_term_button, Qt.MouseButton.LeftButton)
    assert dialog.ask.offered[-1][0].endswith("— Conditions")  # its own vocabulary first
    assert "Cluster headaches" not in db_labels() and "Cluster headaches" not in shown_terms(dialog)["conditions"]

    select_term(dialog, "Obesity")
    dialog.term_tree.setFocus()
    qtbot.keyClick(dialog.term_tree, Qt.Key.Key_Delete)
    assert "Obesity" not in db_labels() and "Obesity" not in shown_terms(dialog)["conditions"]
    assert changes[-1].vocabulary

    assert [stack.text(i) for i in range(stack.count())] == [
        "Add term “Cluster headache”",
        "Edit term “Cluster headaches”",
        "Merge “Cluster headaches” into “Headache”",
        "Retire term “Obesity”",
    ]
    stack.undo()
    dialog.refresh()  # what the window does when changes.vocabulary is set
    assert "Obesity" in db_labels() and "Obesity" in shown_terms(dialog)["conditions"]
    stack.undo()
    stack.undo()
    dialog.refresh()
    assert "Cluster headache" in shown_terms(dialog)["conditions"]
    stack.undo()
    dialog.refresh()
    assert "Cluster headache" not in db_labels() and "Cluster headache" not in shown_terms(dialog)["conditions"]


def test_the_filter_and_usage_counts(qtbot, dialog, session):
    doc = doc_id_by_file(session, "002")
    text = session.documents.get(doc).text
    ms = next(t for t in session.terms.all() if t.label == "Multiple sclerosis")
    start = text.index("relapse rate")
    session.claims.create(
        ClaimDraft(doc, start, start + 12, {}, (TermRef("condition", ms.label, ms.identifier, ms.id),))
    )
    dialog.refresh()
    assert term_item(dialog, "Multiple sclerosis").text(2) == "1"
    qtbot.keyClicks(dialog.filter, "rrms")  # a synonym
    visible = [
        label for labels in shown_terms(dialog).values() for label in labels if not term_item(dialog, label).isHidden()
    ]
    assert visible == ["Relapsing-remitting multiple sclerosis"]


def test_add_rename_retire_and_merge_choices_then_undo(qtbot, dialog, session, stack, changes):
    select_choice(dialog, "claim_type", "background")
    dialog.ask.texts.append("Case report")
    qtbot.keyClick(dialog.choice_tree, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert shown_choices(dialog, "claim_type")[-1] == ("Case report", "")
    assert session.codebook.field("claim_type").choice_label("case_report") == "Case report"
    assert changes[-1].codebook
    assert dialog.current_choice() == ("claim_type", "case_report")

    dialog.ask.texts.append("Single case")
    qtbot.keyClick(dialog.choice_tree, Qt.Key.Key_F2)
    assert shown_choices(dialog, "claim_type")[-1] == ("Single case", "")

    qtbot.keyClick(dialog.choice_tree, Qt.Key.Key_Delete)
    assert shown_choices(dialog, "claim_type")[-1] == ("Single case", "retired")
    assert dialog.retire_choice_button.text() == "&Restore"
    assert "case_report" not in [c.key for c in session.codebook.field("claim_type").active_choices]

    select_choice(dialog, "population", "mixed")
    dialog.ask.picks.append("Adults")
    qtbot.mouseClick(dialog.merge_choice_button, Qt.MouseButton.LeftButton)
    assert ("Mixed ages", "retired") in shown_choices(dialog, "population")

    for _ in range(4):
        stack.undo()
    dialog.refresh()
    assert ("Mixed ages", "") in shown_choices(dialog, "population")
    assert "Case report" not in [label for label, _ in shown_choices(dialog, "claim_type")]
    assert session.codebook.field("claim_type").choice_keys == load_codebook_choice_keys()


def load_codebook_choice_keys():
    from curator.core.paths import CODEBOOK

    return load_codebook(CODEBOOK).field("claim_type").choice_keys


def test_export_as_toml_and_open_codebook_editor_reuses_the_dialog(qtbot, session, interaction, tmp_path):
    from PySide6.QtWidgets import QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    first = open_codebook_editor(parent, session, lambda command: True, interaction=interaction)
    assert open_codebook_editor(parent, session, lambda command: True) is first
    interaction.save_path = str(tmp_path / "team.toml")
    qtbot.mouseClick(first.export_button, Qt.MouseButton.LeftButton)
    assert load_codebook(tmp_path / "team.toml").field("status").choice_label("draft") == "Draft"
    assert interaction.infos and "team.toml" in interaction.infos[-1]
    interaction.save_path = str(tmp_path / "missing" / "team.toml")
    qtbot.mouseClick(first.export_button, Qt.MouseButton.LeftButton)
    assert interaction.errors[-1].startswith("cannot write")
