"""Celery tasks of the events app and the e-mails they send through the outbox."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from events import services, tasks
from events.models import Event
from portal.models import OutboundEmail, PeriodicRun
from tests.concurrency import run_together
from tests.partners.factories import MembershipFactory
from tests.waiting import wait_for_row

from .factories import AttendanceFactory, ConsentTextFactory, EventFactory, RegistrationFactory


@pytest.mark.django_db
def test_reminders_task_run_twice_sends_each_reminder_once(
    mailoutbox, django_capture_on_commit_callbacks
):
    event = EventFactory(starts_at=timezone.now() + timedelta(days=1), registration_closes_at=None)
    first = RegistrationFactory(event=event)
    second = RegistrationFactory(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.reminders_enqueue.delay().get() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.reminders_enqueue.delay().get() is None  # not due again yet
    PeriodicRun.objects.update(last_run_at=timezone.now() - timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.reminders_enqueue.delay().get() == 0  # due again: nothing new
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [first.participant.email, second.participant.email]
    )
    assert (
        OutboundEmail.objects.filter(dedup_key__endswith=":reminder", sent_at__isnull=False).count()
        == 2
    )
    assert all(m.attachments for m in mailoutbox)  # the .ics again, handy on the day


def test_beat_asks_for_the_reminder_scan_every_minute(settings):
    """A tick lost in a broker outage is made up by the next one, a minute later at most."""
    assert settings.CELERY_BEAT_SCHEDULE["events-reminders-enqueue"]["schedule"] <= 60


@pytest.mark.django_db
def test_a_reminder_scan_missed_in_an_outage_runs_at_the_first_tick_after_it(settings):
    """Beat ticks every minute; the scan runs every 15 minutes. The ticks from 00:01 to 00:20
    are lost (Redis away): the tick at 00:21 finds the scan overdue and runs it, instead of
    waiting for the next 15-minute slot, and the ticks after it do not scan again."""
    settings.EVENTS_REMINDER_SCAN_SECONDS = 900
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        assert tasks.reminders_enqueue.delay().get() == 0
    with time_machine.travel(start + timedelta(minutes=1), tick=False):
        assert tasks.reminders_enqueue.delay().get() is None
    # Meanwhile a person registers for an event starting within the reminder window.
    event = EventFactory(starts_at=start + timedelta(days=1), registration_closes_at=None)
    RegistrationFactory(event=event)
    with time_machine.travel(start + timedelta(minutes=21), tick=False):
        assert tasks.reminders_enqueue.delay().get() == 1
    with time_machine.travel(start + timedelta(minutes=22), tick=False):
        assert tasks.reminders_enqueue.delay().get() is None
    assert OutboundEmail.objects.filter(dedup_key__endswith=":reminder").count() == 1


@pytest.mark.django_db(transaction=True)
def test_confirmation_is_sent_by_the_real_worker_after_commit(celery_worker):
    ConsentTextFactory()
    event = EventFactory()
    membership = MembershipFactory()
    registration = services.registration_create(
        event=event,
        participant=membership.user,
        organisation=membership.organisation,
        answers={},
        actor=membership.user,
    )
    email = OutboundEmail.objects.get(
        dedup_key=f"events:registration:{registration.pk}:confirmed:0"
    )
    wait_for_row(
        email, lambda email: email.sent_at, message="the worker did not send the confirmation"
    )
    assert email.attempts == 1
    assert email.attachments[0]["mimetype"] == "text/calendar"


# --- automatic finishing --------------------------------------------------------------------


def _ended_event(**kwargs):
    starts_at = timezone.now() - timedelta(days=1)
    return EventFactory(
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=6),
        registration_opens_at=None,
        registration_closes_at=None,
        **kwargs,
    )


@pytest.mark.django_db
def test_finish_task_run_twice_finishes_each_ended_event_once():
    ended = _ended_event()
    running = EventFactory(
        starts_at=timezone.now() - timedelta(hours=1),
        registration_opens_at=None,
        registration_closes_at=None,
    )
    upcoming = EventFactory()
    cancelled = _ended_event(state=Event.State.CANCELLED)
    draft = _ended_event(state=Event.State.DRAFT)

    assert tasks.events_finish_ended.delay().get() == 1
    ended.refresh_from_db()
    finished_at = ended.updated_at
    assert tasks.events_finish_ended.delay().get() == 0

    states = dict(Event.objects.values_list("pk", "state"))
    assert states[ended.pk] == Event.State.FINISHED
    assert states[running.pk] == Event.State.PUBLISHED
    assert states[upcoming.pk] == Event.State.PUBLISHED
    assert states[cancelled.pk] == Event.State.CANCELLED
    assert states[draft.pk] == Event.State.DRAFT
    ended.refresh_from_db()
    assert ended.updated_at == finished_at  # the second run did not touch it


@pytest.mark.django_db
def test_finish_uses_the_end_not_the_start():
    with time_machine.travel(timezone.now() + timedelta(days=14, hours=3), tick=False):
        event = EventFactory(
            starts_at=timezone.now() - timedelta(hours=2)
        )  # still running: ends in 4 h
        assert services.events_finish_ended() == []
    assert services.events_finish_ended(now=event.ends_at + timedelta(seconds=1)) == [event.pk]


@pytest.mark.django_db
def test_finished_by_the_task_the_certificate_appears_without_staff(client):
    event = _ended_event()
    registration = RegistrationFactory(event=event)
    AttendanceFactory(registration=registration, day=timezone.localdate(event.starts_at))
    client.force_login(registration.participant)
    certificate_url = reverse("events:certificate_download", args=[registration.pk])
    assert certificate_url not in client.get(reverse("events:my_registrations")).content.decode()
    assert client.get(certificate_url).status_code == 404

    tasks.events_finish_ended.delay().get()

    assert certificate_url in client.get(reverse("events:my_registrations")).content.decode()
    response = client.get(certificate_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"


@pytest.mark.django_db(transaction=True)
def test_two_finish_runs_at_once_finish_each_event_exactly_once():
    events = [_ended_event() for _ in range(6)]
    results, errors = run_together([services.events_finish_ended, services.events_finish_ended])
    assert errors == [None, None], errors
    assert sorted(results[0] + results[1]) == sorted(
        e.pk for e in events
    )  # no event finished twice
    assert set(Event.objects.values_list("state", flat=True)) == {Event.State.FINISHED}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("count", [3, 15])
def test_reminders_two_concurrent_runs_create_exactly_one_row_each_in_bulk(
    count, django_assert_max_num_queries
):
    """Due reminders are created in bulk (a fixed number of statements at 1x and 5x)
    and two dispatchers running at once never create one twice."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.models import AuditLogEntry

    events = [
        EventFactory(starts_at=timezone.now() + timedelta(days=1), registration_closes_at=None)
        for _ in range(3)
    ]
    registrations = [RegistrationFactory(event=events[index % 3]) for index in range(count)]
    results, errors = run_together([services.reminders_enqueue, services.reminders_enqueue])
    assert errors == [None, None]
    assert sorted(results) == [0, count]
    keys = {f"events:registration:{registration.pk}:reminder" for registration in registrations}
    assert (
        set(
            OutboundEmail.objects.filter(dedup_key__endswith=":reminder").values_list(
                "dedup_key", flat=True
            )
        )
        == keys
    )
    assert AuditLogEntry.objects.filter(action="events.registration.remind").count() == count
    # More due reminders: the statements do not grow with them.
    more = [RegistrationFactory(event=events[index % 3]) for index in range(count)]
    with CaptureQueriesContext(connection) as queries:
        assert services.reminders_enqueue() == len(more)
    statements = [q["sql"] for q in queries.captured_queries]
    # The enqueue transaction (the eager sending after commit follows it in this process).
    enqueue = statements[: statements.index("COMMIT") + 1]
    # The first statement reads the upcoming events and their reminder offsets; one
    # chunk per distinct offset due now, not per event or per registration.
    assert len(enqueue) <= 10, "\n".join(sql[:150] for sql in enqueue)
    assert (
        OutboundEmail.objects.filter(dedup_key__endswith=":reminder", sent_at__isnull=False).count()
        == 2 * count
    )
