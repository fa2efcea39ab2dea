"""How a workbook cell's value reads as the text an import compares and splits."""

from __future__ import annotations

from typing import Any

CUT_HINT = "…cut:"  # in every cut mark an export leaves (xlsx_sheets.CUT_MARK): a substring test before any regex


def display_value(f, value: Any) -> str:
    """A stored value as the workbook shows it: a choice by its label, nothing as ""."""
    if value in (None, ""):
        return ""
    if f.kind == "choice":
        return f.choice_label(value)
    return str(value)


def cell_text(value: Any) -> str:
    """A cell as text; a whole number a spreadsheet stored as 120.0 reads as "120"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def split_cell(value: Any) -> list[str]:
    """The "; "-joined labels of a terms cell."""
    if value in (None, ""):
        return []
    return [p.strip() for p in str(value).split(";") if p.strip()]
