from celery import shared_task

from . import services


@shared_task(name="reporting.tasks.report_generate")
def report_generate(report_id: int) -> bool:
    """Render a requested report's PDF (safe to run twice: it overwrites the file)."""
    return services.report_render(report_id=report_id)


@shared_task(name="reporting.tasks.reports_render_stale")
def reports_render_stale() -> int:
    """Beat safety net: render reports whose task never reached a worker."""
    return services.reports_render_stale()
