from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alianza.core.crypto import KeyDestroyed
from alianza.core.encryption import organization_keys_rotate, system_secrets_reencrypt
from alianza.core.models import Organization


class Command(BaseCommand):
    help = (
        "Rotate encryption keys: give each organization (or one, with --org) a new key version and "
        "re-encrypt its sensitive fields. To change the master key, set the new one as "
        "ALIANZA_MASTER_KEY and the old one in ALIANZA_PREVIOUS_MASTER_KEYS, run this, then drop the old one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", help="slug of one organization (default: all)")
        parser.add_argument(
            "--retire-old",
            action="store_true",
            help="forget older key versions afterwards (older backups become unreadable)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        organizations = Organization.objects.all()
        if options["org"]:
            organizations = organizations.filter(slug=options["org"])
            if not organizations.exists():
                raise CommandError(f"No organization with the short name {options['org']!r}")
        for organization in organizations:
            try:
                counts = organization_keys_rotate(organization=organization, retire_old=options["retire_old"])
            except KeyDestroyed:
                self.stdout.write(f"{organization.slug}: skipped, its key was destroyed (nothing left to re-encrypt)")
                continue
            total = sum(counts.values())
            self.stdout.write(f"{organization.slug}: re-encrypted {total} value(s)")
        if not options["org"]:
            count = system_secrets_reencrypt()
            self.stdout.write(f"two-factor secrets: re-encrypted {count} value(s)")
