from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import translation

from alianza.core.memberships import MembershipError, invitation_create
from alianza.core.models import Organization
from alianza.core.organizations import organization_create
from alianza.core.permissions import Role


class Command(BaseCommand):
    help = (
        "Create an organization (e.g. the coalition hub on a new installation) and e-mail an "
        "invitation to its first admin. Example: alianza create-organization hub 'Our Coalition' "
        "--tier hub --admin-email director@example.org"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="short name used in addresses, e.g. comunidad-unida")
        parser.add_argument("name")
        parser.add_argument("--tier", choices=Organization.Tier.values, default=Organization.Tier.MEMBER)
        parser.add_argument("--kind", action="append", choices=Organization.Kind.values, default=[], dest="kinds")
        parser.add_argument("--admin-email", required=True, help="the first admin, who receives an invitation")
        parser.add_argument("--language", default="en", help="language of the invitation e-mail")

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():  # no organization is left behind without its invitation
            organization = self._create(options)
        self.stdout.write(
            f"Created {organization.name} ({organization.slug}). Invitation sent to {options['admin_email']}; "
            "it is valid for a few days. Make sure a task worker is running to send it."
        )

    def _create(self, options: dict[str, Any]) -> Organization:
        try:
            organization = organization_create(
                actor=None, slug=options["slug"], name=options["name"], tier=options["tier"], kinds=options["kinds"]
            )
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        with translation.override(options["language"]):
            try:
                invitation_create(organization=organization, actor=None, email=options["admin_email"], role=Role.ADMIN)
            except MembershipError as exc:
                raise CommandError(str(exc)) from exc
        return organization
