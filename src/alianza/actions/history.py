"""What the actions app adds to other apps' extension points: RSVPs, attendance, petition
signatures and letters on a person's timeline (``people.timeline``); "RSVPed", "attended",
"signed a petition" and "sent a letter" for segments (``people.activity``); and open petitions
and letter campaigns on the public campaign page (``campaigns.open_actions``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_scopes import scope

from alianza.campaigns.models import Campaign
from alianza.campaigns.open_actions import CampaignAction
from alianza.core.models import Organization
from alianza.people.activity import ActivityKind
from alianza.people.models import Person
from alianza.people.timeline import TimelineEntry

from .models import RSVP, ActionStatus, ActionVisibility, Letter, LetterCampaign, Petition, Signature


def rsvp_timeline(person: Person) -> Iterable[TimelineEntry]:
    """Runs inside the person's organization's scope (``person_timeline`` opens it)."""
    for rsvp in RSVP.objects.filter(person=person).select_related("event", "shift"):
        title = str(rsvp.event.title)
        if rsvp.source == RSVP.Source.WALK_IN:
            label = _("Walked in at %(event)s")
        elif rsvp.status == RSVP.Status.WAITLISTED:
            label = _("Joined the waitlist of %(event)s")
        else:
            label = _("RSVPed to %(event)s")
        detail = str(rsvp.shift) if rsvp.shift else ""
        if rsvp.source != RSVP.Source.WALK_IN:
            yield TimelineEntry(at=rsvp.created_at, label=str(label) % {"event": title}, detail=detail)
        if rsvp.cancelled_at:
            yield TimelineEntry(
                at=rsvp.cancelled_at, label=str(_("Cancelled the RSVP to %(event)s")) % {"event": title}
            )
        if rsvp.conduct_version_id and rsvp.conduct_accepted_at:
            yield TimelineEntry(
                at=rsvp.conduct_accepted_at,
                label=str(_("Accepted the code of conduct (version %(version)s)"))
                % {"version": rsvp.conduct_version.version if rsvp.conduct_version else ""},
                detail=title,
            )
        if rsvp.attended_at:
            yield TimelineEntry(
                at=rsvp.attended_at, label=str(_("Attended %(event)s")) % {"event": title}, detail=detail
            )


def petition_timeline(person: Person) -> Iterable[TimelineEntry]:
    """Signatures and letters on the person's timeline (inside the person's organization's scope)."""
    for signature in Signature.objects.filter(person=person).select_related("petition"):
        yield TimelineEntry(
            at=signature.created_at,
            label=str(_("Signed the petition %(petition)s")) % {"petition": str(signature.petition.title)},
            detail=signature.comment[:200],
        )
    for letter in Letter.objects.filter(person=person).select_related("letter_campaign"):
        target = letter.letter_campaign.target_name
        if letter.status == Letter.Status.COLLECTED:
            label = _("Wrote a letter to %(target)s (collected for delivery)")
        else:
            label = _("Sent a letter to %(target)s")
        yield TimelineEntry(at=letter.created_at, label=str(label) % {"target": target}, detail=letter.subject)


def _rsvped(organization: Organization, since: datetime) -> QuerySet[Any]:
    return RSVP.objects.filter(organization=organization, source=RSVP.Source.FORM, created_at__gte=since).values(
        "person_id"
    )


def _attended(organization: Organization, since: datetime) -> QuerySet[Any]:
    return RSVP.objects.filter(organization=organization, attended_at__gte=since).values("person_id")


def _signed(organization: Organization, since: datetime) -> QuerySet[Any]:
    return Signature.objects.filter(organization=organization, created_at__gte=since, person__isnull=False).values(
        "person_id"
    )


def _letter_sent(organization: Organization, since: datetime) -> QuerySet[Any]:
    return Letter.objects.filter(organization=organization, created_at__gte=since, person__isnull=False).values(
        "person_id"
    )


def ladder_signed_ids(organization: Organization, campaign: Campaign | None) -> QuerySet[Any]:
    """For the engagement ladder's "signed" rung (``ladder.register_rung(code="signed", ...,
    person_ids=ladder_signed_ids)``): people of ``organization`` who signed a petition (of
    ``campaign`` when given), as a ``values("person_id")`` subquery."""
    signatures = Signature.objects.filter(organization=organization, person__isnull=False)
    if campaign is not None:
        signatures = signatures.filter(petition__campaign=campaign)
    return signatures.values("person_id")


def petition_participants(organization: Organization, campaign: Campaign) -> QuerySet[Any]:
    """For ``ladder.register_participation``: people who signed a petition or wrote a letter of
    ``campaign``."""
    signed = Signature.objects.filter(organization=organization, petition__campaign=campaign, person__isnull=False)
    wrote = Letter.objects.filter(organization=organization, letter_campaign__campaign=campaign, person__isnull=False)
    return (
        Person.objects.filter(organization=organization)
        .filter(Q(pk__in=signed.values("person_id")) | Q(pk__in=wrote.values("person_id")))
        .values("pk")
    )


def petition_open_actions(campaign: Campaign) -> Iterable[CampaignAction]:
    """Open public petitions and letter campaigns of the campaign, of its lead and its partner
    organizations (each fetched in its own organization's scope)."""
    partners = campaign.partners.filter(status=Organization.Status.ACTIVE).order_by("name")
    organizations = [campaign.organization, *partners]
    for organization in organizations:
        with scope(organization=organization):
            for petition in Petition.objects.filter(
                organization=organization,
                campaign=campaign,
                status=ActionStatus.OPEN,
                visibility=ActionVisibility.PUBLIC,
            ).order_by("created_at", "id"):
                yield CampaignAction(
                    title=str(petition.title), url=petition.get_public_url(), starts_at=None, kind=str(_("Petition"))
                )
            for letters in LetterCampaign.objects.filter(
                organization=organization,
                campaign=campaign,
                status=ActionStatus.OPEN,
                visibility=ActionVisibility.PUBLIC,
            ).order_by("created_at", "id"):
                yield CampaignAction(
                    title=str(letters.title), url=letters.get_public_url(), starts_at=None, kind=str(_("Letter"))
                )


ACTIVITY_KINDS = [
    ActivityKind(code="actions.rsvped", label=_("RSVPed to an event"), person_ids_since=_rsvped),
    ActivityKind(code="actions.attended", label=_("Attended an event"), person_ids_since=_attended),
    ActivityKind(code="actions.signed", label=_("Signed a petition"), person_ids_since=_signed),
    ActivityKind(code="actions.letter_sent", label=_("Sent a letter to an official"), person_ids_since=_letter_sent),
]
