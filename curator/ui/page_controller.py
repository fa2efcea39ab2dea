"""The Page view beside the Text view: which one shows, where it opens, and keeping it up to date.

It is given the documents service (through a getter: a restore replaces the session), the reader,
the stack the two views share and a way to speak. The reader stays the one source of the claim
loop's state: a passage dragged on a page becomes the reader's selection (so Ctrl+N, Alt+digit and
re-anchoring work unchanged), a click on a box is the reader's own claimClicked, and the claim the
editor marks as selected in the reader is marked on the pages. Claims come from the reader's
highlights, refreshed with exactly the claims a `Changes` names; a revised text reloads the pages.

F9 toggles; the position is kept: Text → Page opens at the page and line of the reader's first
visible character, Page → Text at the first character (in reading order) of those at or below the
Page view's top edge. The choice is the reviewer's, kept in the settings: a PDF opens in the view
last used for a PDF, in this session or the one before.

The find bar (Ctrl+F, F3) searches the reader's text whichever view shows; followed here, its matches
are drawn on the pages, the current one brought into view, and a fresh search in the Page view starts
at its top unless the reader's caret is on its screen.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QStackedWidget, QWidget

from curator.core.records import Changes
from curator.ui.find_bar import NO_HITS, FindBar, FindHits
from curator.ui.reader import ReaderView

TOGGLE_KEY = "F9"
SETTING = "view/pdf_pages"  # "true": a PDF opens in the Page view


def pdf_of(documents, document_id: int):
    """(pdf bytes, PageLayout) of a PDF document, or None (not a PDF; or storage without pages)."""
    layout_of = getattr(documents, "page_layout", None)
    bytes_of = getattr(documents, "pdf_bytes", None)
    if layout_of is None or bytes_of is None:
        return None
    layout = layout_of(document_id)
    data = bytes_of(document_id) if layout is not None else None
    return (data, layout) if layout is not None and data else None


class PageController(QObject):
    def __init__(
        self,
        documents: Callable[[], object],
        reader: ReaderView,
        stack: QStackedWidget,
        text_pane: QWidget,
        say: Callable[[str, int], None],
        parent: QWidget,
        settings: QSettings | None = None,
    ):
        super().__init__(parent)
        self.documents, self.reader, self.stack, self.text_pane, self.say = documents, reader, stack, text_pane, say
        self.settings = settings
        self.view = None  # the PageView, built when a PDF is first shown (keeps page_view off the start)
        self.document_id: int | None = None
        self.source = None  # (pdf bytes, layout) of the open document, if it is a PDF
        self._left_pages = None  # (source, text offset shown, page scroll) when F9 last left the pages
        self.loaded: int | None = None  # the document whose pages the view holds
        self.want_pages = settings is not None and str(settings.value(SETTING, "false")).lower() == "true"
        self.hits: FindHits = NO_HITS  # the find bar's last report
        self.action = QAction("&Page view (PDF)", parent)
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence(TOGGLE_KEY))
        self.action.setStatusTip("Show a PDF's pages, with its claims drawn on them; F9 again shows the text")
        self.action.setEnabled(False)
        self.action.triggered.connect(lambda _=False: self.toggle())
        parent.addAction(self.action)
        reader.claimSelected.connect(self._claim_selected)
        reader.selectionRangeChanged.connect(self._reader_selection)

    # -- documents ------------------------------------------------------------------------------
    def show_document(self, document_id: int | None) -> None:
        """After the editor showed a document: offer its pages if it is a PDF."""
        self.document_id = document_id
        self.source = pdf_of(self.documents(), document_id) if document_id is not None else None
        self.loaded = None
        self.action.setEnabled(self.source is not None)
        if self.view is not None:
            self.view.set_document(None)
        if self.source is not None and self.want_pages:
            self._show_pages(self.reader.first_visible_offset())
        else:
            self._show_text(None)

    def apply(self, changes: Changes) -> None:
        """Exactly what changed: a revised text reloads the pages; claims redraw their boxes."""
        if self.document_id is None:
            return
        if self.document_id in changes.texts:
            self.show_document(self.document_id)
        elif changes.claims and self.view is not None and self.loaded == self.document_id:
            changed = [h for h in map(self.reader.highlight, changes.claims) if h is not None]
            removed = {c for c in changes.claims if self.reader.highlight(c) is None}
            self.view.update_highlights(changed, removed)

    # -- switching ------------------------------------------------------------------------------
    def showing_pages(self) -> bool:
        return self.view is not None and self.stack.currentWidget() is self.view

    def toggle(self) -> None:
        if self.showing_pages():
            self._want(False)
            scroll = (self.view.horizontalScrollBar().value(), self.view.verticalScrollBar().value(), self.view.zoom)
            self._show_text(self.view.top_offset())
            # near a document's end the text cannot scroll as far as the page was: if she comes back
            # without moving in the text, she gets the page exactly as she left it
            self._left_pages = (self.source, self.reader.first_visible_offset(), scroll)
        elif self.source is None:
            self.action.setChecked(False)
            self.say("Only a PDF document has pages to show.", 4000)
        else:
            self._want(True)
            left, self._left_pages = self._left_pages, None
            here = self.reader.first_visible_offset()
            self._show_pages(here)
            if left is not None and left[0] is self.source and left[1] == here and self.view.zoom == left[2][2]:
                self.view.horizontalScrollBar().setValue(left[2][0])
                self.view.verticalScrollBar().setValue(left[2][1])

    def _want(self, pages: bool) -> None:
        self.want_pages = pages
        if self.settings is not None:
            self.settings.setValue(SETTING, "true" if pages else "false")

    def focus_target(self) -> QWidget:
        """The reading pane's widget for Ctrl+digit and F6: whichever view shows."""
        return self.view if self.showing_pages() else self.reader

    def _ensure_view(self):
        if self.view is None:
            from curator.ui.page_view import PageView  # loaded with the first PDF, not at start

            self.view = PageView()
            self.view.claimClicked.connect(self.reader.claimClicked)  # the reader's own path to the editor
            self.view.overlapClicked.connect(self.reader.overlapClicked)
            self.view.rangeSelected.connect(self._page_selection)
            self.stack.addWidget(self.view)
        return self.view

    def _load(self) -> None:
        from curator.ui.page_render import PageRenderer

        view = self._ensure_view()
        data, layout = self.source
        try:
            renderer = PageRenderer(data, view)
        except OSError as exc:  # no process could be started: the layout still shows the claims
            renderer = None
            view.set_document(layout, None)
            view.show_message(f"the renderer could not start ({exc})")
        else:
            view.set_document(layout, renderer)
        view.set_highlights(self.reader.highlights())
        view.select_claim(self.reader.selected_claim(), scroll=False)
        view.set_find_hits(self.hits.spans, self.hits.current, scroll=False)
        self.loaded = self.document_id

    def _show_pages(self, offset: int | None) -> None:
        had_focus = self.reader.hasFocus()
        fresh = self.loaded != self.document_id
        if fresh:
            self._load()
        view = self.view
        self.stack.setCurrentWidget(view)
        if fresh:
            view.resize(self.stack.size())
            view.fit_width()
        view.set_selection(self.reader.selection_range())
        if offset is not None:
            view.reveal_offset(offset, fraction=0.0)
        self.action.setChecked(True)
        if had_focus or not self.stack.window().focusWidget():
            view.setFocus(Qt.FocusReason.OtherFocusReason)

    def _show_text(self, offset: int | None) -> None:
        had_focus = self.view is not None and self.view.hasFocus()
        self.stack.setCurrentWidget(self.text_pane)
        self.action.setChecked(False)
        if offset is not None:
            self.reader.scroll_to(offset)  # lays the text out as far as needed, and puts the caret there
            bar = self.reader.verticalScrollBar()
            bar.setValue(bar.value() + self.reader.rect_for_offset(offset).top() - 4)
        if had_focus:
            self.reader.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- find ---------------------------------------------------------------------------------------
    def follow_find(self, find_bar: FindBar) -> None:
        """Draw the find bar's matches on the pages, and start a fresh search at the Page view's top."""
        find_bar.hitsChanged.connect(self._find_hits)
        find_bar.origin = self._find_origin
        self.reader.textChanged.connect(lambda: self._find_hits(NO_HITS))  # another document: old matches

    def _find_hits(self, hits: FindHits) -> None:
        self.hits = hits
        if self.view is not None and self.loaded == self.document_id:
            self.view.set_find_hits(hits.spans, hits.current, scroll=self.showing_pages())

    def _find_origin(self, caret: int) -> int:
        if not self.showing_pages() or self.view.offset_in_view(caret):
            return caret
        return self.view.top_offset()

    # -- the claim loop, through the reader -----------------------------------------------------
    def _page_selection(self, start: int, end: int) -> None:
        if start < 0:
            self.reader.clear_selection()
        else:
            self.reader.select_range(start, end)

    def _reader_selection(self, selected: bool) -> None:
        if self.showing_pages():
            self.view.set_selection(self.reader.selection_range() if selected else None)

    def _claim_selected(self, claim_id, scroll: bool) -> None:
        if self.view is not None and self.loaded == self.document_id:
            self.view.select_claim(claim_id, scroll=scroll and self.showing_pages())


__all__ = ["TOGGLE_KEY", "PageController", "pdf_of"]
