import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.urls import reverse

from portal.models import OutboundEmail, User

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s]+")


def _link_in_last_email(fragment: str) -> str:
    body = mail.outbox[-1].body
    links = [link for link in LINK.findall(body) if fragment in link]
    assert links, body
    # Links are built from SITE_URL (portal.links); the test client needs the path only.
    assert links[0].startswith(settings.SITE_URL.rstrip("/") + "/"), links[0]
    return links[0][len(settings.SITE_URL.rstrip("/")) :]


def test_sign_up_verify_email_and_log_in(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "first_name": "Zofia",
                "last_name": "Nowak-Wiśniewska",
                "email": "Nowa.Osoba@Example.org",
                "password1": "Bezpieczne-Haslo-2026",
                "password2": "Bezpieczne-Haslo-2026",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="nowa.osoba@example.org")
    assert (user.first_name, user.last_name) == ("Zofia", "Nowak-Wiśniewska")
    assert not EmailAddress.objects.get(user=user).verified
    # The verification e-mail went through the outbox, was sent once and is in Polish.
    stored = OutboundEmail.objects.get(to__iexact="nowa.osoba@example.org")
    assert stored.sent_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Potwierdź adres e-mail w portalu ekonomii społecznej"
    assert "Aby potwierdzić adres" in mail.outbox[0].body

    # Not verified yet: logging in is refused (mandatory verification).
    client.post(
        reverse("account_login"),
        {"login": "nowa.osoba@example.org", "password": "Bezpieczne-Haslo-2026"},
    )
    assert "_auth_user_id" not in client.session

    confirm_url = _link_in_last_email("/konto/confirm-email/")
    assert client.get(confirm_url).status_code == 200
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert client.session["_auth_user_id"] == str(user.pk)

    client.post(reverse("account_logout"))
    response = client.post(
        reverse("account_login"),
        {"login": "nowa.osoba@example.org", "password": "Bezpieczne-Haslo-2026"},
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_sign_up_with_mismatched_passwords_shows_polish_error(client):
    response = client.post(
        reverse("account_signup"),
        {
            "first_name": "Jan",
            "last_name": "Kowalski",
            "email": "ktos@example.org",
            "password1": "Bezpieczne-Haslo-2026",
            "password2": "Inne-Haslo-2026",
        },
    )
    assert response.status_code == 200
    assert "W obu polach trzeba wpisać to samo hasło" in response.content.decode()
    assert not User.objects.filter(email="ktos@example.org").exists()


def test_password_reset_end_to_end(client, user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": user.email})
    reset_url = _link_in_last_email("/konto/password/reset/key/")
    response = client.get(reset_url, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else reset_url
    response = client.post(
        form_url, {"password1": "Nowe-Haslo-Zupelnie-2026", "password2": "Nowe-Haslo-Zupelnie-2026"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Nowe-Haslo-Zupelnie-2026")


def test_login_page_is_polish_and_uses_site_layout(client):
    html = client.get(reverse("account_login")).content.decode()
    assert '<html lang="pl">' in html
    assert "Przejdź do treści" in html
    assert "Zaloguj" in html
