"""The admin is a thin client of the workflow service: read-only status, transitions as buttons
and actions that notify and record exactly as the site does, history in people's terms."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from advisory.models import AdvisoryRequest, CaseEvent
from portal.models import AuditLogEntry, OutboundEmail
from tests.factories import FundingProjectFactory

from .factories import AdvisoryTopicFactory, ExpertFactory

pytestmark = pytest.mark.django_db
Status = AdvisoryRequest.Status
WARSAW = ZoneInfo("Europe/Warsaw")


def test_status_and_expert_cannot_be_changed_by_editing_the_case(client, cases):
    case = cases.at(Status.SUBMITTED)
    client.force_login(cases.staff)
    url = reverse("admin:advisory_advisoryrequest_change", args=[case.pk])
    html = client.get(url).content.decode()
    assert 'name="status"' not in html and 'name="expert"' not in html
    topic = AdvisoryTopicFactory()
    project = FundingProjectFactory()
    management = dict(
        re.findall(
            r'name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"[^>]*value="(\d*)"', html
        )
    )
    response = client.post(
        url,
        {
            "status": "closed",
            "expert": ExpertFactory().pk,
            "topics": [topic.pk],
            "funding_project": project.pk,
            **management,
        },
    )
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else ""
    )
    case.refresh_from_db()
    assert case.status == Status.SUBMITTED and case.expert is None  # only classification changed
    assert list(case.topics.all()) == [topic] and case.funding_project == project
    entry = AuditLogEntry.objects.get(action="advisory.advisoryrequest.classify")
    assert entry.actor == cases.staff and "topics" in entry.changes


def test_change_page_button_accepts_through_the_service(client, cases):
    case = cases.at(Status.SUBMITTED)
    client.force_login(cases.staff)
    change_url = reverse("admin:advisory_advisoryrequest_change", args=[case.pk])
    status_url = reverse("admin:advisory_advisoryrequest_transition", args=[case.pk])
    assert status_url in client.get(change_url).content.decode()
    page = client.get(status_url).content.decode()
    assert "Przyjmij wniosek" in page and "Odrzuć wniosek" in page
    assert (
        AdvisoryRequest.objects.get(pk=case.pk).status == Status.SUBMITTED
    )  # the GET changed nothing
    OutboundEmail.objects.all().delete()

    response = client.post(status_url, {"action": "accept", "version": case.version})

    assert response.status_code == 302 and response["Location"] == change_url
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED and case.first_responded_at
    event = case.events.get(to_status=Status.ACCEPTED)
    assert event.author == cases.staff
    assert case.requester.email in set(OutboundEmail.objects.values_list("to", flat=True))
    assert AuditLogEntry.objects.filter(
        action="advisory.advisoryrequest.accept", actor=cases.staff
    ).exists()


def test_change_page_button_refuses_a_stale_form_with_a_message(client, cases):
    case = cases.at(Status.SUBMITTED)
    cases.step(case, "accept")
    client.force_login(cases.staff)
    status_url = reverse("admin:advisory_advisoryrequest_transition", args=[case.pk])
    response = client.post(status_url, {"action": "reject", "version": case.version, "reason": "x"})
    assert (
        response.status_code == 200 and "Ktoś inny zmienił tę sprawę" in response.content.decode()
    )
    assert AdvisoryRequest.objects.get(pk=case.pk).status == Status.ACCEPTED


def test_bulk_accept_reject_and_close_actions_call_the_service(client, cases):
    first, second = cases.at(Status.SUBMITTED), cases.at(Status.SUBMITTED)
    to_reject = cases.at(Status.SUBMITTED)
    completed = cases.at(Status.COMPLETED)
    client.force_login(cases.staff)
    changelist = reverse("admin:advisory_advisoryrequest_changelist")
    OutboundEmail.objects.all().delete()

    response = client.post(
        changelist,
        {"action": "accept_requests", "_selected_action": [first.pk, second.pk, completed.pk]},
        follow=True,
    )
    html = response.content.decode()
    assert (
        "Zmieniono status spraw: 2." in html and completed.number in html
    )  # refused with its reason
    assert set(
        AdvisoryRequest.objects.filter(status=Status.ACCEPTED).values_list("pk", flat=True)
    ) == {
        first.pk,
        second.pk,
    }
    assert {first.requester.email, second.requester.email} <= set(
        OutboundEmail.objects.values_list("to", flat=True)
    )

    page = client.post(
        changelist, {"action": "reject_requests", "_selected_action": [to_reject.pk]}
    )
    assert page.status_code == 200 and "Powód odrzucenia" in page.content.decode()
    assert AdvisoryRequest.objects.get(pk=to_reject.pk).status == Status.SUBMITTED
    client.post(
        changelist,
        {
            "action": "reject_requests",
            "apply": "1",
            "reason": "Temat poza projektem.",
            "_selected_action": [to_reject.pk],
        },
    )
    to_reject.refresh_from_db()
    assert (
        to_reject.status == Status.REJECTED
        and to_reject.rejection_reason == "Temat poza projektem."
    )

    client.post(changelist, {"action": "close_cases", "_selected_action": [completed.pk]})
    assert AdvisoryRequest.objects.get(pk=completed.pk).status == Status.CLOSED
    actions = set(AuditLogEntry.objects.filter(actor=cases.staff).values_list("action", flat=True))
    assert {
        "advisory.advisoryrequest.accept",
        "advisory.advisoryrequest.reject",
        "advisory.advisoryrequest.close",
    } <= actions


def test_history_shows_status_labels_and_warsaw_time(client, cases):
    with time_machine.travel(datetime(2026, 3, 10, 9, 15, tzinfo=WARSAW), tick=False):
        case = cases.at(Status.SUBMITTED)  # 08:15 UTC
    client.force_login(cases.staff)
    history = client.get(
        reverse("admin:advisory_advisoryrequest_history", args=[case.pk])
    ).content.decode()
    assert "szkic" in history and "złożony" in history
    assert "draft" not in history and "submitted" not in history.replace("submitted_at", "")
    assert "10.03.2026 09:15" in history and "08:15" not in history
    change = client.get(
        reverse("admin:advisory_advisoryrequest_change", args=[case.pk])
    ).content.decode()
    event = case.events.get(kind=CaseEvent.Kind.STATUS)
    assert str(event) == "zmiana statusu (10.03.2026 09:15)"
    assert "(10.03.2026 09:15)" in change and "złożony" in change


def test_topics_experts_and_settings_edited_in_the_admin_are_in_the_audit_trail(client, cases):
    client.force_login(cases.staff)
    response = client.post(
        reverse("admin:advisory_advisorytopic_add"),
        {"name_pl": "Nowy temat (audyt)", "order": 5, "is_active": "on"},
    )
    assert response.status_code == 302
    entry = AuditLogEntry.objects.get(action="advisory.advisorytopic.create")
    assert entry.actor == cases.staff and entry.object_repr == "Nowy temat (audyt)"
    expert = ExpertFactory(user=None, full_name="Jan Ekspert", email="jan@example.org")
    url = reverse("admin:advisory_expert_change", args=[expert.pk])
    response = client.post(
        url, {"full_name": "Jan Ekspert", "email": "jan.ekspert@example.org", "is_active": "on"}
    )
    assert response.status_code == 302
    entry = AuditLogEntry.objects.get(action="advisory.expert.update")
    assert entry.actor == cases.staff and "email" in entry.changes["fields"]


def test_export_of_cases_is_recorded(client, cases):
    case = cases.at(Status.SUBMITTED)
    client.force_login(cases.staff)
    response = client.post(
        reverse("admin:advisory_advisoryrequest_export"),
        {"format": "0", "resource": "0", "advisoryrequestresource_number": "on"},
    )
    assert response.status_code == 200 and case.number in response.content.decode()
    entry = AuditLogEntry.objects.get(action="advisory.advisoryrequest.export")
    assert entry.actor == cases.staff and entry.changes["cases"] == [case.number]


def test_queue_changelist_costs_the_same_queries_at_1x_and_10x(client, cases):
    """AdvisorySettings was read once per row and the COUNT ran twice."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(cases.staff)
    changelist = reverse("admin:advisory_advisoryrequest_changelist")
    client.get(changelist)  # warm caches (content types, session) outside the measurement
    counts = []
    for total in (2, 20):  # 1x and 10x
        while AdvisoryRequest.objects.exclude(status=Status.DRAFT).count() < total:
            cases.at(Status.SUBMITTED)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(changelist)
        assert response.status_code == 200
        counts.append(len(queries))
        settings_reads = [
            q for q in queries.captured_queries if "advisory_advisorysettings" in q["sql"]
        ]
        # Once for the whole page (the queue and its deadline filter), never once per row.
        assert len(settings_reads) <= 2, settings_reads
    # session, user, second factor, permissions, settings, three filter lists, count, page, region
    assert counts[0] == counts[1] <= 11, counts


def test_queue_filters_by_submission_date_without_extra_queries(client, cases):
    from datetime import timedelta

    from django.utils import timezone

    case = cases.at(Status.SUBMITTED)
    client.force_login(cases.staff)
    changelist = reverse("admin:advisory_advisoryrequest_changelist")
    page = client.get(changelist).content.decode()
    assert "Ostatnie 7 dni" in page and case.number in page
    tomorrow = str(timezone.localtime() + timedelta(days=1))
    filtered = client.get(changelist, {"submitted_at__gte": tomorrow}).content.decode()
    assert case.number not in filtered
