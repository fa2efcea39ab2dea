"""The document list: one line per document (title, reading mark, claim count), sized without asking
the model for every row."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from curator.ui.models import DocumentListModel


def document_table(documents: DocumentListModel) -> QTableView:
    """One line per document, its title elided (the tooltip has it whole), every row the same height.

    Sizing rows or the count column to their contents made the view ask the model for every row at
    start (216,840 `data()` calls for 1,000 documents); fixed sizes ask only for the rows painted.
    """
    view = QTableView()
    view.setObjectName("documents")
    view.setModel(documents)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().hide()
    view.setTabKeyNavigation(False)  # Tab leaves the list (arrows move within it)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    rows = view.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setMinimumSectionSize(1)
    rows.setDefaultSectionSize(view.fontMetrics().height() + 4)  # what sizing to contents gave one line
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
    documents.modelReset.connect(lambda: fit_document_columns(view, documents))
    documents.dataChanged.connect(lambda *_: fit_document_columns(view, documents))
    fit_document_columns(view, documents)
    view.setMinimumWidth(120)
    return view


def fit_document_columns(view: QTableView, documents: DocumentListModel) -> None:
    """The mark and count columns as wide as their header or their widest value, measured from the
    plain rows (the largest count), not by asking the view to size every row."""
    metrics, header = view.fontMetrics(), view.horizontalHeader()
    pad = metrics.horizontalAdvance("0") * 2  # the header's margins (asking the style builds QStyle's types)
    most = max((d.claim_count for d in documents.rows), default=0)
    for column, widest in ((1, "●"), (2, f"{most}")):
        title = documents.HEADERS[column]
        width = max(metrics.horizontalAdvance(title), metrics.horizontalAdvance(widest)) + pad
        if header.sectionSize(column) != width:
            header.resizeSection(column, width)
