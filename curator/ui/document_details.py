"""Document → Details… (Ctrl+I): the bibliographic details, editable, and what Curator knows about
the source (file, encoding, SHA-256, versions, the entities it lists with their identifiers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from curator.core.commands import EditDocumentDetails
from curator.core.records import SOURCE_KINDS
from curator.ui.dialog_buttons import add_dialog_buttons
from curator.ui.plain import plain_label
from curator.ui.undo import run_command

if TYPE_CHECKING:
    from curator.ui.main_window import MainWindow


class DocumentDetailsDialog(QDialog):
    def __init__(self, window: MainWindow, document_id: int):
        super().__init__(window)
        session = window.session
        info = session.documents.get(document_id)
        self.setWindowTitle("Document details")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.edits: dict[str, QLineEdit] = {}
        for key, label in (
            ("title", "Title"),
            ("authors", "Authors"),
            ("venue", "Venue"),
            ("published", "Published"),
            ("doi", "DOI"),
            ("url", "URL"),
        ):
            edit = QLineEdit(getattr(info, key))
            edit.setCursorPosition(0)  # long titles read from their start
            edit.setObjectName(f"detail_{key}")
            self.edits[key] = edit
            form.addRow(label, edit)
        self.edits["published"].setPlaceholderText("2026, 2026-02 or 2026-02-05")
        self.kind = QComboBox()
        for key, label in SOURCE_KINDS.items():
            self.kind.addItem(label, key)
        self.kind.setCurrentIndex(max(0, self.kind.findData(info.source_kind)))
        form.insertRow(1, "Kind of source", self.kind)
        self.notes = QPlainTextEdit(info.notes)
        self.notes.setFixedHeight(70)
        form.addRow("Notes", self.notes)
        versions = session.documents.version_count(document_id)
        facts = (
            f"File {info.file_name or '—'} · {info.format}"
            + (f" · encoding {info.encoding}" if info.encoding else "")
            + f" · imported {info.imported_at:%Y-%m-%d %H:%M} UTC"
            if info.imported_at
            else ""
        )
        form.addRow("Source", plain_label(facts))
        sha = plain_label(
            info.sha256 + (f"  ({versions} earlier version{'s' if versions != 1 else ''} kept)" if versions else "")
        )
        sha.setTextInteractionFlags(sha.textInteractionFlags() | sha.textInteractionFlags().TextSelectableByMouse)
        form.addRow("SHA-256", sha)
        layout.addLayout(form)
        entities = session.documents.entities(document_id)
        if entities:
            layout.addWidget(QLabel(f"Entities the source lists ({len(entities)})"))
            table = QTableWidget(len(entities), 4)
            table.setHorizontalHeaderLabels(["Section", "Kind", "Entity", "Identifier"])
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.verticalHeader().hide()
            for row, e in enumerate(entities):
                for column, value in enumerate((e.section, e.kind, e.label, e.identifier)):
                    table.setItem(row, column, QTableWidgetItem(value))
            table.horizontalHeader().setStretchLastSection(True)
            table.resizeColumnsToContents()
            self.entity_table = table
            layout.addWidget(table, 1)
        add_dialog_buttons(self, layout, "Save")
        self.resize(760, 620 if entities else 380)

    def details(self) -> dict[str, str]:
        out = {key: edit.text() for key, edit in self.edits.items()}
        out["source_kind"] = self.kind.currentData()
        out["notes"] = self.notes.toPlainText()
        return out


def edit_document_details(window: MainWindow) -> None:
    if window.document_id is None:
        return
    document_id = window.document_id
    details = window.interaction.edit_details(window, document_id)
    if details is None:
        return
    if run_command(
        window.undo_stack,
        EditDocumentDetails(window.session, document_id, details),
        window.apply_changes,
        window.show_error,
    ):
        window.setWindowTitle(f"{window.session.documents.get(document_id).title} — Curator")
        window.statusBar().showMessage("Document details saved. Ctrl+Z undoes it.", 6000)
