"""Edit → Codebook…: the project's vocabulary terms and form choices, each edit an undoable command.

The dialog builds core commands and hands them to `run` (the window's undo stack), then re-reads
what it shows. It holds plain values only; every question it asks goes through `Prompts`, which
tests replace, and every failure reaches the reviewer in words through one path.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from curator.core.codebook_commands import (
    AddChoice,
    AddTerm,
    EditTerm,
    MergeChoices,
    MergeTerms,
    RenameChoice,
    RetireChoice,
    RetireTerm,
)
from curator.core.codebook_edit import split_synonyms
from curator.core.codebook_toml import export_codebook
from curator.core.commands import Command
from curator.core.errors import user_message
from curator.core.records import TermInfo
from curator.ui.interaction import Interaction
from curator.ui.plain import Prompts, plain_label

ID_ROLE = Qt.ItemDataRole.UserRole


class CodebookDialog(QDialog):
    def __init__(
        self,
        session,
        run: Callable[[Command], bool],
        parent: QWidget | None = None,
        interaction: Interaction | None = None,
    ):
        super().__init__(parent)
        self.session = session
        self.run = run
        self.interaction = interaction or Interaction()
        self.ask = Prompts()
        self.terms: dict[int, TermInfo] = {}
        self.setWindowTitle("Codebook")
        self.resize(900, 600)

        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._terms_tab(), "&Terms")
        self.tabs.addTab(self._choices_tab(), "C&hoices")
        layout.addWidget(self.tabs, 1)
        bottom = QHBoxLayout()
        self.export_button = QPushButton("&Export as TOML…")
        self.export_button.setToolTip("Write the project's codebook as TOML, to share or to start a project from")
        self.export_button.clicked.connect(self.export_toml)
        bottom.addWidget(self.export_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        # One set of keys for both tabs, acting on the tab in front.
        for keys, action in (
            (QKeySequence.StandardKey.New, self._add),
            (QKeySequence(Qt.Key.Key_F2), self._rename),
            (QKeySequence(Qt.Key.Key_Delete), self._retire),
            (QKeySequence("Ctrl+M"), self._merge),
            (QKeySequence("Ctrl+F"), lambda: self.filter.setFocus() if self.tabs.currentIndex() == 0 else None),
        ):
            QShortcut(keys, self, action)
        self.refresh()

    # -- construction -------------------------------------------------------------------------
    def _terms_tab(self) -> QWidget:
        tab = QWidget()
        outer = QVBoxLayout(tab)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by label, synonym or identifier (Ctrl+F)")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        outer.addWidget(self.filter)
        splitter = QSplitter()
        self.term_tree = QTreeWidget()
        self.term_tree.setHeaderLabels(["Term", "Identifier", "Claims"])
        self.term_tree.setColumnWidth(0, 260)
        self.term_tree.setColumnWidth(1, 130)
        self.term_tree.currentItemChanged.connect(lambda *_: self._show_term())
        splitter.addWidget(self.term_tree)

        editor = QWidget()
        form = QFormLayout(editor)
        self.vocabulary_label = plain_label()
        self.label_edit = QLineEdit()
        self.identifier_edit = QLineEdit()
        self.identifier_edit.setPlaceholderText("e.g. MESH:D009103, NCBITaxon:1578, PubChem:5202 — or empty")
        self.synonyms_edit = QPlainTextEdit()
        self.synonyms_edit.setTabChangesFocus(True)
        self.synonyms_edit.setPlaceholderText("One per line (or separated by ';')")
        self.description_edit = QPlainTextEdit()
        self.description_edit.setTabChangesFocus(True)
        self.apply_button = QPushButton("&Apply")
        self.apply_button.setToolTip("Save the changes to this term (Enter in the label or identifier)")
        self.apply_button.clicked.connect(self.apply_term)
        self.label_edit.returnPressed.connect(self.apply_term)
        self.identifier_edit.returnPressed.connect(self.apply_term)
        for text, widget in (
            ("Vocabulary", self.vocabulary_label),
            ("&Label", self.label_edit),
            ("&Identifier", self.identifier_edit),
            ("&Synonyms", self.synonyms_edit),
            ("&Description", self.description_edit),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            form.addRow(label, widget)
        form.addRow(self.apply_button)
        self.term_buttons = QHBoxLayout()
        self.add_term_button = QPushButton("&New term…")
        self.add_term_button.setToolTip("Add a term to the selected vocabulary (Ctrl+N)")
        self.merge_term_button = QPushButton("&Merge into…")
        self.merge_term_button.setToolTip("Fold this term into another; its claims take the other term (Ctrl+M)")
        self.retire_term_button = QPushButton("&Retire")
        self.retire_term_button.setToolTip("Take this term out of its vocabulary; claims keep it as text (Delete)")
        self.add_term_button.clicked.connect(self.add_term)
        self.merge_term_button.clicked.connect(self.merge_term)
        self.retire_term_button.clicked.connect(self.retire_term)
        for b in (self.add_term_button, self.merge_term_button, self.retire_term_button):
            self.term_buttons.addWidget(b)
        form.addRow(self.term_buttons)
        splitter.addWidget(editor)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        outer.addWidget(splitter, 1)
        return tab

    def _choices_tab(self) -> QWidget:
        tab = QWidget()
        outer = QVBoxLayout(tab)
        self.choice_tree = QTreeWidget()
        self.choice_tree.setHeaderLabels(["Choice", "Key", "Claims", "State"])
        self.choice_tree.setColumnWidth(0, 300)
        self.choice_tree.setColumnWidth(1, 170)
        self.choice_tree.currentItemChanged.connect(lambda *_: self._update_choice_buttons())
        outer.addWidget(self.choice_tree, 1)
        row = QHBoxLayout()
        self.add_choice_button = QPushButton("&Add choice…")
        self.rename_choice_button = QPushButton("Re&name…")
        self.merge_choice_button = QPushButton("&Merge into…")
        self.retire_choice_button = QPushButton("&Retire")
        self.add_choice_button.setToolTip("Add a choice to the selected field (Ctrl+N)")
        self.rename_choice_button.setToolTip("Change the label; claims keep their value (F2)")
        self.merge_choice_button.setToolTip("Claims holding this choice take another; this one is retired (Ctrl+M)")
        self.retire_choice_button.setToolTip("Stop offering this choice; claims holding it keep it (Delete)")
        self.add_choice_button.clicked.connect(self.add_choice)
        self.rename_choice_button.clicked.connect(self.rename_choice)
        self.merge_choice_button.clicked.connect(self.merge_choice)
        self.retire_choice_button.clicked.connect(self.toggle_choice)
        for b in (
            self.add_choice_button,
            self.rename_choice_button,
            self.merge_choice_button,
            self.retire_choice_button,
        ):
            row.addWidget(b)
        row.addStretch(1)
        outer.addLayout(row)
        return tab

    # -- refresh ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read terms and choices (after an edit here, or an undo in the window)."""
        self._fill_terms()
        self._fill_choices()

    def _fill_terms(self) -> None:
        selected = self.current_term_id()
        current_vocabulary = self._current_vocabulary()
        expanded = {
            self.term_tree.topLevelItem(i).data(0, ID_ROLE)
            for i in range(self.term_tree.topLevelItemCount())
            if self.term_tree.topLevelItem(i).isExpanded()
        }
        terms = self.session.terms.all()
        usage = self.session.terms.usage_counts()
        self.terms = {t.id: t for t in terms}
        self.term_tree.blockSignals(True)
        self.term_tree.clear()
        keep: QTreeWidgetItem | None = None
        for key, name in self.session.codebook_editor.vocabularies():
            members = sorted((t for t in terms if t.vocabulary_key == key), key=lambda t: t.label.casefold())
            top = QTreeWidgetItem([f"{name} ({len(members)})", "", ""])
            top.setData(0, ID_ROLE, key)
            self.term_tree.addTopLevelItem(top)
            for t in members:
                item = QTreeWidgetItem([t.label, t.identifier, str(usage.get(t.id, 0))])
                item.setData(0, ID_ROLE, t.id)
                item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                top.addChild(item)
                if t.id == selected:
                    keep = item
            top.setExpanded(key in expanded or (keep is not None and keep.parent() is top))
            if keep is None and key == current_vocabulary:
                keep = top
        self.term_tree.blockSignals(False)
        self._apply_filter()
        if keep is not None:
            self.term_tree.setCurrentItem(keep)
        self._show_term()

    def _apply_filter(self) -> None:
        needle = self.filter.text().strip().casefold()
        for i in range(self.term_tree.topLevelItemCount()):
            top = self.term_tree.topLevelItem(i)
            shown = 0
            for j in range(top.childCount()):
                item = top.child(j)
                t = self.terms[item.data(0, ID_ROLE)]
                hay = " ".join((t.label, t.identifier, *t.synonyms)).casefold()
                item.setHidden(bool(needle) and needle not in hay)
                shown += not item.isHidden()
            top.setHidden(bool(needle) and not shown)
            if needle and shown:
                top.setExpanded(True)

    def _fill_choices(self) -> None:
        selected = self.current_choice()
        self.choice_tree.blockSignals(True)
        self.choice_tree.clear()
        keep = None
        for f in self.session.codebook_editor.choice_fields():
            usage = self.session.codebook_editor.choice_usage(f.key)
            top = QTreeWidgetItem([f.label, "", "", ""])
            top.setData(0, ID_ROLE, (f.key, ""))
            self.choice_tree.addTopLevelItem(top)
            for c in f.choices:
                state = "retired" if c.retired else ("default" if c.key == f.default else "")
                item = QTreeWidgetItem([c.label, c.key, str(usage.get(c.key, 0)), state])
                item.setData(0, ID_ROLE, (f.key, c.key))
                if c.retired:
                    item.setToolTip(0, "Retired: not offered for new claims; claims holding it keep it")
                top.addChild(item)
                if selected in ((f.key, c.key), (f.key, "")):
                    keep = item if selected[1] else top
            top.setExpanded(True)
        self.choice_tree.blockSignals(False)
        if keep is None and self.choice_tree.topLevelItemCount():
            keep = self.choice_tree.topLevelItem(0)  # something selected, so the keys act at once
        if keep is not None:
            self.choice_tree.setCurrentItem(keep)
        self._update_choice_buttons()

    # -- selection ----------------------------------------------------------------------------
    def current_term_id(self) -> int | None:
        item = self.term_tree.currentItem()
        value = item.data(0, ID_ROLE) if item is not None else None
        return value if isinstance(value, int) else None

    def _current_vocabulary(self) -> str | None:
        item = self.term_tree.currentItem()
        if item is None:
            return None
        term_id = self.current_term_id()
        return self.terms[term_id].vocabulary_key if term_id is not None else item.data(0, ID_ROLE)

    def current_choice(self) -> tuple[str, str] | None:
        """(field key, choice key); the choice key is "" when a field itself is selected."""
        item = self.choice_tree.currentItem()
        return tuple(item.data(0, ID_ROLE)) if item is not None else None

    def _show_term(self) -> None:
        t = self.terms.get(self.current_term_id() or -1)
        self.vocabulary_label.setText(t.vocabulary_name if t else "")
        self.label_edit.setText(t.label if t else "")
        self.identifier_edit.setText(t.identifier if t else "")
        self.synonyms_edit.setPlainText("\n".join(t.synonyms) if t else "")
        self.description_edit.setPlainText(t.description if t else "")
        for w in (
            self.label_edit,
            self.identifier_edit,
            self.synonyms_edit,
            self.description_edit,
            self.apply_button,
            self.merge_term_button,
            self.retire_term_button,
        ):
            w.setEnabled(t is not None)

    def _update_choice_buttons(self) -> None:
        current = self.current_choice()
        on_choice = bool(current and current[1])
        for b in (self.rename_choice_button, self.merge_choice_button, self.retire_choice_button):
            b.setEnabled(on_choice)
        self.add_choice_button.setEnabled(current is not None)
        retired = on_choice and self._choice(*current).retired
        self.retire_choice_button.setText("&Restore" if retired else "&Retire")

    def _choice(self, field_key: str, key: str):
        f = self.session.codebook.field(field_key)
        return next(c for c in f.choices if c.key == key)

    # -- running ------------------------------------------------------------------------------
    def _do(self, command: Command) -> bool:
        ok = self.run(command)
        self.refresh()
        return ok

    def _error(self, message: str) -> None:
        self.interaction.show_error(self, message, "Codebook")

    def _add(self) -> None:
        (self.add_term if self.tabs.currentIndex() == 0 else self.add_choice)()

    def _rename(self) -> None:
        if self.tabs.currentIndex() == 0:
            self.label_edit.setFocus()
            self.label_edit.selectAll()
        else:
            self.rename_choice()

    def _retire(self) -> None:
        if self.tabs.currentIndex() == 0:
            if self.term_tree.hasFocus():  # Delete inside a text field deletes text
                self.retire_term()
        else:
            self.toggle_choice()

    def _merge(self) -> None:
        (self.merge_term if self.tabs.currentIndex() == 0 else self.merge_choice)()

    # -- terms --------------------------------------------------------------------------------
    def add_term(self) -> None:
        vocabularies = self.session.codebook_editor.vocabularies()
        key = self._current_vocabulary()
        if key is None:
            picked = self.ask.item(self, "Add term", "Vocabulary:", [name for _, name in vocabularies])
            if picked is None:
                return
            key = vocabularies[picked][0]
        name = dict(vocabularies)[key]
        label = self.ask.text(self, "Add term", f"Label of the new term in {name}:")
        if not label or not label.strip():
            return
        command = AddTerm(self.session, key, label)
        if self._do(command):
            self._select_term(command.term_id)
            self.identifier_edit.setFocus()

    def _select_term(self, term_id: int | None) -> None:
        for i in range(self.term_tree.topLevelItemCount()):
            top = self.term_tree.topLevelItem(i)
            for j in range(top.childCount()):
                if top.child(j).data(0, ID_ROLE) == term_id:
                    top.setExpanded(True)
                    self.term_tree.setCurrentItem(top.child(j))
                    return

    def apply_term(self) -> None:
        t = self.terms.get(self.current_term_id() or -1)
        if t is None:
            return
        synonyms = split_synonyms(self.synonyms_edit.toPlainText())
        new = (self.label_edit.text(), self.identifier_edit.text(), synonyms, self.description_edit.toPlainText())
        if (new[0].strip(), new[1].strip(), new[2], new[3].strip()) == (
            t.label,
            t.identifier,
            t.synonyms,
            t.description,
        ):
            return  # nothing to change: no empty step on the undo stack
        self._do(EditTerm(self.session, t.id, *new))

    def merge_term(self) -> None:
        t = self.terms.get(self.current_term_id() or -1)
        if t is None:
            return
        # same vocabulary first: that is where duplicates usually are
        others = sorted(
            (o for o in self.terms.values() if o.id != t.id),
            key=lambda o: (o.vocabulary_key != t.vocabulary_key, o.vocabulary_name, o.label.casefold()),
        )
        picked = self.ask.item(
            self, "Merge term", f"Merge “{t.label}” into:", [f"{o.label} — {o.vocabulary_name}" for o in others]
        )
        if picked is not None:
            target = others[picked]
            self._do(MergeTerms(self.session, t.id, target.id, f"Merge “{t.label}” into “{target.label}”"))
            self._select_term(target.id)

    def retire_term(self) -> None:
        t = self.terms.get(self.current_term_id() or -1)
        if t is not None:
            self._do(RetireTerm(self.session, t.id, f"Retire term “{t.label}”"))

    # -- choices ------------------------------------------------------------------------------
    def add_choice(self) -> None:
        current = self.current_choice()
        if current is None:
            return
        f = self.session.codebook.field(current[0])
        label = self.ask.text(self, "Add choice", f"Label of the new choice for {f.label}:")
        if label and label.strip():
            command = AddChoice(self.session, f.key, label)
            if self._do(command):
                self._select_choice(f.key, command.key or "")

    def _select_choice(self, field_key: str, key: str) -> None:
        for i in range(self.choice_tree.topLevelItemCount()):
            top = self.choice_tree.topLevelItem(i)
            for j in range(top.childCount()):
                if tuple(top.child(j).data(0, ID_ROLE)) == (field_key, key):
                    self.choice_tree.setCurrentItem(top.child(j))
                    return

    def rename_choice(self) -> None:
        current = self.current_choice()
        if not current or not current[1]:
            return
        label = self.ask.text(self, "Rename choice", "New label:", self._choice(*current).label)
        if label and label.strip():
            self._do(RenameChoice(self.session, *current, label))

    def toggle_choice(self) -> None:
        current = self.current_choice()
        if current and current[1]:
            self._do(RetireChoice(self.session, *current, retired=not self._choice(*current).retired))

    def merge_choice(self) -> None:
        current = self.current_choice()
        if not current or not current[1]:
            return
        f = self.session.codebook.field(current[0])
        targets = [c for c in f.active_choices if c.key != current[1]]
        source = self._choice(*current)
        picked = self.ask.item(
            self, "Merge choice", f"Claims holding “{source.label}” take:", [c.label for c in targets]
        )
        if picked is not None:
            self._do(MergeChoices(self.session, f.key, source.key, targets[picked].key))

    # -- export -------------------------------------------------------------------------------
    def export_toml(self) -> None:
        suggested = str(Path.home() / "codebook.toml")
        path = self.interaction.ask_save_path(self, "Export the codebook as TOML", suggested, "TOML (*.toml)")
        if not path:
            return
        try:
            report = export_codebook(self.session, Path(path))
        except Exception as exc:  # noqa: BLE001 - shown in words, never a traceback
            self._error(user_message(exc))
            return
        self.interaction.show_info(
            self,
            "Codebook exported",
            f"Wrote {report.fields} fields and {report.terms} terms in {report.vocabularies} vocabularies "
            f"to {report.path}.",
        )


def open_codebook_editor(parent: QWidget, session, run: Callable[[Command], bool], **kwargs) -> CodebookDialog:
    """Show the window's codebook dialog, creating it the first time; refresh and raise it."""
    dialog = getattr(parent, "_codebook_dialog", None)
    if dialog is None or dialog.session is not session:
        dialog = CodebookDialog(session, run, parent, **kwargs)
        parent._codebook_dialog = dialog
    else:
        dialog.refresh()
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
