"""Wrong passwords slow down the addresses that tried them, never lock the owner out."""

import itertools
import re

import pytest
import time_machine
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse
from django.utils import timezone

from portal import roles, signin
from portal.models import AuditLogEntry, OutboundEmail
from tests.factories import RoleUserFactory, StaffUserFactory, UserFactory, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "haslo-testowe-123"
# Production's rates: the suite's settings switch allauth's limits off.
LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
DELAYED = re.compile(r"prosimy spróbować ponownie za (\d+) s")

_addresses = (f"10.77.{n // 250}.{n % 250 + 1}" for n in itertools.count())


def _visitor() -> Client:
    """A browser at an address no other test has used (the counters live in Redis)."""
    return Client(REMOTE_ADDR=next(_addresses))


def _sign_in(client, user, password):
    return client.post(reverse("account_login"), {"login": user.email, "password": password})


def _delay_shown(response) -> int | None:
    match = DELAYED.search(response.content.decode())
    return int(match.group(1)) if match else None


@override_settings(ACCOUNT_RATE_LIMITS=LIMITS)
def test_thirty_wrong_passwords_do_not_stop_the_owner_at_another_address():
    staff = StaffUserFactory()
    attacker = _visitor()
    for attempt in range(29):
        _sign_in(attacker, staff, f"zle-haslo-{attempt}")
    response = _sign_in(attacker, staff, PASSWORD)
    assert response.status_code == 200 and "_auth_user_id" not in attacker.session

    # The owner's computer has no failures on the account: the password step passes at once
    # and the second factor is asked, as on any day.
    owner = _visitor()
    response = _sign_in(owner, staff, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")


@override_settings(ACCOUNT_RATE_LIMITS=LIMITS)
def test_many_addresses_guessing_do_not_stop_the_owner_either():
    user = UserFactory()
    for attempt in range(12):
        _sign_in(_visitor(), user, f"zle-haslo-{attempt}")
    owner = _visitor()
    assert _sign_in(owner, user, PASSWORD).status_code == 302
    assert owner.session["_auth_user_id"] == str(user.pk)


@override_settings(ACCOUNT_RATE_LIMITS=LIMITS)
def test_an_address_that_failed_waits_longer_after_each_failure():
    user = UserFactory()
    guesser = _visitor()
    same_address = RequestFactory().get("/", REMOTE_ADDR=guesser.defaults["REMOTE_ADDR"])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        waits = []
        for attempt in range(8):
            response = _sign_in(guesser, user, f"zle-haslo-{attempt}")
            assert _delay_shown(response) is None  # each attempt waited long enough
            waits.append(signin.wait_seconds(login=user.email, request=same_address))
            clock.shift(64)
        # Three free failures, then 1, 2, 4, 8, 16 seconds.
        assert waits == [0, 0, 0, 1, 2, 4, 8, 16]


@override_settings(ACCOUNT_RATE_LIMITS=LIMITS)
def test_the_right_password_during_the_delay_is_refused_and_accepted_after_it():
    user = UserFactory()
    guesser = _visitor()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for attempt in range(6):
            _sign_in(guesser, user, f"zle-haslo-{attempt}")
            clock.shift(10)
        # Six failures (three free): this address waits 4 s after its last one.
        clock.shift(-9)
        response = _sign_in(guesser, user, PASSWORD)
        assert _delay_shown(response) == 3
        assert "_auth_user_id" not in guesser.session
        clock.shift(3)
        response = _sign_in(guesser, user, PASSWORD)
        assert response.status_code == 302
        assert guesser.session["_auth_user_id"] == str(user.pk)


@override_settings(ACCOUNT_RATE_LIMITS=LIMITS)
def test_the_delay_is_capped(settings):
    settings.SIGNIN_DELAY_MAX_SECONDS = 30
    user = UserFactory()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for attempt in range(12):
            _sign_in(_visitor(), user, f"zle-haslo-{attempt}")
            clock.shift(1)
        guesser = _visitor()
        _sign_in(guesser, user, "jeszcze-jedno-zle")
        assert _delay_shown(_sign_in(guesser, user, PASSWORD)) == 30


def test_a_burst_of_failures_mails_the_owner_once_per_window(
    django_capture_on_commit_callbacks, mailoutbox
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        for attempt in range(25):
            _sign_in(_visitor(), user, f"zle-haslo-{attempt}")
    alerts = OutboundEmail.objects.filter(to=user.email)
    assert alerts.count() == 1
    assert alerts.get().subject == "Nieudane próby logowania na Pani/Pana konto"
    [message] = [m for m in mailoutbox if m.to == [user.email]]
    assert "Liczba błędnych haseł podanych w ciągu ostatnich 15 minut: 10." in message.body
    assert reverse("account_reset_password") in message.body


def test_failures_on_an_address_without_an_account_mail_nobody():
    for attempt in range(12):
        _sign_in(_visitor(), UserFactory.build(email="nikt@example.org"), f"zle-{attempt}")
    assert not OutboundEmail.objects.exists()


@override_settings(ACCOUNT_RATE_LIMITS=LIMITS)
def test_a_rops_administrator_lifts_the_delay_and_the_lift_is_audited(client):
    staff = StaffUserFactory()
    guesser = _visitor()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for attempt in range(8):
            _sign_in(guesser, staff, f"zle-haslo-{attempt}")
            clock.shift(64)
        _sign_in(guesser, staff, "jeszcze-jedno-zle")
        assert _delay_shown(_sign_in(guesser, staff, PASSWORD)) == 32

        administrator = RoleUserFactory(role=roles.ROPS_ADMINISTRATOR)
        client.force_login(administrator)
        response = client.post(
            reverse("admin:portal_user_changelist"),
            {"action": "lift_signin_delay", "_selected_action": [staff.pk]},
        )
        assert response.status_code == 302

        response = _sign_in(guesser, staff, PASSWORD)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_authenticate")
    entry = AuditLogEntry.objects.get(action="portal.user.signin_delay_lift")
    assert entry.actor == administrator and entry.object_id == str(staff.pk)


def test_only_a_role_that_may_change_accounts_can_lift_the_delay(client):
    target = UserFactory()
    client.force_login(RoleUserFactory(role=roles.EVENTS_COORDINATOR))
    response = client.post(
        reverse("admin:portal_user_changelist"),
        {"action": "lift_signin_delay", "_selected_action": [target.pk]},
    )
    assert response.status_code == 403
    assert not AuditLogEntry.objects.filter(action="portal.user.signin_delay_lift").exists()


@override_settings(ACCOUNT_RATE_LIMITS=LIMITS)
def test_one_address_is_still_limited_across_accounts():
    guesser = _visitor()
    for attempt in range(10):
        _sign_in(guesser, UserFactory(), f"zle-haslo-{attempt}")
    response = _sign_in(guesser, UserFactory(), PASSWORD)
    assert response.status_code == 200 and "_auth_user_id" not in guesser.session


def test_the_per_address_rates_leave_out_the_per_account_one(settings):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key, 20/h"}
    assert signin.per_address_rates() == "10/m/ip,20/h"


@override_settings(ACCOUNT_RATE_LIMITS=LIMITS)
def test_the_lift_also_forgets_wrong_second_factor_codes(client):
    staff = StaffUserFactory()
    owner = _visitor()
    assert _sign_in(owner, staff, PASSWORD)["Location"] == reverse("mfa_authenticate")
    right = totp_code(staff)
    for code in [f"{n:06d}" for n in range(7) if f"{n:06d}" != right][:6]:
        owner.post(reverse("mfa_authenticate"), {"code": code})
    owner.post(reverse("mfa_authenticate"), {"code": right})
    assert "_auth_user_id" not in owner.session  # five wrong codes hold the account's codes

    client.force_login(RoleUserFactory(role=roles.ROPS_ADMINISTRATOR))
    client.post(
        reverse("admin:portal_user_changelist"),
        {"action": "lift_signin_delay", "_selected_action": [staff.pk]},
    )
    owner.post(reverse("mfa_authenticate"), {"code": totp_code(staff)})
    assert owner.session.get("_auth_user_id") == str(staff.pk)


@override_settings(ACCOUNT_RATE_LIMITS=LIMITS)
def test_successful_sign_ins_from_one_office_address_use_no_failure_budget():
    office = next(_addresses)
    for _ in range(12):
        colleague = Client(REMOTE_ADDR=office)
        user = UserFactory()
        assert _sign_in(colleague, user, PASSWORD).status_code == 302
        assert colleague.session["_auth_user_id"] == str(user.pk)


@override_settings(ACCOUNT_RATE_LIMITS=LIMITS)
def test_attempts_refused_during_the_delay_do_not_lengthen_it():
    user = UserFactory()
    guesser = _visitor()
    same_address = RequestFactory().get("/", REMOTE_ADDR=guesser.defaults["REMOTE_ADDR"])
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for attempt in range(4):
            _sign_in(guesser, user, f"zle-haslo-{attempt}")
            clock.shift(10)
        clock.shift(-10)
        for attempt in range(5):
            assert _delay_shown(_sign_in(guesser, user, f"znowu-{attempt}")) == 1
        assert signin.wait_seconds(login=user.email, request=same_address) == 1
