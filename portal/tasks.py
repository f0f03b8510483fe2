import logging
from functools import partial

from celery import shared_task
from django.db import transaction
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

from . import services

logger = logging.getLogger(__name__)

# What publishing a task raises when the broker is down, unreachable or too slow: kombu wraps
# most of them in its OperationalError, the rest arrive as redis-py or socket errors.
BROKER_ERRORS = (KombuOperationalError, RedisError, OSError)


def enqueue(task, *args, **kwargs) -> bool:
    """Publish a task now; if the broker cannot take it, log that and return False.

    Everything published this way has a database row that a beat scan picks up later (the
    outbox, a card still missing), so losing the message costs a delay, never the data, and a
    request that has already saved its data must not fail because Redis is away.
    """
    try:
        # No publish retries and no result subscription: a request must not wait for Redis.
        task.apply_async(args=args, kwargs=kwargs, retry=False, ignore_result=True)
    except BROKER_ERRORS as error:
        logger.warning(
            "Could not queue %s%r (delivered later by the beat scan): %s", task.name, args, error
        )
        return False
    return True


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Publish a task once the current transaction commits, never failing the caller."""
    transaction.on_commit(partial(enqueue, task, *args, **kwargs))


# Fire-and-forget: nobody reads these results, and storing one per e-mail filled Redis with
# tens of thousands of celery-task-meta-* keys per reminder run.
@shared_task(name="portal.tasks.outbox_send", ignore_result=True)
def outbox_send(email_id: int) -> bool:
    return services.outbox_deliver(email_id=email_id)


@shared_task(name="portal.tasks.outbox_send_batch", ignore_result=True)
def outbox_send_batch(email_ids: list[int]) -> int:
    """Send a batch of stored e-mails over one SMTP connection, each at most once."""
    return services.outbox_deliver_batch(email_ids=email_ids)


@shared_task(name="portal.tasks.outbox_send_due", ignore_result=True)
def outbox_send_due() -> int:
    return services.outbox_send_due()


@shared_task(name="portal.tasks.ping")
def ping(value: str) -> str:
    """Answer with what was sent: lets a health check prove the broker and a worker work."""
    return f"pong:{value}"
