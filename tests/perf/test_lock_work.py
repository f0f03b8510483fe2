"""Under the event's row lock only the decision; e-mails rendered by the sender."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import services
from events.models import Registration
from portal.models import OutboundEmail
from portal.services import outbox_deliver
from tests.events.factories import ConsentTextFactory, EventFactory, RegistrationFactory, member
from tests.partners.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

Status = Registration.Status


def test_confirmation_is_rendered_with_its_ics_when_sent_not_in_the_registration(mailoutbox):
    ConsentTextFactory()
    event = EventFactory(title="Forum OWES w Słupsku")
    user, organisation = member()
    registration = services.registration_create(
        event=event, participant=user, organisation=organisation, answers={}, actor=user
    )
    email = OutboundEmail.objects.get(to=user.email)
    # The registration's transaction wrote one row: recipient, subject and what to render.
    assert email.renderer == "events.registration" and email.body_text == ""
    assert email.render_args["registration"] == registration.pk
    assert "Forum OWES w Słupsku" in email.subject

    # Cancelled before the worker got to it: the e-mail still says what was decided, once.
    Registration.objects.filter(pk=registration.pk).update(status=Status.CANCELLED)
    assert outbox_deliver(email_id=email.pk) is True
    assert outbox_deliver(email_id=email.pk) is False
    email.refresh_from_db()
    assert "Forum OWES w Słupsku" in email.body_text and email.sent_at is not None
    assert [a["mimetype"] for a in email.attachments] == ["text/calendar"]
    assert len(mailoutbox) == 1 and mailoutbox[0].attachments[0][0].endswith(".ics")


def test_a_failing_render_is_retried_later_not_lost():
    email = OutboundEmail.objects.create(
        dedup_key="k",
        to="a@example.org",
        subject="Temat",
        renderer="events.registration",
        render_args={"registration": 0, "kind": "confirmed", "status": "confirmed"},
    )
    assert outbox_deliver(email_id=email.pk) is False
    email.refresh_from_db()
    assert email.sent_at is None and email.attempts == 1 and "render" in email.last_error
    assert email.due_at > timezone.now()


def _waitlisted_event(waiting: int):
    ConsentTextFactory()
    event = EventFactory(capacity=2)
    organisation = OrganisationFactory()
    held = RegistrationFactory.create_batch(2, event=event, organisation=organisation)
    queue = [
        RegistrationFactory(
            event=event,
            organisation=organisation,
            status=Status.WAITLISTED,
            waitlisted_at=timezone.now() + timezone.timedelta(seconds=number),
        )
        for number in range(waiting)
    ]
    return event, held, queue


@pytest.mark.parametrize("waiting", [5, 50])
def test_a_cancellation_reads_only_as_much_of_the_waitlist_as_it_promotes(waiting):
    event, held, queue = _waitlisted_event(waiting)
    with CaptureQueriesContext(connection) as queries:
        services.registration_cancel(registration=held[0], actor=held[0].participant)
    queue_reads = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and "'waitlisted'" in q["sql"]
    ]
    assert len(queue_reads) == 1 and queue_reads[0].endswith("LIMIT 1"), queue_reads
    first, second = (Registration.objects.get(pk=r.pk).status for r in queue[:2])
    assert (first, second) == (Status.CONFIRMED, Status.WAITLISTED)
    # The same statements whatever the length of the queue.
    assert len(queries) == 16, [q["sql"][:80] for q in queries.captured_queries]
