"""Panels on a campaign's staff page (its dashboard) that apps above ``campaigns`` add, e.g. the
number of people on each rung of the engagement ladder.

The extension point, like ``open_actions.py``: an app registers a provider in its
``AppConfig.ready()`` (``dashboard.register(ladder_panel)``). A provider takes a campaign and
returns a ``CampaignPanel`` (or None to show nothing). It runs on a staff page seen by the lead
organization and, read-only, by partner organizations: show counts, never names. It is called
inside the lead organization's scope and should cost a constant number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django_scopes import scope

from .models import Campaign


@dataclass(frozen=True)
class PanelRow:
    label: str
    values: tuple[int | str, ...]  # one per column of the panel


@dataclass(frozen=True)
class CampaignPanel:
    key: str  # the panel's HTML id
    title: str
    columns: tuple[str, ...]  # headings of the values
    rows: list[PanelRow] = field(default_factory=list)
    note: str = ""


Provider = Callable[[Campaign], "CampaignPanel | None"]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def unregister(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def campaign_panels(campaign: Campaign) -> list[CampaignPanel]:
    panels: list[CampaignPanel] = []
    with scope(organization=campaign.organization):
        for provider in _providers:
            panel = provider(campaign)
            if panel is not None:
                panels.append(panel)
    return panels
