"""Second factor for staff: every staff account needs one, and every staff session must pass it.

allauth.mfa asks for the code at sign-in whenever an account has an authenticator, and records
each completed step in the session (``account_authentication_methods``). A staff account
without an authenticator could still sign in with a password alone, and a session that
started before the authenticator was added has no second step recorded: the middleware sends
both to allauth's pages (set one up, or enter a code) before any page, of the site or the
admin, opens. Who counts as staff is decided once, by ``is_staff_account``.
"""

from __future__ import annotations

from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

SECOND_FACTOR_TYPES = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def user_has_second_factor(user) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTOR_TYPES).exists()


def session_passed_second_factor(request, user) -> bool:
    """Whether this session has completed a second-factor step for this user."""
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


# Pages a staff session may open before its second factor, by view name: signing out, the
# language switch, and the pages that ask for (or set up) the second factor itself. Every other
# view, the site's as well as the admin's, redirects; a new staff view is covered without
# being listed anywhere.
OPEN_BEFORE_SECOND_FACTOR = {"account_logout", "admin:login", "admin:logout", "set_language"}
SECOND_FACTOR_STEP_VIEWS = {"mfa_authenticate", "mfa_reauthenticate", "mfa_reauthenticate_webauthn"}
ENROLMENT_VIEWS = {"account_reauthenticate", "mfa_activate_totp", "mfa_add_webauthn"}


def is_staff_account(user) -> bool:
    """Whether the account is staff: the one rule for the second factor, site and admin alike.

    A staff account opens the admin (``is_staff``) or holds any permission; permissions come
    only from staff roles (groups, ``portal.roles``) and reach only staff accounts
    (``portal.auth_backends.PermissionBackend``), so for anyone else this costs no query. An
    organisation's administrator or a JST member has object-level rights, no permission, and
    is not staff.
    """
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_staff or user.is_superuser or bool(user.get_all_permissions())


def _redirect_with_next(request, url_name: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        f"{reverse(url_name)}?{urlencode({'next': request.get_full_path()})}"
    )


def staff_second_factor_redirect(request):
    """The response that stops a staff session without a passed second factor, or None.

    Called for every view (portal.middleware.StaffSecondFactorMiddleware). A staff account
    without an authenticator may open only the pages that set one up; with one, only the
    pages that ask for it; a session that passed it opens what the account's permissions open.
    """
    user = request.user
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match is not None else None
    if view_name in OPEN_BEFORE_SECOND_FACTOR or not is_staff_account(user):
        return None
    if session_passed_second_factor(request, user):
        return None
    if user_has_second_factor(user):
        if view_name in SECOND_FACTOR_STEP_VIEWS:
            return None
        return _redirect_with_next(request, "mfa_reauthenticate")
    if view_name in ENROLMENT_VIEWS:
        return None
    messages.warning(
        request,
        _(
            "Konto pracownika wymaga logowania dwuskładnikowego. Prosimy włączyć aplikację "
            "uwierzytelniającą: zeskanować kod QR i wpisać kod z aplikacji."
        ),
    )
    return _redirect_with_next(request, "mfa_activate_totp")


def record_second_factor_on_activation(sender, request, user, authenticator, **kwargs) -> None:
    """Activating TOTP means typing a valid code from the app: that is this session's second step."""
    if request is None or authenticator.type not in SECOND_FACTOR_TYPES:
        return
    if getattr(request, "user", None) is None or request.user.pk != user.pk:
        return
    record_authentication(
        request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True
    )
