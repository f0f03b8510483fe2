import time

from allauth.mfa import app_settings
from django.core.management.base import BaseCommand

from portal import demo


class Command(BaseCommand):
    help = "Print the demo staff account's current authenticator (TOTP) code, for signing in to /admin/."

    def handle(self, *args, **options):
        seconds_left = app_settings.TOTP_PERIOD - int(time.time()) % app_settings.TOTP_PERIOD
        self.stdout.write(demo.demo_totp_code())
        self.stderr.write(
            f"Code for {demo.DEMO_STAFF_EMAIL}, valid for about {seconds_left} s more "
            f"(authenticator key: {demo.DEMO_STAFF_TOTP_SECRET})."
        )
