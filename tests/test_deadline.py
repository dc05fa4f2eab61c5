"""One-shot commands keep to the job deadline without an event loop."""

from __future__ import annotations

import signal
import threading
import time

import pytest

from bot import errors
from bot.service.deadline import run_within


def test_the_job_answer_comes_back():
    assert run_within(sum, [1, 2, 3]) == 6


def test_the_job_error_comes_back_as_itself():
    with pytest.raises(ZeroDivisionError):
        run_within(lambda: 1 / 0)


def test_a_job_past_its_deadline_on_the_main_thread_is_stopped_with_the_took_too_long_answer():
    release, handler = threading.Event(), signal.getsignal(signal.SIGALRM)
    began = time.monotonic()
    with pytest.raises(errors.TookTooLong):
        run_within(release.wait, 60, deadline=0.05)
    assert time.monotonic() - began < 30
    assert signal.getsignal(signal.SIGALRM) is handler  # the timer's handler is put back


def test_a_job_that_catches_every_exception_is_still_stopped():
    def stubborn() -> None:
        while True:
            try:
                time.sleep(0.01)
            except Exception:  # what a third-party library's broad handler does
                continue

    with pytest.raises(errors.TookTooLong):
        run_within(stubborn, deadline=0.05)


def test_a_job_that_ends_in_time_leaves_no_timer_behind():
    assert run_within(sum, [1, 2], deadline=0.05) == 3
    time.sleep(0.1)  # a timer left running would raise here
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_off_the_main_thread_a_job_past_its_deadline_is_abandoned_with_the_took_too_long_answer():
    release = threading.Event()
    raised: list[BaseException] = []

    def caller() -> None:
        try:
            run_within(release.wait, 60, deadline=0.05)
        except BaseException as exc:
            raised.append(exc)

    try:
        thread = threading.Thread(target=caller)
        thread.start()
        thread.join(30)
        assert [type(exc) for exc in raised] == [errors.TookTooLong]
    finally:
        release.set()  # the abandoned thread ends with the test
