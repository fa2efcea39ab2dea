"""The claim form's fields at fault: each marked (red border and label, the reason as its tooltip) and
every problem listed above the fields, until the reviewer edits what it names."""

from __future__ import annotations

from PySide6.QtCore import Qt

from curator.core.claims import number_problem
from curator.ui.plain import tooltip

# The form carries its own rules for fields at fault, so the marks show whatever the application's
# style sheet or theme (red border and label; the list of problems on a pale red panel).
PROBLEM_QSS = """
QLineEdit[invalid="true"], QPlainTextEdit[invalid="true"], QComboBox[invalid="true"] {
    border: 2px solid #c62828; border-radius: 3px;
}
QLabel[invalid="true"] { color: #c62828; font-weight: bold; }
QLabel#formProblems {
    color: #5c1414; background: #fdecea; border: 1px solid #e8a39c; border-radius: 3px; padding: 4px 6px;
}
"""


class FormProblems:
    """Mixed into ClaimForm, whose fields, labels, codebook, `invalid` and `_problems` it works on."""

    def show_problems(self, problems: tuple[tuple[str, str], ...]) -> None:
        """Mark every field at fault and list every problem at once (a problem of two fields, such as
        a CI whose bounds are swapped, is listed once and marks both)."""
        self.clear_problems()
        self._problems = list(dict.fromkeys(problems))
        for key, message in self._problems:
            self.invalid[key] = f"{self.invalid[key]}\n{message}" if key in self.invalid else message
        for key, message in self.invalid.items():
            self._mark(key, True, message)
        self._show_problem_list()
        first = next((k for k in (f.key for f in self.codebook.fields) if k in self.invalid), None)
        widget = self.widgets.get(first) if first else None
        if widget is not None:
            self.scroll.ensureWidgetVisible(widget)
            self._input(first).setFocus(Qt.FocusReason.OtherFocusReason)

    def _style_problems(self) -> None:
        """The problem rules, set when the first problem is shown: a style sheet on the form made every
        one of its widgets slower to build and polish (a third of the form's start-up), and until
        then no rule matches anything."""
        if not self.styleSheet():
            self.setStyleSheet(PROBLEM_QSS)

    def _show_problem_list(self) -> None:
        self._style_problems()
        messages = list(dict.fromkeys(m for _, m in self._problems))
        self.problems.setText("Not saved:\n" + "\n".join(f"• {m}" for m in messages))
        self.problems.setVisible(bool(messages))

    def _forget_problems_of(self, key: str) -> None:
        """The reviewer is fixing `key`: its problems leave the list, and the other fields they marked
        lose that mark too."""
        messages = {m for k, m in self._problems if k == key}
        if not messages:
            return
        self._problems = [(k, m) for k, m in self._problems if m not in messages]
        for other in {k for k in self.invalid} - {k for k, _ in self._problems}:
            self._mark(other, False, "")
            del self.invalid[other]
        self._show_problem_list()

    def _check_number(self, key: str) -> None:
        """Mark a number field at once when what it holds is not a number (it is not saved anyway)."""
        f = next(f for f in self.codebook.fields if f.key == key)
        problem = number_problem(f, self.widgets[key].text())
        if problem:
            self.invalid[key] = problem
            self._mark(key, True, problem)
        elif key in self.invalid and key not in {k for k, _ in self._problems}:
            self._mark(key, False, "")
            del self.invalid[key]

    def clear_problems(self) -> None:
        for key in list(self.invalid):
            self._mark(key, False, "")
        self.invalid.clear()
        self._problems = []
        self.problems.hide()

    def _mark(self, key: str, invalid: bool, message: str) -> None:
        widget = self.widgets.get(key)
        if widget is None:
            return
        target = self._input(key)
        if invalid:
            self._style_problems()
        for w in (target, self.labels[key]):
            w.setProperty("invalid", invalid)
            w.style().unpolish(w)
            w.style().polish(w)
        target.setToolTip(tooltip(message) or next((f.help for f in self.codebook.fields if f.key == key), ""))
