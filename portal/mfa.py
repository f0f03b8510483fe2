"""Second factor for staff: every staff account needs TOTP, and the admin needs it in the session.

allauth.mfa asks for the code at sign-in whenever an account has an authenticator, and records
each completed step in the session (``account_authentication_methods``). A staff account
without an authenticator could still sign in with a password alone, and a session that
started before the authenticator was added has no second step recorded: the middleware below
sends both to allauth's pages (set one up, or enter a code) before any admin page opens.
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


def staff_second_factor_redirect(request):
    """The response that stops a staff session without a second factor, or None to let it in."""
    user = request.user
    if not (user.is_authenticated and user.is_staff):
        return None
    next_query = urlencode({"next": request.get_full_path()})
    if not user_has_second_factor(user):
        messages.warning(
            request,
            _(
                "Panel ROPS wymaga logowania dwuskładnikowego. Prosimy włączyć aplikację "
                "uwierzytelniającą: zeskanować kod QR i wpisać kod z aplikacji."
            ),
        )
        return HttpResponseRedirect(f"{reverse('mfa_activate_totp')}?{next_query}")
    if not session_passed_second_factor(request, user):
        return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{next_query}")
    return None


def record_second_factor_on_activation(sender, request, user, authenticator, **kwargs) -> None:
    """Activating TOTP means typing a valid code from the app: that is this session's second step."""
    if request is None or authenticator.type not in SECOND_FACTOR_TYPES:
        return
    if getattr(request, "user", None) is None or request.user.pk != user.pk:
        return
    record_authentication(
        request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True
    )
