"""Adding and removing a second factor: the e-mailed code first, staff keep theirs, all audited."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.urls import reverse

from portal import roles
from portal.models import AuditLogEntry, OutboundEmail
from tests.factories import RoleUserFactory, StaffUserFactory, UserFactory, give_totp, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "haslo-testowe-123"
ENROL = reverse("mfa_enrolment_code")
ACTIVATE = reverse("mfa_activate_totp")


def _emailed_code(user) -> str:
    email = OutboundEmail.objects.filter(
        to=user.email, subject="Kod do włączenia logowania dwuskładnikowego"
    ).latest("created_at")
    return re.search(r"^(\d{6})$", email.body_text, re.MULTILINE).group(1)


def _notifications(user) -> list[str]:
    return list(
        OutboundEmail.objects.filter(
            to=user.email, subject="Zmiana logowania dwuskładnikowego na Pana/Pani koncie"
        ).values_list("body_text", flat=True)
    )


def _actions(user) -> list[str]:
    return list(
        AuditLogEntry.objects.filter(object_id=str(user.pk), action__startswith="portal.second_")
        .order_by("pk")
        .values_list("action", flat=True)
    )


def _reauthenticate(client) -> None:
    """Type the password again, as allauth asks before a second factor is changed."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


def _activate_totp(client) -> None:
    """Go through allauth's page: the password once more if asked, then a code from the app."""
    response = client.get(ACTIVATE, follow=True)
    if response.redirect_chain and "reauthenticate" in response.redirect_chain[-1][0]:
        response = client.post(response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert "Włączenie aplikacji uwierzytelniającej" in response.content.decode()
    secret = client.session[SECRET_SESSION_KEY]
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    assert client.post(ACTIVATE, {"code": code}).status_code == 302


@pytest.mark.django_db(transaction=True)  # allauth tells about a new authenticator on commit
def test_first_enrolment_of_staff_needs_the_code_emailed_to_the_account(client):
    staff = RoleUserFactory(role=roles.ROPS_ADMINISTRATOR, totp=False)
    assert client.login(email=staff.email, password=PASSWORD)
    # The password alone does not show the authenticator's secret.
    response = client.get(ACTIVATE)
    assert response.status_code == 302 and response["Location"].startswith(ENROL)
    assert SECRET_SESSION_KEY not in client.session
    assert client.get("/admin/portal/user/")["Location"].startswith(ENROL)

    page = client.get(ENROL)
    assert page.status_code == 200 and "Potwierdzenie adresu e-mail" in page.content.decode()
    assert not OutboundEmail.objects.filter(to=staff.email).exists()  # GET sends nothing
    client.post(ENROL, {"send": "1"})
    code = _emailed_code(staff)
    wrong = "000000" if code != "000000" else "111111"
    response = client.post(ENROL, {"code": wrong})
    assert response.status_code == 400 and "Kod jest nieprawidłowy" in response.content.decode()
    assert client.get(ACTIVATE)["Location"].startswith(ENROL)

    response = client.post(ENROL, {"code": code})
    assert response.status_code == 302 and response["Location"].startswith(ACTIVATE)
    _activate_totp(client)
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert client.get("/admin/portal/user/").status_code == 200
    assert _actions(staff) == [
        "portal.second_factor.code_sent",
        "portal.second_factor.code_confirmed",
        "portal.second_factor.added",
    ]
    [notice] = _notifications(staff)
    assert "Włączono drugi składnik logowania: aplikacja uwierzytelniająca." in notice


def test_the_emailed_code_works_once_and_only_for_a_few_tries(client):
    staff = StaffUserFactory(totp=False)
    assert client.login(email=staff.email, password=PASSWORD)
    client.post(ENROL, {"send": "1"})
    code = _emailed_code(staff)
    assert client.post(ENROL, {"code": code}).status_code == 302
    other = client.__class__()
    assert other.login(email=staff.email, password=PASSWORD)
    response = other.post(ENROL, {"code": code})  # used up
    assert response.status_code == 400 and "Kod wygasł" in response.content.decode()

    other.post(ENROL, {"send": "1"})
    code = _emailed_code(staff)
    wrong = [f"{n:06d}" for n in range(10) if f"{n:06d}" != code][:5]
    for attempt in wrong:
        other.post(ENROL, {"code": attempt})
    response = other.post(ENROL, {"code": code})
    assert response.status_code == 400
    assert other.get(ACTIVATE)["Location"].startswith(ENROL)


def test_codes_are_not_sent_without_limit(client):
    staff = StaffUserFactory(totp=False)
    assert client.login(email=staff.email, password=PASSWORD)
    for _ in range(6):
        client.post(ENROL, {"send": "1"})
    assert OutboundEmail.objects.filter(to=staff.email).count() == 3


def test_an_account_without_staff_role_also_needs_the_code_for_its_first_authenticator(client):
    person = UserFactory()
    assert client.login(email=person.email, password=PASSWORD)
    assert client.get(ACTIVATE)["Location"].startswith(ENROL)
    assert client.get(reverse("account_profile")).status_code == 200


@pytest.mark.parametrize("role", [None, roles.REPORTING, roles.ROPS_ADMINISTRATOR])
def test_staff_cannot_switch_off_their_only_authenticator_app(client, role):
    staff = RoleUserFactory(role=role)
    RecoveryCodes.activate(staff)
    client.force_login(staff)  # both factors
    _reauthenticate(client)
    response = client.post(reverse("mfa_deactivate_totp"), follow=True)
    assert "nie można wyłączyć ostatniego" in response.content.decode()
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert _notifications(staff) == []


def _security_key(user) -> Authenticator:
    return Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": "Klucz USB", "credential": {}},
    )


