"""Waiting for what another process does (the Celery worker, a server the test started)."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    condition: Callable[[], T], *, timeout: float = 30.0, interval: float = 0.2, message: str = ""
) -> T:
    """Call ``condition`` until it returns something true and return that; fail the test with
    ``message`` when ``timeout`` seconds pass first. A real worker's timing varies with the
    machine's load, so tests wait for the outcome instead of sleeping a fixed time."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(message or f"not done within {timeout} s")
        time.sleep(interval)


def wait_for_row(instance, done: Callable[[object], bool], **kwargs):
    """Reload ``instance`` from the database until ``done(instance)``; return it."""

    def reloaded():
        instance.refresh_from_db()
        return done(instance)

    wait_until(reloaded, **kwargs)
    return instance
