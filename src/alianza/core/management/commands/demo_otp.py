from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from alianza.core.demo import DEMO_TOTP_SECRET
from alianza.core.two_factor import totp_code


class Command(BaseCommand):
    help = "Print the current two-factor code of the demo accounts (DEBUG only)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_otp only works with DEBUG=true (the demo).")
        self.stdout.write(totp_code(DEMO_TOTP_SECRET))
