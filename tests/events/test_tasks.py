"""Celery tasks of the events app and the e-mails they send through the outbox."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from events import services, tasks
from portal.models import OutboundEmail
from tests.partners.factories import MembershipFactory

from .factories import ConsentTextFactory, EventFactory, RegistrationFactory


@pytest.mark.django_db
def test_reminders_task_run_twice_sends_each_reminder_once(mailoutbox, django_capture_on_commit_callbacks):
    event = EventFactory(starts_at=timezone.now() + timedelta(days=1), registration_closes_at=None)
    first = RegistrationFactory(event=event)
    second = RegistrationFactory(event=event)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.reminders_enqueue.delay().get() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.reminders_enqueue.delay().get() == 0
    assert sorted(m.to[0] for m in mailoutbox) == sorted([first.participant.email, second.participant.email])
    assert OutboundEmail.objects.filter(dedup_key__endswith=":reminder", sent_at__isnull=False).count() == 2
    assert all(m.attachments for m in mailoutbox)  # the .ics again, handy on the day


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
        consent=True,
        actor=membership.user,
    )
    email = OutboundEmail.objects.get(dedup_key=f"events:registration:{registration.pk}:confirmed:0")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.sent_at:
            break
        time.sleep(0.2)
    assert email.sent_at is not None, "the worker did not send the confirmation"
    assert email.attempts == 1
    assert email.attachments[0]["mimetype"] == "text/calendar"
