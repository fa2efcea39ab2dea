"""Drive the real widgets the way a reviewer does: mouse in the reader, keys in the form."""

from PySide6.QtCore import QPoint, Qt


def point_at(reader, offset: int) -> QPoint:
    rect = reader.rect_for_offset(offset)
    return QPoint(rect.left() + 1, rect.center().y())


def select_in_reader(qtbot, reader, start: int, end: int) -> None:
    """Click before the first character and shift-click after the last, as with a mouse."""
    reader.scroll_to(start)
    qtbot.mouseClick(reader.viewport(), Qt.MouseButton.LeftButton, pos=point_at(reader, start))
    qtbot.mouseClick(
        reader.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, pos=point_at(reader, end)
    )


def click_row(qtbot, view, row: int, column: int = 0) -> None:
    index = view.model().index(row, column)
    view.scrollTo(index)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center())


def pick_term(qtbot, picker, text: str) -> None:
    qtbot.keyClicks(picker.edit, text)
    picker.completer.popup().hide()  # as when the reviewer keeps typing past the suggestions
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)


def choose(qtbot, combo, key: str) -> None:
    """Pick a choice with the keyboard: focus the list and step to the item."""
    combo.setFocus()
    target = combo.findData(key)
    assert target >= 0, key
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)
