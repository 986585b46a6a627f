"""The staff menu: an extension point. Each app adds its sections in ``AppConfig.ready()``
(``navigation.register(...)``); the staff layout shows those the member's role may open."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise

from . import permissions


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str  # takes the organization's slug as ``org``
    permission: str
    order: int = 100


_items: list[NavItem] = []


def register(item: NavItem) -> None:
    permissions.get(item.permission)  # an unknown permission fails at start-up
    if item not in _items:
        _items.append(item)


def items_for(*, organization_slug: str, role: str) -> list[tuple[str, str]]:
    """(label, url) of every section this role may open, in menu order."""
    visible = [i for i in sorted(_items, key=lambda i: i.order) if permissions.role_has(role, i.permission)]
    return [(str(i.label), reverse(i.url_name, kwargs={"org": organization_slug})) for i in visible]
