"""PostgreSQL restarted while the portal runs: the next request succeeds and the next e-mail goes
out, with no portal process restarted (persistent connections with health checks: a connection
the server closed is replaced before it is used)."""

import time
from pathlib import Path

import pytest

from tests.processes import Browser, sign_up, wait_for_message

pytestmark = pytest.mark.django_db

DEADLINE_SECONDS = 90


def _children(pid: int) -> set[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return {int(child) for child in path.read_text().split()} if path.exists() else set()


def test_next_request_and_next_email_succeed_after_postgresql_restarts(stack_factory):
    stack = stack_factory(CONN_MAX_AGE="600")
    deadline = time.monotonic() + DEADLINE_SECONDS
    stack.start_smtp()
    web = stack.start_web(workers=1)
    worker = stack.start_worker("worker")
    stack.wait_for_web(web, deadline)
    stack.wait_for_log("worker", "ready.", deadline)

    def alive():
        assert web.poll() is None and worker.poll() is None, stack.logs()

    # Both the gunicorn worker and the Celery pool process now hold a database connection.
    browser = Browser(stack.base)
    sign_up(browser, "przed.restartem@faults.example.org")
    wait_for_message(stack.maildir, "przed.restartem@faults.example.org", deadline, alive)
    portal_processes = _children(web.pid) | _children(worker.pid)
    assert len(portal_processes) == 2
    backends_before = stack.query(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s", stack.database
    )
    assert backends_before, "the portal keeps no persistent connection: nothing to prove"

    stack.postgres.restart()  # fast mode: every connection is terminated

    status, _, page = browser.get("/")
    assert status == 200, page[:2000]
    sign_up(Browser(stack.base), "po.restarcie@faults.example.org")
    message = wait_for_message(stack.maildir, "po.restarcie@faults.example.org", deadline, alive)
    assert message is not None
    # Nothing was restarted to get there: the same gunicorn worker and Celery pool process.
    assert _children(web.pid) | _children(worker.pid) == portal_processes
    assert len(stack.messages("@faults.example.org")) == 2
