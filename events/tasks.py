from datetime import timedelta

from celery import shared_task
from django.conf import settings

from portal.periodic import run_when_due

from . import report_photos, services, services_attendance_list


@shared_task(name="events.tasks.reminders_enqueue")
def reminders_enqueue() -> int | None:
    """Queue the reminders due, when the scan's interval has passed since its last run.

    Beat sends this every minute; a tick lost in a broker outage is made up by the first one
    after it (``portal.periodic``). Returns None when the scan was not due.
    """
    return run_when_due(
        name="events.reminders_enqueue",
        every=timedelta(seconds=settings.EVENTS_REMINDER_SCAN_SECONDS),
        job=services.reminders_enqueue,
    )


@shared_task(name="events.tasks.events_finish_ended")
def events_finish_ended() -> int:
    """Mark published events whose end has passed as finished."""
    return len(services.events_finish_ended())


@shared_task(name="events.tasks.attendance_list_prerender", ignore_result=True)
def attendance_list_prerender(event_id: int, session_id: int | None = None) -> bool:
    """Store the event's attendance list PDF ahead of its download (large events only)."""
    return services_attendance_list.attendance_list_prerender(
        event_id=event_id, session_id=session_id
    )


@shared_task(name="events.tasks.report_photo_process", ignore_result=True)
def report_photo_process(photo_id: int) -> bool:
    """Make an uploaded photo's web version and thumbnail."""
    return report_photos.report_photo_process(photo_id=photo_id)


@shared_task(name="events.tasks.report_photos_process_waiting", ignore_result=True)
def report_photos_process_waiting() -> int:
    """Queue again photos whose processing task was lost."""
    return report_photos.report_photos_process_waiting()
