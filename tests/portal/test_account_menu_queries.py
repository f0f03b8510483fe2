"""The account menu on every page costs at most one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal import roles
from tests.advisory.factories import ExpertFactory, jst_member
from tests.factories import RoleUserFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_LINK = reverse("advisory:request_list")
CASES_LINK = reverse("advisory:case_list")


def _profile_queries(client, user):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("account_profile"))
    assert response.status_code == 200
    menu = [
        q["sql"]
        for q in queries.captured_queries
        if "advisory_expert" in q["sql"] or "auth_permission" in q["sql"]
    ]
    # One query for the whole menu; no permission lookups for accounts that are not staff, and
    # one for staff (portal.auth_backends reads group and own permissions together).
    assert len(menu) == (1 if not user.is_staff else 2), menu
    return response.content.decode(), len(queries)


def test_menu_costs_one_query_for_a_plain_account_and_shows_nothing_extra(client):
    page, plain = _profile_queries(client, UserFactory())
    assert LIST_LINK not in page and CASES_LINK not in page
    # The JST member and the expert see their links, still with one menu query.
    page, member = _profile_queries(client, jst_member())
    assert LIST_LINK in page and CASES_LINK not in page
    page, expert = _profile_queries(client, ExpertFactory().user)
    assert CASES_LINK in page


def test_staff_roles_still_get_the_case_list_and_staff_without_roles_do_not(client):
    page, _ = _profile_queries(client, RoleUserFactory(role=roles.ADVISORY_OFFICER))
    assert CASES_LINK in page
    page, _ = _profile_queries(client, RoleUserFactory(role=None))
    assert CASES_LINK not in page
