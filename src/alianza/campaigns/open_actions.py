"""The open actions of a campaign: the extension point for apps above ``campaigns``.

The public campaign page lists "what you can do now". ``campaigns`` knows no events or
petitions: an app that has them registers a provider in its ``AppConfig.ready()``::

    open_actions.register(public_events_of_campaign)

A provider takes a campaign and returns ``CampaignAction`` items. It runs on a **public** page:
it must return only what anyone may see (public, upcoming, open), with URLs of public pages.
It is called inside the lead organization's scope; an action owned by another organization
(a partner's event) must be fetched in that organization's scope by the provider itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django_scopes import scope

from .models import Campaign


@dataclass(frozen=True)
class CampaignAction:
    title: str
    url: str
    starts_at: datetime | None  # None: open now, no date (a petition)
    kind: str  # shown as is, translated by the provider ("Vigil", "Petition")


Provider = Callable[[Campaign], Iterable[CampaignAction]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def unregister(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def campaign_open_actions(campaign: Campaign) -> list[CampaignAction]:
    """Every provider's actions: dated ones by date first, then the undated ones."""
    actions: list[CampaignAction] = []
    with scope(organization=campaign.organization):
        for provider in _providers:
            actions.extend(provider(campaign))
    dated = sorted((a for a in actions if a.starts_at is not None), key=lambda a: a.starts_at)  # type: ignore[arg-type,return-value]
    return dated + [a for a in actions if a.starts_at is None]
