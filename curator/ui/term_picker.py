"""Type-ahead picker for the terms of one role: several terms, matched by label, synonym or id."""

from __future__ import annotations

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCompleter,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from curator.core.records import TermInfo, TermRef

REF_ROLE = Qt.ItemDataRole.UserRole
MAX_VISIBLE_CHIPS = 4


def completion_text(term: TermInfo, synonym: str = "") -> str:
    ident = f"  ·  {term.identifier}" if term.identifier else ""
    via = f"{synonym} → " if synonym else ""
    return f"{via}{term.label}{ident}  ·  {term.vocabulary_name}"


class TermPicker(QWidget):
    changed = Signal()
    newTermRequested = Signal(str, str)  # role, typed text

    def __init__(self, role: str, role_label: str, parent=None):
        super().__init__(parent)
        self.role = role
        self.role_label = role_label
        self._by_completion: dict[str, TermInfo] = {}
        self._by_key: dict[str, TermInfo] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(f"Type to add {role_label.lower()}…")
        self.edit.setClearButtonEnabled(True)
        self.completions = QStringListModel(self)
        self.completer = QCompleter(self.completions, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setMaxVisibleItems(12)
        self.edit.setCompleter(self.completer)
        self.completer.activated[str].connect(self._on_completion)
        self.edit.returnPressed.connect(self._on_return)
        self.chips = QListWidget()
        self.chips.setFlow(QListView.Flow.TopToBottom)
        self.chips.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.chips.setToolTip("Double-click or press Delete to remove a term")
        self.chips.itemDoubleClicked.connect(self._remove_item)
        self.chips.hide()
        layout.addWidget(self.edit)
        layout.addWidget(self.chips)

    def set_terms(self, terms: list[TermInfo]) -> None:
        """The vocabulary this picker offers."""
        self._by_completion.clear()
        self._by_key.clear()
        for term in terms:
            self._by_completion[completion_text(term)] = term
            self._by_key.setdefault(term.label.casefold(), term)
            if term.identifier:
                self._by_key.setdefault(term.identifier.casefold(), term)
            for synonym in term.synonyms:
                self._by_completion[completion_text(term, synonym)] = term
                self._by_key.setdefault(synonym.casefold(), term)
        self.completions.setStringList(sorted(self._by_completion, key=str.casefold))

    def refs(self) -> tuple[TermRef, ...]:
        return tuple(self.chips.item(i).data(REF_ROLE) for i in range(self.chips.count()))

    def set_refs(self, refs: tuple[TermRef, ...]) -> None:
        self.chips.clear()
        for ref in refs:
            self._add_chip(ref)
        self._update_visibility()

    def add_term(self, term: TermInfo) -> None:
        if any(r.term_id == term.id for r in self.refs()):
            return
        self._add_chip(TermRef(self.role, term.label, term.identifier, term.id))
        self._update_visibility()
        self.changed.emit()

    def _add_chip(self, ref: TermRef) -> None:
        text = f"{ref.label}  ✕" if ref.term_id is not None else f"{ref.label} (not in vocabulary)  ✕"
        item = QListWidgetItem(text)
        item.setData(REF_ROLE, ref)
        item.setToolTip(ref.identifier or "no identifier")
        self.chips.addItem(item)

    def _remove_item(self, item: QListWidgetItem) -> None:
        self.chips.takeItem(self.chips.row(item))
        self._update_visibility()
        self.changed.emit()

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if (
            event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
            and self.chips.hasFocus()
            and self.chips.currentItem()
        ):
            self._remove_item(self.chips.currentItem())
            return
        super().keyPressEvent(event)

    def _update_visibility(self) -> None:
        count = self.chips.count()
        self.chips.setVisible(count > 0)
        if count:
            # as tall as its terms, up to four; more scroll
            row = self.chips.sizeHintForRow(0)
            self.chips.setFixedHeight(row * min(count, MAX_VISIBLE_CHIPS) + 2 * self.chips.frameWidth() + 2)

    def _on_completion(self, text: str) -> None:
        term = self._by_completion.get(text)
        if term is not None:
            self.add_term(term)
            QTimer.singleShot(0, self.edit.clear)  # the completer writes its text after this signal

    def _on_return(self) -> None:
        text = self.edit.text().strip()
        if not text:
            return
        term = self._by_completion.get(text) or self._by_key.get(text.casefold())
        if term is None:
            matches = [t for c, t in self._by_completion.items() if text.casefold() in c.casefold()]
            unique = {t.id: t for t in matches}
            term = next(iter(unique.values())) if len(unique) == 1 else None
        if term is not None:
            self.add_term(term)
            self.edit.clear()
        elif not self.completer.popup().isVisible():
            self.newTermRequested.emit(self.role, text)


__all__ = ["TermPicker"]
