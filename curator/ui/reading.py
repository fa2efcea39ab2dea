"""View menu: reading comfort (type size, line length, spacing, site chrome) and the light or dark
theme, which follows the system unless the reviewer picks one. Choices are remembered."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QGuiApplication, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QMenu

from curator.ui.reader import DEFAULT_FONT_PT, DEFAULT_LINE_HEIGHT, READING_WIDTH_CHARS

if TYPE_CHECKING:
    from curator.ui.main_window import MainWindow

FONT_RANGE = (9.0, 24.0)
WIDTH_RANGE = (50, 110)
SPACINGS = {"Compact": 125, "Comfortable": DEFAULT_LINE_HEIGHT, "Airy": 180}
THEMES = ("system", "light", "dark")
# Appended to the application's style sheet in the dark theme: the light sheet's tinted panels.
DARK_QSS = """
/* dark theme */
QLabel#quote { background: #2e2b22; border-color: #5b5337; color: #ece6d2; }
QTableView { gridline-color: #34363a; }
QLabel#storageBanner { background: #4a3f12; color: #fff3c4; border-bottom-color: #7a6a24; }
QLabel#storageBanner[severity="readonly"] { background: #5a2320; color: #ffdedb; border-bottom-color: #8a3a35; }
"""


def dark_palette() -> QPalette:
    p = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#202124",
        QPalette.ColorRole.WindowText: "#e8eaed",
        QPalette.ColorRole.Base: "#17181a",
        QPalette.ColorRole.AlternateBase: "#232427",
        QPalette.ColorRole.Text: "#e8eaed",
        QPalette.ColorRole.Button: "#2b2c2f",
        QPalette.ColorRole.ButtonText: "#e8eaed",
        QPalette.ColorRole.Highlight: "#3d6a8c",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#2b2c2f",
        QPalette.ColorRole.ToolTipText: "#e8eaed",
        QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.PlaceholderText: "#9aa0a6",
    }
    for role, colour in colours.items():
        p.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.WindowText, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#6f7378"))
    return p


def system_is_dark() -> bool:
    try:
        return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    except AttributeError:  # Qt < 6.5
        return False


class ReadingSettings:
    def __init__(self, window: MainWindow):
        self.window = window
        s = window.settings
        self.font_pt = float(s.value("reading/font_pt", DEFAULT_FONT_PT))
        self.width_chars = int(s.value("reading/width_chars", READING_WIDTH_CHARS))
        self.line_height = int(s.value("reading/line_height", DEFAULT_LINE_HEIGHT))
        self.dim_chrome = str(s.value("reading/dim_chrome", "true")).lower() == "true"
        self.theme = str(s.value("reading/theme", "system"))
        self.theme = self.theme if self.theme in THEMES else "system"
        self.dark_applied = False  # the application starts with its light palette
        with contextlib.suppress(AttributeError):  # Qt < 6.5 has no colour scheme
            QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _: self.apply_theme())

    def save(self) -> None:
        s = self.window.settings
        for key in ("font_pt", "width_chars", "line_height", "theme"):
            s.setValue(f"reading/{key}", getattr(self, key))
        s.setValue("reading/dim_chrome", "true" if self.dim_chrome else "false")

    def apply(self) -> None:
        self.window.reader.apply_reading(self.font_pt, self.width_chars, self.line_height, self.dim_chrome)
        self.save()

    def is_dark(self) -> bool:
        return self.theme == "dark" or (self.theme == "system" and system_is_dark())

    def apply_at_start(self) -> None:
        """Before any document is shown: set the reader up once, and the theme only if it is dark
        (re-styling every widget and re-laying out the text would double the start-up time)."""
        self.window.reader.apply_reading(self.font_pt, self.width_chars, self.line_height, self.dim_chrome)
        if self.is_dark():
            self.apply_theme()

    def apply_theme(self) -> None:
        app = QApplication.instance()
        dark = self.is_dark()
        if dark == self.dark_applied:
            return
        self.dark_applied = dark
        app.setPalette(dark_palette() if dark else app.style().standardPalette())
        sheet = app.styleSheet().split("/* dark theme */")[0].rstrip()
        app.setStyleSheet(sheet + ("\n" + DARK_QSS if dark else ""))
        self.window.reader.set_dark(dark)
        self.window.reader.apply_reading(self.font_pt, self.width_chars, self.line_height, self.dim_chrome)
        self.save()

    # -- actions ------------------------------------------------------------------------------
    def zoom(self, step: float) -> None:
        self.font_pt = DEFAULT_FONT_PT if step == 0 else min(max(self.font_pt + step, FONT_RANGE[0]), FONT_RANGE[1])
        self.apply()

    def widen(self, step: int) -> None:
        self.width_chars = min(max(self.width_chars + step, WIDTH_RANGE[0]), WIDTH_RANGE[1])
        self.apply()

    def set_spacing(self, percent: int) -> None:
        self.line_height = percent
        self.apply()

    def set_dim_chrome(self, on: bool) -> None:
        self.dim_chrome = on
        self.apply()

    def set_theme(self, theme: str) -> None:
        self.theme = theme
        self.apply_theme()


def build_view_menu(window: MainWindow, actions: dict[str, QAction]) -> None:
    reading = window.reading
    bar = window.menuBar()
    help_action = next((a for a in bar.actions() if a.text() == "&Help"), None)
    menu = QMenu("&View", window)
    if help_action is not None:
        bar.insertMenu(help_action, menu)
    else:
        bar.addMenu(menu)

    def add(key, text, slot, shortcuts=(), checkable=False, checked=False):
        action = QAction(text, window)
        action.setShortcuts([QKeySequence(k) for k in shortcuts])
        action.setCheckable(checkable)
        action.setChecked(checked)
        action.triggered.connect(slot)
        menu.addAction(action)
        actions[key] = action
        return action

    add("zoom_in", "&Larger text", lambda: reading.zoom(1.0), ("Ctrl++", "Ctrl+="))
    add("zoom_out", "&Smaller text", lambda: reading.zoom(-1.0), ("Ctrl+-",))
    add("zoom_reset", "&Normal text size", lambda: reading.zoom(0), ("Ctrl+0",))
    menu.addSeparator()
    add("wider", "&Wider lines", lambda: reading.widen(8), ("Ctrl+]",))
    add("narrower", "&Narrower lines", lambda: reading.widen(-8), ("Ctrl+[",))
    spacing = QActionGroup(window)
    for name, percent in SPACINGS.items():
        action = add(
            f"spacing_{name.lower()}",
            f"{name} line spacing",
            lambda _=False, p=percent: reading.set_spacing(p),
            checkable=True,
            checked=reading.line_height == percent,
        )
        spacing.addAction(action)
    menu.addSeparator()
    add(
        "dim_chrome",
        "&Dim site chrome (navigation, adverts)",
        reading.set_dim_chrome,
        checkable=True,
        checked=reading.dim_chrome,
    )
    menu.addSeparator()
    themes = QActionGroup(window)
    for theme in THEMES:
        label = {"system": "Theme: follow the system", "light": "Theme: light", "dark": "Theme: dark"}[theme]
        action = add(
            f"theme_{theme}",
            label,
            lambda _=False, t=theme: reading.set_theme(t),
            checkable=True,
            checked=reading.theme == theme,
        )
        themes.addAction(action)
