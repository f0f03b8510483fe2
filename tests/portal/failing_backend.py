from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    """Stands in for an unreachable SMTP server."""

    def send_messages(self, email_messages):
        raise ConnectionError("SMTP niedostępny")
