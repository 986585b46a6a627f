from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from alianza.core.memberships import MembershipError, invitation_create
from alianza.core.models import Organization
from alianza.core.permissions import Role


class Command(BaseCommand):
    help = (
        "E-mail an invitation into an organization, e.g. again when a first admin's invitation "
        "expired. Example: alianza invite hub director@example.org --role admin"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="the organization's short name")
        parser.add_argument("email")
        parser.add_argument("--role", choices=Role.values, default=Role.ADMIN)
        parser.add_argument("--language", default="en", help="language of the invitation e-mail")

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["slug"]).first()
        if organization is None:
            raise CommandError(f"No organization with the short name {options['slug']!r}")
        with translation.override(options["language"]):
            try:
                invitation_create(organization=organization, actor=None, email=options["email"], role=options["role"])
            except MembershipError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(f"Invitation sent to {options['email']} for {organization.name} ({options['role']}).")
