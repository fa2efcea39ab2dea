"""Type-ahead picker for the terms of one role: several terms, matched by label, synonym or id.

Suggestions are ranked by curator.core.term_match (exact, prefix, word prefix, substring; used
terms first), not filtered alphabetically by Qt; the best one is highlighted, so Enter takes it.
Text typed and not turned into a term is "pending": the form never lets it vanish silently.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QCompleter,
    QLineEdit,
    QListView,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from curator.core.records import TermInfo, TermRef
from curator.core.term_match import TermIndex, TermMatch
from curator.ui.plain import tooltip

REF_ROLE = Qt.ItemDataRole.UserRole
MAX_VISIBLE_CHIPS = 4
MAX_SUGGESTIONS = 30


def completion_text(term: TermInfo, synonym: str = "") -> str:
    ident = f"  ·  {term.identifier}" if term.identifier else ""
    via = f"{synonym} → " if synonym and synonym != term.identifier else ""
    return f"{via}{term.label}{ident}  ·  {term.vocabulary_name}"


class TermPicker(QWidget):
    changed = Signal()
    newTermRequested = Signal(str, str)  # role, typed text

    def __init__(self, role: str, role_label: str, parent=None):
        super().__init__(parent)
        self.role = role
        self.role_label = role_label
        self.index = TermIndex(())
        self.used: frozenset[int] = frozenset()
        self._shown: dict[str, TermInfo] = {}  # suggestion text -> term, for what the popup shows now
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(f"Type to add {role_label.lower()}…")
        self.edit.setClearButtonEnabled(True)
        self.completions = QStringListModel(self)
        self.completer = QCompleter(self.completions, self)
        # Ranked here, not re-filtered or re-sorted by Qt; attached with setWidget (not the line
        # edit's setCompleter) so the chosen text is never written into the field.
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(12)
        self.completer.setWrapAround(False)  # Up on the first suggestion stays there; Enter still takes it
        self.completer.setWidget(self.edit)
        self.completer.activated[str].connect(self._on_completion)
        self.edit.textEdited.connect(self._suggest)
        self.edit.returnPressed.connect(self._on_return)
        self.edit.installEventFilter(self)
        self.completer.popup().installEventFilter(self)
        self.edit.textChanged.connect(lambda _: self.changed.emit())
        self.chips = QListWidget()
        self.chips.setFlow(QListView.Flow.TopToBottom)
        self.chips.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.chips.setToolTip("Double-click or press Delete to remove a term")
        self.chips.itemDoubleClicked.connect(self._remove_item)
        self.chips.hide()
        layout.addWidget(self.edit)
        layout.addWidget(self.chips)

    def set_terms(self, terms: list[TermInfo], used: frozenset[int] = frozenset()) -> None:
        """The vocabulary this picker offers, and which of its terms the project already uses."""
        self.index = TermIndex(terms)
        self.used = frozenset(used)

    # -- chips --------------------------------------------------------------------------------
    def refs(self) -> tuple[TermRef, ...]:
        return tuple(self.chips.item(i).data(REF_ROLE) for i in range(self.chips.count()))

    def set_refs(self, refs: tuple[TermRef, ...]) -> None:
        """Show these terms; text typed for another claim does not carry over."""
        self.chips.clear()
        for ref in refs:
            self._add_chip(ref)
        self.clear_pending()
        self._update_visibility()

    def add_term(self, term: TermInfo) -> None:
        if any(r.term_id == term.id for r in self.refs()):
            return
        self._add_chip(TermRef(self.role, term.label, term.identifier, term.id))
        self._update_visibility()
        self.changed.emit()

    def _add_chip(self, ref: TermRef) -> None:
        # the ✕ first: a long label is cut at the right edge, never the way to remove it
        text = f"✕  {ref.label}" if ref.term_id is not None else f"✕  {ref.label} (not in vocabulary)"
        item = QListWidgetItem(text)
        item.setData(REF_ROLE, ref)
        item.setToolTip(tooltip(ref.identifier or "no identifier"))
        self.chips.addItem(item)

    def _remove_item(self, item: QListWidgetItem) -> None:
        self.chips.takeItem(self.chips.row(item))
        if self.chips.count() == 0 and self.chips.hasFocus():
            self.edit.setFocus(Qt.FocusReason.OtherFocusReason)  # not on to the next role's field
        self._update_visibility()
        self.changed.emit()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        # Tab with a suggestion highlighted takes it (as Enter does), then moves on as Tab does.
        if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Tab:
            popup = self.completer.popup()
            if popup.isVisible() and popup.currentIndex().isValid() and self.pending_text():
                self._on_completion(popup.currentIndex().data())
                popup.hide()
                self.edit.focusNextChild()
                return True
        return super().eventFilter(watched, event)

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

    # -- typing -------------------------------------------------------------------------------
    def pending_text(self) -> str:
        """Text typed into the field and not (yet) turned into a term."""
        return self.edit.text().strip()

    def clear_pending(self) -> None:
        self.completer.popup().hide()
        self.edit.setText("")  # setText, unlike clear(), leaves nothing for the field's own undo

    def suggestions(self, text: str | None = None) -> list[TermMatch]:
        return self.index.rank(self.edit.text() if text is None else text, self.used, MAX_SUGGESTIONS)

    def resolve_pending(self) -> bool:
        """Turn pending text into the one term it names; False if it names none or several."""
        text = self.pending_text()
        term = self.index.resolve(text) if text else None
        if term is None:
            return not text
        self.add_term(term)
        self.clear_pending()
        return True

    def _suggest(self, text: str) -> None:
        matches = self.suggestions(text)
        self._shown = {completion_text(m.term, m.via): m.term for m in matches}
        self.completions.setStringList(list(self._shown))
        popup = self.completer.popup()
        if not matches:
            popup.hide()
            return
        self.completer.complete(self._popup_rect(popup))
        popup.setCurrentIndex(self.completions.index(0, 0))

    def _popup_rect(self, popup):
        """As wide as the longest suggestion (label, identifier and vocabulary), within the screen."""
        metrics = popup.fontMetrics()
        widest = max(metrics.horizontalAdvance(t) for t in self._shown) + 40
        screen = (self.screen() or QApplication.primaryScreen()).availableGeometry()
        width = min(max(widest, self.edit.width()), screen.width() - 40)
        rect = self.edit.rect()
        rect.setWidth(width)
        return rect

    def _on_completion(self, text: str) -> None:
        term = self._shown.get(text)
        if term is not None:
            self.add_term(term)
            self.clear_pending()  # the completer then passes Enter on to the field: nothing is left to resolve

    def _on_return(self) -> None:
        text = self.pending_text()
        if not text:
            return
        if self.resolve_pending():
            return
        popup = self.completer.popup()
        if popup.isVisible() and popup.currentIndex().isValid():  # Enter takes the highlighted suggestion
            self._on_completion(popup.currentIndex().data())
            popup.hide()
        elif not popup.isVisible() and self.suggestions(text):
            self._suggest(text)  # terms match: show them again rather than offer a duplicate
        elif not popup.isVisible():
            self.newTermRequested.emit(self.role, text)


__all__ = ["TermPicker", "completion_text"]
