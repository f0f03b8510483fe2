from celery import shared_task

from . import services


@shared_task(name="events.tasks.reminders_enqueue")
def reminders_enqueue() -> int:
    """Queue reminders for confirmed participants of events starting within two days."""
    return services.reminders_enqueue()


@shared_task(name="events.tasks.events_finish_ended")
def events_finish_ended() -> int:
    """Mark published events whose end has passed as finished."""
    return len(services.events_finish_ended())
