"""core and io stay Qt-free; ui reaches data only through services, never peewee models."""

import ast
import subprocess
import sys
from pathlib import Path

import curator

PACKAGE = Path(curator.__file__).parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_core_and_io_never_import_qt():
    offenders = [
        str(path.relative_to(PACKAGE))
        for layer in ("core", "io")
        for path in (PACKAGE / layer).rglob("*.py")
        if any(name.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6"} for name in imported_modules(path))
    ]
    assert offenders == []


def test_ui_never_imports_models_or_peewee():
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in (PACKAGE / "ui").rglob("*.py")
        if any(name.startswith(("curator.core.models", "peewee", "playhouse")) for name in imported_modules(path))
    ]
    assert offenders == []


def test_importing_every_core_and_io_module_loads_no_qt():
    modules = [
        ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        for layer in ("core", "io")
        for path in (PACKAGE / layer).rglob("*.py")
    ]
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "print(sorted(m for m in sys.modules if m.startswith('PySide6')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"


def test_layering_check_would_catch_a_qt_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from PySide6.QtCore import QObject\n")
    assert "PySide6.QtCore" in imported_modules(bad)


def test_core_never_imports_io_or_ui():
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in (PACKAGE / "core").rglob("*.py")
        if any(name.startswith(("curator.io", "curator.ui")) for name in imported_modules(path))
    ]
    assert offenders == []


def test_the_window_never_depends_on_the_command_line():
    offenders = [
        path.name
        for path in (PACKAGE / "ui").rglob("*.py")
        if any(name == "curator.cli" or name.startswith("curator.cli.") for name in imported_modules(path))
    ]
    assert offenders == []
