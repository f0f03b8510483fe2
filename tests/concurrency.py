"""Run code in several threads at once, each with its own database connection.

A barrier releases all threads at the same moment, so they really race for the same rows; a
plain transactional test would hide the race. Use with ``django_db(transaction=True)``.
"""

import threading
from collections.abc import Callable

from celery import _state as celery_state
from django.db import connection


def run_together(calls: list[Callable], *, timeout: float = 120) -> tuple[list, list]:
    """Run the callables in threads released together; return (results, errors) in call order.

    For each call exactly one of ``results[i]`` and ``errors[i]`` is set, the other is None.
    """
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)
    errors: list = [None] * len(calls)
    # Celery's eager apply() saves and restores a process-wide "join will block" flag; eager
    # tasks in parallel threads can leave it set, and a later result.get() would then refuse.
    join_will_block = celery_state.task_join_will_block()

    def worker(index: int, call: Callable) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - returned to the test
            errors[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    celery_state._set_task_join_will_block(join_will_block)
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results, errors
