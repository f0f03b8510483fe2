"""Staff sign in through allauth with a second factor before any admin page opens."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.test import override_settings
from django.urls import reverse

from portal.models import OutboundEmail
from tests.factories import (
    TEST_TOTP_SECRET,
    RoleUserFactory,
    StaffUserFactory,
    UserFactory,
    totp_code,
)

pytestmark = pytest.mark.django_db

PASSWORD = "haslo-testowe-123"
LOCKOUT_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
ADMIN_PAGES = ["/admin/", "/admin/portal/user/", "/admin/portal/auditlogentry/"]


def _password_step(client, user, next_url="/admin/"):
    return client.post(
        f"{reverse('account_login')}?next={next_url}", {"login": user.email, "password": PASSWORD}
    )


def _is_admin_page(response) -> bool:
    return response.status_code == 200 and 'id="site-name"' in response.content.decode()


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_staff_without_authenticator_gets_no_admin_page_and_is_sent_to_set_one_up(client, path):
    staff = StaffUserFactory(totp=False)
    client.force_login(staff)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_enrolment_code"))
    assert "next=" in response["Location"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_password_only_session_of_staff_with_authenticator_gets_no_admin_page(client, path):
    staff = StaffUserFactory()
    assert client.login(email=staff.email, password=PASSWORD)  # password only, no second step
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))


def test_django_admin_login_form_is_replaced_by_allauth(client):
    response = client.get("/admin/login/?next=/admin/portal/user/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    # Posting to Django's own form signs no one in.
    staff = StaffUserFactory()
    client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_sign_in_with_password_and_totp_code_opens_the_admin(client):
    staff = StaffUserFactory()
    response = client.get("/admin/")
    assert response.status_code == 302
    response = _password_step(client, staff)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # Password alone: not signed in yet, the admin still refuses.
    assert "_auth_user_id" not in client.session
    assert not _is_admin_page(client.get("/admin/"))
    page = client.get(reverse("mfa_authenticate"))
    assert "Drugi składnik logowania" in page.content.decode()

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(staff)})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert _is_admin_page(client.get("/admin/"))


def test_wrong_totp_code_keeps_the_admin_closed(client):
    staff = StaffUserFactory()
    _password_step(client, staff)
    wrong = "000000" if totp_code(staff) != "000000" else "111111"
    response = client.post(reverse("mfa_authenticate"), {"code": wrong})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert not _is_admin_page(client.get("/admin/"))


def test_recovery_code_works_instead_of_the_app(client):
    staff = StaffUserFactory()
    codes = RecoveryCodes.activate(staff).generate_codes()
    _password_step(client, staff)
    response = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert response.status_code == 302
    assert _is_admin_page(client.get("/admin/"))
    # Each recovery code works once.
    client.post(reverse("account_logout"))
    _password_step(client, staff)
    client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db(
    transaction=True
)  # allauth records the new authenticator on commit, in the request
def test_staff_enrols_an_authenticator_and_then_opens_the_admin(client):
    staff = RoleUserFactory(role=None, totp=False)
    response = _password_step(client, staff)
    assert response.status_code == 302 and "_auth_user_id" in client.session  # no authenticator yet
    response = client.get("/admin/")
    assert response["Location"].startswith(reverse("mfa_enrolment_code"))
    # First a code e-mailed to the account, so the password alone binds no one's app to it.
    client.post(response["Location"], {"send": "1"})
    body = OutboundEmail.objects.get(to=staff.email).body_text
    code = re.search(r"^(\d{6})$", body, re.MULTILINE).group(1)
    response = client.post(reverse("mfa_enrolment_code"), {"code": code, "next": "/admin/"})
    assert response["Location"].startswith(reverse("mfa_activate_totp"))
    # allauth asks for the password once more before an authenticator is added to an account.
    response = client.get(response["Location"], follow=True)
    reauthenticate_url = response.redirect_chain[-1][0]
    assert reauthenticate_url.startswith(reverse("account_reauthenticate"))
    response = client.post(reauthenticate_url, {"password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("mfa_activate_totp"))
    html = response.content.decode()
    assert "Włączenie aplikacji uwierzytelniającej" in html and "data:image/svg+xml" in html
    secret = client.session[SECRET_SESSION_KEY]
    import time

    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post(reverse("mfa_activate_totp"), {"code": code})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.RECOVERY_CODES).exists()
    # Typing a valid code while enrolling is this session's second step: the admin opens
    # (and refuses this role-less account everything inside, which is Django's permission rule).
    response = client.get("/admin/")
    assert response.status_code == 200


def test_non_staff_user_is_not_asked_for_a_second_factor(client):
    user = UserFactory()
    response = _password_step(client, user, next_url="/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)


def test_staff_login_helper_matches_the_real_sign_in(client):
    staff = StaffUserFactory()
    client.force_login(staff)
    assert _is_admin_page(client.get("/admin/"))


@override_settings(ACCOUNT_RATE_LIMITS=LOCKOUT_LIMITS)
def test_wrong_second_factor_codes_are_limited_too(client):
    client = client.__class__(REMOTE_ADDR="10.30.0.3")
    staff = StaffUserFactory()
    response = _password_step(client, staff)
    assert response["Location"] == reverse("mfa_authenticate")
    right = totp_code(staff)
    wrong = [f"{n:06d}" for n in range(20) if f"{n:06d}" != right][:6]
    for code in wrong:
        client.post(reverse("mfa_authenticate"), {"code": code})
    response = client.post(reverse("mfa_authenticate"), {"code": right})
    assert "_auth_user_id" not in client.session
    assert not _is_admin_page(client.get("/admin/"))
    assert TEST_TOTP_SECRET  # the factory's secret produced the right code


def test_demo_staff_can_open_the_admin_with_the_code_demo_totp_prints(client):
    from io import StringIO

    from django.core.management import call_command

    from portal import demo

    demo.load()
    out = StringIO()
    call_command("demo_totp", stdout=out, stderr=StringIO())
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    client.post(
        f"{reverse('account_login')}?next=/admin/",
        {"login": demo.DEMO_STAFF_EMAIL, "password": demo.DEMO_STAFF_PASSWORD},
    )
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response["Location"] == "/admin/"
    assert _is_admin_page(client.get("/admin/"))
