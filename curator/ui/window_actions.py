"""Menus, toolbar and shortcuts of the main window, and the commands behind File."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6 import QtWidgets
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QToolBar
from shiboken6 import isValid

from curator import __version__
from curator.core.errors import user_message
from curator.core.records import READING_STATUSES
from curator.ui.project_safety import back_up_now, restore_from_backup
from curator.ui.undo import run_command

if TYPE_CHECKING:
    from curator.ui.main_window import MainWindow


def _document_import():
    """The document importers' dialogs, loaded on first use: no start-up needs them."""
    from curator.ui import document_import

    return document_import


def _document_details():
    """Loaded on first use, as the importers are (its dialog's classes cost the start ≈ 2 ms)."""
    from curator.ui import document_details

    return document_details


def _action(window, text: str, slot, shortcuts=(), tip: str = "") -> QAction:
    action = QAction(text, window)
    if shortcuts:
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    if tip:
        keys = ", ".join(QKeySequence(s).toString(QKeySequence.SequenceFormat.NativeText) for s in shortcuts)
        action.setToolTip(f"{tip} ({keys})" if keys else tip)
        action.setStatusTip(tip)
    action.triggered.connect(slot)
    return action


def _toggle_dock(dock, focus) -> None:
    """Open a dock and put the keyboard in it; pressed again while it has the keyboard, close it."""
    if dock.isVisible() and dock.isAncestorOf(QApplication.focusWidget()):
        dock.hide()
        return
    dock.show()
    dock.raise_()
    focus.setFocus(Qt.FocusReason.ShortcutFocusReason)


def _undo_action(window: MainWindow) -> QAction:
    """Undo that takes back the form's unsaved input first, then saved changes; its text says which."""
    action = QAction("&Undo", window)
    action.setShortcuts([QKeySequence("Ctrl+Z")])
    action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    action.triggered.connect(window.undo)
    stack = window.undo_stack

    def refresh(*_args) -> None:
        if not (isValid(stack) and isValid(action)):  # the form outlives both while the window closes
            return
        dirty = window.form.is_dirty()
        action.setEnabled(dirty or stack.canUndo())
        if dirty:
            action.setText("&Undo unsaved changes in the form")
        else:
            action.setText(f"&Undo {stack.undoText()}" if stack.canUndo() else "&Undo")

    stack.canUndoChanged.connect(refresh)
    stack.undoTextChanged.connect(refresh)
    window.form.stateChanged.connect(refresh)
    refresh()
    return action


