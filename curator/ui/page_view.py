"""The Page view: a PDF document's pages as the PDF draws them, with its claims over their glyphs.

Pages stand one under the other with gaps; a page not rendered yet is a white sheet of its true size
(PageLayout knows every page's size), so the scroll bar is right from the start and nothing jumps
when pictures arrive. Pictures come from a PageRenderer (a child process; see page_render) for the
pages on screen and the next one. A zoom scales the pictures at hand at once and asks for sharp ones
after a short pause, so holding Ctrl+= or turning the wheel does not queue a render per step.

Claims are drawn the way a highlighter pen marks paper: each box is *multiplied* onto the page in
its claim type's tint (claim_colours), so white turns the tint and the black glyphs stay black;
the selected claim in a deeper tint with an outline in its full hue. Dragging selects text: the
ends are mapped to canonical offsets (PageLayout), drawn as a selection, and reported with
`rangeSelected`; a click on a box reports `claimClicked` (or `overlapClicked`), as the reader does.
A drag that nears the top or bottom edge keeps scrolling while the button is held. The find bar's
matches are marked like the reader's find mark: every one in a light amber, the current one deeper
and outlined.
"""

from __future__ import annotations

import bisect

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QPainter
from PySide6.QtWidgets import QAbstractScrollArea

from curator.core.pages import PageLayout
from curator.ui.page_boxes import PageClaims, first_at_or_below
from curator.ui.page_paint import paint_message, paint_page

GAP = 16  # pixels between pages and around them
POINT_PX = 96 / 72  # zoom 1.0: a point is a 96-dpi pixel's 4/3
ZOOM_RANGE = (0.25, 5.0)
ZOOM_STEP = 1.2
RENDER_PAUSE_MS = 150
EDGE_PX = 32  # a drag this near the top or bottom edge scrolls
EDGE_STEP_MS = 30
ZOOM_IN_KEYS = (QKeySequence("Ctrl+="), QKeySequence("Ctrl++"))
ZOOM_OUT_KEYS = (QKeySequence("Ctrl+-"),)
ZOOM_RESET_KEYS = (QKeySequence("Ctrl+0"),)