def test_staff_cannot_remove_their_only_security_key(client):
    staff = StaffUserFactory(totp=False)
    key = _security_key(staff)
    client.force_login(staff)
    session = client.session  # signed in with the key: the step allauth records for it
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time()},
        {"method": "mfa", "at": time.time(), "id": key.pk, "type": "webauthn"},
    ]
    session["account_authentication_methods_user"] = str(staff.pk)
    session.save()
    _reauthenticate(client)
    client.post(reverse("mfa_remove_webauthn", args=[key.pk]))
    assert Authenticator.objects.filter(pk=key.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_staff_with_a_key_may_switch_off_the_app_and_is_told_by_email(client):
    staff = StaffUserFactory()
    _security_key(staff)
    client.force_login(staff)
    _reauthenticate(client)
    client.post(reverse("mfa_deactivate_totp"))
    assert not Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert "portal.second_factor.removed" in _actions(staff)
    [notice] = _notifications(staff)
    assert "Usunięto drugi składnik logowania: aplikacja uwierzytelniająca." in notice


@pytest.mark.django_db(transaction=True)
def test_a_person_without_staff_role_may_switch_off_their_app_and_is_told(client):
    person = UserFactory()
    give_totp(person)
    RecoveryCodes.activate(person)
    client.post(reverse("account_login"), {"login": person.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": totp_code(person)})
    _reauthenticate(client)
    client.post(reverse("mfa_deactivate_totp"))
    assert not Authenticator.objects.filter(user=person).exists()
    assert _actions(person) == ["portal.second_factor.removed", "portal.second_factor.removed"]
    assert len(_notifications(person)) == 1  # the app; the recovery codes went with it


def test_a_recovery_code_used_to_sign_in_is_audited_and_emailed(client):
    staff = StaffUserFactory()
    codes = RecoveryCodes.activate(staff).generate_codes()
    client.post(reverse("account_login"), {"login": staff.email, "password": PASSWORD})
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 302 and "_auth_user_id" in client.session
    entry = AuditLogEntry.objects.get(action="portal.second_factor.recovery_code_used")
    assert entry.actor == staff
    [notice] = _notifications(staff)
    assert "Użyto kodu zapasowego do logowania. Pozostałe kody zapasowe: 9." in notice


@pytest.mark.django_db(transaction=True)
def test_new_recovery_codes_are_audited_and_emailed(client):
    staff = StaffUserFactory()
    RecoveryCodes.activate(staff)
    client.force_login(staff)
    _reauthenticate(client)
    client.post(reverse("mfa_generate_recovery_codes"))
    assert "portal.second_factor.reset" in _actions(staff)
    [notice] = _notifications(staff)
    assert "Wygenerowano nowe kody zapasowe" in notice


def test_rops_administrator_resets_a_lost_second_factor_in_the_admin(client):
    admin_user = RoleUserFactory(role=roles.ROPS_ADMINISTRATOR)
    staff = RoleUserFactory(role=roles.EVENTS_COORDINATOR)
    RecoveryCodes.activate(staff)
    person = client.__class__()
    person.force_login(staff)  # the person's session, passed with the app now lost
    assert person.get("/wydarzenia/").status_code == 200
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:portal_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [staff.pk]},
    )
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=staff).exists()
    entry = AuditLogEntry.objects.get(action="portal.second_factor.admin_reset")
    assert entry.actor == admin_user and entry.object_id == str(staff.pk)
    [notice] = _notifications(staff)
    assert "Administrator ROPS usunął drugi składnik" in notice
    # The open session loses its second factor with the reset: the person is asked for the
    # e-mailed code before a new app.
    assert person.get("/wydarzenia/")["Location"].startswith(ENROL)


def test_a_role_without_the_right_to_change_accounts_cannot_reset(client):
    coordinator = RoleUserFactory(role=roles.EVENTS_COORDINATOR)
    staff = StaffUserFactory()
    client.force_login(coordinator)
    client.post(
        reverse("admin:portal_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [staff.pk]},
    )
    assert Authenticator.objects.filter(user=staff).exists()


def test_security_key_pages_speak_polish(client):
    staff = StaffUserFactory()
    client.force_login(staff)
    _reauthenticate(client)
    index = client.get(reverse("mfa_index")).content.decode()
    assert "Klucze bezpieczeństwa" in index and reverse("mfa_add_webauthn") in index
    page = client.get(reverse("mfa_add_webauthn"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h1>Dodanie klucza bezpieczeństwa</h1>" in html and "Nazwa klucza" in html
    assert 'id="mfa_webauthn_add"' in html and "mfa/js/webauthn.js" in html
    _security_key(staff)
    listing = client.get(reverse("mfa_list_webauthn")).content.decode()
    assert "Klucz USB" in listing and "Jeszcze nieużyty." in listing
