"""A long file read in the worker (a 2,000-page PDF) keeps the caller alive and can be cancelled."""

from __future__ import annotations

import time

import pytest

from curator.core.errors import ValidationError
from curator.io import sandbox


def test_waiting_is_called_while_the_worker_reads_and_false_cancels_it():
    calls = []

    def waiting() -> bool:
        calls.append(time.monotonic())
        return len(calls) < 4

    started = time.monotonic()
    with pytest.raises(ValidationError, match=r"^slow\.pdf: reading it was cancelled; nothing was imported$"):
        sandbox.run(time.sleep, 30, name="slow.pdf", waiting=waiting)
    assert len(calls) == 4 and time.monotonic() - started < 10  # not the 30 s the file would take
    assert sandbox.run(abs, -3, name="next.txt") == 3  # a fresh worker reads the next file


def test_a_file_read_in_time_is_read_whatever_waiting_says_meanwhile():
    seen = []
    assert sandbox.run(abs, -5, name="quick.txt", waiting=lambda: seen.append(1) or True) == 5
