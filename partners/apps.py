from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partnerzy")

    def ready(self):
        from portal import fragments

        # The public catalogue shows organisations with their territory, tags and statuses.
        fragments.watch("partners", [*self.get_models(), apps.get_model("portal", "Region")])
