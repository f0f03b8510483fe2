from celery import shared_task

from . import services


@shared_task(name="portal.tasks.outbox_send")
def outbox_send(email_id: int) -> bool:
    return services.outbox_deliver(email_id=email_id)


@shared_task(name="portal.tasks.outbox_send_due")
def outbox_send_due() -> int:
    return services.outbox_send_due()


@shared_task(name="portal.tasks.ping")
def ping(value: str) -> str:
    """Answer with what was sent: lets a health check prove the broker and a worker work."""
    return f"pong:{value}"
