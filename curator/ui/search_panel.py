"""Edit → Search all documents… (Ctrl+Shift+F): results with snippets; Enter jumps to the passage.

The search runs in a worker thread with its own database connection, so the window never waits on
it; Esc (or a new search) cancels the running one — SQLite's and PostgreSQL's own interrupts stop the
statement in the database, not just the waiting. The panel knows nothing of the window: it is given
the session, what to do with a chosen hit, and where errors go.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from curator.core.errors import user_message
from curator.core.search import MAX_TERMS, SearchHit, dropped_words
from curator.core.session import Session
from curator.ui.plain import plain_label, tooltip


def _shorten(title: str, width: int) -> str:
    """A title cut between words, with an ellipsis, when it is too long for one line."""
    if len(title) <= width:
        return title
    cut = title[: width - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return f"{cut}…"


class SearchWorker(QThread):
    """One search on this thread's own connection (peewee keeps one per thread)."""

    done = Signal(int, object)  # generation, list[SearchHit] or an error message (str)

    def __init__(self, session: Session, query: str, generation: int, parent=None):
        super().__init__(parent)
        self.session, self.query, self.generation = session, query, generation
        self.connection = None
        self.cancelled = False

    def run(self) -> None:
        database = self.session.database
        try:
            self.connection = database.connection()
            result: object = self.session.search.search(self.query)
        except Exception as exc:  # noqa: BLE001 - one error path: words in the panel
            result = "cancelled" if self.cancelled else user_message(exc)
        finally:
            database.close()  # this thread's connection only
        self.done.emit(self.generation, result)

    def cancel(self) -> None:
        """Stop the statement in the database: sqlite3 and psycopg2 both allow it from another thread."""
        self.cancelled = True
        connection = self.connection
        stop = getattr(connection, "interrupt", None) or getattr(connection, "cancel", None)
        if stop is not None:
            stop()


class SearchPanel(QDockWidget):
    def __init__(
        self,
        parent: QWidget,
        session: Callable[[], Session],
        open_hit: Callable[[SearchHit], None],
        show_error: Callable[[str], None],
    ):
        super().__init__("Search", parent)
        self.setObjectName("searchDock")
        self.session, self.open_hit, self.show_error = session, open_hit, show_error
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        self.query = QLineEdit()
        self.query.setPlaceholderText("Search every document and claim…")
        self.query.setClearButtonEnabled(True)
        self.query.returnPressed.connect(self.run)
        self.query.installEventFilter(self)
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
        self.worker: SearchWorker | None = None
        self.generation = 0

    def open_panel(self) -> None:
        self.show()
        self.raise_()
        self.query.setFocus()
        self.query.selectAll()

    # -- searching ----------------------------------------------------------------------------
    def run(self, blocking: bool = False) -> None:
        """Search for what is typed; `blocking` runs it here and now (scripts, screenshots)."""
        self.cancel()
        self.generation += 1
        query = self.query.text()
        if not query.strip():
            self._show(self.generation, [])
            return
        if blocking:
            try:
                result: object = self.session().search.search(query)
            except Exception as exc:  # noqa: BLE001 - one error path
                result = user_message(exc)
            self._show(self.generation, result)
            return
        self.count.setText("Searching… (Esc stops)")
        self.worker = SearchWorker(self.session(), query, self.generation, self)
        self.worker.done.connect(self._show)
        self.worker.start()

    def cancel(self) -> None:
        if self.worker is not None and self.worker.isRunning():
            self.worker.cancel()
            self.generation += 1  # whatever it still sends is not shown

    def is_searching(self) -> bool:
        return self.worker is not None and self.worker.isRunning()

    def _show(self, generation: int, result: object) -> None:
        if generation != self.generation:
            if result == "cancelled":
                self.count.setText("Search stopped.")
            return
        if isinstance(result, str):
            self.count.setText("Search stopped." if result == "cancelled" else "")
            if result != "cancelled":
                self.show_error(f"The search failed: {result}")
            return
        self.hits = list(result)
        self.results.clear()
        for hit in self.hits:
            where = f"Claim {hit.claim_id}" if hit.kind == "claim" else "Text"
            item = QListWidgetItem(f"{where} · {_shorten(hit.document_title, 60)}\n{hit.snippet}")
            item.setToolTip(tooltip(hit.snippet))
            self.results.addItem(item)
        text = self.query.text()
        found = f"{len(self.hits)} result{'s' if len(self.hits) != 1 else ''}" if text.strip() else ""
        left_out = dropped_words(text)
        if left_out:
            found += f" (the first {MAX_TERMS} different words were searched; {left_out} more left out)"
        self.count.setText(found)
        if self.hits:
            self.results.setCurrentRow(0)
            self.results.setFocus()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        escape = event.type() == event.Type.KeyPress and event.key() == Qt.Key.Key_Escape
        if watched is self.query and escape and self.is_searching():
            self.cancel()
            return True
        return super().eventFilter(watched, event)

    def _open(self, item: QListWidgetItem) -> None:
        self.open_hit(self.hits[self.results.row(item)])

    def shutdown(self) -> None:
        """The window is closing: stop a running search and wait for its thread to end."""
        self.cancel()
        if self.worker is not None:
            self.worker.wait(5000)