def build_menus(window: MainWindow, navigation: dict[str, QAction]) -> dict[str, QAction]:
    """The menus and toolbar; `navigation` holds the keyboard actions (keyboard.keyboard_actions)."""
    a: dict[str, QAction] = dict(navigation)
    a["new_claim"] = _action(
        window, "&New claim from selection", window.new_claim, ("Ctrl+N",), "Turn the selected passage into a claim"
    )
    a["save_claim"] = _action(
        window, "&Save claim", window.save_claim, ("Ctrl+S", "Ctrl+Return", "Ctrl+Enter"), "Save the claim in the form"
    )
    a["delete_claim"] = _action(
        window, "&Delete claim", window.delete_claim, ("Ctrl+Delete",), "Delete the selected claim (undoable)"
    )
    a["reanchor"] = _action(
        window,
        "&Re-anchor to selection",
        window.reanchor_claim,
        ("Ctrl+Shift+R",),
        "Make the claim in the form quote the passage selected in the reader (for orphaned claims)",
    )
    a["document_details"] = _action(
        window,
        "Document &details…",
        lambda: _document_details().edit_document_details(window),
        ("Ctrl+I",),
        "Title, authors, venue, date, DOI, URL and the entities the source lists",
    )
    a["replace_document"] = _action(
        window,
        "&Replace with revised version…",
        lambda: _document_import().replace_document(window),
        (),
        "Import a new version of this document and re-anchor its claims",
    )
    a["undo"] = _undo_action(window)
    a["redo"] = window.undo_stack.createRedoAction(window, "&Redo")
    a["redo"].setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    a["find"] = _action(
        window, "&Find in document…", window.find_bar.open_bar, ("Ctrl+F",), "Find text in the open document"
    )
    a["search_all"] = _action(
        window,
        "&Search all documents…",
        window.search_panel.open_panel,
        ("Ctrl+Shift+F",),
        "Search every document and claim; Enter jumps to the passage",
    )
    a["find_next"] = _action(window, "Find &next", window.find_bar.find_next, ("F3",))
    a["find_previous"] = _action(window, "Find &previous", window.find_bar.find_previous, ("Shift+F3",))
    a["export"] = _action(
        window,
        "&Export…",
        lambda: export_claims(window),
        ("Ctrl+Shift+E",),
        "Export every claim: Excel workbook, CSV or W3C Web Annotations",
    )
    a["import_documents"] = _action(
        window,
        "Import &documents…",
        lambda: _document_import().import_documents_dialog(window),
        ("Ctrl+O",),
        "Add .txt, .md, .html, .docx or .pdf files to the project (or drop them on the window)",
    )
    a["import_claims"] = _action(
        window,
        "&Import claims from a workbook…",
        lambda: import_claims(window),
        ("Ctrl+Shift+I",),
        "Bring back claims edited in a spreadsheet: preview first, then all or nothing",
    )
    a["backup"] = _action(
        window,
        "&Back up now…",
        lambda: back_up_now(window),
        ("Ctrl+Shift+B",),
        "Copy the whole project into its backups folder",
    )
    a["restore"] = _action(
        window,
        "&Restore from backup…",
        lambda: restore_from_backup(window),
        (),
        "Replace the project by a backup (the current state is kept as another backup)",
    )
    a["codebook"] = _action(
        window,
        "&Codebook…",
        window.open_codebook,
        ("Ctrl+Shift+K",),
        "Add, rename, merge and retire terms and choices; export the project's codebook as TOML",
    )
    a["all_claims"] = _action(
        window,
        "&All claims in the project",
        lambda: _toggle_dock(window.all_claims, window.all_claims.panel.filter_edit),
        ("Ctrl+Shift+A",),
        "Every claim of every document, filterable and sortable; Enter opens one in its document",
    )
    a["documents_pane"] = window.documents_dock.toggleViewAction()
    a["claim_pane"] = window.claim_dock.toggleViewAction()
    a["quit"] = _action(window, "&Quit", window.close, ("Ctrl+Q",))
    a["about"] = _action(window, "&About Curator", lambda: show_about(window))
    a["export"].setIconText("Export…")
    a["import_claims"].setIconText("Import claims…")
    for status, label in READING_STATUSES.items():
        a[f"status_{status}"] = _action(
            window, f"Mark as {label.lower()}", lambda _=False, s=status: window.set_reading_status(s)
        )

    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addAction(a["import_documents"])
    file_menu.addAction(a["import_claims"])
    file_menu.addAction(a["export"])
    file_menu.addSeparator()
    file_menu.addAction(a["backup"])
    file_menu.addAction(a["restore"])
    file_menu.addSeparator()
    file_menu.addAction(a["quit"])
    edit_menu = bar.addMenu("&Edit")
    for key in ("undo", "redo", None, "find", "find_next", "find_previous", "search_all", None, "codebook"):
        edit_menu.addSeparator() if key is None else edit_menu.addAction(a[key])
    claim_menu = bar.addMenu("&Claim")
    for key in ("new_claim", "save_claim", "delete_claim", "reanchor", None, "grow_sentence", "grow_clause"):
        claim_menu.addSeparator() if key is None else claim_menu.addAction(a[key])
    if "accept_suggestions" in a:
        claim_menu.addAction(a["accept_suggestions"])
    claim_menu.addSeparator()
    for key in ("next_claim", "previous_claim", "next_unreviewed", "previous_unreviewed"):
        claim_menu.addAction(a[key])
    window.choice_menus = {}
    for field_key, title in (("claim_type", "Claim &type"), ("status", "&Status")):
        submenu = claim_menu.addMenu(title)
        window.choice_menus[field_key] = submenu
        for key in [k for k in a if k.startswith(f"choice_{field_key}_")]:
            submenu.addAction(a[key])
    go_menu = bar.addMenu("&Go")
    for key in [k for k in a if k.startswith("focus_")]:
        go_menu.addAction(a[key])
    go_menu.addSeparator()
    for key in ("documents_pane", "claim_pane", "all_claims"):
        go_menu.addAction(a[key])
    document_menu = bar.addMenu("&Document")
    document_menu.addAction(a["document_details"])
    document_menu.addAction(a["replace_document"])
    document_menu.addSeparator()
    for key in ("suggest_passages", "next_passage", "previous_passage"):
        if key in a:
            document_menu.addAction(a[key])
    document_menu.addSeparator()
    for status in READING_STATUSES:
        document_menu.addAction(a[f"status_{status}"])
    help_menu = bar.addMenu("&Help")
    help_menu.addAction(a["about"])
    window.menus = {"file": file_menu, "document": document_menu, "help": help_menu}  # for the team menus

    toolbar = QToolBar("Main")
    toolbar.setObjectName("mainToolbar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    for key in (
        "new_claim",
        "save_claim",
        "delete_claim",
        None,
        "undo",
        "redo",
        None,
        "find",
        "import_claims",
        "export",
    ):
        toolbar.addSeparator() if key is None else toolbar.addAction(a[key])
    window.addToolBar(toolbar)
    return a


