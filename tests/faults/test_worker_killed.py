"""A Celery worker killed with SIGKILL in the middle of sending an e-mail: the e-mail is sent
exactly once.

The SMTP catcher holds the delivery open (at RCPT TO), so the worker is inside outbox_send,
holding the outbox row's lock, when it dies. First a slow mail server without a crash: the
dispatcher's rounds beside the held delivery must leave its row alone. Then two crashes:

1. only the pool process dies: the worker's main process sees it lost, and with
   ``task_acks_late`` + ``task_reject_on_worker_lost`` the message goes back to the queue and
   runs again;
2. the whole worker (main process and pool, the same as the host or container dying) dies: the
   unacknowledged message stays in Redis, and beat's outbox dispatcher sends the row, whose
   lock PostgreSQL released with the dead connection, through a worker started afterwards.

Exactly once because a delivery claims the row (SELECT ... FOR UPDATE SKIP LOCKED, unsent
only) and marks it sent in the same transaction. The one window this cannot close is a crash
after the mail server accepted the message and before the commit (milliseconds): SMTP has no
way to make that exactly once, so it would be sent again (at least once, never lost).
"""

import os
import signal
import time
from pathlib import Path

import pytest

from tests.processes import kill_group, wait_for_message

pytestmark = pytest.mark.django_db

DISPATCH_SECONDS = 2
DEADLINE_SECONDS = 120


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _wait_for_stall(stack, deadline: float) -> tuple[str, int]:
    """(address, client port) of the delivery the SMTP catcher holds open."""
    stalled = stack.control / "stalled"
    while not stalled.exists() or not stalled.read_text():
        assert time.monotonic() < deadline, "the worker never started sending:\n" + stack.logs()
        time.sleep(0.05)
    address, port = stalled.read_text().split()
    stalled.unlink()
    return address, int(port)


def _process_with_local_port(candidates: list[int], port: int) -> int:
    """Which of the processes owns the TCP connection from 127.0.0.1:port (/proc/net/tcp)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port:
            inodes.add(fields[9])
    for pid in candidates:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                return pid
    raise AssertionError(f"no process of {candidates} has a connection from port {port}")


def test_an_email_whose_worker_is_killed_mid_send_is_sent_exactly_once(stack_factory):
    stack = stack_factory(CELERY_BEAT_INTERVALS=f"outbox-send-due={DISPATCH_SECONDS}")
    deadline = time.monotonic() + DEADLINE_SECONDS
    stack.start_smtp()
    # Two pool processes: while one is held mid-send, the other runs the dispatcher's rounds,
    # which must skip the row being sent (locked) instead of sending it a second time.
    worker = stack.start_worker("worker-a", concurrency=2)
    beat = stack.start_beat("beat")
    stack.wait_for_log("worker-a", "ready.", deadline)

    # 0. A slow mail server holds a delivery for three dispatcher rounds, which run meanwhile in
    # the other pool process: they must skip the row being sent (it is claimed), not send it too.
    (stack.control / "slow").write_text(str(3 * DISPATCH_SECONDS))
    stack.seed("emails", 1, "wolny")
    address, _ = _wait_for_stall(stack, deadline)
    assert address == "wolny0@faults.example.org"
    wait_for_message(stack.maildir, "wolny0@faults.example.org", deadline)

    # 1. The pool process dies mid-send; the worker's main process survives.
    (stack.control / "arm").touch()
    stack.seed("emails", 1, "pula")
    address, port = _wait_for_stall(stack, deadline)
    assert address == "pula0@faults.example.org"
    time.sleep(DISPATCH_SECONDS)  # a dispatcher round runs beside the held delivery
    os.kill(_process_with_local_port(_children(worker.pid), port), signal.SIGKILL)
    wait_for_message(stack.maildir, "pula0@faults.example.org", deadline)

    # 2. The whole worker dies mid-send; another one starts (a restart policy would do that).
    (stack.control / "arm").touch()
    stack.seed("emails", 1, "calosc")
    address, _ = _wait_for_stall(stack, deadline)
    assert address == "calosc0@faults.example.org"
    time.sleep(DISPATCH_SECONDS)
    kill_group(worker)
    stack.start_worker("worker-b", concurrency=2)
    wait_for_message(
        stack.maildir,
        "calosc0@faults.example.org",
        deadline,
        lambda: None if beat.poll() is None else pytest.fail(stack.logs()),
    )

    # Two more dispatcher rounds: nothing arrives twice.
    time.sleep(2 * DISPATCH_SECONDS)
    received = sorted(str(message["To"]) for message in stack.messages())
    assert received == [
        "calosc0@faults.example.org",
        "pula0@faults.example.org",
        "wolny0@faults.example.org",
    ], received
    rows = stack.query("SELECT count(*) FROM portal_outboundemail WHERE sent_at IS NOT NULL")
    assert rows[0][0] == 3
