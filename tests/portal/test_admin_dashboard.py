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
    client.force_login(StaffUserFactory())
    from portal.selectors import staff_todo

    for item in staff_todo():
        response = client.get(item["url"])
        # An admin list redirects to ?e=1 when it does not know a filter; 200 means it applied it.
        assert response.status_code == 200, item