class PageView(QAbstractScrollArea):
    claimClicked = Signal(int)
    overlapClicked = Signal(list, QPoint)  # claim ids under the click, shortest first; where (global)
    rangeSelected = Signal(int, int)  # canonical (start, end) of a drag; (-1, -1) when cleared by a click
    zoomChanged = Signal(float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("pageView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.viewport().setMouseTracking(False)
        self.layout_: PageLayout | None = None
        self.claims: PageClaims | None = None
        self.renderer = None
        self.message = ""
        self.zoom = 1.0
        self.selected: int | None = None
        self.selection: tuple[int, int] | None = None
        self.find_spans: tuple[tuple[int, int], ...] = ()  # the find bar's matches, in document order
        self.find_current: tuple[int, int] | None = None
        self.painted_hits: list[tuple[tuple[int, int], QRectF]] = []  # what the last paint marked as matches
        self.painted: list[tuple[int, QRectF]] = []  # what the last paint drew: (claim id, rectangle)
        self.painted_pages: list[int] = []
        self._tops: list[float] = []
        self._content_width = 0.0
        self._press: QPoint | None = None
        self._anchor: int | None = None
        self._dragging = False
        self._drag_at = QPointF()
        self._edge_timer = QTimer(self)  # scrolls while a drag is held near an edge
        self._edge_timer.setInterval(EDGE_STEP_MS)
        self._edge_timer.timeout.connect(self._edge_step)
        self._render_timer = QTimer(self)
        self._render_timer.setSingleShot(True)
        self._render_timer.setInterval(RENDER_PAUSE_MS)
        self._render_timer.timeout.connect(self.request_pages)
        self.verticalScrollBar().valueChanged.connect(lambda _: self.request_pages())
        self.horizontalScrollBar().valueChanged.connect(lambda _: self.viewport().update())

    # -- the document ---------------------------------------------------------------------------
    def set_document(self, layout: PageLayout | None, renderer=None) -> None:
        if self.renderer is not None and self.renderer is not renderer:
            self.renderer.stop()
        self.layout_, self.renderer, self.message = layout, renderer, ""
        self.claims = PageClaims(layout) if layout is not None else None
        self.selected, self.selection = None, None
        self.find_spans, self.find_current = (), None
        if renderer is not None:
            renderer.pageReady.connect(self._page_ready)
            renderer.failed.connect(self.show_message)
        self._relayout()
        self.verticalScrollBar().setValue(0)
        self.request_pages()

    def show_message(self, words: str) -> None:
        """Say in the view why pages cannot be shown (the PDF is damaged or hostile); the rest works on."""
        self.message = f"The pages cannot be shown: {words}. The Text view (F9) still shows the whole text."
        self.viewport().update()

    def set_highlights(self, highlights) -> None:
        if self.claims is not None:
            self.claims.set(highlights)
            self.viewport().update()

    def update_highlights(self, changed, removed=()) -> None:
        if self.claims is not None and self.claims.update(changed, removed):
            self.viewport().update()

    def select_claim(self, claim_id: int | None, scroll: bool = True) -> None:
        self.selected = claim_id
        if scroll and self.claims is not None and claim_id in self.claims.highlights:
            start = self.claims.highlights[claim_id][0]
            if not self.offset_in_view(start):
                self.reveal_offset(start)
        self.viewport().update()

    def set_selection(self, span: tuple[int, int] | None) -> None:
        self.selection = span if span and span[1] > span[0] else None
        self.viewport().update()

    def set_find_hits(self, spans, current: tuple[int, int] | None, scroll: bool = True) -> None:
        """Mark the find bar's matches (canonical spans, in document order); bring the current one into view."""
        self.find_spans, self.find_current = tuple(spans), current
        if scroll and current is not None and self.layout_ is not None and not self.offset_in_view(current[0]):
            self.reveal_offset(current[0])
        self.viewport().update()

    # -- geometry -------------------------------------------------------------------------------
    @property
    def px_per_pt(self) -> float:
        return self.zoom * POINT_PX

    def _relayout(self) -> None:
        sizes = self.layout_.page_sizes if self.layout_ is not None else ()
        ppp, y, tops = self.px_per_pt, float(GAP), []
        for _, height in sizes:
            tops.append(y)
            y += height * ppp + GAP
        self._tops = tops
        self._content_width = max((w for w, _ in sizes), default=0.0) * ppp + 2 * GAP
        self._update_bars(y)

    def _update_bars(self, height: float | None = None) -> None:
        if height is None:
            height = (self._tops[-1] + self.layout_.page_sizes[-1][1] * self.px_per_pt + GAP) if self._tops else 0
        view = self.viewport().size()
        bar = self.verticalScrollBar()
        bar.setRange(0, max(0, int(height) - view.height()))
        bar.setPageStep(max(1, view.height() - 48))
        bar.setSingleStep(48)
        hbar = self.horizontalScrollBar()
        hbar.setRange(0, max(0, int(self._content_width) - view.width()))
        hbar.setPageStep(max(1, view.width()))
        hbar.setSingleStep(48)

    def page_rect(self, page: int) -> QRectF:
        """Where the page stands in the viewport (pixels)."""
        width, height = self.layout_.page_sizes[page]
        ppp = self.px_per_pt
        left = max(self._content_width, self.viewport().width()) / 2 - width * ppp / 2
        return QRectF(
            left - self.horizontalScrollBar().value(),
            self._tops[page] - self.verticalScrollBar().value(),
            width * ppp,
            height * ppp,
        )

    def box_rect(self, page: int, box) -> QRectF:
        """A box in points on `page` as a viewport rectangle."""
        rect, ppp = self.page_rect(page), self.px_per_pt
        return QRectF(
            rect.left() + box[0] * ppp, rect.top() + box[1] * ppp, (box[2] - box[0]) * ppp, (box[3] - box[1]) * ppp
        )

    def visible_pages(self) -> range:
        if not self._tops:
            return range(0)
        top = self.verticalScrollBar().value()
        bottom = top + self.viewport().height()
        first = max(0, bisect.bisect_right(self._tops, top) - 1)
        last = max(first, bisect.bisect_right(self._tops, bottom) - 1)
        if self._tops[first] + self.layout_.page_sizes[first][1] * self.px_per_pt < top and first < last:
            first += 1  # the page above ends in the gap at the top
        return range(first, last + 1)

    def page_at(self, point: QPointF) -> tuple[int, float, float] | None:
        """The page under a viewport point (the nearest one in a gap) and the point on it, in points."""
        if not self._tops:
            return None
        y = point.y() + self.verticalScrollBar().value()
        page = max(0, bisect.bisect_right(self._tops, y + GAP / 2) - 1)
        rect, ppp = self.page_rect(page), self.px_per_pt
        return page, (point.x() - rect.left()) / ppp, (point.y() - rect.top()) / ppp

    def offset_at(self, point: QPointF) -> int | None:
        where = self.page_at(point)
        if where is None or self.claims is None:
            return None
        page, x, y = where
        return self.layout_.offset_at(page, x, y, within=self.claims.ranges[page])

    def top_offset(self) -> int:
        """Where the Text view should open: the first character in reading order of those whose box is
        at or below the view's top edge on the top page (a two-column page: not merely the left
        column's line at that height)."""
        if self.layout_ is None or not self._tops:
            return 0
        page = self.visible_pages()[0]
        y = max(0.0, -self.page_rect(page).top() / self.px_per_pt)
        found = first_at_or_below(self.layout_, self.claims.ranges[page], page, y)
        if found is not None:
            return found
        after = [lo for lo, hi in self.claims.ranges[page + 1 :] if lo < hi]  # below the page's last line
        return after[0] if after else self.layout_.first_on_or_after(page)

    def reveal_offset(self, offset: int, fraction: float = 1 / 3) -> None:
        """Scroll so that `offset`'s line stands `fraction` of the way down (a third: as the reader's
        scroll_to; 0: at the top, a gap above it)."""
        if self.layout_ is None or not self._tops:
            return
        page = self.layout_.page_of(offset)
        if page is None:
            return
        on_page = 0 <= offset < len(self.layout_) and self.layout_.char_pages[offset] == page
        y = self.layout_.box(offset)[1] * self.px_per_pt if on_page else 0.0
        above = self.viewport().height() * fraction if fraction else GAP
        self.verticalScrollBar().setValue(int(self._tops[page] + y - above))

    def offset_in_view(self, offset: int) -> bool:
        page = self.layout_.page_of(offset) if self.layout_ is not None else None
        if page is None or page not in self.visible_pages():
            return False
        rect = self.box_rect(page, self.layout_.box(offset))
        return rect.top() >= 0 and rect.bottom() <= self.viewport().height()

    # -- zoom -----------------------------------------------------------------------------------
    def set_zoom(self, zoom: float, anchor: QPointF | None = None) -> None:
        """Zoom keeping the point under `anchor` (default: the view's centre) where it is."""
        zoom = min(max(zoom, ZOOM_RANGE[0]), ZOOM_RANGE[1])
        if abs(zoom - self.zoom) < 1e-9 or self.layout_ is None:
            self.zoom = zoom
            return
        anchor = anchor or QPointF(self.viewport().width() / 2, self.viewport().height() / 2)
        where = self.page_at(anchor)
        self.zoom = zoom
        self._relayout()
        if where is not None:
            page, x, y = where
            ppp = self.px_per_pt
            self.verticalScrollBar().setValue(int(self._tops[page] + y * ppp - anchor.y()))
            width = self.layout_.page_sizes[page][0]
            left = max(self._content_width, self.viewport().width()) / 2 - width * ppp / 2
            self.horizontalScrollBar().setValue(int(left + x * ppp - anchor.x()))
        self.viewport().update()
        self._render_timer.start()  # sharp pictures after a pause; meanwhile the old ones, scaled
        self.zoomChanged.emit(self.zoom)

    def fit_width(self, most: float = 1.5) -> None:
        """The zoom at which the widest page fills the view's width (at most `most`), kept at the top."""
        if self.layout_ is None or not self.layout_.page_sizes:
            return
        widest = max(w for w, _ in self.layout_.page_sizes) * POINT_PX
        self.set_zoom(min(most, max(ZOOM_RANGE[0], (self.viewport().width() - 2 * GAP) / widest)), QPointF(0, 0))

    def _fit_width_here(self) -> None:
        """fit_width, keeping the page and place at the top of the view where they are."""
        top = self.top_offset()
        self.fit_width()
        if top is not None:
            self.reveal_offset(top, fraction=0.0)

    def zoom_by(self, steps: float, anchor: QPointF | None = None) -> None:
        self.set_zoom(self.zoom * ZOOM_STEP**steps, anchor)

    def event(self, event) -> bool:
        # With the focus here, Ctrl+= / Ctrl+- / Ctrl+0 zoom the pages, not the Text view's type.
        if event.type() == QEvent.Type.ShortcutOverride and self._zoom_key(event) is not None:
            event.accept()
            return True
        return super().event(event)

    def _zoom_key(self, event) -> float | None:
        pressed = QKeySequence(event.keyCombination())
        if pressed in ZOOM_IN_KEYS:
            return 1.0
        if pressed in ZOOM_OUT_KEYS:
            return -1.0
        if pressed in ZOOM_RESET_KEYS:
            return 0.0
        return None

    def keyPressEvent(self, event) -> None:  # noqa: N802
        step = self._zoom_key(event)
        if step is not None:
            # Ctrl+0: back to how the pages open (as wide as the view), not a 100 % wider than it
            self.zoom_by(step) if step else self._fit_width_here()
            return
        bar = self.verticalScrollBar()
        if event.key() == Qt.Key.Key_Home and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            bar.setValue(0)
        elif event.key() == Qt.Key.Key_End and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            bar.setValue(bar.maximum())
        elif event.key() == Qt.Key.Key_Space:
            bar.triggerAction(bar.SliderAction.SliderPageStepAdd)
        else:
            super().keyPressEvent(event)

    def wheelEvent(self, event) -> None:  # noqa: N802
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.zoom_by(event.angleDelta().y() / 120, event.position())
            event.accept()
            return
        super().wheelEvent(event)

    # -- rendering ------------------------------------------------------------------------------
    def render_scale(self) -> float:
        return self.px_per_pt * self.devicePixelRatioF()

    def request_pages(self) -> None:
        """Ask for the pages on screen and the next one, at the current zoom."""
        self.viewport().update()
        if self.renderer is None or self._render_timer.isActive():
            return
        pages = list(self.visible_pages())
        if not pages:
            return
        if pages[-1] + 1 < len(self._tops):
            pages.append(pages[-1] + 1)
        scale = self.render_scale()
        self.renderer.want([(page, scale) for page in pages])

    def _page_ready(self, page: int) -> None:
        if page in self.visible_pages():
            self.viewport().update(self.page_rect(page).toAlignedRect())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._update_bars()
        self.request_pages()

    def paintEvent(self, event) -> None:  # noqa: N802
        painter = QPainter(self.viewport())
        painter.fillRect(event.rect(), self.palette().color(self.palette().ColorRole.Mid))
        self.painted, self.painted_pages, self.painted_hits = [], [], []
        if self.layout_ is not None:
            clip = QRectF(event.rect())
            for page in self.visible_pages():
                rect = self.page_rect(page)
                if rect.intersects(clip):
                    paint_page(self, painter, page, rect)
        if self.message:
            paint_message(self, painter)
        painter.end()

    # -- the mouse ------------------------------------------------------------------------------
    def mousePressEvent(self, event) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton or self.layout_ is None:
            super().mousePressEvent(event)
            return
        self._press = event.position().toPoint()
        self._anchor = self.offset_at(event.position())
        self._dragging = False

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        if self._press is None or self._anchor is None:
            return
        if not self._dragging and (event.position().toPoint() - self._press).manhattanLength() < 4:
            return
        self._dragging = True
        self._drag_at = event.position()
        self._extend_drag()
        if self._edge_speed():  # near an edge: scroll now, and on while the button is held there
            self._edge_step()
            self._edge_timer.start()
        else:
            self._edge_timer.stop()

    def _extend_drag(self) -> None:
        here = self.offset_at(self._drag_at)
        if here is not None:
            self.set_selection((min(self._anchor, here), max(self._anchor, here)))

    def _edge_speed(self) -> int:
        """Pixels per step a drag held at `_drag_at` scrolls: more the nearer (or further past) an edge."""
        y, height = self._drag_at.y(), self.viewport().height()
        edge = min(EDGE_PX, height // 4)
        if y < edge:
            return -min(200, max(2, int(edge - y) // 2))
        if y > height - edge:
            return min(200, max(2, int(y - height + edge) // 2))
        return 0

    def _edge_step(self) -> None:
        speed = self._edge_speed() if self._dragging and self._anchor is not None else 0
        if not speed:
            self._edge_timer.stop()
            return
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + speed)
        self._extend_drag()  # the text under the held mouse has moved

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton or self._press is None:
            super().mouseReleaseEvent(event)
            return
        dragged, self._press = self._dragging, None
        self._dragging = False
        self._edge_timer.stop()
        if dragged and self.selection is not None:
            self.rangeSelected.emit(*self.selection)
            return
        if self.selection is not None:
            self.set_selection(None)
            self.rangeSelected.emit(-1, -1)
        where = self.page_at(event.position())
        if where is None or self.claims is None:
            return
        hits = self.claims.at(*where)
        if len(hits) > 1:
            self.overlapClicked.emit(hits, event.globalPosition().toPoint())
        elif hits:
            self.claimClicked.emit(hits[0])


__all__ = ["PageView"]
