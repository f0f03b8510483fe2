"""Background work one account starts is limited and deduplicated; e-mails never wait for documents.

Each of the four document mechanisms (reports, action plan PDFs, advisory cards, attendance
lists) and messages to participants asks portal.jobs.job_admit: the same request while its job is
pending gives back that job; more than the account's limit per window is refused with a Polish
message and no job. The real-worker tests send many requests at once from one account, and an
e-mail after a queue full of documents.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from advisory import services as advisory_services
from advisory.models import AdvisoryRequest
from cooperation import services as cooperation_services
from cooperation.models import PlanExport
from events import services_organiser
from events.models import EventMessage
from portal import roles
from portal.jobs import JobLimitReached
from portal.models import AuditLogEntry, OutboundEmail
from portal.services import email_enqueue
from portal.tasks import enqueue
from reporting import services as reporting_services
from reporting.models import GeneratedReport
from tests.advisory.conftest import CaseBuilder
from tests.clients import SignedInClient
from tests.concurrency import run_together
from tests.cooperation.test_plan import build_plan
from tests.events.factories import EventFactory, RegistrationFactory
from tests.factories import RoleUserFactory


def _report(actor, day: int = 1):
    start = date(2026, 1, day)
    return reporting_services.report_request(
        kind=GeneratedReport.Kind.ACTIVITY, start=start, end=start + timedelta(days=30), actor=actor
    )


@pytest.mark.django_db
def test_the_same_report_asked_again_while_pending_is_the_same_job():
    reader = RoleUserFactory(role=roles.REPORTING)
    first = _report(reader)
    again = _report(reader)
    assert again.pk == first.pk
    assert GeneratedReport.objects.count() == 1
    assert AuditLogEntry.objects.filter(action="reporting.report.request").count() == 1
    # Another person asking the same report gets a job of their own.
    other = _report(RoleUserFactory(role=roles.REPORTING))
    assert other.pk != first.pk


@pytest.mark.django_db
def test_reports_beyond_the_limit_are_refused_with_a_polish_message(settings):
    settings.BACKGROUND_JOB_LIMIT = 3
    reader = RoleUserFactory(role=roles.REPORTING)
    for day in (1, 2, 3):
        _report(reader, day)
    with pytest.raises(JobLimitReached) as refused:
        _report(reader, 4)
    assert "Prosimy" in refused.value.message and "3" in refused.value.message
    assert GeneratedReport.objects.count() == 3
    # The limit is per account: a colleague still may.
    _report(RoleUserFactory(role=roles.REPORTING), 4)


@pytest.mark.django_db
def test_report_page_shows_the_limit_next_to_the_form(settings):
    settings.BACKGROUND_JOB_LIMIT = 2
    reader = RoleUserFactory(role=roles.REPORTING)
    client = SignedInClient()
    client.force_login(reader)
    url = reverse("reporting:reports")
    answers = []
    for day in range(1, 5):
        answers.append(
            client.post(
                url,
                {
                    "kind": GeneratedReport.Kind.ACTIVITY,
                    "start": f"2026-01-{day:02d}",
                    "end": "2026-03-31",
                },
            )
        )
    assert [answer.status_code for answer in answers[:2]] == [302, 302]
    assert answers[3].status_code == 400
    assert "Prosimy poczekać" in answers[3].content.decode()
    assert GeneratedReport.objects.filter(requested_by=reader).count() == 2


@pytest.mark.django_db
def test_plan_pdf_asked_again_while_pending_is_the_same_export(settings):
    settings.BACKGROUND_JOB_LIMIT = 2
    plan, _staff = build_plan()
    reader = RoleUserFactory(role=roles.REPORTING)
    first = cooperation_services.plan_pdf_request(plan=plan, actor=reader)
    assert cooperation_services.plan_pdf_request(plan=plan, actor=reader).pk == first.pk
    assert PlanExport.objects.count() == 1
    # Once it is ready a new request is a new job, up to the limit.
    PlanExport.objects.filter(pk=first.pk).update(status=PlanExport.Status.READY)
    cooperation_services.plan_pdf_request(plan=plan, actor=reader)
    PlanExport.objects.update(status=PlanExport.Status.READY)
    with pytest.raises(JobLimitReached):
        cooperation_services.plan_pdf_request(plan=plan, actor=reader)
    assert PlanExport.objects.count() == 2


@pytest.mark.django_db
def test_plan_pdf_page_answers_the_limit_in_polish(settings):
    settings.BACKGROUND_JOB_LIMIT = 1
    plan, _staff = build_plan()
    reader = RoleUserFactory(role=roles.REPORTING)
    client = SignedInClient()
    client.force_login(reader)
    url = reverse("cooperation:plan_pdf_request", args=[plan.pk])
    client.post(url)
    PlanExport.objects.update(status=PlanExport.Status.READY)
    page = client.post(url, follow=True)
    assert "Prosimy poczekać" in page.content.decode()
    assert PlanExport.objects.count() == 1


@pytest.mark.django_db
def test_an_ordered_card_is_ordered_once_while_it_is_rendered(settings):
    settings.BACKGROUND_JOB_LIMIT = 2
    builder = CaseBuilder()
    case = builder.at(AdvisoryRequest.Status.COMPLETED)
    AdvisoryRequest.objects.filter(pk=case.pk).update(
        card_requested_at=None, card_generated_at=timezone.now() - timedelta(hours=1)
    )
    staff = RoleUserFactory(role=roles.ADVISORY_OFFICER)
    for _ in range(5):
        advisory_services.card_request(request_id=case.pk, actor=staff)
    assert (
        AuditLogEntry.objects.filter(
            action="advisory.advisoryrequest.card_request", actor=staff
        ).count()
        == 1
    )
    # Rendered: the next order is a new job, then the limit.
    AdvisoryRequest.objects.filter(pk=case.pk).update(card_generated_at=timezone.now())
    advisory_services.card_request(request_id=case.pk, actor=staff)
    AdvisoryRequest.objects.filter(pk=case.pk).update(card_generated_at=timezone.now())
    with pytest.raises(JobLimitReached):
        advisory_services.card_request(request_id=case.pk, actor=staff)


@pytest.mark.django_db
def test_attendance_list_downloads_are_limited_per_account(settings):
    settings.BACKGROUND_JOB_LIMITS = {"events.event.attendance_list_download": (2, 600)}
    event = EventFactory()
    RegistrationFactory(event=event)
    coordinator = RoleUserFactory(role=roles.EVENTS_COORDINATOR)
    client = SignedInClient()
    client.force_login(coordinator)
    url = reverse("events:attendance_list_pdf", args=[event.slug])
    assert client.get(url)["Content-Type"] == "application/pdf"
    assert client.get(url)["Content-Type"] == "application/pdf"
    refused = client.get(url, follow=True)
    assert refused.status_code == 200
    assert "Prosimy poczekać" in refused.content.decode()
    assert AuditLogEntry.objects.filter(action="events.event.attendance_list_download").count() == 2


@pytest.mark.django_db
def test_the_same_message_sent_again_while_it_goes_out_is_not_sent_twice():
    event = EventFactory()
    RegistrationFactory(event=event)
    RegistrationFactory(event=event)
    coordinator = RoleUserFactory(role=roles.EVENTS_COORDINATOR)

    def send():
        return services_organiser.event_message_send(
            event=event,
            audience="confirmed",
            subject="Zmiana sali",
            body="Sala 2.",
            actor=coordinator,
        )

    first = send()
    assert send().pk == first.pk
    assert EventMessage.objects.count() == 1
    assert OutboundEmail.objects.filter(dedup_key__startswith="events:message:").count() == 2
    # Once its e-mails are out, sending it again is a new message (a deliberate reminder).
    OutboundEmail.objects.update(sent_at=timezone.now())
    assert send().pk != first.pk


# --- with the real worker ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_fifty_document_requests_at_once_from_one_account_make_at_most_the_limit(
    celery_worker, settings
):
    reader = RoleUserFactory(role=roles.REPORTING)
    plan, _staff = build_plan()
    limit = settings.BACKGROUND_JOB_LIMIT
    # Fifty requests at once: the same plan PDF and reports for different periods.
    calls = [lambda: cooperation_services.plan_pdf_request(plan=plan, actor=reader)] * 25 + [
        (lambda day=day: _report(reader, day)) for day in range(1, 26)
    ]
    results, errors = run_together(calls)
    assert all(error is None or isinstance(error, JobLimitReached) for error in errors), errors
    # The 25 reports for different periods: all beyond the limit refused.
    assert sum(isinstance(error, JobLimitReached) for error in errors) >= 25 - limit
    assert PlanExport.objects.filter(requested_by=reader).count() <= limit
    assert GeneratedReport.objects.filter(requested_by=reader).count() <= limit
    # The plan PDF requested 25 times at once while pending is one job (or a few as they finish).
    assert PlanExport.objects.filter(requested_by=reader).count() < 25
    # The jobs that were admitted are rendered by the documents worker.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (
        PlanExport.objects.filter(status=PlanExport.Status.PENDING).exists()
        or GeneratedReport.objects.filter(status=GeneratedReport.Status.PENDING).exists()
    ):
        time.sleep(0.5)
    assert not PlanExport.objects.filter(status=PlanExport.Status.PENDING).exists()
    assert not GeneratedReport.objects.filter(status=GeneratedReport.Status.PENDING).exists()


@pytest.mark.django_db(transaction=True)
def test_an_email_after_many_documents_is_sent_while_they_are_still_pending(celery_worker):
    from cooperation.tasks import plan_pdf_generate

    plan, _staff = build_plan()
    exports = [PlanExport.objects.create(plan=plan) for _ in range(24)]
    for export in exports:
        assert enqueue(plan_pdf_generate, export.pk)
    with transaction.atomic():
        email = email_enqueue(
            to="odbiorca@example.org",
            subject="Reset hasła",
            body_text="Link do ustawienia hasła.",
            dedup_key="test:after-documents",
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        email.refresh_from_db()
        if email.sent_at:
            break
        time.sleep(0.1)
    pending_when_sent = PlanExport.objects.filter(status=PlanExport.Status.PENDING).count()
    assert email.sent_at is not None, "the e-mail was not sent within a minute"
    # Sent ahead of the documents, not after them (one queue would send it only once all of
    # them had been taken, with at most one or two still rendering).
    assert pending_when_sent >= len(exports) // 2, pending_when_sent
    # The documents worker still renders them all (and leaves nothing running into the next test).
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and (
        PlanExport.objects.filter(status=PlanExport.Status.PENDING).exists()
    ):
        time.sleep(0.5)
    assert not PlanExport.objects.filter(status=PlanExport.Status.PENDING).exists()
