from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = _("Wydarzenia")

    def ready(self):
        from portal import fragments

        # The calendar and the event pages show events with everything attached to them, the
        # news about them, speakers' organisations and the region's project names.
        fragments.watch(
            "events",
            [
                *self.get_models(),
                apps.get_model("portal", "NewsItem"),
                apps.get_model("portal", "Region"),
                apps.get_model("portal", "FundingProject"),
                apps.get_model("partners", "Organisation"),
                apps.get_model("partners", "Subregion"),
            ],
        )
