"""Team → Agreement… (Ctrl+Shift+Y): how far the reviewers who extracted the same documents agree (issue 12).

A window beside the main one, as `curator agreement` prints it: the reviewers compared, units matched
and claims in no unit, span agreement per pair, and per field and term role n, percent agreement,
Cohen's κ, Krippendorff's α and mean Jaccard, for all reviewers, each pair or each document. It
compares the extractors' own claims (never an adjudicator's consensus claims) on the documents
assigned to two or more extractors (every document when nothing is assigned), or on every document
two reviewers have claims on. A coefficient that is undefined shows "—" with the reason as its
tooltip. The report is computed in a worker thread on its own connection and handed back as plain
rows; while the view is open, changes to claims or the team recompute it half a second after the
last one. The view knows nothing of the window: it is given the session getter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, QThread, QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from curator.core.errors import user_message
from curator.core.records import Changes
from curator.core.session import Session
from curator.ui.plain import plain_label, tooltip

REFRESH_MS = 500  # after the last change to claims or the team: a burst of saves recomputes once
DASH = "—"
HEADERS = ("Field", "n", "Agreement", "Cohen's κ", "Krippendorff's α", "Mean Jaccard")
HEADER_TIPS = (
    "A choice or number field, or a term role (each term present or absent is one decision)",
    "Units (matched claims) coded by two or more of the reviewers",
    "The share of agreeing pairs of values (numbers: exactly equal)",
    "Agreement beyond chance between exactly two reviewers: 1 is perfect, 0 what chance gives",
    "Agreement beyond chance for any number of reviewers, missing values allowed (interval for numbers)",
    "Term roles: the mean overlap of the two reviewers' term sets on a matched claim (shared / either)",
)
SPAN_HEADERS = ("Reviewers", "Matched", "Only the first", "Only the second", "Span F1")
NO_PAIRS_TIP = "undefined: no unit was coded by two reviewers"
JACCARD_ALL_ONLY = "Mean Jaccard is measured over all reviewers only (Scope: All reviewers), as in the workbook"
NO_TERMS_TIP = "undefined: no matched claim has terms in this role"


@dataclass(frozen=True)
class Cell:
    text: str
    tip: str = ""  # why it is "—", when it is


@dataclass(frozen=True)
class Scope:
    key: tuple  # ("all",), ("pair", a, b) or ("document", id): kept selected across recomputes
    label: str
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class Shown:
    """A report as the view shows it: plain strings only, built in the worker."""

    reviewers: tuple[str, ...]
    summary: str
    spans: tuple[tuple[str, ...], ...]
    scopes: tuple[Scope, ...]
    empty: str = ""  # what to say instead of a table when fewer than two reviewers can be compared


def _number(value: float | None, note: str, digits: int = 3, percent: bool = False) -> Cell:
    if value is None:
        return Cell(DASH, note or NO_PAIRS_TIP)
    return Cell(f"{value:.0%}" if percent else f"{value:.{digits}f}")


def _rows(fields: dict, labels: dict[str, str], roles: set[str], jaccard: dict | None) -> tuple[tuple[Cell, ...], ...]:
    out = []
    for key, c in fields.items():
        label = labels.get(key, key) + (" (terms)" if key in roles else "")
        if key not in roles:
            mean = Cell("")
        elif jaccard is None:
            mean = Cell(DASH, JACCARD_ALL_ONLY)
        else:
            mean = _number(jaccard.get(key), NO_TERMS_TIP, digits=2)
        out.append(
            (
                Cell(label),
                Cell(str(c.n)),
                _number(c.percent, "" if c.n else NO_PAIRS_TIP, percent=True),
                _number(c.kappa, c.kappa_note),
                _number(c.alpha, c.alpha_note),
                mean,
            )
        )
    return tuple(out)


def compute(session: Session, threshold: float, all_documents: bool) -> Shown:
    """The report for the dual-extracted documents (all when nothing is dual, or when asked), as rows."""
    from curator.core.agreement import dual_documents, measure  # scipy and numpy: only when asked for

    dual = set() if all_documents else dual_documents(session)
    report = measure(session, threshold, documents=dual or None)  # consensus claims left out by measure
    if all_documents:
        where = "every document two or more reviewers have claims on"
    elif dual:
        where = f"the {_plural(len(dual), 'document')} assigned to two or more extractors"
    else:
        where = "every document (none is assigned to two or more extractors)"
    if len(report.reviewers) < 2:
        if dual:
            empty = (
                f"None of the {_plural(len(dual), 'document')} assigned to two or more extractors has claims by "
                "two of them yet: there is nothing to compare.\n\nTick “All documents” to compare every "
                "document two reviewers have claims on."
            )
        else:
            empty = (
                "No document has claims by two or more reviewers yet: there is nothing to compare.\n\n"
                "Agreement is measured where two reviewers extracted the same document: assign a document "
                "to two extractors (Document → Assign…), and compare once both have saved claims."
            )
        return Shown(report.reviewers, f"Compared: {where}.", (), (), empty)
    codebook = session.codebook
    labels = {f.key: f.label for f in codebook.fields} | {r.key: r.label for r in codebook.roles}
    roles = {r.key for r in codebook.roles}
    compared = len(report.by_document)
    summary = (
        f"Reviewers compared: {', '.join(report.reviewers)}, on {_plural(compared, 'document')} "
        f"({where}).\n"
        f"Units matched (quotes overlapping at least {threshold:.0%}): {report.matched}; claims in no unit: "
        + ", ".join(f"{name} {n}" for name, n in report.unmatched.items())
        + "."
    )
    spans = tuple(
        (f"{a} × {b}", str(s.matched), f"{s.first_only} ({a})", f"{s.second_only} ({b})", _f1(s.f1))
        for (a, b), s in report.spans.items()
    )
    two = len(report.reviewers) == 2
    scopes = [Scope(("all",), "All reviewers", _rows(report.fields, labels, roles, report.jaccard))]
    for a, b in report.spans:
        fields = report.fields if two else report.by_pair.get((a, b), {})
        scopes.append(
            Scope(("pair", a, b), f"{a} × {b}", _rows(fields, labels, roles, report.jaccard if two else None))
        )
    titles = {d.id: d.title for d in session.documents.summaries(set(report.by_document))}
    for doc in sorted(report.by_document, key=lambda d: (titles.get(d, "").casefold(), d)):
        label = f"Document: {titles.get(doc, f'document {doc}')}"
        scopes.append(Scope(("document", doc), label, _rows(report.by_document[doc], labels, roles, None)))
    return Shown(report.reviewers, summary, spans, tuple(scopes))


def _f1(value: float | None) -> str:
    return DASH if value is None else f"{value:.2f}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def as_tsv(headers: tuple[str, ...], rows: tuple[tuple[Cell, ...], ...]) -> str:
    """The table as tab-separated lines (a spreadsheet pastes it into cells); tabs in labels become spaces."""
    lines = ["\t".join(headers)] + ["\t".join(c.text.replace("\t", " ") for c in row) for row in rows]
    return "\n".join(lines) + "\n"


class AgreementWorker(QThread):
    """One report on this thread's own connection (peewee keeps one per thread)."""

    done = Signal(int, object)  # generation, Shown or an error message (str)

    def __init__(self, session: Session, threshold: float, all_documents: bool, generation: int, parent=None):
        super().__init__(parent)
        self.session, self.threshold, self.all_documents = session, threshold, all_documents
        self.generation = generation

    def run(self) -> None:
        try:
            result: object = compute(self.session, self.threshold, self.all_documents)
        except Exception as exc:  # noqa: BLE001 - one error path: words in the view
            result = user_message(exc)
        finally:
            self.session.database.close()  # this thread's connection only
        self.done.emit(self.generation, result)


