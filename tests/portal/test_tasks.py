"""Celery round-trips through the real Redis broker and a real worker process."""

import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from portal import services
from portal.models import OutboundEmail
from portal.tasks import ping
from tests.waiting import wait_for_row


@pytest.mark.django_db(transaction=True)
def test_task_round_trips_through_redis_and_a_real_worker(celery_worker):
    result = ping.delay("abc")
    assert result.get(timeout=30) == "pong:abc"


@pytest.mark.django_db(transaction=True)
def test_email_is_sent_by_the_worker_only_after_commit(celery_worker):
    with transaction.atomic():
        email = services.email_enqueue(
            to="osoba@example.org", subject="Potwierdzenie", body_text="Treść", dedup_key="worker:1"
        )
        time.sleep(1)
        # The worker cannot have sent it: the row is not even committed yet.
        assert OutboundEmail.objects.get(pk=email.pk).sent_at is None
    wait_for_row(email, lambda email: email.sent_at, message="the worker did not send it")
    assert email.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_outbox_tasks_store_no_celery_result_in_redis(celery_worker):
    """Every outbox_send used to leave a celery-task-meta-* key behind."""
    from portal.celery import app as celery_app
    from portal.tasks import outbox_send, outbox_send_due

    email = services.email_enqueue(
        to="osoba@example.org",
        subject="Bez wyniku",
        body_text="Treść",
        dedup_key="no-result:1",
        due_at=timezone.now() + timedelta(days=1),
    )
    # Published the plain way (not through our enqueue helper, which asks for no result anyway).
    sent = outbox_send.delay(email.pk)
    scan = outbox_send_due.delay()
    wait_for_row(email, lambda email: email.sent_at, message="the worker did not send it")
    # A stored result follows the task within milliseconds; give it ample time to appear.
    redis = celery_app.backend.client
    keys = [celery_app.backend.get_key_for_task(task.id) for task in (sent, scan)]
    for _ in range(15):
        assert not any(redis.exists(key) for key in keys)
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_tasks_keep_database_connections_as_requests_do(settings):
    """Celery's Django fixup closed every connection around every task (a new PostgreSQL
    backend per e-mail sent); the portal leaves it to Django's rule (CONN_MAX_AGE, health
    checks), as around web requests."""
    from celery.fixups.django import DjangoWorkerFixup
    from django.db import connection

    from portal.celery import _close_old_database_connections, app

    fixup = DjangoWorkerFixup(app)
    connection.ensure_connection()
    kept = connection.connection
    settings.DATABASES["default"]["CONN_MAX_AGE"] = 600
    connection.settings_dict["CONN_MAX_AGE"] = 600
    connection.close_at = time.monotonic() + 600
    try:
        for _ in range(3):  # what the worker runs around each task
            fixup.close_database()
            _close_old_database_connections()
        assert connection.connection is kept
        connection.close_at = time.monotonic() - 1  # older than CONN_MAX_AGE: replaced
        _close_old_database_connections()
        assert connection.connection is None
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = 0
