"""Who may see a campaign: the one place where the partner rule is decided.

A campaign belongs to its lead organization, whose staff see and run it (by role). The
network organizations listed as its partners see it **read-only**: its story, goals, milestones,
victories, allies and the commitments, with the names of people who committed hidden (those
are the lead's contacts). Anyone else gets a 404, whether the campaign exists or not.
Writes always go through ``get_for_org`` on the lead's own campaigns.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django_scopes import scope, scopes_disabled

from alianza.core.models import Organization

from .models import Campaign


@dataclass(frozen=True)
class CampaignAccess:
    campaign: Campaign
    is_lead: bool  # False: a partner organization, read-only


def campaign_get_for_actor(*, organization: Organization, campaign_id: int) -> CampaignAccess:
    with scope(organization=organization):
        own = Campaign.objects.select_related("organization").filter(pk=campaign_id).first()
    if own is not None:
        return CampaignAccess(campaign=own, is_lead=True)
    # Deliberately unscoped, and filtered by the partner: the campaign lives in the lead's data.
    with scopes_disabled():
        partnered = (
            Campaign.objects.select_related("organization").filter(pk=campaign_id, partners=organization).first()
        )
    if partnered is None:
        raise Http404
    return CampaignAccess(campaign=partnered, is_lead=False)


def campaigns_visible_to(organization: Organization) -> list[CampaignAccess]:
    """The campaigns ``organization`` leads, then those it partners in (newest first in each)."""
    with scope(organization=organization):
        own = list(Campaign.objects.select_related("organization").prefetch_related("issue_areas"))
    with scopes_disabled():
        partnered = list(
            Campaign.objects.filter(partners=organization)
            .exclude(organization=organization)
            .select_related("organization")
            .prefetch_related("issue_areas")
        )
    return [CampaignAccess(c, True) for c in own] + [CampaignAccess(c, False) for c in partnered]
