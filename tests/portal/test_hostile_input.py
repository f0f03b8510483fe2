"""NUL bytes are refused once, for every page, with a Polish 400 page instead of a DataError."""

import pytest
from django.urls import reverse

from tests import factories
from tests.events.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_nul_in_a_filter_or_search_is_a_polish_400(client):
    event = EventFactory()
    staff = factories.StaffUserFactory()
    client.force_login(staff)
    for url in (
        reverse("events:event_list"),
        reverse("partners:organisation_list"),
        reverse("events:checkin", args=[event.slug]),
    ):
        response = client.get(url, {"q": "abc\x00def"})
        assert response.status_code == 400
        assert "niedozwolony znak" in response.content.decode()


def test_nul_in_a_posted_field_is_refused_before_the_view(client):
    response = client.post(
        reverse("account_login"), {"login": "a\x00@example.org", "password": "x"}
    )
    assert response.status_code == 400 and "Nieprawidłowe zapytanie" in response.content.decode()


def test_nul_in_the_session_cookie_is_not_looked_up(client, settings):
    client.cookies[settings.SESSION_COOKIE_NAME] = "abcdefgh\x00ijklmnop"
    assert client.get(reverse("home")).status_code == 200


def test_admin_date_hierarchy_and_autocomplete_survive_out_of_range_values(client):
    from tests.events.factories import MaterialFactory

    client.force_login(factories.StaffUserFactory())
    response = client.get(reverse("admin:events_event_changelist"), {"starts_at__year": "9" * 30})
    assert response.status_code == 302 and "e=1" in response["Location"]
    material = MaterialFactory()
    response = client.post(
        reverse("admin:events_material_change", args=[material.pk]),
        {"event": "abc", "title": "Prezentacja", "visibility": "public", "position": "0"},
    )
    assert response.status_code == 200  # the form again, with an error at the event field


def test_admin_custom_list_filter_with_a_malformed_value_redirects(client):
    from tests.partners.factories import OrganisationFactory

    OrganisationFactory()
    client.force_login(factories.StaffUserFactory())
    response = client.get(reverse("admin:partners_organisation_changelist"), {"powiat": "1e309"})
    assert response.status_code == 302 and "e=1" in response["Location"]
