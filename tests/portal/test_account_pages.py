"""After confirming an e-mail address, and allauth's pages in our formal Polish."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from portal.models import User
from tests.clients import SignedInClient

pytestmark = pytest.mark.django_db

PASSWORD = "Bezpieczne-Haslo-2026"
SIGNUP = {
    "first_name": "Irena",
    "last_name": "Lis",
    "email": "irena.lis@example.org",
    "password1": PASSWORD,
    "password2": PASSWORD,
}
# Informal or clumsy phrases of allauth's own Polish that must not reach our pages.
INFORMAL = [
    "proszę zarejestruj",
    "Zapomniałeś",
    "Wysłaliśmy Ci",
    "Wysłaliśmy do Ciebie",
    "chcesz",
    "Twoim kontem",
    "Zweryfikuj swój",
    "Kliknij podany",
    "jeśli masz problem",
    "Wprowadż",
]


def _sign_up(client, django_capture_on_commit_callbacks) -> str:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_signup"), SIGNUP, follow=True)
    html = response.content.decode()
    assert "Sprawdź skrzynkę e-mail" in html
    link = re.search(r"https?://\S+/konto/confirm-email/\S+", mail.outbox[-1].body).group(0)
    return link[len(settings.SITE_URL.rstrip("/")) :]


def test_confirming_in_the_same_browser_signs_the_person_in(
    client, django_capture_on_commit_callbacks
):
    path = _sign_up(client, django_capture_on_commit_callbacks)
    response = client.post(path)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email=SIGNUP["email"]).pk)


def test_confirming_in_another_browser_explains_and_prefills_the_login(
    client, django_capture_on_commit_callbacks
):
    path = _sign_up(client, django_capture_on_commit_callbacks)
    other_browser = SignedInClient()
    page = other_browser.get(path).content.decode()
    assert "Potwierdzam adres e-mail" in page
    response = other_browser.post(path, follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_login")
    html = response.content.decode()
    assert "Adres irena.lis@example.org został potwierdzony." in html
    assert "Teraz wystarczy się zalogować" in html
    assert 'value="irena.lis@example.org"' in html
    assert User.objects.get(email=SIGNUP["email"]).emailaddress_set.get().verified
    # And the password then signs the person in.
    response = other_browser.post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in other_browser.session


def test_login_page_has_our_title_and_formal_polish(client):
    html = client.get(reverse("account_login")).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.strip().startswith("Logowanie")
    assert "<h1>Logowanie</h1>" in html
    assert "Nie mają Państwo jeszcze konta?" in html
    assert "Nie pamiętają Państwo hasła?" in html
    for phrase in INFORMAL:
        assert phrase not in html, phrase


@pytest.mark.parametrize(
    "name",
    [
        "account_reset_password",
        "account_reset_password_done",
        "account_email_verification_sent",
    ],
)
def test_anonymous_account_pages_speak_formal_polish(client, name):
    html = client.get(reverse(name)).content.decode()
    for phrase in INFORMAL:
        assert phrase not in html, (name, phrase)


@pytest.mark.parametrize(
    "name", ["account_logout", "account_change_password", "account_reauthenticate", "mfa_index"]
)
def test_signed_in_account_pages_speak_formal_polish(client, user, name):
    client.force_login(user)
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    for phrase in INFORMAL:
        assert phrase not in html, (name, phrase)
