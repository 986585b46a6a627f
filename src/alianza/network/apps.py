from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


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

        demo.register_step(demo_network)
        for label, url_name, order in (
            (_("Applications"), "network:application_list", 60),
            (_("Sign-ups"), "network:signup_list", 61),
            (_("Values and principles"), "network:principles", 62),
        ):
            register(NavItem(label, url_name, "network:manage", order=order, shown_in=lambda org: org.is_hub))
