"""The client's address behind the proxy: one rule for allauth's limits and the contact form."""

import subprocess
import sys

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from portal import antispam
from portal.client_ip import client_ip, client_network
from portal.models import ContactMessage
from tests.factories import RegionFactory, UserFactory

pytestmark = pytest.mark.django_db

NGINX = "172.18.0.5"
PASSWORD = "haslo-testowe-123"
PER_ADDRESS = {"login_failed": "3/m/ip"}


def _request(remote_addr=NGINX, **headers):
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, headers=headers)


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_one_proxy_the_client_is_the_entry_the_proxy_appended():
    assert client_ip(_request(**{"X-Forwarded-For": f"1.2.3.4, {NGINX}"})) == NGINX
    # nginx appends $remote_addr to what the client sent: the last entry is what nginx saw.
    assert client_ip(_request(**{"X-Forwarded-For": "6.6.6.6, 1.2.3.4"})) == "1.2.3.4"
    assert client_ip(_request(**{"X-Forwarded-For": "1.2.3.4"})) == "1.2.3.4"
    # Straight to gunicorn (a health check): no header, the connection's address.
    assert client_ip(_request()) == NGINX


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=2)
def test_fewer_entries_than_proxies_trusts_none_of_them():
    assert client_ip(_request(**{"X-Forwarded-For": "6.6.6.6"})) == NGINX
    assert client_ip(_request(**{"X-Forwarded-For": "6.6.6.6, 1.2.3.4, 10.0.0.1"})) == "1.2.3.4"


def test_without_trusted_proxies_a_forged_header_is_ignored():
    request = _request(remote_addr="203.0.113.7", **{"X-Forwarded-For": "1.2.3.4"})
    assert client_ip(request) == "203.0.113.7"


@override_settings(ALLAUTH_TRUSTED_CLIENT_IP_HEADER="X-Real-IP")
def test_a_trusted_client_ip_header_names_the_client():
    assert client_ip(_request(**{"X-Real-IP": "1.2.3.4", "X-Forwarded-For": "9.9.9.9"})) == (
        "1.2.3.4"
    )
    assert client_ip(_request(**{"X-Real-IP": "nonsense"})) == NGINX


def test_ipv6_clients_are_counted_by_their_network():
    request = _request(remote_addr="2001:db8:1:2:aaaa::1")
    assert client_ip(request) == "2001:db8:1:2:aaaa::1"
    assert client_network(request) == "2001:db8:1:2::"


def test_the_environment_sets_the_number_of_trusted_proxies():
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "from allauth import app_settings; "
        "print(settings.ALLAUTH_TRUSTED_PROXY_COUNT, app_settings.TRUSTED_PROXY_COUNT)"
    )
    env = {"DJANGO_SETTINGS_MODULE": "portal.settings.local", "TRUSTED_PROXY_COUNT": "1"}
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**_base_env(), **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["1", "1"]


def _base_env():
    import os

    return {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}


@pytest.fixture
def contact_form(settings):
    settings.CONTACT_FORM_MIN_SECONDS = 0
    settings.CONTACT_FORM_HOURLY_LIMIT = 1
    RegionFactory(email="rops@example.org", contact_form_email="")
    for key in ("1.2.3.4", "5.6.7.8", NGINX):
        cache.delete(f"ratelimit:contact:{key}")


def _contact(client, **headers):
    data = {
        "name": "Maria Nowak",
        "email": "maria@example.org",
        "message": "Pytanie o wizytę.",
        "website": "",
        "started": antispam.form_started_token(),
    }
    return client.post(reverse("contact"), data, headers=headers)


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_two_visitors_have_separate_contact_limits(client, contact_form):
    nginx = Client(REMOTE_ADDR=NGINX)
    first = {"X-Forwarded-For": "1.2.3.4"}
    second = {"X-Forwarded-For": "5.6.7.8"}
    assert _contact(nginx, **first).status_code == 302
    assert _contact(nginx, **first).status_code == 429
    assert _contact(nginx, **second).status_code == 302
    assert ContactMessage.objects.count() == 2


def test_without_trusted_proxies_a_forged_header_does_not_escape_the_contact_limit(
    contact_form,
):
    visitor = Client(REMOTE_ADDR="1.2.3.4")
    assert _contact(visitor, **{"X-Forwarded-For": "10.0.0.1"}).status_code == 302
    assert _contact(visitor, **{"X-Forwarded-For": "10.0.0.2"}).status_code == 429
    assert ContactMessage.objects.count() == 1


def _sign_in(client, user, password, **headers):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": password}, headers=headers
    )


@override_settings(ACCOUNT_RATE_LIMITS=PER_ADDRESS, ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_failed_sign_ins_of_one_visitor_do_not_stop_another():
    nginx = Client(REMOTE_ADDR=NGINX)
    attacker = {"X-Forwarded-For": "1.2.3.4"}
    someone = UserFactory()
    for attempt in range(3):
        _sign_in(nginx, someone, f"zle-{attempt}", **attacker)
    refused = _sign_in(nginx, UserFactory(), PASSWORD, **attacker)
    assert refused.status_code == 200 and "_auth_user_id" not in nginx.session

    member = UserFactory()
    other = Client(REMOTE_ADDR=NGINX)
    response = _sign_in(other, member, PASSWORD, **{"X-Forwarded-For": "5.6.7.8"})
    assert response.status_code == 302
    assert other.session["_auth_user_id"] == str(member.pk)


@override_settings(ACCOUNT_RATE_LIMITS=PER_ADDRESS)
def test_without_trusted_proxies_a_forged_header_does_not_escape_the_sign_in_limit():
    visitor = Client(REMOTE_ADDR="198.51.100.4")
    someone = UserFactory()
    for attempt in range(3):
        _sign_in(visitor, someone, f"zle-{attempt}", **{"X-Forwarded-For": f"10.0.0.{attempt}"})
    response = _sign_in(visitor, UserFactory(), PASSWORD, **{"X-Forwarded-For": "10.0.0.9"})
    assert response.status_code == 200
    assert "_auth_user_id" not in visitor.session
