"""Commitments: an organization or a person commits to a task for a campaign, by a date; the
accountability counts (kept, late, open); and the reminders before the due date.

Reminders (``commitment_reminders_send``, run every hour by the periodic task
``campaigns.commitment_reminders``): at each reminder point (``ALIANZA_COMMITMENT_REMINDER_DAYS``
days before the due date, 7 and 1 by default) an open commitment is reminded once. The
reminder row is claimed before the e-mails go out, so two runs never send the same point twice;
if sending fails the claim is released and the next run tries again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from alianza.core.audit import log_action
from alianza.core.models import Membership, Organization, User
from alianza.core.permissions import Role
from alianza.people.models import Channel, Person
from alianza.people.operations import person_consent

from .models import Campaign, Commitment, CommitmentReminder
from .operations import CampaignError

logger = logging.getLogger(__name__)


def commitment_makers(campaign: Campaign) -> list[Organization]:
    """The organizations that may commit to ``campaign``: its lead and its partners."""
    with scopes_disabled():
        partners = list(campaign.partners.filter(status=Organization.Status.ACTIVE).order_by("name"))
    return [campaign.organization, *partners]


def commitment_create(
    *,
    campaign: Campaign,
    actor: User,
    task: str,
    due_on: date,
    committed_organization: Organization | None = None,
    person: Person | None = None,
    request: HttpRequest | None = None,
) -> Commitment:
    """Record a commitment by the lead or a partner organization, or by one of the lead's people."""
    if (committed_organization is None) == (person is None):
        raise CampaignError(_("Choose either an organization or a person."))
    if committed_organization is not None and committed_organization not in commitment_makers(campaign):
        raise CampaignError(_("Only the lead organization and the campaign's partners can commit to it."))
    if person is not None and person.organization_id != campaign.organization_id:
        raise CampaignError(_("Choose one of your organization's people."))
    with transaction.atomic(), scope(organization=campaign.organization):
        commitment = Commitment(
            organization=campaign.organization,
            campaign=campaign,
            committed_organization=committed_organization,
            person=person,
            task=task.strip(),
            due_on=due_on,
            created_by=actor,
        )
        try:
            commitment.full_clean()
        except ValidationError as exc:
            raise CampaignError(" ".join(exc.messages)) from None
        commitment.save()
        log_action(
            actor=actor,
            organization=campaign.organization,
            action="campaigns.commitment.created",
            obj=commitment,
            data={
                "campaign": campaign.pk,
                "by": committed_organization.slug if committed_organization else f"person:{person.pk}",  # type: ignore[union-attr]
                "due": due_on.isoformat(),
            },
            request=request,
        )
    return commitment


def commitment_set_status(
    *, commitment: Commitment, actor: User, status: str, request: HttpRequest | None = None
) -> Commitment:
    if status not in Commitment.Status.values:
        raise CampaignError(_("Choose a status from the list."))
    with transaction.atomic(), scope(organization=commitment.organization):
        commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
        if commitment.status == status:
            return commitment
        before = commitment.status
        commitment.status = status
        commitment.status_changed_at = timezone.now()
        commitment.save(update_fields=["status", "status_changed_at"])
        log_action(
            actor=actor,
            organization=commitment.organization,
            action="campaigns.commitment.status_changed",
            obj=commitment,
            data={"changes": {"status": [before, status]}},
            request=request,
        )
    return commitment


# --- Accountability ----------------------------------------------------------------------------


@dataclass
class Accountability:
    """Counts of commitments by state; ``late`` are open ones past their due date, ``open`` the
    others still open."""

    kept: list[Commitment] = field(default_factory=list)
    late: list[Commitment] = field(default_factory=list)
    open: list[Commitment] = field(default_factory=list)
    missed: list[Commitment] = field(default_factory=list)
    withdrawn: list[Commitment] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.kept) + len(self.late) + len(self.open) + len(self.missed) + len(self.withdrawn)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "kept": len(self.kept),
            "late": len(self.late),
            "open": len(self.open),
            "missed": len(self.missed),
            "withdrawn": len(self.withdrawn),
        }


def accountability(commitments: list[Commitment], *, today: date | None = None) -> Accountability:
    today = today or timezone.localdate()
    result = Accountability()
    for commitment in commitments:
        if commitment.status == Commitment.Status.OPEN:
            (result.late if commitment.due_on < today else result.open).append(commitment)
        else:
            getattr(result, commitment.status).append(commitment)
    return result


def campaign_commitments(campaign: Campaign) -> list[Commitment]:
    with scope(organization=campaign.organization):
        return list(
            Commitment.objects.filter(campaign=campaign).select_related("committed_organization", "person", "campaign")
        )


def accountability_by_maker(commitments: list[Commitment]) -> list[tuple[str, Accountability]]:
    """Per organization (by name) and one row for all people together: who keeps their word."""
    groups: dict[str, list[Commitment]] = {}
    for commitment in commitments:
        key = commitment.committed_organization.name if commitment.committed_organization else ""
        groups.setdefault(key, []).append(commitment)
    rows = [(name, accountability(items)) for name, items in sorted(groups.items()) if name]
    if "" in groups:
        rows.append((str(_("People")), accountability(groups[""])))
    return rows


