import pytest
from django.urls import reverse

from partners.models import Membership
from tests.factories import StaffUserFactory
from tests.partners.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _todo_row(html: str, label: str) -> str:
    start = html.rindex("<tr>", 0, html.index(label))
    return html[start : html.index("</tr>", start)]


def test_admin_start_page_counts_what_waits_for_staff(client):
    MembershipFactory.create_batch(3, status=Membership.Status.PENDING)
    MembershipFactory(status=Membership.Status.APPROVED)
    client.force_login(StaffUserFactory())
    html = client.get(reverse("admin:index")).content.decode()
    row = _todo_row(html, "Prośby o dołączenie do organizacji")
    assert ">3</strong>" in row
    assert "?status__exact=pending" in row
    assert ">0</strong>" in _todo_row(html, "Sprawy doradcze po terminie")


def test_every_todo_link_opens_a_working_admin_list(client):
    staff = StaffUserFactory()
    client.force_login(staff)
    from portal.selectors import staff_todo

    for item in staff_todo(user=staff):
        response = client.get(item["url"])
        # An admin list redirects to ?e=1 when it does not know a filter; 200 means it applied it.
        assert response.status_code == 200, item


def test_each_todo_line_is_shown_only_to_roles_that_act_on_it(client):
    from portal import roles
    from portal.selectors import staff_todo
    from tests.factories import RoleUserFactory

    labels = lambda user: {item["label"] for item in staff_todo(user=user)}  # noqa: E731
    assert labels(RoleUserFactory(role=None)) == set()
    advisory = labels(RoleUserFactory(role=roles.ADVISORY_OFFICER))
    assert (
        "Sprawy doradcze po terminie" in advisory
        and "Prośby o dołączenie do organizacji" not in advisory
    )
    registry = labels(RoleUserFactory(role=roles.REGISTRY_EDITOR))
    assert (
        "Prośby o dołączenie do organizacji" in registry
        and "Sprawy doradcze po terminie" not in registry
    )
