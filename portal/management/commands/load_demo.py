import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

from portal import demo

# Each app owns its demo data in <app>/demo.py; order matters (events need partners).
DEMO_MODULES = [
    "portal.demo",
    "partners.demo",
    "events.demo",
    "advisory.demo",
    "reporting.demo",
    "cooperation.demo",
    "portal.demo_english",
]


class Command(BaseCommand):
    help = "Load believable demo data for the region (safe to run again)."

    def handle(self, *args, **options):
        for module_name in DEMO_MODULES:
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as error:
                if error.name != module_name:
                    raise
                continue
            with transaction.atomic():
                module.load()
            self.stdout.write(f"  demo data: {module_name}")
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(
            f"Demo staff account (also /admin): {demo.DEMO_STAFF_EMAIL} / {demo.DEMO_STAFF_PASSWORD}"
        )
        self.stdout.write(
            "  second factor: run `.venv/bin/python manage.py demo_totp` for the current code, or add the key "
            f"{demo.DEMO_STAFF_TOTP_SECRET} to an authenticator app"
        )
