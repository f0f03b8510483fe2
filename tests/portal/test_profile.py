"""Names at sign-up and the "Moje dane osobowe" page."""

import pytest
from django.urls import reverse

from portal.models import AuditLogEntry, User

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "bez.imienia@example.org",
    "password1": "Bezpieczne-Haslo-2026",
    "password2": "Bezpieczne-Haslo-2026",
}


def test_sign_up_requires_first_and_last_name(client):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 200
    form = response.context["form"]
    assert "first_name" in form.errors and "last_name" in form.errors
    assert "To pole jest wymagane" in response.content.decode()
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


def test_sign_up_stores_the_name(client):
    response = client.post(
        reverse("account_signup"), {**SIGNUP, "first_name": " Anna ", "last_name": "Kowalska"}
    )
    assert response.status_code == 302
    user = User.objects.get(email=SIGNUP["email"])
    assert (user.first_name, user.last_name) == ("Anna", "Kowalska")
    assert str(user) == "Anna Kowalska"


def test_sign_up_page_offers_name_fields_with_autocomplete(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert 'autocomplete="given-name"' in html
    assert 'autocomplete="family-name"' in html


def test_profile_page_needs_sign_in(client):
    response = client.get(reverse("account_profile"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_profile_page_is_linked_from_the_account_menu(client, user):
    client.force_login(user)
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("account_profile")}"' in html
    assert "Moje dane osobowe" in html


def test_profile_page_edits_name_phone_and_position(client, user):
    client.force_login(user)
    page = client.get(reverse("account_profile"))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'type="tel"' in html and 'autocomplete="tel"' in html
    assert 'autocomplete="organization-title"' in html
    response = client.post(
        reverse("account_profile"),
        {
            "first_name": "Józefa",
            "last_name": "Źdźbło",
            "phone": "+48 600 100 200",
            "position": "koordynatorka",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.phone, user.position) == (
        "Józefa",
        "Źdźbło",
        "+48 600 100 200",
        "koordynatorka",
    )
    entry = AuditLogEntry.objects.get(action="portal.user.profile_update")
    assert entry.actor == user and entry.changes["position"] == ["", "koordynatorka"]


@pytest.mark.parametrize(
    "data, field",
    [
        ({"first_name": "", "last_name": "Nowak"}, "first_name"),
        ({"first_name": "Jan", "last_name": "   "}, "last_name"),
        ({"first_name": "Jan2", "last_name": "Nowak"}, "first_name"),
        ({"first_name": "Jan", "last_name": "Nowak", "phone": "zadzwoń"}, "phone"),
        ({"first_name": "J" * 151, "last_name": "Nowak"}, "first_name"),
    ],
)
def test_profile_page_rejects_bad_input_next_to_the_field(client, user, data, field):
    client.force_login(user)
    before = (user.first_name, user.last_name)
    response = client.post(reverse("account_profile"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="errorlist' in response.content.decode()
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == before


def test_personal_data_export_includes_position(client, user):
    user.position = "księgowa"
    user.save()
    client.force_login(user)
    response = client.get(reverse("my_data_download"))
    assert '"stanowisko": "księgowa"' in response.content.decode()
