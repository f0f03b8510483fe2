"""Two beat dispatchers and two workers over 1,000 due reminders at once: exactly 1,000 e-mails.

Two beats (a second one started by mistake, or during a hand-over) both schedule the reminders
run and the outbox dispatcher every 2 s, and two workers run them side by side. The reminder of
a registration has one dedup key (one outbox row, however many runs create it: the runs take
turns under an advisory lock, and the row is unique), and a delivery claims its row and marks
it sent in one transaction (SELECT ... FOR UPDATE SKIP LOCKED), so every participant gets one
e-mail, counted at the SMTP catcher.
"""

import time

import pytest

pytestmark = pytest.mark.django_db

PARTICIPANTS = 1000
INTERVAL_SECONDS = 2
DEADLINE_SECONDS = 240
DOMAIN = "@reminders.example.org"


def test_two_beats_and_two_workers_send_each_reminder_exactly_once(stack_factory):
    stack = stack_factory(
        CELERY_BEAT_INTERVALS=(
            f"events-reminders-enqueue={INTERVAL_SECONDS},outbox-send-due={INTERVAL_SECONDS}"
        ),
        EVENTS_REMINDER_SCAN_SECONDS=str(INTERVAL_SECONDS),
    )
    stack.seed("reminders", PARTICIPANTS)
    deadline = time.monotonic() + DEADLINE_SECONDS
    stack.start_smtp()
    processes = [
        stack.start_worker("worker-1"),
        stack.start_worker("worker-2"),
        stack.start_beat("beat-1"),
        stack.start_beat("beat-2"),
    ]
    started = time.monotonic()
    while len(stack.messages(DOMAIN)) < PARTICIPANTS:
        for process in processes:
            assert process.poll() is None, stack.logs()
        assert time.monotonic() < deadline, (
            f"{len(stack.messages(DOMAIN))} of {PARTICIPANTS} reminders sent in time\n"
            + stack.logs()
        )
        time.sleep(0.5)
    elapsed = time.monotonic() - started
    # Two more rounds of both beats: nothing is created or sent twice.
    time.sleep(2 * INTERVAL_SECONDS)
    recipients = [str(message["To"]) for message in stack.messages(DOMAIN)]
    assert len(recipients) == PARTICIPANTS, len(recipients)
    assert len(set(recipients)) == PARTICIPANTS
    rows = stack.query(
        "SELECT count(*), count(sent_at) FROM portal_outboundemail WHERE dedup_key LIKE %s",
        "events:registration:%:reminder",
    )
    assert rows == [(PARTICIPANTS, PARTICIPANTS)]
    # Both workers took part: the run was really concurrent.
    for name in ("worker-1", "worker-2"):
        assert "succeeded" in stack.processes.log(name), stack.logs()
    print(f"{PARTICIPANTS} reminders sent in {elapsed:.1f} s")
