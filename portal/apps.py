from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal i treści")

    def ready(self):
        from .files import connect_file_cleanup
        from .hardening import harden_admin_autocomplete, harden_admin_changelist

        connect_file_cleanup()
        harden_admin_autocomplete()
        harden_admin_changelist()
