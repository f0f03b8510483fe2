from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal i treści")

    def ready(self):
        from allauth.mfa.signals import authenticator_added

        from .files import connect_file_cleanup
        from .hardening import harden_admin_autocomplete, harden_admin_changelist
        from .mfa import record_second_factor_on_activation

        connect_file_cleanup()
        harden_admin_autocomplete()
        harden_admin_changelist()
        authenticator_added.connect(
            record_second_factor_on_activation, dispatch_uid="portal-mfa-activation"
        )
