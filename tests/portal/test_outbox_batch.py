"""The outbox sends a batch over one SMTP connection, each e-mail exactly once, also
with two workers on the same rows and with a worker that dies in the middle of a batch.

The mail server is a real one (aiosmtpd in a thread of the test) that records, per message,
the recipient and the client's address, so "one connection" is what the server saw.
"""

import socket
import threading
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from events import services as events_services
from portal.models import OutboundEmail
from portal.services import outbox_deliver_batch
from tests.concurrency import run_together
from tests.events.factories import EventFactory, RegistrationFactory
from tests.partners.factories import OrganisationFactory


class RecordingHandler:
    def __init__(self):
        self.received: list[tuple[str, tuple, bytes]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.received.append((recipient, session.peer, envelope.original_content))
        return "250 OK"

    def recipients(self) -> list[str]:
        return [recipient for recipient, _, _ in self.received]

    def connections(self) -> set:
        return {peer for _, peer, _ in self.received}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    handler = RecordingHandler()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield handler
    controller.stop()


def _due_reminders(count: int) -> list[int]:
    """``count`` reminder rows written by the reminders run (not rendered yet), their ids."""
    event = EventFactory(
        title="Forum ekonomii społecznej",
        starts_at=timezone.now() + timedelta(days=1),
        registration_closes_at=None,
    )
    RegistrationFactory.create_batch(count, event=event)
    OutboundEmail.objects.update(sent_at=timezone.now())  # anything the factories queued
    assert events_services.reminders_enqueue() == count
    return list(
        OutboundEmail.objects.filter(dedup_key__endswith=":reminder")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@pytest.mark.django_db
def test_a_batch_goes_out_over_one_smtp_connection_rendered_with_one_query(smtp_server):
    ids = _due_reminders(30)
    # The reminders run only wrote the rows: recipient, subject and what to render.
    assert set(OutboundEmail.objects.filter(pk__in=ids).values_list("renderer", "body_text")) == {
        ("events.registration", "")
    }

    with CaptureQueriesContext(connection) as queries:
        assert outbox_deliver_batch(email_ids=ids) == 30

    assert len(smtp_server.received) == 30
    assert len(smtp_server.connections()) == 1
    registration_reads = [q for q in queries.captured_queries if "events_registration" in q["sql"]]
    assert len(registration_reads) == 1  # the batch's registrations, not one read per e-mail
    message = message_from_bytes(smtp_server.received[0][2], policy=policy.default)
    assert "Przypomnienie: Forum ekonomii społecznej" in str(message["Subject"])
    assert [part.get_content_type() for part in message.iter_attachments()] == ["text/calendar"]
    # Each row is marked sent and keeps what was sent.
    rows = OutboundEmail.objects.filter(pk__in=ids)
    assert all(row.sent_at and row.attempts == 1 and row.body_text for row in rows)
    assert all(row.attachments[0]["mimetype"] == "text/calendar" for row in rows)
    # Sent already: a second delivery of the same batch sends nothing.
    assert outbox_deliver_batch(email_ids=ids) == 0
    assert len(smtp_server.received) == 30


@pytest.mark.django_db(transaction=True)
def test_two_workers_delivering_the_same_rows_send_each_exactly_once(smtp_server):
    event = EventFactory(starts_at=timezone.now() + timedelta(days=1), registration_closes_at=None)
    # One organisation for all (the factory's territorial units repeat after 90 organisations).
    registrations = RegistrationFactory.create_batch(
        150, event=event, organisation=OrganisationFactory()
    )
    OutboundEmail.objects.all().delete()
    # Stored as the reminders run stores them, without publishing anything.
    OutboundEmail.objects.bulk_create(
        OutboundEmail(
            dedup_key=f"events:registration:{registration.pk}:reminder",
            to=registration.participant.email,
            subject="Przypomnienie",
            renderer="events.registration",
            render_args={
                "registration": registration.pk,
                "kind": "reminder",
                "status": "confirmed",
                "actor": None,
                "language": "pl",
            },
        )
        for registration in registrations
    )
    ids = list(OutboundEmail.objects.order_by("pk").values_list("pk", flat=True))

    results, errors = run_together(
        [
            lambda: outbox_deliver_batch(email_ids=ids),
            lambda: outbox_deliver_batch(email_ids=ids),
        ]
    )

    assert errors == [None, None]
    assert sum(results) == 150
    recipients = smtp_server.recipients()
    assert sorted(recipients) == sorted(r.participant.email for r in registrations)
    assert len(smtp_server.connections()) <= 2  # one per worker, not one per e-mail
    assert OutboundEmail.objects.filter(sent_at__isnull=False, attempts=1).count() == 150


class DyingBackend(LocmemBackend):
    """The worker process dies while the third message is on its way, before the server took it
    (the pool process killed mid-send of the fault test, in-process)."""

    calls = 0

    def send_messages(self, messages):
        DyingBackend.calls += 1
        if DyingBackend.calls == 3:
            raise SystemExit("worker killed")
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_a_worker_dying_mid_batch_leaves_what_it_sent_sent_and_the_rest_to_the_next(settings):
    OutboundEmail.objects.bulk_create(
        OutboundEmail(
            dedup_key=f"batch:{number}",
            to=f"osoba{number}@example.org",
            subject="Wiadomość",
            body_text="Treść",
        )
        for number in range(6)
    )
    ids = list(OutboundEmail.objects.order_by("pk").values_list("pk", flat=True))
    settings.EMAIL_BACKEND = "tests.portal.test_outbox_batch.DyingBackend"
    DyingBackend.calls = 0
    with pytest.raises(SystemExit):
        outbox_deliver_batch(email_ids=ids)
    connection.close()  # what a dead process's connection does: its row lock is gone

    # The two sent before the death were committed as sent, one by one; the rest are unsent.
    assert [m.to[0] for m in mail.outbox] == ["osoba0@example.org", "osoba1@example.org"]
    assert (
        list(
            OutboundEmail.objects.filter(sent_at__isnull=False)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        == ids[:2]
    )

    # The redelivered batch (or the beat scan) sends the rest, and nothing twice.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox_deliver_batch(email_ids=ids) == 4
    assert sorted(m.to[0] for m in mail.outbox) == [f"osoba{n}@example.org" for n in range(6)]


@pytest.mark.django_db
def test_an_unreachable_mail_server_costs_one_attempt_per_batch_not_one_per_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _free_port()  # nobody listens
    settings.EMAIL_TIMEOUT = 2
    OutboundEmail.objects.bulk_create(
        OutboundEmail(dedup_key=f"down:{n}", to=f"x{n}@example.org", subject="S", body_text="T")
        for n in range(5)
    )
    ids = list(OutboundEmail.objects.order_by("pk").values_list("pk", flat=True))

    assert outbox_deliver_batch(email_ids=ids) == 0

    first, *rest = OutboundEmail.objects.order_by("pk")
    assert first.attempts == 1 and first.last_error and first.due_at > timezone.now()
    # The rest were not tried: they stay due for the beat scan, with no attempt counted.
    assert all(row.attempts == 0 and row.sent_at is None for row in rest)
