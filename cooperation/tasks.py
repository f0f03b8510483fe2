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


@shared_task(name="cooperation.tasks.plan_pdf_generate")
def plan_pdf_generate(export_id: int) -> bool:
    """Render a requested action plan PDF (safe to run twice: it renders the file again)."""
    return services.plan_pdf_render(export_id=export_id)


@shared_task(name="cooperation.tasks.plan_pdfs_render_stale")
def plan_pdfs_render_stale() -> int:
    """Beat safety net: render plan PDFs whose task never reached a worker."""
    return services.plan_pdfs_render_stale()
