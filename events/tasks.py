from celery import shared_task

from . import services


@shared_task(name="events.tasks.reminders_enqueue")
def reminders_enqueue() -> int:
    """Queue reminders for confirmed participants of events starting within two days."""
    return services.reminders_enqueue()
