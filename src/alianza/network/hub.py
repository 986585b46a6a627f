"""Which organization is the hub: the one the public pages send applications and sign-ups to."""

from __future__ import annotations

from alianza.core.models import Organization


def the_hub() -> Organization | None:
    """The coalition hub: the active organization of the hub tier (the oldest, should an
    operator have created more than one)."""
    hubs = Organization.objects.filter(tier=Organization.Tier.HUB, status=Organization.Status.ACTIVE)
    return hubs.order_by("created_at", "pk").first()
