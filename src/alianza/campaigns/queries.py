"""Reads of campaigns: a campaign with everything that belongs to it, the victories an
organization may see, and what the public pages show."""

from __future__ import annotations

from dataclasses import dataclass

from django_scopes import scope, scopes_disabled

from alianza.core.models import Organization
from alianza.people.models import Person, PersonEmail

from .models import Ally, Campaign, Goal, Milestone, Victory


@dataclass
class CampaignOverview:
    campaign: Campaign
    partners: list[Organization]
    allies: list[Ally]
    goals: list[Goal]
    milestones: list[Milestone]
    victories: list[Victory]
    issue_areas: list[str]


def campaign_overview(campaign: Campaign) -> CampaignOverview:
    """Everything shown about a campaign, read in its lead organization's scope (partners read
    the lead's campaign too)."""
    with scope(organization=campaign.organization):
        return CampaignOverview(
            campaign=campaign,
            partners=list(campaign.partners.order_by("name")),
            allies=list(campaign.allies.all()),
            goals=list(campaign.goals.all()),
            milestones=list(campaign.milestones.all()),
            victories=list(campaign.victories.all()),
            issue_areas=[a.name for a in campaign.issue_areas.all()],
        )


def person_by_email(*, organization: Organization, email: str) -> Person | None:
    """One of ``organization``'s people, by one of their e-mail addresses."""
    with scope(organization=organization):
        match = PersonEmail.objects.filter(email=email.strip().lower()).select_related("person").first()
    return match.person if match else None


def victories_visible_to(organization: Organization) -> list[Victory]:
    """Victories of the campaigns ``organization`` leads or partners in, newest first."""
    # Deliberately unscoped, filtered to campaigns this organization leads or partners in.
    with scopes_disabled():
        led = Victory.objects.filter(campaign__organization=organization)
        partnered = Victory.objects.filter(campaign__partners=organization)
        ids = list(led.values_list("pk", flat=True)) + list(partnered.values_list("pk", flat=True))
        return list(
            Victory.objects.filter(pk__in=ids)
            .select_related("campaign", "campaign__organization")
            .order_by("-won_on", "-id")
        )


def public_campaigns() -> list[Campaign]:
    """Campaigns anyone may see (the public pages run outside any organization's scope)."""
    with scopes_disabled():
        return list(Campaign.objects.public().select_related("organization").order_by("-starts_on", "-id"))


def public_campaign(slug: str) -> CampaignOverview | None:
    with scopes_disabled():
        campaign = Campaign.objects.public().select_related("organization").filter(slug=slug).first()
    return campaign_overview(campaign) if campaign else None


def public_victories() -> list[Victory]:
    with scopes_disabled():
        return list(
            Victory.objects.public().select_related("campaign", "campaign__organization").order_by("-won_on", "-id")
        )
