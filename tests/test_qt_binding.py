"""Regression guard: PySide6 6.12.0 on Python 3.11 crashes after a few thousand void Qt calls."""

import subprocess
import sys

CALLS = 100_000

SCRIPT = f"""
from PySide6.QtCore import QObject
o = QObject()
for i in range({CALLS}):
    o.setObjectName("x")  # a void Qt method: 6.12.0 drops a reference to None on each call
print("ok", {CALLS})
"""


def test_one_hundred_thousand_void_qt_calls_exit_cleanly():
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == f"ok {CALLS}"
