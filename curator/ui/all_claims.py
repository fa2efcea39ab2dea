"""Every claim in the project in one table (a dock), loaded the first time it is shown."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDockWidget

from curator.core.codebook import Codebook
from curator.core.records import Changes, ClaimRecord
from curator.ui.claim_table import ClaimTablePanel
from curator.ui.models import ClaimTableModel

Loader = Callable[[], tuple[list[ClaimRecord], dict[int, str]]]


class AllClaimsDock(QDockWidget):
    openClaim = Signal(int, int)  # document id, claim id
    bulkStatusRequested = Signal(list, str)  # claim ids, status key
    bulkDeleteRequested = Signal(list)  # claim ids

    def __init__(self, codebook: Codebook, load: Loader, parent=None):
        super().__init__("All claims", parent)
        self.setObjectName("allClaimsDock")
        self.load = load
        self.loaded = False  # nothing is read until the dock is first shown: a project may hold 100,000 claims
        self.model = ClaimTableModel(codebook, self, show_document_column=True)
        self.panel = ClaimTablePanel(codebook, self.model)
        self.setWidget(self.panel)
        self.panel.claimActivated.connect(self._open)
        self.panel.bulkStatusRequested.connect(self.bulkStatusRequested)
        self.panel.bulkDeleteRequested.connect(self.bulkDeleteRequested)

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if not self.loaded:
            self.reload()

    def reload(self) -> None:
        records, titles = self.load()
        self.model.set_records(records, titles)
        self.loaded = True

    def reload_if_loaded(self) -> None:
        """After the project itself changed (a restore): read it again, or wait until shown."""
        if self.loaded:
            self.reload()

    def apply(self, changed: list[ClaimRecord], removed_ids, titles: dict[int, str] | None = None) -> None:
        """Apply claims that were created or changed, and removed, without reloading the rest."""
        if not self.loaded:
            return  # the first showing reads everything anyway
        if titles:
            self.model.set_titles(titles)
        self.model.remove(removed_ids)
        self.model.upsert(changed)

    def apply_changes(self, changes: Changes, get_many: Callable[[list[int]], list[ClaimRecord]]) -> None:
        """Apply a command's Changes: its claims are read again; those not found were removed."""
        if not self.loaded or not changes.claims:
            return
        records = get_many(sorted(changes.claims))
        found = {r.id for r in records}
        self.apply(records, [i for i in changes.claims if i not in found])

    def _open(self, claim_id: int) -> None:
        record = self.model.record_at(self.model.row_of(claim_id))
        if record is not None:
            self.openClaim.emit(record.document_id, claim_id)
