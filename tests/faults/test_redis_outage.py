"""Redis stopped while people register: the registrations succeed, and their e-mails go out
once Redis is back, within a minute, each exactly once.

What makes it work: a request stores the e-mail in the outbox in its own transaction and
publishes the sending task after commit without retries (portal.tasks.enqueue), so the lost
publish costs nothing but time; the Celery worker reconnects on its own; beat's outbox
dispatcher (outbox-send-due) then publishes every due unsent e-mail. The dispatcher runs every
60 s in production; here every 3 s, so the test proves the mechanism in seconds, and the
bound it asserts (60 s after Redis returns) holds for the production interval too as long as
the worker reconnects within the remaining margin (it does within a few seconds here).
"""

import time

import pytest

from tests.processes import Browser, register_for_event, sign_in, sign_up, wait_for_message

pytestmark = pytest.mark.django_db

DISPATCH_SECONDS = 3
DEADLINE_SECONDS = 120


def test_registrations_during_a_redis_outage_are_mailed_once_redis_is_back(stack_factory):
    stack = stack_factory(CELERY_BEAT_INTERVALS=f"outbox-send-due={DISPATCH_SECONDS}")
    partner = stack.seed("member")
    deadline = time.monotonic() + DEADLINE_SECONDS
    stack.start_smtp()
    web = stack.start_web(workers=2)
    worker = stack.start_worker("worker")
    beat = stack.start_beat("beat")
    stack.wait_for_web(web, deadline)
    stack.wait_for_log("worker", "ready.", deadline)

    def alive():
        for process in (web, worker, beat):
            assert process.poll() is None, stack.logs()

    browser = Browser(stack.base)
    sign_in(browser, partner["email"], partner["password"])

    stack.redis.stop()
    started = time.monotonic()
    register_for_event(browser, partner["slug"], partner["organisation"], partner["user"])
    sign_up(Browser(stack.base), "w.czasie.awarii@faults.example.org")
    # Neither request waited for Redis more than its bounded connection attempt.
    assert time.monotonic() - started < 20
    recipients = [partner["email"], "w.czasie.awarii@faults.example.org"]
    time.sleep(1)
    assert not [m for m in stack.messages() if str(m["To"]) in recipients], "sent with no broker?"
    assert stack.query("SELECT count(*) FROM portal_outboundemail WHERE sent_at IS NULL")[0][0] == 2

    stack.redis.start()
    back = time.monotonic()
    for recipient in recipients:
        wait_for_message(stack.maildir, recipient, min(deadline, back + 60), alive)
    delay = time.monotonic() - back
    assert delay <= 60, delay
    print(f"e-mails out {delay:.1f} s after Redis came back")
    # Two more dispatcher rounds: nothing is sent twice.
    time.sleep(2 * DISPATCH_SECONDS)
    received = sorted(str(m["To"]) for m in stack.messages() if str(m["To"]) in recipients)
    assert received == sorted(recipients), received
    assert stack.query("SELECT count(*) FROM portal_outboundemail WHERE sent_at IS NULL")[0][0] == 0


TICK_SECONDS = 3
SCAN_SECONDS = 20


def test_a_reminder_scan_due_during_a_redis_outage_runs_once_redis_is_back(stack_factory):
    """Beat asks for the reminder scan every tick (every minute in production, here every 3 s);
    the scan runs when its interval (15 minutes in production, here 20 s) has passed since the
    last run recorded in PostgreSQL. Redis is away across the moment the scan falls due, so
    every tick meanwhile is lost; the first tick after Redis is back finds the scan overdue and
    the reminder goes out within seconds, not an interval later."""
    stack = stack_factory(
        CELERY_BEAT_INTERVALS=(
            f"events-reminders-enqueue={TICK_SECONDS},outbox-send-due={DISPATCH_SECONDS}"
        ),
        EVENTS_REMINDER_SCAN_SECONDS=str(SCAN_SECONDS),
    )
    deadline = time.monotonic() + DEADLINE_SECONDS + SCAN_SECONDS
    stack.start_smtp()
    worker = stack.start_worker("worker")
    beat = stack.start_beat("beat")
    stack.wait_for_log("worker", "ready.", deadline)

    def alive():
        for process in (worker, beat):
            assert process.poll() is None, stack.logs()

    def last_scan():
        rows = stack.query(
            "SELECT last_run_at FROM portal_periodicrun WHERE name = %s",
            "events.reminders_enqueue",
        )
        return rows[0][0] if rows else None

    while last_scan() is None:  # the first scan, with nothing due yet
        alive()
        assert time.monotonic() < deadline, stack.logs()
        time.sleep(0.5)
    first_scan = last_scan()

    stack.redis.stop()
    stack.seed("reminders", 1)  # a participant of an event tomorrow, not reminded yet
    time.sleep(SCAN_SECONDS + 2 * TICK_SECONDS)  # the scan falls due while Redis is away
    assert last_scan() == first_scan

    stack.redis.start()
    back = time.monotonic()
    wait_for_message(
        stack.maildir, "uczestnik0@reminders.example.org", min(deadline, back + 60), alive
    )
    delay = time.monotonic() - back
    print(f"reminder out {delay:.1f} s after Redis came back")
    assert delay <= 20, delay
