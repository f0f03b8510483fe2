"""Second factor for staff: every staff account needs one, and every staff session must pass it.

allauth.mfa asks for the code at sign-in whenever an account has an authenticator, and records
each completed step in the session (``account_authentication_methods``). A staff account
without an authenticator could still sign in with a password alone, and a session that
started before the authenticator was added has no second step recorded: the middleware sends
both to allauth's pages (set one up, or enter a code) before any page, of the site or the
admin, opens. Who counts as staff is decided once, by ``is_staff_account``.
"""

from __future__ import annotations

import secrets
import time

from allauth.account.internal.flows.login import get_authentication_records, record_authentication
from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .audit import audit_record
from .services import email_enqueue

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
# Adding the first authenticator needs the code e-mailed to the account (ENROLMENT_CODE_VIEW):
# the password alone must not let anyone bind their own app to someone else's account.
ENROLMENT_CODE_VIEW = "mfa_enrolment_code"
ENROLMENT_VIEWS = {"mfa_activate_totp", "mfa_add_webauthn"}
REMOVAL_VIEWS = {"mfa_deactivate_totp", "mfa_remove_webauthn"}


def is_staff_account(user) -> bool:
    """Whether the account is staff: the one rule for the second factor, site and admin alike.

    A staff account opens the admin (``is_staff``) or holds any permission; permissions come
    only from staff roles (groups, ``portal.roles``) and reach only staff accounts
    (``portal.auth_backends.PermissionBackend``), so for anyone else this costs no query. An
    organisation's administrator, a JST member or an expert has object-level rights, no
    permission, and is not staff.
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
    without an authenticator may open only the pages that set one up, and those only after
    the code e-mailed to it; with one, only the pages that ask for it; a session that passed
    it opens what the account's permissions open. Any account's first authenticator needs the
    e-mailed code, and a staff account keeps at least one second factor.
    """
    user = request.user
    if not user.is_authenticated:
        return None
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match is not None else None
    if view_name in OPEN_BEFORE_SECOND_FACTOR:
        return None
    if view_name in ENROLMENT_VIEWS and not enrolment_confirmed(request, user):
        if not user_has_second_factor(user):
            return _redirect_with_next(request, ENROLMENT_CODE_VIEW)
    if not is_staff_account(user):
        return None
    has_second_factor = user_has_second_factor(user)
    # A second factor reset by an administrator ends what the sessions passed with it.
    if has_second_factor and session_passed_second_factor(request, user):
        if view_name in REMOVAL_VIEWS and request.method == "POST":
            return _removal_refused(request, user, view_name, match.kwargs)
        return None
    if has_second_factor:
        if view_name in SECOND_FACTOR_STEP_VIEWS:
            return None
        return _redirect_with_next(request, "mfa_reauthenticate")
    if view_name == ENROLMENT_CODE_VIEW or view_name in ENROLMENT_VIEWS:
        return None
    if view_name == "account_reauthenticate" and enrolment_confirmed(request, user):
        return None
    messages.warning(
        request,
        _(
            "Konto pracownika wymaga logowania dwuskładnikowego. Prosimy potwierdzić adres "
            "e-mail kodem, który wyślemy, a następnie włączyć aplikację uwierzytelniającą "
            "albo klucz bezpieczeństwa."
        ),
    )
    return _redirect_with_next(request, ENROLMENT_CODE_VIEW)


# --- removal ----------------------------------------------------------------------------------


def authenticator_removal_allowed(authenticator: Authenticator) -> bool:
    """Whether the owner may remove this authenticator themselves.

    A staff account keeps at least one second factor (app or security key): removing the last
    one would let the password alone open the staff pages again. A ROPS administrator resets
    a lost one (second_factor_reset).
    """
    if authenticator.type not in SECOND_FACTOR_TYPES or not is_staff_account(authenticator.user):
        return True
    return (
        Authenticator.objects.filter(user_id=authenticator.user_id, type__in=SECOND_FACTOR_TYPES)
        .exclude(pk=authenticator.pk)
        .exists()
    )


