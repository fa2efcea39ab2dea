"""Painting the Page view (curator/ui/page_view.py): a page's picture (or a white sheet until it comes),
its claims multiplied on like a highlighter in their type's tint, the find bar's matches, the selection,
and a message over the view when the PDF cannot be drawn. What was painted where is kept on the view
(painted, painted_pages, painted_hits) for clicks and tests."""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen

from curator.ui import claim_colours
from curator.ui.page_boxes import selection_boxes

if TYPE_CHECKING:
    from curator.ui.page_view import PageView

SELECTION_TINT = "#A8C8F0"
FIND_TINT = "#FFE9A8"  # every match of the find bar
FIND_CURRENT_TINT = "#FF9632"  # the current match: the reader's find colour


def paint_page(view: PageView, painter: QPainter, page: int, rect: QRectF) -> None:
    view.painted_pages.append(page)
    found = view.renderer.image(page) if view.renderer is not None else None
    if found is not None:
        scale, image = found
        if abs(scale - view.render_scale()) > 1e-6:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawImage(rect, image)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
    else:
        painter.fillRect(rect, QColor("#FFFFFF"))
        error = view.renderer.page_errors.get(page) if view.renderer is not None else None
        painter.setPen(QColor("#8A8A8A"))
        words = f"Page {page + 1} cannot be drawn: {error}" if error else f"Page {page + 1}"
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, words)
    _paint_claims(view, painter, page)
    _paint_find_hits(view, painter, page)
    if view.selection is not None and view.selection != view.find_current:  # a found match is the selection
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
        for box in selection_boxes(view.layout_, view.claims.ranges[page], page, *view.selection):
            painter.fillRect(view.box_rect(page, box), QColor(SELECTION_TINT))
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
    painter.setPen(QPen(QColor(0, 0, 0, 60), 1))
    painter.drawRect(rect.adjusted(-0.5, -0.5, 0.5, 0.5))


def _paint_claims(view: PageView, painter: QPainter, page: int) -> None:
    if view.claims is None:
        return
    boxes = view.claims.on_page(page)
    if not boxes:
        return
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
    brushes: dict[int, object] = {}
    chosen = []
    for claim in boxes:
        rect = view.box_rect(page, claim.box).adjusted(-1, -1, 1, 1)
        view.painted.append((claim.claim_id, rect))
        if claim.claim_id == view.selected:
            chosen.append((claim, rect))
            continue
        brush = brushes.get(claim.type_index)
        if brush is None:
            brush = brushes[claim.type_index] = claim_colours.fill_brush(claim.type_index, False)
        painter.fillRect(rect, brush)
    for claim, rect in chosen:  # the selected claim: a deeper tint, then an outline in its hue
        painter.fillRect(rect, QColor(claim_colours.mix(claim_colours.hue(claim.type_index), "#FFFFFF", 0.75)))
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
    for claim, rect in chosen:
        painter.setPen(QPen(QColor(claim_colours.hue(claim.type_index)), 2))
        painter.drawRect(rect)


def _paint_find_hits(view: PageView, painter: QPainter, page: int) -> None:
    if not view.find_spans or view.claims is None:
        return
    lo, hi = view.claims.ranges[page]
    first = max(0, bisect.bisect_left(view.find_spans, (lo, -1)) - 1)  # one may begin on the page before
    last = bisect.bisect_left(view.find_spans, (hi, -1))
    spans, current = list(view.find_spans[first:last]), []
    if view.find_current is not None and view.find_current not in spans:  # past the counted ones
        spans.append(view.find_current)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
    for span in spans:
        for box in selection_boxes(view.layout_, view.claims.ranges[page], page, *span):
            rect = view.box_rect(page, box).adjusted(-1, -1, 1, 1)
            view.painted_hits.append((span, rect))
            if span == view.find_current:
                current.append(rect)
            else:
                painter.fillRect(rect, QColor(FIND_TINT))
    for rect in current:
        painter.fillRect(rect, QColor(FIND_CURRENT_TINT))
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
    painter.setPen(QPen(QColor("#C05A00"), 2))
    for rect in current:
        painter.drawRect(rect)


def paint_message(view: PageView, painter: QPainter) -> None:
    area = QRectF(view.viewport().rect())
    box = QRectF(area.left() + 40, area.top() + 40, max(200.0, area.width() - 80), 90)
    painter.fillRect(box, QColor("#FFF3C4"))
    painter.setPen(QColor("#5A4A00"))
    painter.drawRect(box)
    painter.setPen(QColor("#1A1A1A"))
    flags = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
    painter.drawText(box.adjusted(12, 8, -12, -8), flags, view.message)
