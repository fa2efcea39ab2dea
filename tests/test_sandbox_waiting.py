"""A long file read in the worker (a 2,000-page PDF) keeps the caller alive and can be cancelled."""

from __future__ import annotations

import time

import pytest

from curator.core.errors import ValidationError
from curator.io import sandbox


def test_waiting_is_called_while_the_worker_reads_and_false_cancels_it():
    calls = []

    def waiting(latest) -> bool:
        assert latest is None  # time.sleep reports no progress
        calls.append(time.monotonic())
        return len(calls) < 4

    started = time.monotonic()
    with pytest.raises(ValidationError, match=r"^slow\.pdf: reading it was cancelled; nothing was imported$"):
        sandbox.run(time.sleep, 30, name="slow.pdf", waiting=waiting)
    assert len(calls) == 4 and time.monotonic() - started < 10  # not the 30 s the file would take
    assert sandbox.run(abs, -3, name="next.txt") == 3  # a fresh worker reads the next file


def test_a_file_read_in_time_is_read_whatever_waiting_says_meanwhile():
    seen = []
    assert sandbox.run(abs, -5, name="quick.txt", waiting=lambda latest: seen.append(latest) or True) == 5


def counting(n: int) -> int:
    """A reader that reports its progress: n steps of 20 ms."""
    for i in range(n):
        time.sleep(0.02)
        sandbox.progress(i + 1, n)
    return n


def test_progress_reported_in_the_worker_reaches_waiting_and_is_a_no_op_outside_it():
    seen = []
    assert sandbox.run(counting, 25, name="long.pdf", waiting=lambda latest: seen.append(latest) or True) == 25
    reported = [s for s in seen if s is not None]
    assert reported and all(total == 25 for _, total in reported)
    dones = [done for done, _ in reported]
    assert dones == sorted(dones) and len(reported) <= 25  # at most one message per PROGRESS_EVERY
    assert sandbox.run(counting, 3, name="quiet.txt") == 3  # without waiting nothing is sent
    assert counting(2) == 2  # and outside the worker progress() does nothing
