from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from alianza.core.encryption import organization_key_destroy
from alianza.core.models import Organization


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # an operator's tool: start fast, import no views
    help = (
        "LAST RESORT, IRREVERSIBLE: erase an organization's secret from the key store, so all of its "
        "encrypted fields become unreadable everywhere: in this database, in copies and in every backup. "
        "Asks you to type the organization's short name unless --yes is given. See docs/legal-process.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="short name (slug) of the organization")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(_("No organization with the short name %(slug)s.") % {"slug": options["org"]})
        if not options["yes"]:
            self.stdout.write(
                _(
                    "This makes every encrypted field of %(name)s unreadable forever, in every backup too. "
                    "It cannot be undone. Type the short name %(slug)s to confirm:"
                )
                % {"name": organization.name, "slug": organization.slug}
            )
            try:
                typed = input("> ").strip()
            except EOFError:
                typed = ""
            if typed != organization.slug:
                raise CommandError(_("Not confirmed: nothing was destroyed."))
        counts = organization_key_destroy(organization=organization)
        self.stdout.write(
            _("The key of %(name)s was destroyed: %(count)s encrypted value(s) can no longer be read.")
            % {"name": organization.name, "count": sum(counts.values())}
        )
