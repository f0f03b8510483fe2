from celery import shared_task

from . import report_photos, services, services_attendance_list


@shared_task(name="events.tasks.reminders_enqueue")
def reminders_enqueue() -> int:
    """Queue reminders for confirmed participants of events starting within two days."""
    return services.reminders_enqueue()


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
