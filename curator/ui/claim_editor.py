"""The claim loop's controller: select a passage, New claim, fill, Save — and undo, delete, re-anchor.

It is given only what it works with (the session's services, the undo stack, the form, the reader,
its margin marks and the claims table) and refreshes them from each operation's `Changes`: a save on
a document with 10,000 claims touches one table row and the blocks of one highlight.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QObject, QPoint
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QTableView, QWidget

from curator.core.commands import CreateClaim, DeleteClaim, EditClaim
from curator.core.errors import StaleClaimError, ValidationError, user_message
from curator.core.records import Changes, ClaimDraft, ClaimRecord
from curator.core.session import Session
from curator.ui.claim_form import ClaimForm
from curator.ui.claim_marks import ClaimMarks
from curator.ui.interaction import Interaction
from curator.ui.models import ClaimTableModel
from curator.ui.reader import Highlight, ReaderView
from curator.ui.stale_claims import StaleClaimResolver
from curator.ui.undo import run_command


class ClaimEditor(QObject):
    def __init__(
        self,
        session: Session,
        undo_stack: QUndoStack,
        form: ClaimForm,
        reader: ReaderView,
        marks: ClaimMarks,
        table: ClaimTableModel,
        table_view: QTableView,
        interaction: Interaction,
        parent: QWidget,
        say: Callable[[str, int], None],
        apply_changes: Callable[[Changes], None],
    ):
        super().__init__(parent)
        self.session, self.undo_stack, self.form, self.reader, self.marks = session, undo_stack, form, reader, marks
        self.table, self.table_view, self.interaction, self.parent_widget = table, table_view, interaction, parent
        self.say, self.apply_changes = say, apply_changes
        self.document_id: int | None = None
        self.type_keys = self._type_keys()
        reader.claimClicked.connect(self.select_claim)
        reader.overlapClicked.connect(self.pick_overlapping)
        marks.claimClicked.connect(self.select_claim)
        form.saveRequested.connect(self.save_claim)
        form.deleteRequested.connect(self.delete_claim)
        form.newTermRequested.connect(self.add_term)
        self.stale = StaleClaimResolver(
            lambda: self.session.codebook, form, lambda start, end: reader.text[start:end],
            lambda message, rows, deleted: interaction.resolve_stale_claim(parent, message, rows, deleted),
            apply_changes, self.save_claim, say,
        )  # fmt: skip

    @property
    def type_keys(self) -> list[str]:
        return self._type_keys_list

    @type_keys.setter
    def type_keys(self, keys: list[str]) -> None:
        # a dict, so opening a document with 10,000 claims does not search the list once per claim
        self._type_keys_list = list(keys)
        self._type_index = {key: i for i, key in reversed(list(enumerate(keys)))}

    def _type_keys(self) -> list[str]:
        try:
            return [c.key for c in self.session.codebook.field("claim_type").choices]
        except KeyError:
            return []

    def highlight(self, record: ClaimRecord) -> Highlight:
        index = self._type_index.get(record.values.get("claim_type") or "", -1)
        return Highlight(record.id, record.anchor.start, record.anchor.end, index)

    def highlights(self, records) -> list[Highlight]:
        """The anchored records' highlights (an orphaned claim's positions belong to an earlier
        version: not painted on this text). One loop with its look-ups bound once: a busy document
        makes 10,000 on every opening."""
        # tuple.__new__ makes the NamedTuple without a Python-level __new__ call per claim
        index, new = self._type_index.get, tuple.__new__
        return [
            new(Highlight, (r.id, r.anchor.start, r.anchor.end, index(r.values.get("claim_type") or "", -1)))
            for r in records
            if r.anchor_status != "orphaned"  # ClaimRecord.orphaned, without a property call per claim
        ]

    # -- a document's claims ------------------------------------------------------------------
    def show_document(self, document_id: int | None, text: str, styles) -> None:
        """Load a document's claims into the table, the reader and the margin."""
        self.document_id = document_id
        records = self.session.claims.for_document(document_id) if document_id is not None else []
        self.table.set_records(records)
        highlights = self.highlights(records)
        self.reader.set_text(text, styles, highlights)
        self.marks.set_highlights(highlights)

    def apply(self, changes: Changes) -> None:
        """Bring the table, highlights and form up to date with exactly what changed."""
        if self.document_id is None:
            return
        if self.document_id in changes.texts:
            document = self.session.documents.get(self.document_id)
            self.show_document(self.document_id, document.text, self.session.documents.styles(self.document_id))
        elif changes.claims:
            self._apply_claims(changes.claims)
        if self.form.mode == "edit" and self.form.claim_id in changes.claims:
            if self.table.row_of(self.form.claim_id) < 0:
                self._keep_orphaned_form_input()
            elif not self.form.is_dirty():
                self.form.load_record(self.table.record_at(self.table.row_of(self.form.claim_id)))
        several = len(self.table_view.selectionModel().selectedRows()) > 1
        if self.form.claim_id is not None and self.table.row_of(self.form.claim_id) >= 0 and not several:
            self._select_row(self.form.claim_id)  # a multi-row selection stays for the next bulk action

    def _apply_claims(self, claim_ids: frozenset[int]) -> None:
        records = self.session.claims.get_many(sorted(claim_ids))
        here = [r for r in records if r.document_id == self.document_id]
        gone = set(claim_ids) - {r.id for r in here}
        self.table.remove(sorted(gone))
        self.table.upsert(here)
        anchored = self.highlights(here)
        hidden = gone | {r.id for r in here if r.orphaned}
        self.reader.update_highlights(anchored, hidden)
        self.marks.update_highlights(anchored, hidden)

    # -- selecting ----------------------------------------------------------------------------
    def _select_row(self, claim_id: int | None) -> None:
        model = self.table_view.selectionModel()
        model.blockSignals(True)
        row = self.table.row_of(claim_id) if claim_id is not None else -1
        if row >= 0:
            flags = QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            model.setCurrentIndex(self.table.index(row, 0), flags)
            self.table_view.scrollTo(self.table.index(row, 0))
        else:
            model.clearSelection()
            model.setCurrentIndex(self.table.index(-1, -1), QItemSelectionModel.SelectionFlag.NoUpdate)
        model.blockSignals(False)
        self.table_view.viewport().update()

    def select_claim(self, claim_id: int, from_table: bool = False) -> bool:
        """Select a claim everywhere: table row, reader highlight, form. From the table itself, its
        selection is left as the reviewer made it (Ctrl+click adds rows for a bulk action)."""
        if claim_id == self.form.claim_id and self.form.mode == "edit":
            self.reader.select_claim(claim_id)
            if not from_table:
                self._select_row(claim_id)
            return True
        if not self.resolve_unsaved():
            self._select_row(self.form.claim_id)
            return False
        record = self.table.record_at(self.table.row_of(claim_id))
        if record is None:
            return False
        if not from_table:
            self._select_row(claim_id)
        self.reader.select_claim(claim_id)
        self.form.load_record(record)
        return True

    def pick_overlapping(self, claim_ids: list, where: QPoint) -> None:
        """A click where claims overlap: the reviewer picks one (shortest first)."""
        options = []
        for claim_id in claim_ids:
            record = self.table.record_at(self.table.row_of(claim_id))
            if record is not None:
                options.append((claim_id, record))
        chosen = self.interaction.pick_claim(self.parent_widget, options, where) if len(options) > 1 else None
        if chosen is None and len(options) == 1:
            chosen = options[0][0]
        if chosen is not None:
            self.select_claim(chosen)

    # -- new, save, delete --------------------------------------------------------------------
    def new_claim(self) -> None:
        selection = self.reader.selection_range()
        if self.document_id is None or selection is None:
            self.say("Select a passage in the reader first.", 5000)
            return
        if not self.resolve_unsaved():
            return
        start, end = selection
        quote = self.reader.text[start:end]
        if not quote.strip():
            self.say("The selection holds only white space.", 5000)
            return
        self.reader.select_claim(None, scroll=False)
        self._select_row(None)
        self.form.load_new(self.document_id, start, end, quote)

    def save_claim(self) -> bool:
        form = self.form
        if form.mode == "empty" or not form.is_dirty():
            return True
        problems = self._resolve_pending_terms()
        draft = form.draft()
        for check in (
            lambda: self.session.claims.clean_values(draft.values),
            lambda: self.session.claims.clean_terms(draft.terms),
        ):
            try:  # every problem at once, each field marked, before anything is written
                check()
            except ValidationError as exc:
                problems += exc.problems or [("", str(exc))]
        if problems:
            form.show_problems(tuple(problems))
            count = len({message for _, message in problems})
            self.say(f"Not saved: {count} problem{'s' if count > 1 else ''} in the form.", 8000)
            return False
        if form.mode == "new":
            command = CreateClaim(self.session.claims, draft)
        else:
            command = EditClaim(self.session.claims, form.claim_id, draft)
        stale: list[StaleClaimError] = []
        if not run_command(self.undo_stack, command, self.apply_changes, self._show_error, _catch_stale(stale)):
            # the form keeps what was typed; a claim changed elsewhere meanwhile shows both versions
            return bool(stale) and self.stale.resolve(stale[0], form.claim_id, draft)
        claim_id = command.claim_id
        record = self.table.record_at(self.table.row_of(claim_id)) or self.session.claims.get(claim_id)
        form.load_record(record)
        self._select_row(claim_id)
        self.reader.clear_selection()  # the new claim's highlight shows, not the selection over it
        self.reader.select_claim(claim_id, scroll=False)
        self.say(f"Claim {claim_id} saved.", 4000)
        return True

    def _resolve_pending_terms(self) -> list[tuple[str, str]]:
        """Text typed in a term field is never dropped: it becomes the term it names, a term the
        reviewer picks or adds, or is discarded on purpose; otherwise it is a problem and Save is
        refused (with the form's other problems, all at once)."""
        problems = []
        for role, _ in self.form.pending_terms():
            self.form.pickers[role].resolve_pending()  # the text that names one term becomes it
        for role, text in self.form.pending_terms():
            picker = self.form.pickers[role]
            candidates = [m.term for m in picker.suggestions(text)[:5]]
            answer = self.interaction.ask_pending_term(self.parent_widget, picker.role_label, text, candidates)
            if answer is not None and answer[0] == "pick":
                picker.add_term(answer[1])
                picker.clear_pending()
            elif answer is not None and answer[0] == "add":
                self.add_term(role, text)
            elif answer is not None and answer[0] == "discard":
                picker.clear_pending()
            if picker.pending_text():
                problems.append(
                    (role, f"{picker.role_label}: “{text}” is not a term yet — pick one, add it, or clear the field")
                )
        return problems

    def reanchor_claim(self) -> None:
        """Move the claim in the form (typically an orphaned one) onto the passage selected in the reader."""
        selection = self.reader.selection_range()
        if self.form.mode != "edit" or selection is None:
            self.say("Select the passage in the reader, with the claim open in the form.", 6000)
            return
        record = self.session.claims.get(self.form.claim_id)
        values = self.form.values() if self.form.is_dirty() else record.values
        moved = ClaimDraft(record.document_id, selection[0], selection[1], values, self.form.terms())
        command = EditClaim(self.session.claims, record.id, moved)
        command.text = "Re-anchor claim"
        if run_command(self.undo_stack, command, self.apply_changes, self._show_error):
            self.form.load_record(self.session.claims.get(record.id))
            self.reader.clear_selection()
            self.reader.select_claim(record.id, scroll=False)
            self.say(f"Claim {record.id} now quotes the selected passage. Ctrl+Z undoes it.", 8000)

    def delete_claim(self) -> None:
        if self.form.mode != "edit" or self.form.claim_id is None:
            return
        claim_id, draft = self.form.claim_id, self.form.draft()
        if self.form.is_dirty() and not self.interaction.confirm(
            self.parent_widget,
            "Delete claim",
            f"Claim {claim_id} has unsaved changes in the form. Delete the claim and discard them?",
            "Delete",
        ):
            return
        self.form.clear()
        stale: list[StaleClaimError] = []
        command = DeleteClaim(self.session.claims, claim_id, draft.version, draft.uuid)
        if run_command(self.undo_stack, command, self.apply_changes, self._show_error, _catch_stale(stale)):
            self.say(f"Claim {claim_id} deleted — Ctrl+Z brings it back.", 6000)
        elif stale:
            self.stale.resolve(stale[0], claim_id, draft)

    def undo(self) -> None:
        """Edit → Undo. Unsaved input in the form is the most recent change: it is taken back first
        (as Revert does), and said so; only then do saved changes come undone."""
        if self.form.is_dirty():
            what = "the new claim" if self.form.mode == "new" else f"claim {self.form.claim_id}"
            self.form.revert()
            if self.form.mode == "empty":
                self.say("Dropped the unsaved new claim. Ctrl+Z again undoes saved changes.", 6000)
            else:
                self.say(f"Undid your unsaved changes to {what}. Ctrl+Z again goes further.", 6000)
            return
        if self.undo_stack.canUndo():
            text = self.undo_stack.undoText()
            self.undo_stack.undo()
            self.say(f"Undone: {text}.", 4000)

    def resolve_unsaved(self) -> bool:
        """Before the form is replaced: save, discard or stay. Input is never dropped silently."""
        if not self.form.is_dirty():
            return True
        answer = self.interaction.ask_unsaved(self.parent_widget)
        if answer == "save":
            return self.save_claim()
        if answer == "discard":
            self.form.clear()
            return True
        return False

    def _keep_orphaned_form_input(self) -> None:
        """The form's claim is gone (undo, delete): unsaved input stays, as a new claim."""
        if not self.form.is_dirty():
            self.form.clear()
            return
        draft = self.form.draft()
        self.form.load_new(draft.document_id, draft.start, draft.end, self.reader.text[draft.start : draft.end])
        self.form.set_values(draft.values, draft.terms)
        self.say("That claim no longer exists; your unsaved input is kept as a new claim.", 8000)

    # -- vocabulary ---------------------------------------------------------------------------
    def refresh_vocabulary(self) -> None:
        terms = self.session.terms
        used = frozenset(terms.usage_counts())
        self.form.set_vocabulary(terms.by_role([f.key for f in self.session.codebook.term_fields]), used)

    def add_term(self, role: str, text: str) -> None:
        vocabularies = self.session.terms.vocabularies_for_role(role)
        label = self.session.codebook.role(role).label
        answer = self.interaction.ask_new_term(self.parent_widget, label, text, vocabularies)
        if answer is None:
            return
        vocabulary_key, label, identifier = answer
        try:
            term, _ = self.session.terms.add(vocabulary_key, label, identifier)
        except Exception as exc:  # noqa: BLE001 - one error path: words in a box
            self._show_error(user_message(exc))
            return
        self.refresh_vocabulary()
        picker = self.form.pickers[role]
        picker.add_term(term)
        picker.clear_pending()
        self.say(f"“{term.label}” added to the vocabulary.", 5000)

    def _show_error(self, message: str) -> None:
        self.interaction.show_error(self.parent_widget, message)


def _catch_stale(caught: list):
    """An error hook for run_command: a claim changed or deleted elsewhere is kept for its own dialog."""

    def catch(exc: BaseException) -> bool:
        if isinstance(exc, StaleClaimError):
            caught.append(exc)
            return True
        return False

    return catch
