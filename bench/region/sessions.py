"""Signed-in sessions made directly in the session store (no password sign-in per person)."""

import time
from importlib import import_module

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.middleware.csrf import _get_new_csrf_string


def create_sessions(user_ids, *, second_factor: bool = False) -> dict[int, dict]:
    """{user id: {"sessionid": ..., "csrftoken": ...}} for each user, as after a sign-in.

    ``second_factor`` records a completed TOTP step as allauth.mfa does, so staff sessions open
    the admin (portal.middleware.StaffSecondFactorMiddleware). The CSRF token is the cookie
    value sent back in the form (Django accepts the unmasked secret).
    """
    from allauth.mfa.models import Authenticator

    from portal.models import User

    store = import_module(settings.SESSION_ENGINE).SessionStore
    users = User.objects.in_bulk(list(user_ids))
    sessions = {}
    for pk in user_ids:
        user = users[pk]
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        if second_factor:
            authenticator = Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).first()
            now = time.time()
            session["account_authentication_methods"] = [
                {"method": "password", "at": now, "email": user.email},
                {"method": "mfa", "at": now, "id": authenticator.pk, "type": "totp"},
            ]
            session["account_authentication_methods_user"] = str(user.pk)
        session.create()
        sessions[pk] = {
            settings.SESSION_COOKIE_NAME: session.session_key,
            settings.CSRF_COOKIE_NAME: _get_new_csrf_string(),
        }
    return sessions
