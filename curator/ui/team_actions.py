"""The team part of the window: Document → Assign… and Mark my extraction done, Team → Reviewers and
roles… and Agreement… (curator/ui/agreement_view.py), File → Merge a reviewer's project…, the document
list's team columns, and live refresh.

Live refresh: the change log is read for other clients' writes (curator/core/live.py) and what they
changed goes through the window's one refresh path (`apply_changes`), so a claim saved on another
machine shows here within two seconds. On PostgreSQL the server's notification of a commit wakes the
poll at once (a QSocketNotifier on the watcher's LISTEN connection), and a timer every five seconds
only catches what a notification could miss; on SQLite, or while that connection is lost, the timer
polls every second. Never while a dialog is open (a notification then waits for it to close), nor on a
read-only or closed project; a failing poll says so once in the status bar, not in a box every second.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QApplication, QHeaderView, QMenu, QMenuBar, QTableView, QWidget

from curator.core.errors import user_message
from curator.core.live import ChangeWatcher
from curator.core.records import Changes
from curator.core.session import Session
from curator.core.team_commands import AssignReviewers, SetDone, SetRoles
from curator.ui.models import DocumentListModel
from curator.ui.reconcile_rows import ReconcileAction
from curator.ui.team_documents import MINE, TEAM, MyWork
from curator.ui.undo import run_command

POLL_MS = 1000  # SQLite, or PostgreSQL while the LISTEN connection is lost
SAFETY_MS = 5000  # PostgreSQL while listening: notifications wake the poll, this only catches what they miss
MODAL_RECHECK_MS = 250  # a notification that came during a dialog: how often to see whether it closed
LEAD_ONLY = "Only the project's lead assigns documents"
COMPARERS = ("lead", "adjudicator")  # blind extraction would hide the others' claims from an extractor anyway


class TeamController(QObject):
    def __init__(
        self,
        session: Callable[[], Session],
        undo_stack: QUndoStack,
        documents: DocumentListModel,
        document_view: QTableView,
        current_document: Callable[[], int | None],
        shown_claims: Callable[[], set[int]],
        interaction,
        parent: QWidget,
        apply_changes: Callable[[Changes], None],
        say: Callable[[str, int], None],
        show_error: Callable[[str], None],
        widen_list: Callable[[int], None] = lambda width: None,
        show_quote: Callable[[int, int, int], None] = lambda document, start, end: None,
    ):
        super().__init__(parent)
        self.session, self.undo_stack = session, undo_stack
        self.documents, self.document_view = documents, document_view
        self.current_document, self.shown_claims = current_document, shown_claims
        self.interaction, self.parent_widget = interaction, parent
        self.apply_changes, self.say, self.show_error = apply_changes, say, show_error
        self.widen_list, self.widened = widen_list, False
        self.watcher: ChangeWatcher | None = None
        self.notifier: QSocketNotifier | None = None
        self._notified_by = None  # the watcher's listener the notifier watches
        self.poll_failed = False
        self.agreement = None  # Team → Agreement…, built when first opened (curator/ui/agreement_view.py)
        self.team_states: dict = {}  # every assigned document's DocumentTeamState, as the last refresh read
        self.reconcile = ReconcileAction(parent, session, undo_stack, self._run, current_document, show_quote)
        self.actions = self._actions()
        self.timer = QTimer(self)
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._tick)
        self.after_dialog = QTimer(self)
        self.after_dialog.setSingleShot(True)
        self.after_dialog.setInterval(MODAL_RECHECK_MS)
        self.after_dialog.timeout.connect(self._poll_when_free)
        self.refresh()
        self._start_watching()

    @classmethod
    def for_window(cls, w) -> TeamController:
        """Hand the controller the few parts of the main window it uses; its actions go into the menus."""
        team = cls(
            lambda: w.session, w.undo_stack, w.documents, w.document_view, lambda: w.document_id,
            lambda: {r.id for r in w.claims.all_records()}, w.interaction, w, w.apply_changes, w.say, w.show_error,
            lambda width: w.documents_dock.width() < width
            and w.resizeDocks([w.documents_dock], [width], Qt.Orientation.Horizontal),
            lambda d, start, end: d == w.document_id and (w.reader.scroll_to(start), w.reader.select_range(start, end)),
        )  # fmt: skip
        team.install_menus(w.menus, w.menuBar())
        return team

    # -- actions ------------------------------------------------------------------------------
    def _actions(self) -> dict[str, QAction]:
        parent = self.parent_widget

        def action(text: str, slot, tip: str, *keys: str) -> QAction:
            a = QAction(text, parent)
            a.setShortcuts([QKeySequence(k) for k in keys])
            a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            a.setStatusTip(tip)
            a.setToolTip(tip)
            a.triggered.connect(slot)
            parent.addAction(a)
            return a

        assign = action("&Assign…", self.assign, "Choose the reviewers who extract this document", "Ctrl+Shift+G")
        done = action(
            "&Mark my extraction done",
            self.toggle_done,
            "Say you have finished extracting this document (again to take it back)",
            "Ctrl+Shift+D",
        )
        done.setCheckable(True)
        roles = action("&Reviewers and roles…", self.edit_roles, "Each reviewer's role, and blind extraction")
        merge = action(
            "&Merge a reviewer's project…",
            self.merge,
            "Bring another reviewer's Curator project into this one: preview first, one undo step",
        )
        agreement = action(
            "A&greement…", self.show_agreement, "How far the reviewers agree, per field and term role", "Ctrl+Shift+Y"
        )
        return {"assign": assign, "mark_done": done, "reviewers": roles, "merge": merge, "agreement": agreement,
                "reconcile": self.reconcile.action}  # fmt: skip

    def install_menus(self, menus: dict[str, QMenu], bar: QMenuBar) -> None:
        """File → Merge…, Document → Assign… and Mark done, and a Team menu before Help."""
        file_menu, document_menu = menus["file"], menus["document"]
        items = file_menu.actions()
        after = next((i for i, a in enumerate(items) if a.isSeparator()), len(items))  # with the imports
        file_menu.insertAction(items[after] if after < len(items) else None, self.actions["merge"])
        document_menu.addSeparator()
        document_menu.addAction(self.actions["assign"])
        document_menu.addAction(self.actions["mark_done"])
        document_menu.addAction(self.actions["reconcile"])
        document_menu.setToolTipsVisible(True)  # a disabled Assign… says why
        team_menu = QMenu("&Team", bar)
        team_menu.setObjectName("teamMenu")
        team_menu.addAction(self.actions["reviewers"])
        team_menu.addAction(self.actions["assign"])
        team_menu.addAction(self.actions["mark_done"])
        team_menu.addSeparator()
        team_menu.addAction(self.actions["agreement"])
        team_menu.addSeparator()
        team_menu.addAction(self.actions["merge"])
        team_menu.setToolTipsVisible(True)
        bar.insertMenu(menus["help"].menuAction(), team_menu)

    def update_actions(self) -> None:
        """Cheap: from what the last refresh read, no query (the window calls this often)."""
        session = self.session()
        editable = session.read_only is None
        me = session.reviewer
        lead = me is not None and me.role == "lead"
        document = self.current_document()
        assign = self.actions["assign"]
        assign.setEnabled(editable and lead and document is not None)
        if not lead:
            role = (me.role if me else "no reviewer").capitalize()
            assign.setToolTip(f"{LEAD_ONLY}; you are {role}.")
        elif document is None:
            assign.setToolTip("Open a document to assign it.")
        else:
            assign.setToolTip("Choose the reviewers who extract this document (Ctrl+Shift+G)")
        self.actions["reviewers"].setEnabled(editable and lead)
        self.actions["reviewers"].setToolTip(
            "Each reviewer's role, and blind extraction" if lead else "Only the project's lead changes roles."
        )
        done = self.actions["mark_done"]
        work = self.documents.team.mine.get(document) if document is not None else None
        done.setEnabled(editable and work is not None)
        done.setChecked(bool(work and work.done))
        done.setToolTip(
            "Say you have finished extracting this document (Ctrl+Shift+D)"
            if work is not None
            else "This document is not assigned to you."
        )
        self.actions["merge"].setEnabled(editable)
        compares = me is not None and me.role in COMPARERS
        self.actions["agreement"].setEnabled(compares)
        self.actions["agreement"].setToolTip(
            "How far the reviewers agree, per field and term role (Ctrl+Shift+Y)"
            if compares
            else "Only the lead and adjudicators compare reviewers (blind extraction would hide the others' claims"
            f" anyway); you are {(me.role if me else 'no reviewer').capitalize()}."
        )
        if not compares and self.agreement is not None and self.agreement.isVisible():
            self.agreement.close()  # her role changed while it was open
        self.reconcile.update(me.role if me else None, document, self.team_states.get(document), editable)

    # -- the document list --------------------------------------------------------------------
    def refresh(self) -> None:
        """Re-read her assignments, every document's team state and her claim counts (three small queries)."""
        team = self.session().team
        mine = team.mine()
        self.team_states = team.states()
        states = {doc: state.label for doc, state in self.team_states.items()}
        counts = team.my_claim_counts(mine)
        self.documents.team.set_team({doc: MyWork(counts.get(doc, 0), a.done) for doc, a in mine.items()}, states)
        self._fit_columns()

    def _fit_columns(self) -> None:
        view, model, team = self.document_view, self.documents, self.documents.team
        for column in (MINE, TEAM):
            view.setColumnHidden(column, not team.has_team)
        if not team.has_team:
            return
        metrics, header = view.fontMetrics(), view.horizontalHeader()
        pad = metrics.horizontalAdvance("0") * 2
        widest = max((w.text for w in team.mine.values()), key=len, default="")
        header.setSectionResizeMode(MINE, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(
            MINE, max(metrics.horizontalAdvance(model.HEADERS[MINE]), metrics.horizontalAdvance(widest)) + pad
        )
        # the state shares the room left with the title: in a narrow list both elide (the tooltip has them whole)
        header.setSectionResizeMode(TEAM, QHeaderView.ResizeMode.Stretch)
        if not self.widened:  # the first time the list has team columns, room for them (a saved layout wins)
            self.widened = True
            others = sum(header.sectionSize(c) for c in (1, 2, MINE))
            self.widen_list(others + 2 * metrics.horizontalAdvance("0 of 2 done · blind") + pad * 2)

    def apply(self, changes: Changes) -> None:
        """The window applied `changes` (its own or another client's): team states and her counts."""
        if self.watcher is not None:
            self._quietly(self.watcher.skip_own)  # its own writes are not news at the next poll
        if changes.team:
            self.refresh()
        elif changes.claims and self.documents.team.mine:
            self._count_own()
        self.update_actions()
        if self.agreement is not None:
            self.agreement.apply(changes)
        self.reconcile.apply(changes)

    def _count_own(self) -> None:
        """Her claim counts on her assignments, counted again (one grouped query: a claim moved, made
        or deleted by anyone, here or by another client, is counted right without tracking ids)."""
        team = self.documents.team
        counts = self.session().team.my_claim_counts(team.mine)
        for doc, work in list(team.mine.items()):
            if counts.get(doc, 0) != work.claims:
                team.set_my_work(doc, MyWork(counts.get(doc, 0), work.done))

    # -- commands -----------------------------------------------------------------------------
    def _run(self, command) -> bool:
        return run_command(self.undo_stack, command, self.apply_changes, self.show_error)

    def assign(self) -> None:
        session, document = self.session(), self.current_document()
        if document is None:
            return
        title = session.documents.get(document).title
        reviewers = session.team.reviewers()
        before = {a.reviewer_id for a in session.team.assignments(document)}
        answer = self.interaction.assign_reviewers(
            self.parent_widget, title, reviewers, session.team.assignments(document)
        )
        if answer is None:
            return
        ticked, new_names = answer
        try:
            ticked |= {self._create_reviewer(name) for name in new_names}
        except Exception as exc:  # noqa: BLE001 - one error path: words in a box
            self.show_error(user_message(exc))
            return
        add, remove = sorted(ticked - before), sorted(before - ticked)
        if not add and not remove:
            return
        if self._run(AssignReviewers(session, document, add, remove, f"“{title}”")):
            names = {r.id: r.name for r in session.team.reviewers()}
            who = ", ".join(names.get(i, str(i)) for i in sorted(ticked, key=lambda i: names.get(i, ""))) or "nobody"
            self.say(f"“{title}” is assigned to {who}. Ctrl+Z undoes it.", 8000)

    def _create_reviewer(self, name: str) -> int:
        """A reviewer named in the Assign dialog, created as an extractor; the current reviewer stays."""
        session = self.session()
        me = session.reviewer
        try:
            return session.use_reviewer(name).id
        finally:
            if me is not None:
                session.use_reviewer_id(me.id)

    def toggle_done(self, checked: bool = True) -> None:
        document = self.current_document()
        work = self.documents.team.mine.get(document) if document is not None else None
        if work is None:
            self.update_actions()
            return
        done = not work.done
        if self._run(SetDone(self.session(), document, done)):
            self.say(
                "Your extraction of this document is marked done. Ctrl+Z undoes it."
                if done
                else "Your extraction of this document is marked not done.",
                6000,
            )
        self.update_actions()

    def edit_roles(self) -> None:
        session = self.session()
        reviewers = session.team.reviewers()
        blind = session.team.blind_enabled()
        answer = self.interaction.edit_roles(self.parent_widget, reviewers, blind)
        if answer is None:
            return
        roles, blind_now = answer
        old = {r.id: r.role for r in reviewers}
        command = SetRoles(
            session, {rid: (old[rid], role) for rid, role in roles.items() if rid in old}, (blind, blind_now)
        )
        if command.changes_anything and self._run(command):
            self.say("Reviewers' roles and blind extraction saved. Ctrl+Z undoes it.", 6000)

    def show_agreement(self) -> None:
        from curator.ui.agreement_view import AgreementView

        if self.agreement is None:
            self.agreement = AgreementView(self.parent_widget, self.session)
        self.agreement.open_view()

    def merge(self) -> None:
        from curator.ui.merge_dialog import merge_reviewer_project

        def changed(changes: Changes) -> None:
            self._reload_documents()
            self.apply_changes(changes)

        merge_reviewer_project(
            self.session(), self.undo_stack, self.interaction, self.parent_widget, changed, self.show_error, self.say
        )

    def _reload_documents(self) -> None:
        """Documents came or went (a merge, another client's import): the list re-read, the open one kept."""
        self.documents.set_rows(self.session().documents.summaries())
        document = self.current_document()
        row = self.documents.row_of(document) if document is not None else -1
        if row >= 0:
            selection = self.document_view.selectionModel()
            selection.blockSignals(True)
            self.document_view.setCurrentIndex(self.documents.index(row, 0))
            selection.blockSignals(False)

    # -- live refresh -------------------------------------------------------------------------
    def _start_watching(self) -> None:
        session = self.session()
        if session.read_only is None and not session.database.is_closed():
            self._watch(self._quietly(lambda: ChangeWatcher(session)))
        if self.watcher is not None:
            self.timer.start()

    def _watch(self, watcher: ChangeWatcher | None) -> None:
        if self.watcher is not None and self.watcher is not watcher:
            self.watcher.close()
        self.watcher = watcher
        self._follow_listener()

    def _follow_listener(self) -> None:
        """A notifier on the watcher's LISTEN socket while it has one, and the timer's pace to match."""
        listener = self.watcher.listener if self.watcher is not None else None
        if listener is self._notified_by:
            return
        if self.notifier is not None:
            # before the socket is reused: a notifier on a closed descriptor would fire without end
            self.notifier.setEnabled(False)
            self.notifier.deleteLater()
            self.notifier = None
        self._notified_by = listener
        if listener is not None:
            self.notifier = QSocketNotifier(listener.fileno(), QSocketNotifier.Type.Read, self)
            self.notifier.activated.connect(self._notified)
        self.timer.setInterval(SAFETY_MS if listener is not None else POLL_MS)

    def _notified(self, *_) -> None:
        """The LISTEN socket is readable: another client committed (or the connection was lost)."""
        if self.watcher is None:
            return
        news = self.watcher.pending()
        self._follow_listener()  # a lost connection: back to polling every second
        if news:
            self._poll_when_free()

    def _poll_when_free(self) -> None:
        if QApplication.activeModalWidget() is not None:
            self.after_dialog.start()  # the notification is drained: without this it would wait for the timer
            return
        self.poll()

    def _tick(self) -> None:
        if self.watcher is not None and self.watcher.session is self.session():
            self.watcher.listen()  # a lost connection is tried again, at most every live.RETRY_S; never raises
            self._follow_listener()
        self.poll()

    def poll(self) -> None:
        """One look at the change log; what other clients changed is refreshed like the window's own."""
        session = self.session()
        if session.read_only is not None or session.database.is_closed():
            if self.watcher is not None and self.watcher.listener is not None:
                self.watcher.close()  # the session closed: its LISTEN connection goes with it
                self._follow_listener()
            return
        if QApplication.activeModalWidget() is not None:
            return  # a dialog is open: the views stay as it sees them; the next poll catches up
        if self.watcher is None or self.watcher.session is not session:
            self._watch(self._quietly(lambda: ChangeWatcher(session)))  # a restored backup: a new session
            return
        try:
            changes = self.watcher.poll()
            if changes == Changes():
                self._recovered()
                return
            if changes.team:
                me = session.reviewer
                if me is not None:
                    session.use_reviewer_id(me.id)  # the lead may have changed her role
                document = self.current_document()
                if document is not None and document in changes.documents:
                    # what she may see there changed (blind or not): the claims shown and the ones now visible
                    visible = {r.id for r in session.claims.for_document(document)}
                    changes |= Changes(claims=frozenset(visible | self.shown_claims()))
            if changes.documents - {r.id for r in self.documents.rows}:
                self._reload_documents()  # another client added documents
            self.apply_changes(changes)
        except Exception as exc:  # noqa: BLE001 - said once in the status bar, tried again each second
            if not self.poll_failed:
                self.poll_failed = True
                self.say(f"Changes by other reviewers cannot be shown now: {user_message(exc)}", 0)
            return
        self._recovered()

    def _recovered(self) -> None:
        if self.poll_failed:
            self.poll_failed = False
            self.say("Changes by other reviewers are shown again.", 5000)

    def _quietly(self, call):
        try:
            return call()
        except Exception as exc:  # noqa: BLE001 - said once in the status bar
            if not self.poll_failed:
                self.poll_failed = True
                self.say(f"Changes by other reviewers cannot be shown now: {user_message(exc)}", 0)
            return None

    def stop(self) -> None:
        if self.agreement is not None:
            self.agreement.shutdown()
        self.reconcile.shutdown()
        self.timer.stop()
        self.after_dialog.stop()
        if self.watcher is not None:
            self.watcher.close()
            self._follow_listener()
