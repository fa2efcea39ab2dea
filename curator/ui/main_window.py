"""The main window: the reader in the middle (over the claims table), the document list and search
as tabs of one dock on the left, the claim form in a dock on the right.

The reader is the pane that must stay readable: it never gets narrower than a 50-character line;
the docks give way (they scroll, shrink, tab or float). Each part of the window is run by a small
controller that is handed only the services and widgets it uses (claim_editor, keyboard, …)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QSettings, Qt
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QDockWidget, QHBoxLayout, QMainWindow, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from curator.core.errors import user_message
from curator.core.records import READING_STATUSES, Changes
from curator.core.session import Session
from curator.ui.all_claims import AllClaimsDock
from curator.ui.claim_editor import ClaimEditor
from curator.ui.claim_form import ClaimForm
from curator.ui.claim_marks import ClaimMarks
from curator.ui.claim_table import ClaimTablePanel
from curator.ui.document_list import document_table
from curator.ui.find_bar import FindBar
from curator.ui.interaction import Interaction
from curator.ui.keyboard import ClaimNavigator, UndoKeyGuard, choice_actions, keyboard_actions
from curator.ui.models import ClaimTableModel, DocumentListModel
from curator.ui.page_controller import PageController
from curator.ui.passage_marks import PassageMarks, PassageSuggestions
from curator.ui.plain import plain_label
from curator.ui.project_safety import DraftKeeper, StorageBanner
from curator.ui.reader import ReaderView
from curator.ui.reading import ReadingSettings, build_view_menu
from curator.ui.search_panel import SearchPanel
from curator.ui.staged_start import AfterFirstPaint
from curator.ui.suggestions import SuggestionsController, add_to_view_menu
from curator.ui.team_actions import TeamController
from curator.ui.undo import run_command
from curator.ui.window_actions import build_menus
from curator.ui.window_layout import restore_layout, save_layout

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent  # naming the class at import builds it (≈ 2 ms of the start)


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


class MainWindow(QMainWindow):
    def __init__(
        self, session: Session, settings: QSettings, interaction: Interaction | None = None, staged: bool = False
    ):
        """`staged` (the app's start): the claim form's fields, the term vocabulary and the undo-key
        guard follow right after the first paint (finish_start); otherwise all is built here."""
        super().__init__()
        self.session = session
        self.settings = settings
        self.interaction = interaction or Interaction()
        self.undo_stack = QUndoStack(self)
        self.undo_keys = UndoKeyGuard(self)
        self.started = False  # finish_start() has run
        self.document_id: int | None = None
        self.setWindowTitle("Curator")
        self.setAcceptDrops(True)
        self.setDockOptions(
            QMainWindow.DockOption.AnimatedDocks
            | QMainWindow.DockOption.AllowTabbedDocks
            | QMainWindow.DockOption.GroupedDragging
        )

        self.documents = DocumentListModel(self)
        self.document_view = document_table(self.documents)
        self.reader = ReaderView()
        self.find_bar = FindBar(self.reader)
        self.marks = ClaimMarks(self.reader)
        self.passage_marks = PassageMarks(self.reader)
        self.claims = ClaimTableModel(session.codebook, parent=self)
        self.claim_panel = ClaimTablePanel(session.codebook, self.claims)
        self.claim_view = self.claim_panel.view
        self.form = ClaimForm(session.codebook, fields_now=not staged)
        self.form.setObjectName("claimForm")
        self.banner = StorageBanner()
        self._build_layout()

        self.editor = ClaimEditor(
            session, self.undo_stack, self.form, self.reader, self.marks, self.claims, self.claim_view,
            self.interaction, self, self.say, self.apply_changes,
        )  # fmt: skip
        self.navigator = ClaimNavigator(
            session.codebook, self.reader, self.form, self.claims, self.select_claim, self.new_claim, self.say
        )
        self.pages = PageController(
            lambda: self.session.documents, self.reader, self.reader_stack, self.text_pane, self.say, self, settings
        )
        self.pages.follow_find(self.find_bar)
        self.suggestions = SuggestionsController(lambda: self.session.suggestions, self.form, settings, self.say, self)
        self.passages = PassageSuggestions(
            lambda: self.session.suggestions, self.reader, self.passage_marks, settings, self.say, self
        )
        self.passages.use_matcher_build(self.suggestions.build)
        self.drafts = DraftKeeper(self)
        self.status_counts = plain_label()
        self.statusBar().addPermanentWidget(self.status_counts)
        panes = [
            ("document list", lambda: self.documents_dock, lambda: self.document_view),
            ("reader", lambda: self.reader_stack, self.pages.focus_target),
            ("claims table", lambda: self.claim_panel, lambda: self.claim_view),
            ("claim form", lambda: self.claim_dock, self.form.first_field),
            ("all claims", lambda: self.all_claims, lambda: self.all_claims.panel.filter_edit),
        ]
        self.codebook_dialog = None
        navigation = keyboard_actions(self, self.navigator, session.codebook, panes)
        navigation.update(self.suggestions.actions(self) | self.passages.actions(self))
        self.actions = build_menus(self, navigation)
        self.team = TeamController.for_window(self)
        self.reading = ReadingSettings(self)
        self.reading.apply_at_start()
        build_view_menu(self, self.actions)
        add_to_view_menu(self.menuBar(), self.actions["suggestions"])
        add_to_view_menu(self.menuBar(), self.actions.setdefault("page_view", self.pages.action))

        self.document_view.selectionModel().currentRowChanged.connect(self._on_document_row)
        self.claim_panel.claimActivated.connect(lambda claim_id: self.select_claim(claim_id, from_table=True))
        self.claim_panel.bulkStatusRequested.connect(self.set_status_of)
        self.claim_panel.bulkDeleteRequested.connect(self.delete_claims)
        self.reader.selectionRangeChanged.connect(lambda _: self._update_actions())
        self.form.stateChanged.connect(self._update_actions)
        self.undo_stack.cleanChanged.connect(lambda _: self._update_actions())

        self.documents.set_rows(session.documents.summaries())
        self.claim_panel.set_reviewers([r.name for r in session.reviewers()])
        self._restore_layout()
        self._show_storage_state()
        self.drafts.recover()
        self._update_status()
        self._update_actions()
        if staged:
            AfterFirstPaint(self.reader.viewport(), self.finish_start)
        else:
            self.finish_start()

    def finish_start(self) -> None:
        """What the first paint does not show: the form's fields, the vocabulary its term pickers
        suggest from, and Ctrl+Z / Ctrl+Delete decided per text field. Once; tests may call it."""
        if self.started:
            return
        self.started = True
        self.form.build_fields()
        self.editor.refresh_vocabulary()
        self.undo_keys.watch(self)

    # -- layout -------------------------------------------------------------------------------
    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(name)
        dock.setWidget(widget)
        dock.setAllowedAreas(Qt.DockWidgetArea.AllDockWidgetAreas)
        self.addDockWidget(area, dock)
        return dock

    def _build_layout(self) -> None:
        reading = QWidget()
        reading_layout = QVBoxLayout(reading)
        reading_layout.setContentsMargins(0, 0, 0, 0)
        reading_layout.setSpacing(0)
        reading_layout.addWidget(self.banner)
        reading_layout.addWidget(self.find_bar)
        self.text_pane = QWidget()  # the Text view and its margins; the Page view stands in its place (F9)
        beside = QHBoxLayout(self.text_pane)
        beside.setContentsMargins(0, 0, 0, 0)
        beside.setSpacing(0)
        beside.addWidget(self.reader, 1)
        beside.addWidget(self.marks)
        beside.addWidget(self.passage_marks)
        self.reader_stack = QStackedWidget()
        self.reader_stack.addWidget(self.text_pane)
        reading_layout.addWidget(self.reader_stack, 1)
        self.centre = QSplitter(Qt.Orientation.Vertical)
        self.centre.setObjectName("centreSplitter")
        self.centre.addWidget(reading)
        self.centre.addWidget(self.claim_panel)
        self.centre.setStretchFactor(0, 3)
        self.centre.setStretchFactor(1, 1)
        self.centre.setChildrenCollapsible(False)
        self.setCentralWidget(self.centre)

        left = Qt.DockWidgetArea.LeftDockWidgetArea
        self.documents_dock = self._dock("Documents", "documentsDock", self.document_view, left)
        self.search_panel = SearchPanel(self, lambda: self.session, self.open_search_hit, self.show_error)
        self.addDockWidget(left, self.search_panel)
        self.tabifyDockWidget(self.documents_dock, self.search_panel)
        self.documents_dock.raise_()
        self.claim_dock = self._dock("Claim", "claimDock", self.form, Qt.DockWidgetArea.RightDockWidgetArea)
        self.form.setMinimumWidth(230)
        self._all_claims: AllClaimsDock | None = None
        self.resizeDocks([self.documents_dock, self.claim_dock], [240, 360], Qt.Orientation.Horizontal)

    @property
    def all_claims(self) -> AllClaimsDock:
        """The all-claims dock, built when first wanted: it starts hidden, and building its table at
        start cost the first paint ≈ 10 ms. A layout saved with it open builds it before the restore."""
        if self._all_claims is None:
            dock = AllClaimsDock(
                self.session.codebook,
                lambda: (self.session.claims.all(), {d.id: d.title for d in self.documents.rows}),
                self,
            )
            self._all_claims = dock
            dock.openClaim.connect(self.open_claim)
            dock.bulkStatusRequested.connect(self.set_status_of)
            dock.bulkDeleteRequested.connect(self.delete_claims)
            dock.panel.set_editable(self.session.read_only is None)
            self.undo_keys.watch(dock)
            if not self.restoreDockWidget(dock):  # placed as the saved layout had it, else hidden below
                self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
                dock.hide()
        return self._all_claims

    def _show_storage_state(self) -> None:
        if self.session.read_only or self.session.warnings or self.banner.text():
            # only when there is something to show or to clear: re-polishing the banner is the
            # start's first call of style() from Python, which builds QStyle's types (≈ 20 ms)
            self.banner.show_state(self.session.read_only, self.session.warnings)
        editable = self.session.read_only is None
        self.form.setEnabled(editable)
        self.claim_panel.set_editable(editable)
        if self._all_claims is not None:
            self._all_claims.panel.set_editable(editable)

    def replace_session(self, session: Session) -> None:
        """Show another session on the same window (after a restore); undo history does not carry over."""
        self.session = session
        self.editor.session = session
        self.undo_stack.clear()
        self.document_id = None
        self.form.clear()
        self.passages.show_document(None)
        self.editor.refresh_vocabulary()
        self.team.refresh()
        self.documents.set_rows(session.documents.summaries())
        ids = [d.id for d in self.documents.rows]
        if ids:
            self.open_document(ids[0])
        if self._all_claims is not None:
            self._all_claims.reload_if_loaded()
        self._show_storage_state()
        self._update_status()
        self._update_actions()

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
        self.editor.show_document(document_id, document.text, self.session.documents.styles(document_id))
        self.pages.show_document(document_id)
        self.passages.show_document(document_id)
        row = self.documents.row_of(document_id)
        if self.document_view.currentIndex().row() != row:
            # the current index too, not only the selection: a list focused with no current row
            # makes its first row current, which would open the first document instead of this one
            selection = self.document_view.selectionModel()
            selection.blockSignals(True)
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            selection.setCurrentIndex(self.documents.index(row, 0), flags)
            selection.blockSignals(False)
        self.setWindowTitle(f"{document.title} — Curator")
        self._update_status()
        self._update_actions()
        return True

    def open_claim(self, document_id: int, claim_id: int) -> None:
        """From the all-claims view or search: the claim's document, the claim selected in it."""
        if self.open_document(document_id):
            self.select_claim(claim_id)

    def open_search_hit(self, hit) -> None:
        """A search result chosen: its document, then its claim or the words found."""
        if not self.open_document(hit.document_id):
            return
        if hit.claim_id is not None and self.claims.row_of(hit.claim_id) >= 0:
            self.select_claim(hit.claim_id)
        elif hit.end > hit.start:
            self.reader.select_range(hit.start, hit.end)
            self.reader.scroll_to(hit.start)
            self.reader.select_range(hit.start, hit.end)
        self.reader.setFocus(Qt.FocusReason.OtherFocusReason)

    def _on_document_row(self, current, previous) -> None:
        document_id = self.documents.data(current, Qt.ItemDataRole.UserRole)
        if document_id is not None and not self.open_document(document_id):
            self.document_view.selectionModel().blockSignals(True)
            self.document_view.setCurrentIndex(previous)
            self.document_view.selectionModel().blockSignals(False)

    def set_reading_status(self, status: str) -> None:
        if self.document_id is not None:
            self._run_service(lambda: self.session.documents.set_reading_status(self.document_id, status))

    # -- claims (the editor does the work; these names are the window's actions) --------------
    def select_claim(self, claim_id: int, from_table: bool = False) -> bool:
        done = self.editor.select_claim(claim_id, from_table)
        self._update_actions()
        return done

    def new_claim(self) -> None:
        self.editor.new_claim()
        self._update_actions()

    def save_claim(self) -> bool:
        done = self.editor.save_claim()
        self._update_actions()
        return done

    def reanchor_claim(self) -> None:
        self.editor.reanchor_claim()
        self._update_actions()

    def delete_claim(self) -> None:
        self.editor.delete_claim()
        self._update_actions()

    def resolve_unsaved(self) -> bool:
        return self.editor.resolve_unsaved()

    def undo(self) -> None:
        self.editor.undo()
        self._update_actions()

    def set_status_of(self, claim_ids: list, status: str) -> None:
        """Bulk: one status for the claims selected in a table, as one undo step."""
        from curator.core.bulk_edit import SetClaimsStatus  # loaded when first used: not at start

        if claim_ids and self.resolve_unsaved():
            command = SetClaimsStatus(self.session, list(claim_ids), status)
            if run_command(self.undo_stack, command, self.apply_changes, self.show_error):
                self.say(f"{command.text}. Ctrl+Z undoes it.", 6000)

    def delete_claims(self, claim_ids: list) -> None:
        from curator.core.bulk_edit import DeleteClaims

        if not claim_ids or not self.resolve_unsaved():
            return
        if len(claim_ids) > 1 and not self.interaction.confirm(
            self, "Delete claims", f"Delete {len(claim_ids)} claims? Ctrl+Z brings them back.", "Delete"
        ):
            return
        if self.form.claim_id in claim_ids:
            self.form.clear()
        command = DeleteClaims(self.session, list(claim_ids))
        if run_command(self.undo_stack, command, self.apply_changes, self.show_error):
            self.say(f"{command.text} — Ctrl+Z brings them back.", 6000)

    def _rebuild_choice_actions(self, codebook) -> None:
        """The type and status hotkeys and their menus follow the project's codebook."""
        for key in [k for k in self.actions if k.startswith("choice_")]:
            action = self.actions.pop(key)
            self.removeAction(action)
            action.deleteLater()
        self.actions.update(choice_actions(self, self.navigator, codebook))
        for field_key, menu in self.choice_menus.items():
            menu.clear()
            for key in [k for k in self.actions if k.startswith(f"choice_{field_key}_")]:
                menu.addAction(self.actions[key])

    def open_codebook(self) -> None:
        """Edit → Codebook…: each change is one step on this window's undo stack."""
        from curator.ui.codebook_dialog import open_codebook_editor

        def run(command) -> bool:
            return run_command(self.undo_stack, command, self.apply_changes, self.show_error)

        self.codebook_dialog = open_codebook_editor(self, self.session, run, interaction=self.interaction)

    # -- changes ------------------------------------------------------------------------------
    def apply_changes(self, changes: Changes) -> None:
        """Refresh only what an operation changed (Anki's operation_did_execute)."""
        if changes.codebook:
            codebook = self.session.codebook
            self.form.set_codebook(codebook)
            self.editor.type_keys = self.editor._type_keys()
            self.claim_panel.set_codebook(codebook)
            if self._all_claims is not None:
                self._all_claims.panel.set_codebook(codebook)
            self.navigator.codebook = codebook
            self._rebuild_choice_actions(codebook)
        if changes.vocabulary:
            self.editor.refresh_vocabulary()
        if (changes.vocabulary or changes.codebook) and self.codebook_dialog is not None:
            self.codebook_dialog.refresh()
        if changes.documents:
            self.documents.update_rows(self.session.documents.summaries(set(changes.documents)))
        self.editor.apply(changes)
        self.pages.apply(changes)
        self.suggestions.apply(changes)
        self.passages.apply(changes)
        if self._all_claims is not None:
            self._all_claims.apply_changes(changes, self.session.claims.get_many)
        self.team.apply(changes)
        self._update_status()
        self._update_actions()

    def _run_service(self, call) -> None:
        try:
            changes = call()
        except Exception as exc:  # noqa: BLE001 - one error path: words in a box
            self.show_error(user_message(exc))
            return
        self.apply_changes(changes)

    def show_error(self, message: str) -> None:
        self.interaction.show_error(self, message)

    def say(self, message: str, ms: int = 5000) -> None:
        self.statusBar().showMessage(message, ms)

    # -- chrome -------------------------------------------------------------------------------
    def _update_status(self) -> None:
        total = sum(d.claim_count for d in self.documents.rows)
        here = self.claims.total_count()
        reviewer = self.session.reviewer.name if self.session.reviewer else "no reviewer"
        self.status_counts.setText(
            f"{plural(len(self.documents.rows), 'document')} · {plural(total, 'claim')} · "
            f"{here:,} in this document · {reviewer}"
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
        self.team.update_actions()

    def _restore_layout(self) -> None:
        restore_layout(self)

    def save_layout(self) -> None:
        save_layout(self)

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
        self.search_panel.shutdown()
        self.team.stop()
        event.accept()


__all__ = ["MainWindow"]
