from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

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
