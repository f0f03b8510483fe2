from celery import shared_task

from . import services


@shared_task(name="cooperation.tasks.overdue_digest_send")
def overdue_digest_send() -> int:
    """Weekly digest of overdue group tasks to coordinators (once per coordinator and ISO week)."""
    return services.overdue_digest_send()
