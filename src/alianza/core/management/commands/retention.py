from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alianza.core.models import Organization
from alianza.core.retention import retention_run


class Command(BaseCommand):
    help = (
        "Apply the retention rules (docs/retention.md): delete or anonymise, per organization and record kind, "
        "what is older than its period, and log one audit event per organization and kind with the count. "
        "With --dry-run, only print what would go. The scheduler runs this every day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="change nothing: print what would go")
        parser.add_argument("--org", help="slug of one organization (default: all, then the installation-wide rules)")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = None
        if options["org"]:
            organization = Organization.objects.filter(slug=options["org"]).first()
            if organization is None:
                raise CommandError(f"No organization with the short name {options['org']!r}")
        dry_run = options["dry_run"]
        verb = "would go" if dry_run else "went"
        total = 0
        for result in retention_run(organization=organization, dry_run=dry_run):
            where = result.organization.slug if result.organization is not None else "(installation)"
            action = "deleted" if result.rule.action == "delete" else "anonymised"
            self.stdout.write(f"{where}\t{result.rule.code}\t{result.count} {verb} ({action} after {result.days} days)")
            total += result.count
        self.stdout.write(f"Total: {total} {verb}" + (" (dry run: nothing changed)" if dry_run else ""))
