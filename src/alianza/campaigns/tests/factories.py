"""Factories of the campaigns app, registered with the generic isolation test."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_scopes import scopes_disabled
from i18nfield.strings import LazyI18nString

from alianza.campaigns.models import Ally, Campaign, Commitment, Goal, Milestone, Victory
from alianza.core.models import Organization, User
from alianza.core.testing import isolation

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


@scopes_disabled()
def make_campaign(organization: Organization, *, partners: Any = (), **fields: Any) -> Campaign:
    n = _next()
    fields.setdefault("slug", f"campaign-{n}")
    fields.setdefault("title", LazyI18nString({"en": f"Campaign {n}", "es": f"Campaña {n}"}))
    fields.setdefault("status", Campaign.Status.ACTIVE)
    campaign = Campaign.objects.create(organization=organization, **fields)
    campaign.partners.set(partners)
    return campaign


@scopes_disabled()
def make_goal(campaign: Campaign, **fields: Any) -> Goal:
    fields.setdefault("title", "1,000 signatures")
    fields.setdefault("kind", Goal.Kind.NUMBER)
    if fields["kind"] == Goal.Kind.NUMBER:
        fields.setdefault("target_value", 1000)
    return Goal.objects.create(organization=campaign.organization, campaign=campaign, **fields)


@scopes_disabled()
def make_milestone(campaign: Campaign, **fields: Any) -> Milestone:
    fields.setdefault("title", "Hearing")
    fields.setdefault("due_on", timezone.localdate() + timedelta(days=10))
    return Milestone.objects.create(organization=campaign.organization, campaign=campaign, **fields)


@scopes_disabled()
def make_victory(campaign: Campaign, **fields: Any) -> Victory:
    fields.setdefault("title", LazyI18nString({"en": "The ordinance passed", "es": "Se aprobó la ordenanza"}))
    fields.setdefault("won_on", timezone.localdate() - timedelta(days=1))
    return Victory.objects.create(organization=campaign.organization, campaign=campaign, **fields)


@scopes_disabled()
def make_ally(campaign: Campaign, **fields: Any) -> Ally:
    fields.setdefault("name", f"Ally {_next()}")
    fields.setdefault("url", "https://ally.example.org")
    return Ally.objects.create(organization=campaign.organization, campaign=campaign, **fields)


@scopes_disabled()
def make_commitment(campaign: Campaign, **fields: Any) -> Commitment:
    if "person" not in fields:
        fields.setdefault("committed_organization", campaign.organization)
    fields.setdefault("task", "Bring 40 people to the vigil")
    fields.setdefault("due_on", timezone.localdate() + timedelta(days=5))
    return Commitment.objects.create(organization=campaign.organization, campaign=campaign, **fields)


@scopes_disabled()
def _campaign(organization: Organization, values: dict[str, Any]) -> Campaign:
    return Campaign.objects.get(pk=values["campaign_id"]) if "campaign_id" in values else make_campaign(organization)


def _campaign_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    return make_campaign(organization).pk


def _goal_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    return make_goal(_campaign(organization, values)).pk


def _milestone_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    return make_milestone(_campaign(organization, values)).pk


def _ally_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    return make_ally(_campaign(organization, values)).pk


def _commitment_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    return make_commitment(_campaign(organization, values)).pk


# What each staff page must require: a change of a view's permission must change this too.
for _name, _code in {
    "campaigns:campaign_list": "campaigns:view",
    "campaigns:campaign_new": "campaigns:edit",
    "campaigns:organization_commitments": "campaigns:view",
    "campaigns:victory_list": "campaigns:view",
    "campaigns:campaign_detail": "campaigns:view",
    "campaigns:campaign_edit": "campaigns:edit",
    "campaigns:ally_new": "campaigns:edit",
    "campaigns:ally_remove": "campaigns:edit",
    "campaigns:goal_new": "campaigns:edit",
    "campaigns:goal_progress": "campaigns:edit",
    "campaigns:milestone_new": "campaigns:edit",
    "campaigns:milestone_done": "campaigns:edit",
    "campaigns:victory_new": "campaigns:edit",
    "campaigns:campaign_accountability": "campaigns:view",
    "campaigns:commitment_new": "campaigns:edit",
    "campaigns:commitment_status": "campaigns:edit",
}.items():
    isolation.expect_permission(_name, _code)

isolation.register("campaign_id", _campaign_id)
isolation.register("goal_id", _goal_id)
isolation.register("milestone_id", _milestone_id)
isolation.register("ally_id", _ally_id)
isolation.register("commitment_id", _commitment_id)