def show_about(window: MainWindow) -> None:
    window.interaction.show_info(
        window,
        "About Curator",
        f"Curator {__version__}\nDatabase: {window.session.target}\n\n"
        "Select a passage (Alt+S grows it to the sentence), press Ctrl+N or Alt+1…6 for a typed claim, fill the "
        "form, press Ctrl+S. Ctrl+PgDown / Ctrl+PgUp move between claims; F6 between panes.\n"
        "Ctrl+Z / Ctrl+Shift+Z undo and redo; Ctrl+F finds; Ctrl+Shift+E exports; Ctrl+Shift+I imports claims.\n"
        "Suggestions show greyed in a new claim's form: Tab or a click takes one, Alt+A takes all, Esc dismisses "
        "them (View → Suggestions in the form). Document → Suggest passages marks likely claims; F8 / Shift+F8 "
        "step through them.",
    )


EXPORT_FORMATS = {
    ".xlsx": "Excel workbook, every sheet (*.xlsx)",
    ".csv": "CSV, the Claims sheet (*.csv)",
    ".jsonld": "W3C Web Annotations, JSON-LD (*.jsonld)",
}


def _progress_dialog(window: MainWindow, label: str) -> tuple[QtWidgets.QProgressDialog, Callable[[int, int], bool]]:
    progress = QtWidgets.QProgressDialog(label, "Cancel", 0, 100, window)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(400)

    def report(done: int, total: int) -> bool:
        progress.setMaximum(max(total, 1))
        progress.setValue(done)
        QApplication.processEvents()
        return not progress.wasCanceled()

    return progress, report


def export_claims(window: MainWindow) -> None:
    from curator.io.flat_export import export_csv, export_jsonld
    from curator.io.xlsx_export import ExportCancelled, export_xlsx

    if not window.resolve_unsaved():
        return
    suggested = str(Path.home() / "curator-claims.xlsx")
    path = window.interaction.ask_save_path(window, "Export claims", suggested, ";;".join(EXPORT_FORMATS.values()))
    if not path:
        return
    suffix = Path(path).suffix.lower()
    if suffix not in EXPORT_FORMATS:
        path, suffix = path + ".xlsx", ".xlsx"
    progress, report = _progress_dialog(window, "Exporting claims…")
    try:
        if suffix == ".xlsx":
            result = export_xlsx(window.session, path, report)
        else:
            result = {".csv": export_csv, ".jsonld": export_jsonld}[suffix](window.session, path)
    except ExportCancelled:
        window.statusBar().showMessage("Export cancelled; no file was written.", 5000)
        return
    except Exception as exc:  # noqa: BLE001 - one error path: words in a box
        window.show_error(f"The export failed: {user_message(exc)}")
        return
    finally:
        progress.close()
    message = f"Exported {result.claims} claims and {result.documents} documents to {result.path}."
    if result.warnings:
        window.interaction.show_info(
            window, "Export finished with warnings", message + "\n\n" + "\n".join(result.warnings[:20])
        )
    window.statusBar().showMessage(message, 8000)


def import_claims(window: MainWindow) -> None:
    from curator.io.claim_import import import_command, plan_import

    if not window.resolve_unsaved():
        return
    path = window.interaction.ask_open_path(window, "Import claims", str(Path.home()), "Excel workbook (*.xlsx)")
    if not path:
        return
    progress, report = _progress_dialog(window, f"Reading {Path(path).name}…")

    def replan(add_terms: bool):
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            return plan_import(window.session, path, add_unknown_terms=add_terms, progress=report)
        finally:
            QApplication.restoreOverrideCursor()

    try:
        plan = replan(False)
    except Exception as exc:  # noqa: BLE001 - one error path: words in a box
        window.show_error(f"The workbook cannot be imported: {user_message(exc)}")
        return
    finally:
        progress.close()
    plan = window.interaction.review_import(window, plan, replan)
    if plan is None or not plan.has_changes:
        window.statusBar().showMessage("Import cancelled; nothing was written.", 5000)
        return
    try:
        command = import_command(window.session, plan)
    except Exception as exc:  # noqa: BLE001 - one error path: words in a box
        window.show_error(user_message(exc))
        return
    if run_command(window.undo_stack, command, window.apply_changes, window.show_error):
        window.statusBar().showMessage(
            f"Imported from {plan.source.name}: {len(plan.new)} new, {len(plan.changed)} changed. Ctrl+Z undoes it.",
            10000,
        )
