"""Writes of the reporting app: asking for a report and rendering it in the background."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from portal.audit import audit_record
from portal.jobs import job_admit
from portal.tasks import enqueue_on_commit

from .models import GeneratedReport

logger = logging.getLogger(__name__)


def report_request(
    *, kind: str, start, end, funding_project=None, subregion=None, actor
) -> GeneratedReport:
    """Store the request for a PDF report and have a worker render it after commit.

    The same report asked again by the same person while it is being prepared is that report;
    each account may ask for a limited number per window (portal.jobs.job_admit).
    """
    from .tasks import report_generate

    with transaction.atomic():
        pending = job_admit(
            actor=actor,
            action="reporting.report.request",
            pending=GeneratedReport.objects.filter(
                status=GeneratedReport.Status.PENDING,
                requested_by=actor,
                kind=kind,
                period_start=start,
                period_end=end,
                funding_project=funding_project,
                subregion=subregion,
            ),
        )
        if pending is not None:
            return pending
        report = GeneratedReport.objects.create(
            kind=kind,
            period_start=start,
            period_end=end,
            funding_project=funding_project,
            subregion=subregion,
            requested_by=actor,
        )
        audit_record(
            actor=actor,
            action="reporting.report.request",
            target=report,
            summary=f"{report.get_kind_display()} {start}–{end}",
        )
        enqueue_on_commit(report_generate, report.pk)
    return report


def report_render(*, report_id: int) -> bool:
    """Render the PDF of a requested report; running it again simply renders it again."""
    from . import documents

    with transaction.atomic():
        report = GeneratedReport.objects.select_for_update().filter(pk=report_id).first()
        if report is None:
            return False
        try:
            content = documents.report_pdf(report)
        except Exception as error:  # noqa: BLE001 - the page shows the failure instead of waiting forever
            logger.exception("Report %s failed", report_id)
            report.status = GeneratedReport.Status.FAILED
            report.error = str(error)[:2000]
            report.save(update_fields=["status", "error"])
            return False
        old_name = report.pdf.name
        report.pdf.save(f"sprawozdanie-{report.pk}.pdf", ContentFile(content), save=False)
        report.status = GeneratedReport.Status.READY
        report.finished_at = timezone.now()
        report.error = ""
        report.save(update_fields=["pdf", "status", "finished_at", "error"])
        if old_name and old_name != report.pdf.name:
            storage = report.pdf.storage
            transaction.on_commit(lambda: storage.delete(old_name))
        audit_record(
            actor=None, action="reporting.report.render", target=report, summary="PDF gotowy"
        )
    return True


def report_retry(*, report: GeneratedReport, actor) -> GeneratedReport:
    """Ask the worker again for a report that failed or was lost with the broker."""
    from .tasks import report_generate

    with transaction.atomic():
        report = GeneratedReport.objects.select_for_update().get(pk=report.pk)
        if report.status == GeneratedReport.Status.PENDING:
            return report  # already on its way: the beat scan renders one whose task was lost
        job_admit(actor=actor, action="reporting.report.retry")
        report.status = GeneratedReport.Status.PENDING
        report.save(update_fields=["status"])
        audit_record(
            actor=actor,
            action="reporting.report.retry",
            target=report,
            summary="Ponowne przygotowanie",
        )
        enqueue_on_commit(report_generate, report.pk)
    return report


def reports_render_stale(*, older_than_minutes: int = 5) -> int:
    """Render reports still pending after a while (their task was lost with the broker)."""
    cutoff = timezone.now() - timedelta(minutes=older_than_minutes)
    pending = GeneratedReport.objects.filter(
        status=GeneratedReport.Status.PENDING, requested_at__lt=cutoff
    )
    return sum(report_render(report_id=pk) for pk in pending.values_list("pk", flat=True)[:20])


def monitoring_details_store(*, person, values: dict, actor):
    """Keep the monitoring details a person gave (only the given ones change); None if none.

    ``values`` are already checked (``reporting.monitoring.details_for_project``). A PESEL also
    stores the birth date it encodes, from which the export computes the age at first support.
    The audit entry names the changed fields, never their values.
    """
    from .models import MonitoringDetails
    from .monitoring import FIELDS, pesel_birth_date

    values = {field: values[field] for field in FIELDS if values.get(field) not in (None, "")}
    if not values:
        return None
    with transaction.atomic():
        details, _created = MonitoringDetails.objects.select_for_update().get_or_create(
            person=person
        )
        changed = [field for field, value in values.items() if getattr(details, field) != value]
        if not changed:
            return details
        for field in changed:
            setattr(details, field, values[field])
        if "pesel" in changed:
            details.birth_date = pesel_birth_date(details.pesel)
        details.save()
        audit_record(
            actor=actor,
            action="reporting.monitoring_details.update",
            target=details,
            summary="Dane do monitorowania projektu: " + ", ".join(changed),
            changes={"fields": changed, "person": person.pk},
        )
    return details


MONITORING_FILES = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", None),
    "instytucje.csv": ("text/csv; charset=utf-8", "instytucje"),
    "osoby.csv": ("text/csv; charset=utf-8", "osoby"),
}


def monitoring_export(*, scope, file_format: str, actor) -> tuple[str, str, bytes]:
    """Build the monitoring export of a funding project for a period and record who took it.

    It discloses personal data (names, sex, age, PESEL), so every download is in the audit
    trail with the project, the period, the file and how many institutions and people it held.
    Returns (file name, content type, content).
    """
    from . import documents

    if scope.funding_project is None:
        raise ValueError("The monitoring export needs a funding project.")
    content_type, table = MONITORING_FILES[file_format]
    with transaction.atomic():
        tables = documents.monitoring_tables(scope)
        if table is None:
            content = documents.monitoring_xlsx(tables)
            name = f"monitorowanie-{scope.funding_project.pk}-{scope.start}-{scope.end}.xlsx"
        else:
            content = documents.monitoring_csv(tables[table])
            name = f"monitorowanie-{table}-{scope.funding_project.pk}-{scope.start}-{scope.end}.csv"
        audit_record(
            actor=actor,
            action="reporting.monitoring.export",
            target=scope.funding_project,
            summary=f"Eksport do systemu monitorowania ({file_format}) {scope.start}–{scope.end}",
            changes={
                "file": file_format,
                "start": scope.start.isoformat(),
                "end": scope.end.isoformat(),
                "institutions": len(tables["instytucje"][1]),
                "people": len(tables["osoby"][1]),
            },
        )
    return name, content_type, content


def indicator_save(*, indicator, actor, created: bool, changed_fields: list[str]):
    """Save an indicator defined in the admin and record who set or changed its target."""
    with transaction.atomic():
        indicator.save()
        audit_record(
            actor=actor,
            action="reporting.indicator." + ("create" if created else "update"),
            target=indicator,
            summary=f"{indicator.name}: {indicator.target_value} {indicator.unit} "
            f"do {indicator.target_date}",
            changes={"fields": list(changed_fields)},
        )
    return indicator


def indicator_delete(*, indicator, actor) -> None:
    """Delete an indicator and record it."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="reporting.indicator.delete",
            target=indicator,
            summary=indicator.name,
        )
        indicator.delete()
