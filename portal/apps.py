from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal i treści")

    def ready(self):
        from allauth.mfa import signals as mfa_signals

        from . import mfa
        from .files import connect_file_cleanup
        from .hardening import harden_admin_autocomplete, harden_admin_changelist

        connect_file_cleanup()
        harden_admin_autocomplete()
        harden_admin_changelist()
        mfa_signals.authenticator_added.connect(
            mfa.record_second_factor_on_activation, dispatch_uid="portal-mfa-activation"
        )
        # Every change to a second factor, and each recovery code used, is audited and e-mailed.
        for signal, receiver in [
            (mfa_signals.authenticator_added, mfa.on_authenticator_added),
            (mfa_signals.authenticator_removed, mfa.on_authenticator_removed),
            (mfa_signals.authenticator_reset, mfa.on_authenticator_reset),
            (mfa_signals.authenticator_used, mfa.on_authenticator_used),
        ]:
            signal.connect(receiver, dispatch_uid=f"portal-mfa-{receiver.__name__}")
