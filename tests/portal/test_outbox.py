import pytest
from django.core import mail

from portal import services
from portal.models import OutboundEmail

pytestmark = pytest.mark.django_db


def test_same_dedup_key_is_stored_and_sent_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            services.email_enqueue(
                to="a@example.org",
                subject="Przypomnienie",
                body_text="Treść",
                dedup_key="reminder:1",
            )
    assert OutboundEmail.objects.filter(dedup_key="reminder:1").count() == 1
    assert len(mail.outbox) == 1


def test_nothing_is_sent_before_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.email_enqueue(to="a@example.org", subject="Temat", body_text="Treść")
    assert len(mail.outbox) == 0
    assert len(callbacks) == 1


def test_send_due_twice_sends_each_email_once():
    services.email_enqueue(to="a@example.org", subject="Jeden", body_text="x", dedup_key="k1")
    services.email_enqueue(to="b@example.org", subject="Dwa", body_text="y", dedup_key="k2")
    assert services.outbox_send_due() == 2
    assert services.outbox_send_due() == 0
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]


def test_future_email_waits_until_due(time_machine):
    from datetime import timedelta

    from django.utils import timezone

    services.email_enqueue(
        to="a@example.org",
        subject="Jutro",
        body_text="x",
        dedup_key="later",
        due_at=timezone.now() + timedelta(days=1),
    )
    assert services.outbox_send_due() == 0
    time_machine.move_to(timezone.now() + timedelta(days=1, minutes=1))
    assert services.outbox_send_due() == 1


def test_attachments_survive_the_outbox():
    services.email_enqueue(
        to="a@example.org",
        subject="Z załącznikiem",
        body_text="x",
        dedup_key="att",
        attachments=[
            services.EmailAttachment("wydarzenie.ics", b"BEGIN:VCALENDAR", "text/calendar")
        ],
    )
    services.outbox_send_due()
    filename, content, mimetype = mail.outbox[0].attachments[0]
    assert filename == "wydarzenie.ics"
    assert mimetype == "text/calendar"
    assert content in (b"BEGIN:VCALENDAR", "BEGIN:VCALENDAR")


def test_failed_send_is_retried_later(settings):
    settings.EMAIL_BACKEND = "tests.portal.failing_backend.FailingBackend"
    email = services.email_enqueue(to="a@example.org", subject="x", body_text="x", dedup_key="fail")
    assert services.outbox_deliver(email_id=email.pk) is False
    email.refresh_from_db()
    assert email.sent_at is None
    assert email.attempts == 1
    assert "SMTP niedostępny" in email.last_error