class AgreementView(QDialog):
    computed = Signal()  # a report (or an error) is shown: tests and scripts wait for it

    def __init__(self, parent: QWidget, session: Callable[[], Session]):
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Agreement between reviewers")
        self.setModal(False)
        self.shown: Shown | None = None
        self.worker: AgreementWorker | None = None
        self.stopped = False  # the window closed: nothing more is computed
        self.busy = False  # a worker is computing (its report may already be stale: see generation)
        self.generation = 0
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(REFRESH_MS)
        self.debounce.timeout.connect(self.recompute)
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        controls = QHBoxLayout()
        self.threshold = QDoubleSpinBox()
        self.threshold.setRange(0.05, 1.0)
        self.threshold.setSingleStep(0.05)
        self.threshold.setDecimals(2)
        self.threshold.setValue(0.5)
        self.threshold.setToolTip(
            "Two reviewers' claims are one unit when their quotes share at least this part of the characters "
            "either covers (0.5: half)"
        )
        self.threshold.valueChanged.connect(lambda _: self.debounce.start())
        overlap = plain_label("Quotes match at &overlap ≥")
        overlap.setBuddy(self.threshold)
        self.all_documents = QCheckBox("&All documents")
        self.all_documents.setToolTip(
            "Compare every document two reviewers have claims on, not only those assigned to two or more extractors"
        )
        self.all_documents.toggled.connect(lambda _: self.recompute())
        self.state = plain_label()
        self.state.setObjectName("agreementState")
        controls.addWidget(overlap)
        controls.addWidget(self.threshold)
        controls.addSpacing(16)
        controls.addWidget(self.all_documents)
        controls.addStretch(1)
        controls.addWidget(self.state)
        layout.addLayout(controls)

        self.pages = QStackedWidget()
        self.message = plain_label()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.message.setMargin(12)
        report = QWidget()
        body = QVBoxLayout(report)
        body.setContentsMargins(0, 0, 0, 0)
        self.summary = plain_label()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.spans = self._table(SPAN_HEADERS)
        self.spans.setToolTip("Claims matched between each pair, claims only one of them made, and the F1 of the two")
        self.scope = QComboBox()
        self.scope.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.scope.setMinimumContentsLength(40)
        self.scope.currentIndexChanged.connect(self._show_scope)
        scope_row = QHBoxLayout()
        scope_label = plain_label("&Scope:")
        scope_label.setBuddy(self.scope)
        scope_row.addWidget(scope_label)
        scope_row.addWidget(self.scope, 1)
        scope_row.addStretch(0)
        self.table = self._table(HEADERS)
        for column, tip in enumerate(HEADER_TIPS):
            self.table.horizontalHeaderItem(column).setToolTip(tip)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        body.addWidget(self.summary)
        body.addWidget(plain_label("Span agreement"))
        body.addWidget(self.spans)
        body.addLayout(scope_row)
        body.addWidget(self.table, 1)
        self.pages.addWidget(self.message)
        self.pages.addWidget(report)
        layout.addWidget(self.pages, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("&Copy table")
        self.copy_button.setToolTip("Copy the table of this scope as tab-separated text (Ctrl+C)")
        self.copy_button.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        self.copy_button.clicked.connect(self.copy)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.resize(860, 740)

    def _table(self, headers: tuple[str, ...]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(list(headers))
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)  # 21 rows without scrolling
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        return table

    # -- opening and refreshing ---------------------------------------------------------------
    def open_view(self) -> None:
        """Show the view (computed afresh: changes made while it was closed were not followed)."""
        was_visible = self.isVisible()
        self.show()
        self.raise_()
        self.activateWindow()
        if not was_visible:
            self.table.setFocus()  # not the threshold: its caret would blink in the first number shown
            self.recompute()

    def apply(self, changes: Changes) -> None:
        """The window applied `changes`: claims, the team or the codebook recompute it, once, shortly after."""
        if self.isVisible() and (changes.claims or changes.team or changes.texts or changes.codebook):
            self.debounce.start()

    def recompute(self, blocking: bool = False) -> None:
        """Compute the report again for the threshold and documents chosen; `blocking` here and now (scripts)."""
        self.debounce.stop()
        if self.stopped:
            return
        self.generation += 1
        self.state.setText("Computing…")
        if self.shown is None:
            self.message.setText("Computing the agreement…")
            self.pages.setCurrentWidget(self.message)
        if blocking:
            try:
                result: object = compute(
                    self.session(), round(self.threshold.value(), 2), self.all_documents.isChecked()
                )
            except Exception as exc:  # noqa: BLE001 - one error path: words in the view
                result = user_message(exc)
            self._present(result)
            return
        if not self.is_computing():  # else the running one's report is for what was asked before: it starts anew
            self._start()

    def _start(self) -> None:
        self.busy = True
        self.worker = AgreementWorker(
            self.session(), round(self.threshold.value(), 2), self.all_documents.isChecked(), self.generation, self
        )
        self.worker.done.connect(self._done)
        self.worker.finished.connect(self.worker.deleteLater)
        self.worker.start()

    def is_computing(self) -> bool:
        return self.busy

    def _done(self, generation: int, result: object) -> None:
        self.busy = False
        if self.stopped:
            return
        if generation != self.generation:
            self._start()  # asked again (a change, another threshold) while it ran
            return
        self._present(result)

    def _present(self, result: object) -> None:
        self.state.setText("")
        if isinstance(result, str):
            self.shown = None
            self.message.setText(f"The agreement cannot be computed: {result}")
            self.pages.setCurrentWidget(self.message)
        else:
            self._show(result)
        self.computed.emit()

    def _show(self, shown: Shown) -> None:
        previous = self.scope.currentData()
        self.shown = shown
        self.copy_button.setEnabled(not shown.empty)
        if shown.empty:
            self.message.setText(f"{shown.summary}\n\n{shown.empty}")
            self.pages.setCurrentWidget(self.message)
            return
        self.summary.setText(shown.summary)
        self._fill(self.spans, tuple(tuple(Cell(t) for t in row) for row in shown.spans))
        rows = self.spans.rowCount()
        height = self.spans.horizontalHeader().height() + sum(self.spans.rowHeight(r) for r in range(min(rows, 4)))
        self.spans.setFixedHeight(height + 2 * self.spans.frameWidth())
        self.scope.blockSignals(True)
        self.scope.clear()
        for scope in shown.scopes:
            self.scope.addItem(scope.label, scope.key)
            self.scope.setItemData(self.scope.count() - 1, tooltip(scope.label), Qt.ItemDataRole.ToolTipRole)
        keys = [s.key for s in shown.scopes]
        self.scope.setCurrentIndex(keys.index(previous) if previous in keys else 0)
        self.scope.blockSignals(False)
        self._show_scope()
        self.pages.setCurrentIndex(1)

    def _show_scope(self, *_) -> None:
        if self.shown is None or not self.shown.scopes:
            return
        self._fill(self.table, self.shown.scopes[max(self.scope.currentIndex(), 0)].rows)

    def _fill(self, table: QTableWidget, rows: tuple[tuple[Cell, ...], ...]) -> None:
        table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            for column, cell in enumerate(row):
                item = QTableWidgetItem(cell.text)  # an item's text is never markup
                if column:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if cell.tip:
                    item.setToolTip(tooltip(cell.tip))
                table.setItem(r, column, item)

    def current_rows(self) -> tuple[tuple[Cell, ...], ...]:
        if self.shown is None or not self.shown.scopes:
            return ()
        return self.shown.scopes[max(self.scope.currentIndex(), 0)].rows

    def copy(self) -> None:
        rows = self.current_rows()
        if rows:
            QApplication.clipboard().setText(as_tsv(HEADERS, rows))

    def shutdown(self) -> None:
        """The window is closing: no more refreshes, and the running report's thread ends first."""
        self.debounce.stop()
        self.stopped = True
        for worker in self.findChildren(AgreementWorker):
            worker.wait(10000)
        self.close()
