"""The document list's team columns, kept by DocumentListModel (curator/ui/models.py): the current
reviewer's assignments first (then the rest, in the list's own order), each with her own progress
("Mine": her claims, ✓ once she marked her extraction done) and where the team stands on it ("Team":
"1 of 2 done · blind", …). Projects without assignments have none of this; the window hides the columns.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QAbstractTableModel, Qt

MINE, TEAM = 3, 4  # the columns after Title, Read and Claims
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGNMENT = int(Qt.ItemDataRole.TextAlignmentRole)
_USER = int(Qt.ItemDataRole.UserRole)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


@dataclass(frozen=True)
class MyWork:
    """The current reviewer's progress on a document assigned to her."""

    claims: int
    done: bool

    @property
    def text(self) -> str:
        return f"{self.claims} ✓" if self.done else f"{self.claims}"


class TeamColumns:
    """Her assignments and the team's states, for the document model that shows them."""

    def __init__(self, model: QAbstractTableModel):
        self.model = model
        self.mine: dict[int, MyWork] = {}
        self.states: dict[int, str] = {}  # document id -> DocumentTeamState.label
        self._base: dict[int, int] = {}  # document id -> its place in the order the rows were given

    @property
    def has_team(self) -> bool:
        return bool(self.states)

    def ordered(self, rows: list) -> list:
        """Rows as given, her assignments moved to the top (the order given is remembered for the rest)."""
        self._base = {r.id: i for i, r in enumerate(rows)}
        return self._sorted(rows) if self.mine else list(rows)

    def _sorted(self, rows: list) -> list:
        return sorted(rows, key=lambda r: (r.id not in self.mine, self._base.get(r.id, 0)))

    def set_team(self, mine: dict[int, MyWork], states: dict[int, str]) -> None:
        """New progress and states; rows move only when the set of her assignments changed."""
        reorder = set(mine) != set(self.mine)
        changed = mine != self.mine or states != self.states
        self.mine, self.states = dict(mine), dict(states)
        model = self.model
        if reorder:
            self._reorder()
        elif changed and model.rows:
            model.dataChanged.emit(model.index(0, 0), model.index(len(model.rows) - 1, len(model.HEADERS) - 1))

    def set_my_work(self, document_id: int, work: MyWork) -> None:
        if document_id in self.mine and self.mine[document_id] != work:
            self.mine[document_id] = work
            row = self.model.row_of(document_id)
            if row >= 0:
                self.model.dataChanged.emit(
                    self.model.index(row, 0), self.model.index(row, len(self.model.HEADERS) - 1)
                )

    def _reorder(self) -> None:
        """Her assignments to the top, the view's selection and current row kept (a layout change)."""
        model = self.model
        model.layoutAboutToBeChanged.emit()
        old_ids = [r.id for r in model.rows]
        model.rows = self._sorted(model.rows)
        model._row_by_id = {r.id: i for i, r in enumerate(model.rows)}
        before = model.persistentIndexList()
        after = [model.index(model._row_by_id[old_ids[i.row()]], i.column()) for i in before]
        model.changePersistentIndexList(before, after)
        model.layoutChanged.emit()

    def cell(self, row, column: int, role: int):
        if role == _DISPLAY:
            if column == MINE:
                work = self.mine.get(row.id)
                return work.text if work else ""
            return self.states.get(row.id, "")
        if role == _ALIGNMENT:
            return _RIGHT if column == MINE else None
        return row.id if role == _USER else None  # the tooltip: the model's, with tip() in it

    def tip(self, row) -> str:
        """The team's lines of a document's tooltip ("" without assignments)."""
        lines = []
        work = self.mine.get(row.id)
        if work is not None:
            mark = "you marked your extraction done" if work.done else "not marked done yet"
            lines.append(f"Assigned to you: {work.claims} claim{'s' if work.claims != 1 else ''} of yours, {mark}")
        if self.states.get(row.id):
            lines.append(f"Team: {self.states[row.id]}")
        return "".join(f"\n{line}" for line in lines)
