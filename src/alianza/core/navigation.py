"""The staff menu: an extension point. Each app adds its sections in ``AppConfig.ready()``
(``navigation.register(...)``); the staff layout shows those the member's role may open."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils.functional import Promise

from . import permissions

if TYPE_CHECKING:
    from .models import Organization


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str  # takes the organization's slug as ``org``
    permission: str
    order: int = 100
    # For sections that exist in some organizations only (e.g. the hub's network pages).
    shown_in: Callable[[Organization], bool] | None = None


_items: list[NavItem] = []


def register(item: NavItem) -> None:
    permissions.get(item.permission)  # an unknown permission fails at start-up
    if item not in _items:
        _items.append(item)


def items_for(*, organization: Organization, role: str) -> list[tuple[str, str]]:
    """(label, url) of every section this role may open here, in menu order."""
    visible = [
        i
        for i in sorted(_items, key=lambda i: i.order)
        if permissions.role_has(role, i.permission) and (i.shown_in is None or i.shown_in(organization))
    ]
    return [(str(i.label), reverse(i.url_name, kwargs={"org": organization.slug})) for i in visible]