def _removal_refused(request, user, view_name: str, kwargs: dict):
    query = Authenticator.objects.filter(user_id=user.pk)
    if view_name == "mfa_deactivate_totp":
        authenticator = query.filter(type=Authenticator.Type.TOTP).first()
    else:
        authenticator = query.filter(type=Authenticator.Type.WEBAUTHN, pk=kwargs.get("pk")).first()
    if authenticator is None or authenticator_removal_allowed(authenticator):
        return None
    messages.error(request, removal_refused_message())
    return HttpResponseRedirect(reverse("mfa_index"))


def removal_refused_message() -> str:
    return _(
        "Konto pracownika musi mieć drugi składnik logowania, dlatego nie można wyłączyć "
        "ostatniego z nich. Aby zmienić telefon lub klucz, prosimy najpierw dodać nowy; po "
        "utracie jedynego prosimy o reset administratora ROPS."
    )


# --- the code e-mailed before the first enrolment ---------------------------------------------

ENROLMENT_CODE_SECONDS = 10 * 60
ENROLMENT_CODE_ATTEMPTS = 5
ENROLMENT_CODE_SENDS = 3  # per account in ENROLMENT_CODE_SECONDS
ENROLMENT_CONFIRMED_SECONDS = 15 * 60
ENROLMENT_SESSION_KEY = "portal_mfa_enrolment_confirmed"


class EnrolmentCodeError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _code_key(user) -> str:
    return f"portal:mfa-enrolment-code:{user.pk}"


def _sends_key(user) -> str:
    return f"portal:mfa-enrolment-sends:{user.pk}"


def _code_digest(user, code: str) -> str:
    return salted_hmac("portal.mfa.enrolment", f"{user.pk}:{code}").hexdigest()


