import pytest
from django.core.management import call_command
from django.urls import reverse

from cooperation import demo
from cooperation.models import WorkingGroup
from portal.models import User

pytestmark = pytest.mark.django_db


def test_demo_platform_loads_twice_and_its_members_see_it(client):
    call_command("load_demo", verbosity=0)
    demo.load()  # a second run adds nothing
    group = WorkingGroup.objects.get()
    assert group.members.count() == 4 and group.meetings.count() == 2
    assert group.tasks.exclude(status="done").count() == 3
    assert any(task.is_overdue for task in group.tasks.all())
    client.force_login(User.objects.get(email="partner@demo.rops.local"))
    page = client.get(reverse("cooperation:group_detail", args=[group.pk])).content.decode()
    assert "Przekazać dane o nowych miejscach pracy w PES" in page and "(po terminie)" in page
    from cooperation.models import Survey

    survey = Survey.objects.get()
    response = survey.responses.get(
        organisation__memberships__user__email="partner@demo.rops.local"
    )
    assert client.get(reverse("cooperation:response_fill", args=[response.pk])).status_code == 200

    from cooperation.models import ActionPlan

    plan = ActionPlan.objects.get()
    client.force_login(User.objects.get(email="staff@demo.rops.local"))
    page = client.get(reverse("cooperation:plan_detail", args=[plan.pk]))
    assert page.status_code == 200
    assert page.context["overview"]["done"] == 1 and len(page.context["overview"]["late"]) == 1
