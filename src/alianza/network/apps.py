from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from alianza.core.models import Organization


def _in_hub(organization: Organization) -> bool:
    return organization.is_hub


def _not_in_hub(organization: Organization) -> bool:
    return not organization.is_hub


class NetworkConfig(AppConfig):
    name = "alianza.network"
    label = "network"
    verbose_name = _("Network")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from alianza.core import demo
        from alianza.core.navigation import NavItem, register

        from . import permissions  # noqa: F401 — registers the network permissions
        from .demo import demo_network
        from .retention import register_network_rules

        demo.register_step(demo_network)
        register_network_rules()
        for label, url_name, order in (
            (_("Applications"), "network:application_list", 60),
            (_("Sign-ups"), "network:signup_list", 61),
            (_("Values and principles"), "network:principles", 62),
        ):
            register(NavItem(label, url_name, "network:manage", order=order, shown_in=lambda org: org.is_hub))
        register(NavItem(_("Working groups"), "network:group_list", "network:groups", order=63, shown_in=_in_hub))
        register(
            NavItem(
                _("Our working groups"), "network:our_groups", "network:groups_view", order=63, shown_in=_not_in_hub
            )
        )
