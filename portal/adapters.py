from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import signin
from .client_ip import client_ip
from .links import absolute_url
from .services import email_enqueue

LOGIN_PREFILL_SESSION_KEY = "portal_login_prefill"


class AccountAdapter(DefaultAccountAdapter):
    """Send allauth's e-mails (verification, password reset) through the outbox and Celery."""

    def get_client_ip(self, request):
        """The client's address by the site's one rule, for allauth's rate limits too."""
        address = client_ip(request)
        if not address:
            raise PermissionDenied("Unable to determine client IP address")
        return address

    def pre_authenticate(self, request, **credentials):
        """Before a password is checked: the per-address limit, then the account's delay.

        allauth's own version also locks the account after a few failures from anywhere; here
        the account only slows down the addresses that failed on it (portal.signin).
        """
        login = signin.login_of(credentials)
        self._login_failed_rl_usage = ratelimit.consume(
            request,
            app="allauth.account",
            action="login_failed",
            config={"login_failed": signin.per_address_rates()},
            key=self._get_login_attempts_cache_key(request, **credentials),
        )
        if not self._login_failed_rl_usage:
            raise self.validation_error("too_many_login_attempts")
        wait = signin.wait_seconds(login=login, request=request)
        if wait:
            raise ValidationError(
                _(
                    "Po kilku nieudanych próbach logowania na to konto prosimy spróbować "
                    "ponownie za %(seconds)d s."
                )
                % {"seconds": wait},
                code="signin_delayed",
            )

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            signin.success_record(login=signin.login_of(credentials), request=request)
        return user

    def authentication_failed(self, request, **credentials):
        signin.failure_record(login=signin.login_of(credentials), request=request)

    def _delete_login_attempts_cached_email(self, request, **credentials):
        # A password reset through the e-mailed link proves the mailbox: the delay ends too.
        super()._delete_login_attempts_cached_email(request, **credentials)
        signin.failures_forget(login=signin.login_of(credentials))

    def get_email_confirmation_url(self, request, emailconfirmation):
        """The verification link, from the configured site address like every other e-mail link."""
        return absolute_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_email_verification_redirect_url(self, email_address):
        """After confirming an address in another browser (or after allauth's 15-minute window
        for the sign-up session), allauth cannot sign the person in: it would have to trust the
        link alone. Say so on the login page and fill in the address there."""
        if self.request.user.is_authenticated:
            return super().get_email_verification_redirect_url(email_address)
        self.request.session[LOGIN_PREFILL_SESSION_KEY] = email_address.email
        messages.info(
            self.request,
            _("Teraz wystarczy się zalogować: adresem e-mail i hasłem podanym przy rejestracji."),
        )
        return reverse("account_login")

    def get_reset_password_from_key_url(self, key):
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return absolute_url(path.replace("UID-KEY", quote(key)))

    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        html = ""
        for content, mimetype in getattr(message, "alternatives", []) or []:
            if mimetype == "text/html":
                html = content
        if message.content_subtype == "html":
            html, text = message.body, ""
        else:
            text = message.body
        email_enqueue(to=email, subject=message.subject, body_text=text or html, body_html=html)


class MFAAdapter(DefaultMFAAdapter):
    """A staff account keeps its last second factor (portal.mfa.authenticator_removal_allowed)."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": gettext_lazy(
            "Konto pracownika musi mieć drugi składnik logowania, dlatego nie można wyłączyć "
            "ostatniego z nich. Aby zmienić telefon lub klucz, prosimy najpierw dodać nowy; po "
            "utracie jedynego prosimy o reset administratora ROPS."
        ),
    }

    def can_delete_authenticator(self, authenticator) -> bool:
        from .mfa import authenticator_removal_allowed

        return authenticator_removal_allowed(authenticator)
