"""Wrong passwords: limited per client address, and slowed per account without locking it.

A hard lock of an account after a few wrong passwords lets anyone who knows a staff member's
address lock them out. Instead:

- per client address, allauth's ``login_failed`` rates that count "per ip" (at most 10 failures
  a minute from one address, whatever the accounts);
- per account, a delay that grows with the account's recent failures (1, 2, 4 … seconds after
  the first few, capped): an address that failed on this account must wait that long after its
  own last failure before it may try again. An address with no failure on the account is never
  held back, so the owner signs in from their own computer while someone else guesses;
- when an account sees a burst of failures, its owner gets one e-mail per window;
- a ROPS administrator lifts the delay from the admin (``user_signin_delay_lift``).

Wrong second-factor codes stay with allauth.mfa (per account and per address): only someone who
already has the password reaches that step.

Counters live in the cache (Redis in production); losing them only forgets recent failures.
"""

from __future__ import annotations

import hashlib
import math
import time

from allauth.account import app_settings as account_settings
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .audit import audit_record
from .client_ip import client_network

_PREFIX = "portal:signin"


def _account_key(login: str) -> str:
    digest = hashlib.sha256(login.strip().lower().encode()).hexdigest()
    return f"{_PREFIX}:{digest}"


def _failures_key(login: str) -> str:
    return f"{_account_key(login)}:failures"


def _address_key(login: str, request: HttpRequest) -> str:
    return f"{_account_key(login)}:from:{client_network(request)}"


def _alert_key(login: str) -> str:
    return f"{_account_key(login)}:alerted"


def login_of(credentials: dict) -> str:
    """The address (or user name) typed to sign in, as allauth passes it to the adapter."""
    return str(credentials.get("email") or credentials.get("username") or "").strip().lower()


def per_address_rates() -> str:
    """The "per ip" parts of allauth's ``login_failed`` rates, e.g. "10/m/ip"."""
    rates = account_settings.RATE_LIMITS.get("login_failed") or ""
    return ",".join(
        part.strip()
        for part in rates.split(",")
        if part.strip() and (part.count("/") == 1 or part.strip().endswith("/ip"))
    )


def delay_after(failures: int) -> int:
    """Seconds an address that failed must wait, given the account's recent failures."""
    free = settings.SIGNIN_FREE_FAILURES
    if failures <= free:
        return 0
    return min(settings.SIGNIN_DELAY_MAX_SECONDS, 2 ** (failures - free - 1))


def wait_seconds(*, login: str, request: HttpRequest) -> int:
    """Seconds this client must still wait before trying a password on this account (0: none)."""
    if not login:
        return 0
    last_failure = cache.get(_address_key(login, request))
    if last_failure is None:
        return 0
    failures = cache.get(_failures_key(login)) or 0
    return max(0, math.ceil(last_failure + delay_after(failures) - time.time()))


def failure_record(*, login: str, request: HttpRequest) -> int:
    """Count a wrong password for the account; e-mail its owner once per window on a burst."""
    if not login:
        return 0
    window = settings.SIGNIN_FAILURE_WINDOW_SECONDS
    key = _failures_key(login)
    cache.add(key, 0, timeout=window)
    try:
        failures = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        failures = 1
    # The count is forgotten a window after the last failure, not after the first.
    cache.touch(key, timeout=window)
    cache.set(_address_key(login, request), time.time(), timeout=window)
    if failures >= settings.SIGNIN_ALERT_FAILURES and cache.add(
        _alert_key(login), 1, timeout=window
    ):
        _owner_alert(login=login, failures=failures)
    return failures


def success_record(*, login: str, request: HttpRequest) -> None:
    """The right password: forget the account's recent failures and this address's delay."""
    if login:
        cache.delete_many([_failures_key(login), _address_key(login, request)])


def _owner_alert(*, login: str, failures: int) -> None:
    from .models import User
    from .services import email_enqueue

    user = User.objects.filter(email__iexact=login, is_active=True).first()
    if user is None:
        return
    window = settings.SIGNIN_FAILURE_WINDOW_SECONDS
    bucket = int(time.time() // window)
    email_enqueue(
        to=user.email,
        subject=_("Nieudane próby logowania na Pani/Pana konto"),
        template="portal_signin_failures",
        context={"user": user, "failures": failures, "minutes": window // 60},
        dedup_key=f"signin-failures:{user.pk}:{bucket}",
    )


def failures_forget(*, login: str) -> None:
    """Forget the account's recent wrong passwords (the delay ends for every address)."""
    cache.delete_many([_failures_key(login), _alert_key(login)])


def user_signin_delay_lift(*, user, actor) -> None:
    """Let the account sign in again at once: wrong passwords and second-factor codes forgotten."""
    from allauth.account.models import EmailAddress
    from allauth.core.internal import ratelimit

    logins = {user.email.lower()} | {
        email.lower()
        for email in EmailAddress.objects.filter(user=user).values_list("email", flat=True)
    }
    for login in logins:
        failures_forget(login=login)
    # allauth.mfa counts wrong codes per account under "login_failed" with this key; only its
    # "per key" rates are cleared (the per-address ones belong to the addresses, not the account).
    key_rates = ",".join(
        part.strip()
        for part in (account_settings.RATE_LIMITS.get("login_failed") or "").split(",")
        if part.strip().endswith("/key")
    )
    if key_rates:
        ratelimit.clear(
            None,
            app="allauth.account",
            action="login_failed",
            config={"login_failed": key_rates},
            key=f"mfa-auth-user-{user.pk}",
        )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="portal.user.signin_delay_lift",
            target=user,
            summary="Zdjęto spowolnienie logowania po nieudanych próbach",
        )
