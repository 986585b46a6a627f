from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from alianza.core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_load


class Command(BaseCommand):
    help = "Load the demo coalition (safe to run again: nothing is duplicated)."

    def handle(self, *args: Any, **options: Any) -> None:
        # Its accounts share a published password and two-factor secret: never on a real site.
        if not settings.DEBUG:
            raise CommandError("load_demo only runs with DEBUG=true (the demo): its passwords are public.")
        rows = demo_load()
        width = max(len(email) for _org, email, _role in rows)
        self.stdout.write(self.style.SUCCESS("Demo coalition ready. Staff accounts:"))
        for org, email, role in rows:
            self.stdout.write(f"  {email.ljust(width)}  {role:<10}  {org}")
        self.stdout.write("")
        self.stdout.write(
            f"Sign in at http://127.0.0.1:8000/accounts/login/ with any e-mail above and the password: {DEMO_PASSWORD}"
        )
        self.stdout.write(
            "Two-factor: every demo account uses the same authenticator secret "
            f"{DEMO_TOTP_SECRET} (add it to your authenticator app),"
        )
        self.stdout.write("or print the current code with:  make demo-otp")
