"""The main window: documents | reader over claims table | claim form."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QItemSelectionModel, QSettings, Qt
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from curator.core.commands import CreateClaim, DeleteClaim, EditClaim
from curator.core.errors import user_message
from curator.core.records import READING_STATUSES, Changes, ClaimDraft
from curator.core.session import Session
from curator.ui.claim_form import ClaimForm
from curator.ui.claim_marks import ClaimMarks
from curator.ui.find_bar import FindBar
from curator.ui.interaction import Interaction
from curator.ui.models import ClaimTableModel, DocumentListModel
from curator.ui.project_safety import DraftKeeper, StorageBanner
from curator.ui.reader import Highlight, ReaderView, type_colour
from curator.ui.reading import ReadingSettings, build_view_menu
from curator.ui.search_panel import SearchPanel
from curator.ui.undo import run_command
from curator.ui.window_actions import build_menus


class MainWindow(QMainWindow):
    def __init__(self, session: Session, settings: QSettings, interaction: Interaction | None = None):
        super().__init__()
        self.session = session
        self.settings = settings
        self.interaction = interaction or Interaction()
        self.undo_stack = QUndoStack(self)
        self.document_id: int | None = None
        self.setWindowTitle("Curator")
        self.setAcceptDrops(True)

        self.documents = DocumentListModel(self)
        self.document_view = self._table(self.documents, "documents")
        header = self.document_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.document_view.setWordWrap(True)
        self.document_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.reader = ReaderView()
        self.find_bar = FindBar(self.reader)
        self.claims = ClaimTableModel(session.codebook, self)
        self.claim_view = self._table(self.claims, "claims")
        self.claim_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.claim_view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.form = ClaimForm(session.codebook)
        self.form.setObjectName("claimForm")

        reading = QWidget()
        reading_layout = QVBoxLayout(reading)
        reading_layout.setContentsMargins(0, 0, 0, 0)
        reading_layout.setSpacing(0)
        reading_layout.addWidget(self.find_bar)
        self.marks = ClaimMarks(self.reader)
        beside = QHBoxLayout()
        beside.setContentsMargins(0, 0, 0, 0)
        beside.setSpacing(0)
        beside.addWidget(self.reader, 1)
        beside.addWidget(self.marks)
        reading_layout.addLayout(beside)
        self.centre = QSplitter(Qt.Orientation.Vertical)
        self.centre.setObjectName("centreSplitter")
        self.centre.addWidget(reading)
        self.centre.addWidget(self.claim_view)
        self.centre.setStretchFactor(0, 3)
        self.centre.setStretchFactor(1, 1)
        self.main = QSplitter(Qt.Orientation.Horizontal)
        self.main.setObjectName("mainSplitter")
        self.main.addWidget(self.document_view)
        self.main.addWidget(self.centre)
        self.main.addWidget(self.form)
        self.main.setStretchFactor(1, 3)
        self.main.setSizes([330, 720, 400])
        self.banner = StorageBanner()
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.banner)
        central_layout.addWidget(self.main, 1)
        self.setCentralWidget(central)
        self.drafts = DraftKeeper(self)
        self.search_panel = SearchPanel(self)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.search_panel)
        self.search_panel.hide()

        self.status_counts = QLabel()
        self.statusBar().addPermanentWidget(self.status_counts)
        self.actions = build_menus(self)
        self.reading = ReadingSettings(self)
        self.reading.apply_at_start()
        build_view_menu(self, self.actions)

        self.document_view.selectionModel().currentRowChanged.connect(self._on_document_row)
        self.claim_view.selectionModel().currentRowChanged.connect(self._on_claim_row)
        self.reader.claimClicked.connect(self.select_claim)
        self.marks.claimClicked.connect(self.select_claim)
        self.reader.selectionRangeChanged.connect(lambda _: self._update_actions())
        self.form.saveRequested.connect(self.save_claim)
        self.form.deleteRequested.connect(self.delete_claim)
        self.form.dirtyChanged.connect(lambda _: self._update_actions())
        self.form.newTermRequested.connect(self._add_term)
        self.undo_stack.cleanChanged.connect(lambda _: self._update_actions())

        self._refresh_vocabulary()
        self.documents.set_rows(session.documents.summaries())
        self._restore_layout()
        self._show_storage_state()
        self.drafts.recover()
        self._update_status()
        self._update_actions()

    def _show_storage_state(self) -> None:
        self.banner.show_state(self.session.read_only, self.session.warnings)
        self.form.setEnabled(self.session.read_only is None)

    def replace_session(self, session: Session) -> None:
        """Show another session on the same window (after a restore); undo history does not carry over."""
        self.session = session
        self.undo_stack.clear()
        self.document_id = None
        self.form.clear()
        self._refresh_vocabulary()
        self.documents.set_rows(session.documents.summaries())
        ids = [d.id for d in self.documents.rows]
        if ids:
            self.open_document(ids[0])
        self._show_storage_state()
        self._update_status()
        self._update_actions()

    @staticmethod
    def _table(model, name: str) -> QTableView:
        view = QTableView()
        view.setObjectName(name)
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.verticalHeader().hide()
        view.setWordWrap(False)
        view.setAlternatingRowColors(True)
        view.horizontalHeader().setHighlightSections(False)
        return view

    # -- documents ----------------------------------------------------------------------------
    def open_document(self, document_id: int) -> bool:
        """Show a document; False if the reviewer chose to stay with unsaved form input."""
        if document_id == self.document_id:
            return True
        if not self.resolve_unsaved():
            return False
        document = self.session.documents.get(document_id)
        self.document_id = document_id
        self.form.clear()
        records = self.session.claims.for_document(document_id)
        self.claims.set_records(records)
        highlights = self._highlights()
        self.reader.set_text(document.text, self.session.documents.styles(document_id), highlights)
        self.marks.set_highlights(highlights)
        row = self.documents.row_of(document_id)
        if self.document_view.currentIndex().row() != row:
            self.document_view.selectionModel().blockSignals(True)
            self.document_view.selectRow(row)
            self.document_view.selectionModel().blockSignals(False)
        self.setWindowTitle(f"{document.title} — Curator")
        self._update_status()
        self._update_actions()
        return True

    def _on_document_row(self, current, previous) -> None:
        document_id = self.documents.data(current, Qt.ItemDataRole.UserRole)
        if document_id is not None and not self.open_document(document_id):
            self.document_view.selectionModel().blockSignals(True)
            self.document_view.setCurrentIndex(previous)
            self.document_view.selectionModel().blockSignals(False)

    def set_reading_status(self, status: str) -> None:
        if self.document_id is not None:
            self._run_service(lambda: self.session.documents.set_reading_status(self.document_id, status))

    # -- claims -------------------------------------------------------------------------------
    def _highlights(self) -> list[Highlight]:
        return [  # an orphaned claim's positions belong to an earlier version: not shown here
            Highlight(r.record.id, r.record.anchor.start, r.record.anchor.end, type_colour(r.type_index))
            for r in self.claims.rows
            if not r.record.orphaned
        ]

    def _reload_claims(self) -> None:
        records = self.session.claims.for_document(self.document_id) if self.document_id else []
        selected = self.form.claim_id
        self.claims.set_records(records)
        highlights = self._highlights()
        self.reader.set_highlights(highlights)
        self.marks.set_highlights(highlights)
        if selected is not None and self.claims.row_of(selected) >= 0:
            self._select_claim_row(selected)
            self.reader.select_claim(selected, scroll=False)

    def _select_claim_row(self, claim_id: int | None) -> None:
        model = self.claim_view.selectionModel()
        model.blockSignals(True)
        row = self.claims.row_of(claim_id) if claim_id is not None else -1
        if row >= 0:
            model.setCurrentIndex(
                self.claims.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
            self.claim_view.scrollTo(self.claims.index(row, 0))
        else:
            model.clearSelection()
            model.setCurrentIndex(self.claims.index(-1, -1), QItemSelectionModel.SelectionFlag.NoUpdate)
        model.blockSignals(False)

    def select_claim(self, claim_id: int) -> bool:
        """Select a claim everywhere: table row, reader highlight, form."""
        if claim_id == self.form.claim_id and self.form.mode == "edit":
            self.reader.select_claim(claim_id)
            return True
        if not self.resolve_unsaved():
            self._select_claim_row(self.form.claim_id)
            return False
        row = self.claims.row_of(claim_id)
        record = self.claims.record_at(row)
        if record is None:
            return False
        self._select_claim_row(claim_id)
        self.reader.select_claim(claim_id)
        self.form.load_record(record)
        self._update_actions()
        return True

    def _on_claim_row(self, current, previous) -> None:
        claim_id = self.claims.data(current, Qt.ItemDataRole.UserRole)
        if claim_id is not None:
            self.select_claim(claim_id)

    def new_claim(self) -> None:
        selection = self.reader.selection_range()
        if self.document_id is None or selection is None:
            self.statusBar().showMessage("Select a passage in the reader first.", 5000)
            return
        if not self.resolve_unsaved():
            return
        start, end = selection
        quote = self.reader.text[start:end]
        if not quote.strip():
            self.statusBar().showMessage("The selection holds only white space.", 5000)
            return
        self.reader.select_claim(None, scroll=False)
        self._select_claim_row(None)
        self.form.load_new(self.document_id, start, end, quote)
        self._update_actions()

    def save_claim(self) -> bool:
        if self.form.mode == "empty" or not self.form.is_dirty():
            return True
        draft = self.form.draft()
        if self.form.mode == "new":
            command = CreateClaim(self.session.claims, draft)
        else:
            command = EditClaim(self.session.claims, self.form.claim_id, draft)
        if not run_command(self.undo_stack, command, self.apply_changes, self.show_error):
            return False  # the form keeps what was typed
        claim_id = command.claim_id
        record = self.session.claims.get(claim_id)
        self.form.load_record(record)
        self._select_claim_row(claim_id)
        self.reader.select_claim(claim_id, scroll=False)
        self.statusBar().showMessage(f"Claim {claim_id} saved.", 4000)
        self._update_actions()
        return True

    def reanchor_claim(self) -> None:
        """Move the claim in the form (typically an orphaned one) onto the passage selected in the reader."""
        selection = self.reader.selection_range()
        if self.form.mode != "edit" or selection is None:
            self.statusBar().showMessage("Select the passage in the reader, with the claim open in the form.", 6000)
            return
        record = self.session.claims.get(self.form.claim_id)
        draft = record.as_draft()
        values = self.form.values() if self.form.is_dirty() else draft.values
        moved = ClaimDraft(record.document_id, selection[0], selection[1], values, self.form.terms())
        command = EditClaim(self.session.claims, record.id, moved)
        command.text = "Re-anchor claim"
        if run_command(self.undo_stack, command, self.apply_changes, self.show_error):
            self.form.load_record(self.session.claims.get(record.id))
            self.reader.select_claim(record.id, scroll=False)
            self.statusBar().showMessage(f"Claim {record.id} now quotes the selected passage. Ctrl+Z undoes it.", 8000)
        self._update_actions()

    def delete_claim(self) -> None:
        if self.form.mode != "edit" or self.form.claim_id is None:
            return
        claim_id = self.form.claim_id
        self.form.clear()
        if run_command(
            self.undo_stack, DeleteClaim(self.session.claims, claim_id), self.apply_changes, self.show_error
        ):
            self.statusBar().showMessage(f"Claim {claim_id} deleted — Ctrl+Z brings it back.", 6000)
        self._update_actions()

    def resolve_unsaved(self) -> bool:
        """Before the form is replaced: save, discard or stay. Input is never dropped silently."""
        if not self.form.is_dirty():
            return True
        answer = self.interaction.ask_unsaved(self)
        if answer == "save":
            return self.save_claim()
        if answer == "discard":
            self.form.clear()
            return True
        return False

    # -- changes ------------------------------------------------------------------------------
    def apply_changes(self, changes: Changes) -> None:
        """Refresh only what an operation changed (Anki's operation_did_execute)."""
        if changes.vocabulary:
            self._refresh_vocabulary()
        if changes.documents:
            self.documents.update_rows(self.session.documents.summaries(set(changes.documents)))
        if self.document_id in changes.texts:
            self.reader.set_text(
                self.session.documents.get(self.document_id).text, self.session.documents.styles(self.document_id)
            )
            self._reload_claims()
        if self.document_id in changes.documents or changes.claims & {r.record.id for r in self.claims.rows}:
            self._reload_claims()
        if self.form.mode == "edit" and self.form.claim_id in changes.claims:
            if self.claims.row_of(self.form.claim_id) < 0:
                self._keep_orphaned_form_input()
            elif not self.form.is_dirty():
                self.form.load_record(self.claims.record_at(self.claims.row_of(self.form.claim_id)))
        self._update_status()
        self._update_actions()

    def _keep_orphaned_form_input(self) -> None:
        """The form's claim is gone (undo, delete): unsaved input stays, as a new claim."""
        if not self.form.is_dirty():
            self.form.clear()
            return
        draft = self.form.draft()
        self.form.load_new(draft.document_id, draft.start, draft.end, self.reader.text[draft.start : draft.end])
        self.form.set_values(draft.values, draft.terms)
        self.statusBar().showMessage("That claim no longer exists; your unsaved input is kept as a new claim.", 8000)

    def _refresh_vocabulary(self) -> None:
        self.form.set_vocabulary(self.session.terms.by_role([f.key for f in self.session.codebook.term_fields]))

    def _add_term(self, role: str, text: str) -> None:
        vocabularies = self.session.terms.vocabularies_for_role(role)
        answer = self.interaction.ask_new_term(self, self.session.codebook.role(role).label, text, vocabularies)
        if answer is None:
            return
        vocabulary_key, label, identifier = answer
        try:
            term, _ = self.session.terms.add(vocabulary_key, label, identifier)
        except Exception as exc:  # noqa: BLE001 - one error path: words in a box
            self.show_error(user_message(exc))
            return
        self._refresh_vocabulary()
        picker = self.form.pickers[role]
        picker.add_term(term)
        picker.edit.clear()
        self.statusBar().showMessage(f"“{term.label}” added to the vocabulary.", 5000)

    def _run_service(self, call) -> None:
        try:
            changes = call()
        except Exception as exc:  # noqa: BLE001 - one error path: words in a box
            self.show_error(user_message(exc))
            return
        self.apply_changes(changes)

    def show_error(self, message: str) -> None:
        self.interaction.show_error(self, message)

    # -- chrome -------------------------------------------------------------------------------
    def _update_status(self) -> None:
        total = sum(d.claim_count for d in self.documents.rows)
        here = len(self.claims.rows)
        reviewer = self.session.reviewer.name if self.session.reviewer else "no reviewer"
        self.status_counts.setText(
            f"{len(self.documents.rows)} documents · {total} claims · {here} in this document · {reviewer}"
        )

    def _update_actions(self) -> None:
        a = self.actions
        editable = self.session.read_only is None
        a["new_claim"].setEnabled(editable and self.reader.selection_range() is not None)
        a["save_claim"].setEnabled(editable and self.form.is_dirty())
        a["delete_claim"].setEnabled(editable and self.form.mode == "edit")
        a["reanchor"].setEnabled(editable and self.form.mode == "edit" and self.reader.selection_range() is not None)
        a["replace_document"].setEnabled(editable and self.document_id is not None)
        a["document_details"].setEnabled(self.document_id is not None)
        a["import_claims"].setEnabled(editable)
        a["import_documents"].setEnabled(editable)
        a["restore"].setEnabled(self.session.path is not None)
        a["backup"].setEnabled(self.session.path is not None)
        for status in READING_STATUSES:
            a[f"status_{status}"].setEnabled(editable and self.document_id is not None)

    def _restore_layout(self) -> None:
        s = self.settings
        for key, restore in (
            ("window/geometry", self.restoreGeometry),
            ("window/state", self.restoreState),
            ("window/main", self.main.restoreState),
            ("window/centre", self.centre.restoreState),
        ):
            value = s.value(key)
            if isinstance(value, QByteArray):
                restore(value)
        last = s.value(f"last_document/{self.session.target}")
        ids = [d.id for d in self.documents.rows]
        if ids:
            try:
                wanted = int(last) if last is not None else ids[0]
            except (TypeError, ValueError):
                wanted = ids[0]
            self.open_document(wanted if wanted in ids else ids[0])

    def save_layout(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("window/main", self.main.saveState())
        s.setValue("window/centre", self.centre.saveState())
        if self.document_id is not None:
            s.setValue(f"last_document/{self.session.target}", self.document_id)
        s.sync()

    # -- drag and drop ------------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        from pathlib import Path

        from curator.ui.document_import import import_document_paths

        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            import_document_paths(self, paths)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if not self.resolve_unsaved():
            event.ignore()
            return
        self.save_layout()
        event.accept()


__all__ = ["MainWindow"]
