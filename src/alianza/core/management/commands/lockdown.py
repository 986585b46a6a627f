from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django_scopes import scopes_disabled

from alianza.core.lockdown import (
    LockdownError,
    lockdown_lift_approve,
    lockdown_lift_request,
    open_lockdown,
    organization_lock_down,
)
from alianza.core.models import Organization, User


class Command(BaseCommand):
    help = (
        "Emergency lockdown of an organization: ends every session of its users, refuses its "
        "exports and imports, requires two-factor again, tells the hub. "
        "Lock: alianza lockdown --org SLUG [--reason TEXT] [--by ADMIN_EMAIL]. "
        "Lift (two people): alianza lockdown --org SLUG --lift --approved-by EMAIL "
        "[--requested-by EMAIL] — the approver must be a different admin of the organization, "
        "or a hub admin when it has a single admin. "
        "Status: alianza lockdown --org SLUG --status. See docs/lockdown.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org", required=True, help="the organization's short name")
        parser.add_argument("--reason", default="", help="what happened (stored encrypted; no names of people served)")
        parser.add_argument("--by", default="", help="the admin locking down (default: the operator, no account)")
        parser.add_argument("--lift", action="store_true", help="lift the lockdown (needs --approved-by)")
        parser.add_argument(
            "--requested-by",
            default="",
            help="with --lift: the admin asking to lift, unless one already asked in the web page",
        )
        parser.add_argument("--approved-by", default="", help="with --lift: the second person, who approves")
        parser.add_argument("--status", action="store_true", help="only show whether it is locked down")

    def _user(self, email: str, option: str) -> User:
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"{option}: no account with the e-mail {email!r}")
        return user

    def handle(self, *args: Any, **options: Any) -> None:
        organization = Organization.objects.filter(slug=options["org"]).first()
        if organization is None:
            raise CommandError(f"No organization with the short name {options['org']!r}")
        with scopes_disabled():
            try:
                if options["status"]:
                    self._status(organization)
                elif options["lift"]:
                    self._lift(organization, options)
                else:
                    self._lock(organization, options)
            except LockdownError as exc:
                raise CommandError(str(exc)) from exc

    def _status(self, organization: Organization) -> None:
        lockdown = open_lockdown(organization)
        if lockdown is None:
            self.stdout.write(f"{organization.name} is not locked down.")
            return
        self.stdout.write(f"{organization.name} has been locked down since {lockdown.started_at:%Y-%m-%d %H:%M %Z}.")
        if lockdown.lift_requested_by is not None:
            self.stdout.write(f"Lifting was requested by {lockdown.lift_requested_by.email}; it needs --approved-by.")

    def _lock(self, organization: Organization, options: dict[str, Any]) -> None:
        if options["approved_by"] or options["requested_by"]:
            raise CommandError("--approved-by and --requested-by go with --lift")
        actor = self._user(options["by"], "--by") if options["by"] else None
        lockdown = organization_lock_down(organization=organization, actor=actor, reason=options["reason"])
        self.stdout.write(
            f"{organization.name} is locked down: {lockdown.users_signed_out} people signed out "
            f"({lockdown.sessions_ended} sessions ended); exports and imports refused; the hub is told."
        )

    def _lift(self, organization: Organization, options: dict[str, Any]) -> None:
        if not options["approved_by"]:
            raise CommandError(
                "Lifting takes two people: name the second one with --approved-by EMAIL "
                "(a different admin of the organization, or a hub admin if it has one admin)."
            )
        approver = self._user(options["approved_by"], "--approved-by")
        lockdown = open_lockdown(organization)
        if lockdown is None:
            raise CommandError(f"{organization.name} is not locked down.")
        with transaction.atomic():  # a refused approval leaves no half-made request behind
            if lockdown.lift_requested_at is None:
                if not options["requested_by"]:
                    raise CommandError(
                        "Nobody has asked to lift it yet: name the admin who asks with --requested-by EMAIL."
                    )
                requester = self._user(options["requested_by"], "--requested-by")
                lockdown_lift_request(organization=organization, actor=requester)
            lockdown_lift_approve(organization=organization, actor=approver)
        self.stdout.write(f"The lockdown of {organization.name} is lifted; exports and imports work again.")
