"""The action plan page: progress, late actions, export and who may see it."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cooperation import services
from cooperation.exceptions import CooperationError
from cooperation.models import ActionPlan, PlanAction, PlanExport, PlanMeasure, PlanPriority
from portal import roles
from portal.models import AuditLogEntry
from tests.factories import RoleUserFactory, UserFactory
from tests.partners.factories import MembershipFactory, OrganisationFactory
from tests.waiting import wait_for_row

pytestmark = pytest.mark.django_db


def build_plan():
    today = timezone.localdate()
    staff = RoleUserFactory(role=roles.REGISTRY_EDITOR)
    plan = services.plan_item_save(
        item=ActionPlan(title="Plan 2026", starts_on=today, ends_on=today + timedelta(days=700)),
        actor=staff,
    )
    priority = services.plan_item_save(
        item=PlanPriority(plan=plan, title="Priorytet 1"), actor=staff
    )
    measure = services.plan_item_save(
        item=PlanMeasure(priority=priority, title="Działanie 1.1"), actor=staff
    )
    late = PlanAction.objects.create(
        measure=measure,
        title="=Zadanie opóźnione",
        starts_on=today - timedelta(days=30),
        ends_on=today - timedelta(days=1),
        status="in_progress",
    )
    late.organisations.add(OrganisationFactory(name="OWES Północ"))
    PlanAction.objects.create(
        measure=measure,
        title="Zadanie zrobione",
        starts_on=today - timedelta(days=30),
        ends_on=today - timedelta(days=2),
        status="done",
    )
    PlanAction.objects.create(
        measure=measure,
        title="Zadanie zaniechane",
        starts_on=today - timedelta(days=30),
        ends_on=today - timedelta(days=2),
        status="cancelled",
    )
    PlanAction.objects.create(
        measure=measure,
        title="Zadanie przyszłe",
        starts_on=today,
        ends_on=today + timedelta(days=30),
    )
    return plan, staff


def test_progress_counts_done_actions_and_lists_late_ones(client):
    plan, staff = build_plan()
    assert AuditLogEntry.objects.filter(
        action="cooperation.actionplan.create", actor=staff
    ).exists()
    client.force_login(RoleUserFactory(role=roles.REPORTING))
    page = client.get(reverse("cooperation:plan_detail", args=[plan.pk]))
    overview = page.context["overview"]
    assert (overview["done"], overview["total"], overview["percent"]) == (1, 3, 33)
    assert [action.title for action in overview["late"]] == ["=Zadanie opóźnione"]
    workbook = load_workbook(
        io.BytesIO(client.get(reverse("cooperation:plan_export", args=[plan.pk])).content)
    )
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 5 and rows[1][2] == "'=Zadanie opóźnione" and rows[1][3] == "OWES Północ"


def test_dates_out_of_order_are_refused():
    today = timezone.localdate()
    with pytest.raises(CooperationError):
        services.plan_item_save(
            item=ActionPlan(title="X", starts_on=today, ends_on=today - timedelta(days=1)),
            actor=UserFactory(),
        )
    assert not ActionPlan.objects.exists()


@pytest.mark.parametrize("who", ["staff_without_role", "partner"])
def test_people_without_the_permission_see_no_plan(client, who):
    plan, _staff = build_plan()
    client.force_login(
        RoleUserFactory(role=None) if who == "staff_without_role" else MembershipFactory().user
    )
    for name in ("plan_detail", "plan_export"):
        assert client.get(reverse(f"cooperation:{name}", args=[plan.pk])).status_code == 403
    assert client.get(reverse("cooperation:plan_list")).status_code == 403


# --- the plan as a PDF, prepared by a worker ---------------------------------------------------


def wait_until_prepared(export, seconds: float = 60):
    return wait_for_row(
        export, lambda export: export.status != PlanExport.Status.PENDING, timeout=seconds
    )


def pdf_of(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.django_db(transaction=True)
def test_plan_pdf_is_rendered_by_the_worker_and_downloaded_by_permitted_staff(
    client, celery_worker
):
    from tests.factories import RegionFactory
    from tests.pdfs import assert_accessible_pdf, pdf_page_texts, pdf_text

    region = RegionFactory(cofinancing_notice="Plan współfinansowany ze środków EFS+ (test planu).")
    plan, _staff = build_plan()
    reader = RoleUserFactory(role=roles.REPORTING)
    client.force_login(reader)
    page = client.post(reverse("cooperation:plan_pdf_request", args=[plan.pk]), follow=True)
    assert "Plik PDF planu jest przygotowywany" in page.content.decode()
    export = wait_until_prepared(PlanExport.objects.get(plan=plan))
    assert export.status == PlanExport.Status.READY, export.error
    download_url = reverse("cooperation:plan_pdf_download", args=[plan.pk, export.pk])
    assert (
        download_url
        in client.get(reverse("cooperation:plan_detail", args=[plan.pk])).content.decode()
    )
    response = client.get(download_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = pdf_of(response)
    tagged = assert_accessible_pdf(content, title_contains="Plan 2026")
    assert {"Table", "TH", "H2"} <= tagged.types()
    pages = pdf_page_texts(content)
    # A title page of its own, then the progress, the late actions and the whole structure.
    assert "Plan 2026" in pages[0] and region.cofinancing_notice in pages[0]
    assert (
        "zrealizowano 1 z 3 zadań (33%), zadań opóźnionych: 1" in pages[0]
        and "Postęp realizacji" not in pages[0]
    )
    assert all(f"Strona {n} z {len(pages)}" in text for n, text in enumerate(pages, 1))
    text = pdf_text(content)
    for expected in (
        "Priorytet 1",
        "Działanie 1.1",
        "=Zadanie opóźnione",
        "OWES Północ",
        "po terminie",
        "Zadanie zrobione",
        "zrealizowane",
        "zaniechane",
    ):
        assert expected in text, expected
    late_part = text.split("Zadania opóźnione", 1)[1].split("Priorytety, działania i zadania")[0]
    assert "=Zadanie opóźnione" in late_part and "Zadanie przyszłe" not in late_part
    assert AuditLogEntry.objects.filter(
        action="cooperation.actionplan.pdf_request", actor=reader
    ).exists()
    assert AuditLogEntry.objects.filter(
        action="cooperation.actionplan.pdf_download", actor=reader
    ).exists()


def test_plan_page_says_being_prepared_until_the_pdf_is_ready(
    client, django_capture_on_commit_callbacks
):
    plan, staff = build_plan()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("cooperation:plan_pdf_request", args=[plan.pk]))
    export = PlanExport.objects.get()
    page = client.get(reverse("cooperation:plan_detail", args=[plan.pk])).content.decode()
    assert "w przygotowaniu…" in page
    download_url = reverse("cooperation:plan_pdf_download", args=[plan.pk, export.pk])
    assert download_url not in page and client.get(download_url).status_code == 404
    for callback in callbacks:  # the task, as the worker would run it
        callback()
    export.refresh_from_db()
    assert export.status == PlanExport.Status.READY
    assert (
        download_url
        in client.get(reverse("cooperation:plan_detail", args=[plan.pk])).content.decode()
    )
    # Running the task again (a redelivered message) simply renders the file again.
    assert services.plan_pdf_render(export_id=export.pk)
    export.refresh_from_db()
    assert export.pdf.name and export.pdf.storage.exists(export.pdf.name)


@pytest.mark.parametrize("who", ["staff_without_role", "partner", "anonymous"])
def test_plan_pdf_is_refused_to_people_without_the_permission(client, who):
    plan, staff = build_plan()
    export = services.plan_pdf_request(plan=plan, actor=staff)
    services.plan_pdf_render(export_id=export.pk)
    if who == "staff_without_role":
        client.force_login(RoleUserFactory(role=None))
    elif who == "partner":
        client.force_login(MembershipFactory().user)
    request = client.post(reverse("cooperation:plan_pdf_request", args=[plan.pk]))
    download = client.get(reverse("cooperation:plan_pdf_download", args=[plan.pk, export.pk]))
    expected = 302 if who == "anonymous" else 403
    assert request.status_code == expected and download.status_code == expected
    assert PlanExport.objects.count() == 1
    assert not AuditLogEntry.objects.filter(action="cooperation.actionplan.pdf_download").exists()


def test_a_plan_pdf_whose_task_was_lost_is_rendered_by_the_beat_scan():
    plan, staff = build_plan()
    lost = PlanExport.objects.create(
        plan=plan, requested_by=staff, requested_at=timezone.now() - timedelta(minutes=10)
    )
    fresh = PlanExport.objects.create(plan=plan, requested_by=staff)
    assert services.plan_pdfs_render_stale() == 1
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == PlanExport.Status.READY and fresh.status == PlanExport.Status.PENDING


# --- the admin: every change through the services, recorded with who made it ----------------


def test_admin_changes_to_the_plan_record_who_made_them(client):
    from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

    plan, _staff = build_plan()
    editor = RoleUserFactory(role=roles.REGISTRY_EDITOR)
    client.force_login(editor)
    action = PlanAction.objects.get(title="Zadanie przyszłe")
    owes = OrganisationFactory(name="OWES Południe")
    url = reverse("admin:cooperation_planaction_change", args=[action.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="status"' not in page.content.decode()
    result = client.post(
        url,
        {
            "measure": action.measure_id,
            "title": "Zadanie przyszłe",
            "description": "Opis",
            "organisations": [owes.pk],
            "starts_on": action.starts_on.isoformat(),
            "ends_on": action.ends_on.isoformat(),
            "position": 0,
            "status": "done",  # ignored: the status is read-only in the form
            "advisory_cases": [],
        },
    )
    assert result.status_code == 302, result.content.decode()[:3000]
    action.refresh_from_db()
    assert action.status == "planned" and list(action.organisations.all()) == [owes]
    update = AuditLogEntry.objects.get(action="cooperation.planaction.update", actor=editor)
    assert update.changes["description"] == ["", "Opis"]
    links = AuditLogEntry.objects.get(action="cooperation.planaction.links", actor=editor)
    assert links.changes["organisations"] == [[], ["OWES Południe"]]
    # The status through the admin action (a service), with before and after.
    client.post(
        reverse("admin:cooperation_planaction_changelist"),
        {"action": "set_status_in_progress", ACTION_CHECKBOX_NAME: [action.pk]},
    )
    action.refresh_from_db()
    assert action.status == "in_progress"
    status = AuditLogEntry.objects.get(action="cooperation.planaction.status", actor=editor)
    assert status.changes == {"status": ["zaplanowane", "w realizacji"]}
    # A priority added inline on the plan's page goes through the service too.
    priority_url = reverse("admin:cooperation_actionplan_change", args=[plan.pk])
    priorities = list(plan.priorities.all())
    data = {
        "title": plan.title,
        "description": plan.description,
        "starts_on": plan.starts_on.isoformat(),
        "ends_on": plan.ends_on.isoformat(),
        "priorities-TOTAL_FORMS": len(priorities) + 1,
        "priorities-INITIAL_FORMS": len(priorities),
        "priorities-MIN_NUM_FORMS": 0,
        "priorities-MAX_NUM_FORMS": 1000,
        "priorities-0-id": priorities[0].pk,
        "priorities-0-plan": plan.pk,
        "priorities-0-title": priorities[0].title,
        "priorities-0-position": priorities[0].position,
        "priorities-1-plan": plan.pk,
        "priorities-1-title": "Priorytet 2",
        "priorities-1-position": 1,
    }
    assert client.post(priority_url, data).status_code == 302
    assert AuditLogEntry.objects.filter(
        action="cooperation.planpriority.create", actor=editor, summary="Priorytet 2"
    ).exists()
