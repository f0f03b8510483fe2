from celery import shared_task

from . import services


@shared_task(name="cooperation.tasks.overdue_digest_send")
def overdue_digest_send() -> int:
    """Weekly digest of overdue group tasks to coordinators (once per coordinator and ISO week)."""
    return services.overdue_digest_send()


@shared_task(name="cooperation.tasks.survey_reminders_send")
def survey_reminders_send() -> int:
    """Reminders 7 days and 1 day before a survey's deadline (each at most once)."""
    return services.survey_reminders_send()