def organization_commitments(organization: Organization) -> list[Commitment]:
    """What ``organization`` committed to, in every campaign it leads or partners in."""
    # Deliberately unscoped, filtered by the committing organization: the commitments live in
    # the lead organizations' data, and only campaigns it still leads or partners in count.
    with scopes_disabled():
        return list(
            Commitment.objects.filter(committed_organization=organization)
            .filter(Q(campaign__organization=organization) | Q(campaign__partners=organization))
            .distinct()
            .select_related("campaign", "campaign__organization", "committed_organization")
            .order_by("due_on", "id")
        )


# --- Reminders ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    staff: bool  # an organization's admin (gets the staff link) or the person who committed


def _language(code: str | None) -> str:
    available = {c for c, _name in settings.LANGUAGES}
    return code if code in available else settings.LANGUAGE_CODE


def reminder_recipients(commitment: Commitment) -> list[Recipient]:
    """The committing organization's admins (in the organization's first language: staff
    accounts have no language of their own), or the person, only if they agreed to e-mail."""
    with scopes_disabled():
        if commitment.committed_organization is not None:
            org = commitment.committed_organization
            language = _language(org.languages[0] if org.languages else None)
            admins = Membership.objects.filter(organization=org, role=Role.ADMIN, user__is_active=True)
            emails = sorted({m.user.email for m in admins.select_related("user")})
            return [Recipient(email, language, staff=True) for email in emails]
        person = commitment.person
        assert person is not None
        with scope(organization=person.organization):
            if not person_consent(person).get(Channel.EMAIL):
                return []
            primary = person.emails.order_by("-is_primary", "id").first()
        if primary is None:
            return []
        return [Recipient(primary.email, _language(person.preferred_language), staff=False)]


def reminder_point(due_on: date, today: date, points: list[int]) -> int | None:
    """The reminder point that applies today: the nearest one the due date is within."""
    days_left = (due_on - today).days
    if days_left < 0:
        return None
    within = [p for p in points if days_left <= p]
    return min(within) if within else None


def _message(commitment: Commitment, recipient: Recipient, *, days_left: int) -> EmailMessage:
    campaign = commitment.campaign
    if recipient.staff:
        org = commitment.committed_organization
        assert org is not None
        link = settings.ALIANZA_BASE_URL + reverse(
            "campaigns:campaign_detail", kwargs={"org": org.slug, "campaign_id": campaign.pk}
        )
    else:
        link = settings.ALIANZA_BASE_URL + campaign.get_public_url() if campaign.is_public else ""
    with translation.override(recipient.language):
        context = {
            "commitment": commitment,
            "campaign_title": campaign.title.localize(recipient.language),
            "lead": campaign.organization.name,
            "days_left": days_left,
            "link": link,
            "staff": recipient.staff,
        }
        subject = render_to_string("campaigns/email/reminder_subject.txt", context).strip()
        body = render_to_string("campaigns/email/reminder_body.txt", context)
    return EmailMessage(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()), body, None, [recipient.email]
    )


@dataclass
class ReminderRun:
    sent: int = 0  # reminders (commitment and point) delivered
    failed: int = 0  # released, to be tried again by the next run


def commitment_reminders_send(*, now: datetime | None = None) -> ReminderRun:
    """Remind every open commitment whose due date reached a reminder point, once per point."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    points = sorted({int(p) for p in settings.ALIANZA_COMMITMENT_REMINDER_DAYS if int(p) >= 0})
    run = ReminderRun()
    if not points:
        return run
    with scopes_disabled():
        due_soon = list(
            Commitment.objects.filter(
                status=Commitment.Status.OPEN,
                due_on__gte=today,
                due_on__lte=today + timedelta(days=max(points)),
                organization__status=Organization.Status.ACTIVE,
            ).select_related("campaign", "campaign__organization", "committed_organization", "person")
        )
    for commitment in due_soon:
        point = reminder_point(commitment.due_on, today, points)
        if point is None:
            continue
        try:
            with transaction.atomic(), scopes_disabled():
                claim = CommitmentReminder.objects.create(
                    organization=commitment.organization, commitment=commitment, days_before=point, claimed_at=now
                )
        except IntegrityError:
            continue  # this point was already reminded (or is being reminded right now)
        recipients = reminder_recipients(commitment)
        days_left = (commitment.due_on - today).days
        try:
            if recipients:
                with get_connection() as connection:
                    connection.send_messages([_message(commitment, r, days_left=days_left) for r in recipients])
        except OSError:
            with scopes_disabled():
                CommitmentReminder.objects.filter(pk=claim.pk).delete()
            logger.exception("Commitment %s: the reminder could not be sent; the next run tries again", commitment.pk)
            run.failed += 1
            continue
        with transaction.atomic(), scope(organization=commitment.organization):
            CommitmentReminder.objects.filter(pk=claim.pk).update(sent_at=timezone.now(), recipients=len(recipients))
            log_action(
                actor=None,
                organization=commitment.organization,
                action="campaigns.commitment.reminded",
                obj=commitment,
                data={"days_before": point, "recipients": len(recipients)},
            )
        run.sent += 1
    return run
