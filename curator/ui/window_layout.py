"""What the main window remembers between sessions, per user (QSettings): its size and place, the
docks and the centre split, whether All claims was open, and the last document of each project.
First start: most of the available screen instead of Qt's size hint."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QGuiApplication

if TYPE_CHECKING:
    from curator.ui.main_window import MainWindow

LAYOUT_VERSION = 2  # saved dock layouts of another version are not restored


def initial_size(window: MainWindow) -> None:
    """First start: most of the available screen, not Qt's size hint (942×504 here)."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    available = screen.availableGeometry()
    width, height = min(int(available.width() * 0.9), 1600), min(int(available.height() * 0.9), 1000)
    window.resize(width, height)
    window.move(available.center().x() - width // 2, available.center().y() - height // 2)


def restore_layout(window: MainWindow) -> None:
    s = window.settings
    if str(s.value("window/all_claims_open", "false")) == "true":
        window.all_claims  # noqa: B018 - built before the restore, which then places it as it was
    geometry = s.value("window/geometry")
    if isinstance(geometry, QByteArray):
        window.restoreGeometry(geometry)
    else:
        initial_size(window)
    for key, restore in (
        ("window/docks", lambda v: window.restoreState(v, LAYOUT_VERSION)),
        ("window/centre", window.centre.restoreState),
    ):
        value = s.value(key)
        if isinstance(value, QByteArray):
            restore(value)
    last = s.value(f"last_document/{window.session.target}")
    ids = [d.id for d in window.documents.rows]
    if ids:
        try:
            wanted = int(last) if last is not None else ids[0]
        except (TypeError, ValueError):
            wanted = ids[0]
        window.open_document(wanted if wanted in ids else ids[0])


def save_layout(window: MainWindow) -> None:
    s = window.settings
    s.setValue("window/geometry", window.saveGeometry())
    s.setValue("window/docks", window.saveState(LAYOUT_VERSION))
    s.setValue("window/centre", window.centre.saveState())
    all_claims = window._all_claims
    shown = all_claims is not None and all_claims.toggleViewAction().isChecked()
    s.setValue("window/all_claims_open", "true" if shown else "false")
    if window.document_id is not None:
        s.setValue(f"last_document/{window.session.target}", window.document_id)
    s.sync()
