"""The action plan page: progress, late actions, export and who may see it."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from cooperation import services
from cooperation.exceptions import CooperationError
from cooperation.models import ActionPlan, PlanAction, PlanMeasure, PlanPriority
from portal import roles
from portal.models import AuditLogEntry
from tests.factories import RoleUserFactory, UserFactory
from tests.partners.factories import MembershipFactory, OrganisationFactory

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
