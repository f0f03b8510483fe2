"""allauth form subclasses (kept apart from portal.forms, which allauth itself imports for sign-up)."""

from allauth.account.forms import LoginForm as AllauthLoginForm

from .adapters import LOGIN_PREFILL_SESSION_KEY


class LoginForm(AllauthLoginForm):
    """allauth's login form, with the address filled in right after it was confirmed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.request is not None and not self.is_bound:
            email = self.request.session.pop(LOGIN_PREFILL_SESSION_KEY, None)
            if email:
                self.fields["login"].initial = email
