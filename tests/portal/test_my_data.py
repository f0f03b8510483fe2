import json

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from portal.models import User
from tests.partners.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_export_contains_account_and_data_from_other_apps(client, user):
    MembershipFactory(user=user, position="koordynatorka")
    client.force_login(user)
    response = client.get(reverse("my_data_download"))
    assert response["Content-Disposition"] == 'attachment; filename="moje-dane.json"'
    data = json.loads(response.content)
    assert data["konto"]["email"] == user.email
    memberships = data["partners.membership:user"]
    assert memberships[0]["position"] == "koordynatorka"


def test_my_data_requires_login(client):
    response = client.get(reverse("my_data"))
    assert response.status_code == 302
    assert "/konto/login/" in response["Location"]


def test_wrong_password_keeps_the_account(client, user):
    client.force_login(user)
    response = client.post(reverse("account_delete"), {"password": "zle-haslo", "confirm": "on"})
    assert response.status_code == 400
    assert "Hasło jest nieprawidłowe." in response.content.decode()
    user.refresh_from_db()
    assert user.is_active


def test_delete_anonymises_but_keeps_related_rows(client, user):
    membership = MembershipFactory(user=user)
    email = user.email
    client.force_login(user)
    response = client.post(
        reverse("account_delete"), {"password": "haslo-testowe-123", "confirm": "on"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email != email and user.email.endswith("@anonim.invalid")
    assert (user.first_name, user.last_name, user.phone) == ("", "", "")
    assert not user.is_active and not user.has_usable_password()
    assert not EmailAddress.objects.filter(email=email).exists()
    assert User.objects.filter(pk=user.pk).exists()
    membership.refresh_from_db()
    assert membership.user_id == user.pk
    assert "_auth_user_id" not in client.session


def test_export_names_no_other_person_from_the_audit_trail(client, user):
    """A staff member's own actions are in the export, the people they acted on are not."""
    from portal.audit import audit_record
    from tests.events.factories import RegistrationFactory

    other = User.objects.create_user(
        "zofia.nowak@example.org", None, first_name="Zofia", last_name="Nowakowska"
    )
    RegistrationFactory(participant=other, registered_by=user, answers={"dieta": "Nowakowska"})
    audit_record(
        actor=user,
        action="events.registration.walk_in",
        target=other,
        summary=f"Dopisano osobę spoza listy zgłoszeń: Zofia Nowakowska ({other.email})",
        changes={"email": [None, other.email]},
    )
    audit_record(
        actor=user,
        action="portal.user.profile_update",
        target=user,
        summary="Zmieniono dane osobowe",
        changes={"phone": ["", "600 100 200"]},
    )
    client.force_login(user)
    response = client.get(reverse("my_data_download"))
    text = response.content.decode()
    assert "Nowakowska" not in text and other.email not in text
    entries = {entry["action"]: entry for entry in json.loads(text)["portal.auditlogentry:actor"]}
    assert entries["events.registration.walk_in"]["changes"] == ["email"]
    assert entries["portal.user.profile_update"]["summary"] == "Zmieniono dane osobowe"
    assert entries["portal.user.profile_update"]["changes"] == {"phone": ["", "600 100 200"]}
