"""Edit → Search all documents… (Ctrl+Shift+F): results with snippets; Enter jumps to the passage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from curator.core.errors import user_message
from curator.ui.plain import plain_label, tooltip

if TYPE_CHECKING:
    from curator.core.search import SearchHit
    from curator.ui.main_window import MainWindow


def _shorten(title: str, width: int) -> str:
    """A title cut between words, with an ellipsis, when it is too long for one line."""
    if len(title) <= width:
        return title
    cut = title[: width - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return f"{cut}…"


class SearchPanel(QDockWidget):
    def __init__(self, window: MainWindow):
        super().__init__("Search", window)
        self.setObjectName("searchDock")
        self.window_ = window
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        self.query = QLineEdit()
        self.query.setPlaceholderText("Search every document and claim…")
        self.query.setClearButtonEnabled(True)
        self.query.returnPressed.connect(self.run)
        self.count = plain_label()
        self.results = QListWidget()
        self.results.setWordWrap(True)
        self.results.setAlternatingRowColors(True)
        self.results.itemActivated.connect(self._open)
        layout.addWidget(self.query)
        layout.addWidget(self.count)
        layout.addWidget(self.results, 1)
        self.setWidget(body)
        self.hits: list[SearchHit] = []

    def open_panel(self) -> None:
        self.show()
        self.raise_()
        self.query.setFocus()
        self.query.selectAll()

    def run(self) -> None:
        try:
            self.hits = self.window_.session.search.search(self.query.text())
        except Exception as exc:  # noqa: BLE001 - one error path
            self.window_.show_error(f"The search failed: {user_message(exc)}")
            return
        self.results.clear()
        for hit in self.hits:
            where = f"Claim {hit.claim_id}" if hit.kind == "claim" else "Text"
            item = QListWidgetItem(f"{where} · {_shorten(hit.document_title, 60)}\n{hit.snippet}")
            item.setToolTip(tooltip(hit.snippet))
            self.results.addItem(item)
        self.count.setText(f"{len(self.hits)} result(s)" if self.query.text().strip() else "")
        if self.hits:
            self.results.setCurrentRow(0)
            self.results.setFocus()

    def _open(self, item: QListWidgetItem) -> None:
        hit = self.hits[self.results.row(item)]
        w = self.window_
        if not w.open_document(hit.document_id):
            return
        if hit.claim_id is not None and w.claims.row_of(hit.claim_id) >= 0:
            w.select_claim(hit.claim_id)
        elif hit.end > hit.start:
            w.reader.select_range(hit.start, hit.end)
            w.reader.scroll_to(hit.start)
            w.reader.select_range(hit.start, hit.end)
        w.reader.setFocus(Qt.FocusReason.OtherFocusReason)
