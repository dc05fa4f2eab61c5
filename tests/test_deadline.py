"""One-shot commands keep to the job deadline without an event loop."""

from __future__ import annotations

import threading

import pytest

from bot import errors
from bot.service.deadline import run_within


def test_the_job_answer_comes_back():
    assert run_within(sum, [1, 2, 3]) == 6


def test_the_job_error_comes_back_as_itself():
    with pytest.raises(ZeroDivisionError):
        run_within(lambda: 1 / 0)


def test_a_job_past_its_deadline_is_abandoned_with_the_took_too_long_answer():
    release = threading.Event()
    try:
        with pytest.raises(errors.TookTooLong):
            run_within(release.wait, 60, deadline=0.05)
    finally:
        release.set()  # the abandoned thread ends with the test
