"""Celery round-trips through the real Redis broker and a real worker process."""

import time

import pytest
from django.db import transaction

from portal import services
from portal.models import OutboundEmail
from portal.tasks import ping


@pytest.mark.django_db(transaction=True)
def test_task_round_trips_through_redis_and_a_real_worker(celery_worker):
    result = ping.delay("abc")
    assert result.get(timeout=30) == "pong:abc"


@pytest.mark.django_db(transaction=True)
def test_email_is_sent_by_the_worker_only_after_commit(celery_worker):
    with transaction.atomic():
        email = services.email_enqueue(to="osoba@example.org", subject="Potwierdzenie", body_text="Treść", dedup_key="worker:1")
        time.sleep(1)
        # The worker cannot have sent it: the row is not even committed yet.
        assert OutboundEmail.objects.get(pk=email.pk).sent_at is None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.sent_at:
            break
        time.sleep(0.2)
    assert email.sent_at is not None
    assert email.attempts == 1
