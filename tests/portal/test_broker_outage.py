"""Redis down: requests that saved their data still succeed, and the outbox delivers later.

Each test starts a throwaway redis-server on a free port, points Celery's broker and Django's
cache at it, and stops it (or lets a publish stop it halfway) to play the outage.
"""

import shutil
import socket
import subprocess
import time
from datetime import timedelta

import pytest
from celery.signals import before_task_publish
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from advisory.models import AdvisoryRequest, CaseEvent
from events import services as events_services
from partners.models import Membership
from portal import services as portal_services
from portal.celery import app as celery_app
from portal.models import OutboundEmail
from tests.advisory.conftest import CaseBuilder
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import UserFactory
from tests.partners.factories import MembershipFactory, OrganisationFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        shutil.which("redis-server") is None, reason="redis-server is not installed"
    ),
]


class ThrowawayRedis:
    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _reset_celery_connections():
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


@pytest.fixture
def redis_server(settings):
    """A real Redis as broker and cache for one test; the test stops it when it likes."""
    server = ThrowawayRedis()
    old_broker = celery_app.conf.broker_url
    settings.CACHES = {
        "default": {
            "BACKEND": settings.CACHES["default"]["BACKEND"],
            "LOCATION": server.url,
            "OPTIONS": settings.CACHES["default"].get("OPTIONS", {}),
        }
    }
    settings.CELERY_TASK_ALWAYS_EAGER = False
    celery_app.conf.broker_url = server.url
    celery_app.conf.task_always_eager = False
    _reset_celery_connections()
    try:
        yield server
    finally:
        server.stop()
        celery_app.conf.broker_url = old_broker
        celery_app.conf.task_always_eager = True
        _reset_celery_connections()


def test_join_request_advisory_message_and_sign_in_succeed_while_redis_is_down(
    client, redis_server, settings
):
    # allauth's rate limits are on in production and keep their counters in the cache.
    del settings.ACCOUNT_RATE_LIMITS
    organisation = OrganisationFactory(is_verified=True)
    MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN)
    case = CaseBuilder().at(AdvisoryRequest.Status.SCHEDULED)
    joining = UserFactory()
    OutboundEmail.objects.update(sent_at=timezone.now())
    redis_server.stop()

    response = client.post(
        reverse("account_login"), {"login": joining.email, "password": "haslo-testowe-123"}
    )
    assert response.status_code == 302, response.content[:500]
    assert client.session.get("_auth_user_id") == str(joining.pk)

    response = client.post(
        reverse("partners:membership_request", args=[organisation.pk]), {"position": "księgowa"}
    )
    assert response.status_code == 302
    assert Membership.objects.filter(
        user=joining, organisation=organisation, status=Membership.Status.PENDING
    ).exists()

    client.force_login(case.requester)
    response = client.post(
        reverse("advisory:request_message", args=[case.pk]), {"body": "Przesyłamy uzupełnienie."}
    )
    assert response.status_code == 302
    assert case.events.filter(kind=CaseEvent.Kind.REPLY, body="Przesyłamy uzupełnienie.").exists()

    waiting = OutboundEmail.objects.filter(sent_at__isnull=True).count()
    assert waiting >= 2  # the organisation's administrator and the case's staff or expert
    mail.outbox.clear()
    # The beat scan (it runs every minute) delivers what the broker could not take.
    assert portal_services.outbox_send_due() == waiting
    assert len(mail.outbox) == waiting
    assert not OutboundEmail.objects.filter(sent_at__isnull=True).exists()


def test_reminders_run_queues_everyone_when_redis_fails_halfway(redis_server):
    event = EventFactory(starts_at=timezone.now() + timedelta(days=1), registration_closes_at=None)
    registrations = [RegistrationFactory(event=event) for _ in range(6)]
    OutboundEmail.objects.update(sent_at=timezone.now())
    published = []

    def stop_redis_on_third_publish(sender=None, **kwargs):
        # Reminders are now published in batches; the broker dies as the first batch goes out.
        published.append(sender)
        if len(published) == 1:
            redis_server.stop()

    before_task_publish.connect(stop_redis_on_third_publish, weak=False)
    try:
        assert events_services.reminders_enqueue() == 6
    finally:
        before_task_publish.disconnect(stop_redis_on_third_publish)
    assert published  # the run offered its batch to the broker, which was gone
    reminders = OutboundEmail.objects.filter(dedup_key__endswith=":reminder")
    assert reminders.count() == 6
    mail.outbox.clear()
    assert portal_services.outbox_send_due() == 6
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        r.participant.email for r in registrations
    )


def test_card_of_a_case_completed_during_the_outage_is_rendered_by_the_beat_scan(redis_server):
    from advisory import services as advisory_services

    redis_server.stop()
    case = CaseBuilder().at(AdvisoryRequest.Status.COMPLETED)
    assert not AdvisoryRequest.objects.get(pk=case.pk).card_pdf
    assert advisory_services.cards_generate_missing() == 1
    assert AdvisoryRequest.objects.get(pk=case.pk).card_pdf
    assert advisory_services.cards_generate_missing() == 0


def test_limits_count_across_processes_while_redis_is_down():
    """Two web processes (two cache objects, each with its own memory) while Redis is away:
    the contact form's limit and allauth's sign-in counts are shared through PostgreSQL, so a
    limit of 5 stays 5 whichever process answers; other keys stay in each process's memory."""
    from portal import antispam
    from portal.cache import ResilientRedisCache
    from portal.models import CacheFallbackEntry

    params = {"OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}
    # Nothing listens there: every Redis call fails. Two database numbers, so that the two
    # objects' memory fallbacks are separate, as in two processes.
    first = ResilientRedisCache("redis://127.0.0.1:1/0", params)
    second = ResilientRedisCache("redis://127.0.0.1:1/1", params)

    def contact_limit_hit(cache) -> bool:
        with _using_cache(cache):
            return antispam.rate_limit_hit(
                scope="contact", key="203.0.113.7", limit=5, window_seconds=3600
            )

    hits = [contact_limit_hit(first if number % 2 else second) for number in range(6)]
    assert hits == [False] * 5 + [True]

    first.set("allauth:rl:account:login_failed:ip:203.0.113.7", [1.0, 2.0], 60)
    assert second.get("allauth:rl:account:login_failed:ip:203.0.113.7") == [1.0, 2.0]
    assert first.add("allauth.mfa.totp.used?user=1&code=123456", "y", 30)
    assert not second.add("allauth.mfa.totp.used?user=1&code=123456", "y", 30)  # no replay

    first.set("fragments:strona-glowna", "<p>…</p>", 60)
    assert second.get("fragments:strona-glowna") is None
    assert not CacheFallbackEntry.objects.filter(cache_key__contains="fragments").exists()


class _using_cache:
    """Point portal.antispam at one process's cache object for a call."""

    def __init__(self, cache):
        self.cache = cache

    def __enter__(self):
        from portal import antispam

        self.previous, antispam.cache = antispam.cache, self.cache

    def __exit__(self, *exc):
        from portal import antispam

        antispam.cache = self.previous