def enrolment_code_send(*, user, actor) -> None:
    """E-mail a one-time code that lets this account add its first second factor.

    The code is kept only as a keyed hash, for ENROLMENT_CODE_SECONDS, and a new one replaces
    the old; at most ENROLMENT_CODE_SENDS are sent in that time, so the mailbox is not flooded.
    """
    cache.add(_sends_key(user), 0, ENROLMENT_CODE_SECONDS)
    try:
        sends = cache.incr(_sends_key(user))
    except ValueError:  # the counter expired between add and incr
        cache.set(_sends_key(user), 1, ENROLMENT_CODE_SECONDS)
        sends = 1
    if sends > ENROLMENT_CODE_SENDS:
        raise EnrolmentCodeError(
            _(
                "Wysłano już kilka kodów. Prosimy użyć ostatniego albo spróbować ponownie "
                "za kilka minut."
            )
        )
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(
        _code_key(user),
        {"digest": _code_digest(user, code), "attempts": 0},
        ENROLMENT_CODE_SECONDS,
    )
    with transaction.atomic():
        email_enqueue(
            to=user.email,
            subject=_("Kod do włączenia logowania dwuskładnikowego"),
            template="portal_second_factor_code",
            context={"user": user, "code": code, "minutes": ENROLMENT_CODE_SECONDS // 60},
        )
        audit_record(
            actor=actor,
            action="portal.second_factor.code_sent",
            target=user,
            summary=_("Wysłano kod do włączenia drugiego składnika logowania"),
        )


def enrolment_code_confirm(*, request, user, code: str) -> None:
    """Check the e-mailed code; a right one is used up and lets this session enrol for a while."""
    stored = cache.get(_code_key(user))
    if stored is None:
        raise EnrolmentCodeError(_("Kod wygasł albo nie został wysłany. Prosimy wysłać nowy."))
    if stored["attempts"] >= ENROLMENT_CODE_ATTEMPTS:
        cache.delete(_code_key(user))
        raise EnrolmentCodeError(_("Wpisano zbyt wiele błędnych kodów. Prosimy wysłać nowy kod."))
    if not constant_time_compare(stored["digest"], _code_digest(user, code.strip())):
        stored["attempts"] += 1
        cache.set(_code_key(user), stored, ENROLMENT_CODE_SECONDS)
        raise EnrolmentCodeError(_("Kod jest nieprawidłowy. Prosimy sprawdzić go w wiadomości."))
    cache.delete(_code_key(user))
    request.session[ENROLMENT_SESSION_KEY] = {"user": user.pk, "at": time.time()}
    audit_record(
        actor=user,
        action="portal.second_factor.code_confirmed",
        target=user,
        summary=_("Potwierdzono adres e-mail kodem przed włączeniem drugiego składnika"),
    )


def enrolment_confirmed(request, user) -> bool:
    """Whether this session confirmed the e-mailed code for this user in the last minutes."""
    confirmed = request.session.get(ENROLMENT_SESSION_KEY) or {}
    return (
        confirmed.get("user") == user.pk
        and time.time() - confirmed.get("at", 0) < ENROLMENT_CONFIRMED_SECONDS
    )


# --- notifications and the audit trail --------------------------------------------------------

TYPE_LABELS = {
    Authenticator.Type.TOTP: lambda: _("aplikacja uwierzytelniająca"),
    Authenticator.Type.WEBAUTHN: lambda: _("klucz bezpieczeństwa"),
    Authenticator.Type.RECOVERY_CODES: lambda: _("kody zapasowe"),
}


def _type_label(authenticator_type: str) -> str:
    label = TYPE_LABELS.get(authenticator_type)
    return label() if label else authenticator_type


def second_factor_change_record(
    *, user, actor, action: str, authenticator_type: str, summary: str, notify: bool = True
) -> None:
    """Audit a change to the account's second factor and tell the person by e-mail."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=f"portal.second_factor.{action}",
            target=user,
            summary=summary,
            changes={"type": authenticator_type},
        )
        if notify and user.email:
            email_enqueue(
                to=user.email,
                subject=_("Zmiana logowania dwuskładnikowego na Pana/Pani koncie"),
                template="portal_second_factor_changed",
                context={"user": user, "summary": summary, "when": timezone.now()},
            )


def on_authenticator_added(sender, request, user, authenticator, **kwargs) -> None:
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        return
    second_factor_change_record(
        user=user,
        actor=user,
        action="added",
        authenticator_type=authenticator.type,
        summary=_("Włączono drugi składnik logowania: %(kind)s.")
        % {"kind": _type_label(authenticator.type)},
    )


def on_authenticator_removed(sender, request, user, authenticator, **kwargs) -> None:
    # Removing the last app or key removes the recovery codes too: one e-mail says it all.
    recovery_codes = authenticator.type == Authenticator.Type.RECOVERY_CODES
    second_factor_change_record(
        user=authenticator.user,
        actor=user,
        action="removed",
        authenticator_type=authenticator.type,
        summary=_("Usunięto drugi składnik logowania: %(kind)s.")
        % {"kind": _type_label(authenticator.type)},
        notify=not recovery_codes,
    )


def on_authenticator_reset(sender, request, user, authenticator, **kwargs) -> None:
    second_factor_change_record(
        user=user,
        actor=user,
        action="reset",
        authenticator_type=authenticator.type,
        summary=_("Wygenerowano nowe kody zapasowe; dotychczasowe przestały działać."),
    )


def on_authenticator_used(sender, request, user, authenticator, **kwargs) -> None:
    if authenticator.type != Authenticator.Type.RECOVERY_CODES:
        return
    # allauth marks the code used on a fresh copy of the row: count from the database.
    current = Authenticator.objects.filter(pk=authenticator.pk).first() or authenticator
    unused = len(current.wrap().get_unused_codes())
    second_factor_change_record(
        user=user,
        actor=user,
        action="recovery_code_used",
        authenticator_type=authenticator.type,
        summary=_("Użyto kodu zapasowego do logowania. Pozostałe kody zapasowe: %(unused)s.")
        % {"unused": unused},
    )


def second_factor_reset(*, user, actor) -> int:
    """Remove every authenticator of the account (a ROPS administrator's help after a lost phone).

    The person then enrols again, with a code e-mailed to their address. Returns how many
    authenticators were removed.
    """
    with transaction.atomic():
        removed, _by_model = Authenticator.objects.filter(user_id=user.pk).delete()
        second_factor_change_record(
            user=user,
            actor=actor,
            action="admin_reset",
            authenticator_type="all",
            summary=_(
                "Administrator ROPS usunął drugi składnik logowania konta; przy następnym "
                "logowaniu trzeba go włączyć ponownie."
            ),
        )
    return removed


def record_second_factor_on_activation(sender, request, user, authenticator, **kwargs) -> None:
    """Activating TOTP means typing a valid code from the app: that is this session's second step."""
    if request is None or authenticator.type not in SECOND_FACTOR_TYPES:
        return
    if getattr(request, "user", None) is None or request.user.pk != user.pk:
        return
    record_authentication(
        request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True
    )
