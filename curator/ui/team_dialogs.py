"""The lead's team dialogs: who extracts a document (Document → Assign…) and reviewers' roles with
blind extraction (Team → Reviewers and roles…). They only gather an answer; the team controller
turns it into one undoable command. Names are shown as plain text (list and table items are)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from curator.core.records import ReviewerInfo
from curator.ui.dialog_buttons import add_dialog_buttons
from curator.ui.plain import plain_label

ROLE_LABELS = {"lead": "Lead", "extractor": "Extractor", "adjudicator": "Adjudicator"}
NEW = -1  # the id of a reviewer named in the dialog, created when it is accepted


class AssignDialog(QDialog):
    """Reviewers with check boxes (the assigned ones ticked, with whether each is done), and a field
    to name a reviewer the project does not have yet."""

    def __init__(self, title: str, reviewers: list[ReviewerInfo], assignments: list, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Assign document")
        self.setObjectName("assignDialog")
        assigned = {a.reviewer_id: a for a in assignments}
        layout = QVBoxLayout(self)
        heading = plain_label(f"Who extracts “{title}”?")
        heading.setWordWrap(True)
        layout.addWidget(heading)
        hint = plain_label("Tick each reviewer who extracts this document; with two or more, extraction is blind.")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.list = QListWidget()
        self.list.setObjectName("assignReviewers")
        for reviewer in reviewers:
            self._add_item(reviewer.name, reviewer.id, reviewer.role, assigned.get(reviewer.id))
        rows = min(max(self.list.count() + 1, 4), 12)  # the list as tall as its reviewers, within reason
        self.list.setFixedHeight(rows * (self.list.fontMetrics().height() + 4) + 6)
        layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        self.new_name = QLineEdit()
        self.new_name.setObjectName("newReviewer")
        self.new_name.setPlaceholderText("Another reviewer's name")
        self.add_button = QPushButton("&Add reviewer")
        self.add_button.clicked.connect(self.add_reviewer)
        self.new_name.returnPressed.connect(self.add_reviewer)
        row.addWidget(self.new_name, 1)
        row.addWidget(self.add_button)
        layout.addLayout(row)
        self.buttons = add_dialog_buttons(self, layout, "Assign")
        self.resize(440, max(layout.totalHeightForWidth(440), 0) or self.sizeHint().height())

    def _add_item(self, name: str, reviewer_id: int, role: str, assignment=None) -> QListWidgetItem:
        state = ""
        if assignment is not None:
            state = " · done" if assignment.done else " · assigned, not done yet"
        item = QListWidgetItem(f"{name} — {ROLE_LABELS.get(role, role)}{state}")
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if assignment is not None else Qt.CheckState.Unchecked)
        item.setData(Qt.ItemDataRole.UserRole, reviewer_id)
        item.setData(Qt.ItemDataRole.UserRole + 1, name)
        self.list.addItem(item)
        return item

    def add_reviewer(self) -> None:
        """A name not in the list becomes a new, ticked extractor; a known one is ticked."""
        name = " ".join(self.new_name.text().split())
        if not name:
            return
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole + 1).lower() == name.lower():
                item.setCheckState(Qt.CheckState.Checked)
                break
        else:
            self._add_item(name, NEW, "extractor").setCheckState(Qt.CheckState.Checked)
        self.new_name.clear()

    def tick(self, name: str, on: bool = True) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(Qt.ItemDataRole.UserRole + 1) == name:
                item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)

    def answer(self) -> tuple[set[int], list[str]]:
        """(ids of the ticked reviewers, names of ticked reviewers to create)."""
        self.add_reviewer()  # a name typed but not added yet still counts
        ticked, new = set(), []
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                reviewer_id = item.data(Qt.ItemDataRole.UserRole)
                if reviewer_id == NEW:
                    new.append(item.data(Qt.ItemDataRole.UserRole + 1))
                else:
                    ticked.add(reviewer_id)
        return ticked, new


class ReviewersDialog(QDialog):
    """Each reviewer's role, and whether extraction is blind."""

    def __init__(self, reviewers: list[ReviewerInfo], blind: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Reviewers and roles")
        self.setObjectName("reviewersDialog")
        layout = QVBoxLayout(self)
        hint = plain_label(
            "The lead assigns documents and sets roles; extractors extract the documents assigned to them; "
            "adjudicators see every claim and reconcile."
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        self.table = QTableWidget(len(reviewers), 2)
        self.table.setObjectName("reviewerRoles")
        self.table.setHorizontalHeaderLabels(["Reviewer", "Role"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.roles: dict[int, QComboBox] = {}
        for row, reviewer in enumerate(reviewers):
            self.table.setItem(row, 0, QTableWidgetItem(reviewer.name))
            combo = QComboBox()
            for key, label in ROLE_LABELS.items():
                combo.addItem(label, key)
            combo.setCurrentIndex(max(combo.findData(reviewer.role), 0))
            self.table.setCellWidget(row, 1, combo)
            self.roles[reviewer.id] = combo
        layout.addWidget(self.table, 1)
        self.blind = QCheckBox("&Blind extraction")
        self.blind.setObjectName("blindExtraction")
        self.blind.setChecked(blind)
        layout.addWidget(self.blind)
        blind_hint = plain_label(
            "On a document with two or more extractors, each sees only her own claims until all have marked "
            "their extraction done."
        )
        blind_hint.setWordWrap(True)
        layout.addWidget(blind_hint)
        add_dialog_buttons(self, layout, "Apply")
        self.resize(440, 360)

    def set_role(self, reviewer_id: int, role: str) -> None:
        combo = self.roles[reviewer_id]
        combo.setCurrentIndex(combo.findData(role))

    def answer(self) -> tuple[dict[int, str], bool]:
        return {rid: combo.currentData() for rid, combo in self.roles.items()}, self.blind.isChecked()
