"""Adapt core do/undo commands to QUndoCommand, routing every failure to one error path."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand, QUndoStack

from curator.core.commands import Command
from curator.core.errors import user_message
from curator.core.records import Changes


class CommandAdapter(QUndoCommand):
    def __init__(
        self,
        command: Command,
        on_changes: Callable[[Changes], None],
        on_error: Callable[[str], None],
        intercept: Callable[[BaseException], bool] | None = None,
    ):
        super().__init__(command.text)
        self.command = command
        self.on_changes = on_changes
        self.on_error = on_error
        self.intercept = intercept  # takes an error it handles itself (True), instead of the error box

    def _run(self, step: Callable[[], Changes]) -> None:
        try:
            changes = step()
        except Exception as exc:  # noqa: BLE001 - shown to the reviewer in words; the stack drops the command
            self.setObsolete(True)
            if self.intercept is None or not self.intercept(exc):
                self.on_error(user_message(exc))
            return
        self.on_changes(changes)

    def redo(self) -> None:
        self._run(self.command.do)

    def undo(self) -> None:
        self._run(self.command.undo)


def run_command(
    stack: QUndoStack,
    command: Command,
    on_changes: Callable[[Changes], None],
    on_error: Callable[[str], None],
    intercept: Callable[[BaseException], bool] | None = None,
) -> bool:
    """Do `command` through the undo stack; return whether it succeeded. `intercept` sees the first
    run's error before the error box does (a stale claim is answered by its own dialog); not undo's."""
    failed: list[BaseException] = []

    def record(exc: BaseException) -> bool:
        failed.append(exc)
        return intercept is not None and intercept(exc)

    adapter = CommandAdapter(command, on_changes, on_error, record)
    stack.push(adapter)
    adapter.intercept = None  # undo and redo report their errors in the box
    return not failed
