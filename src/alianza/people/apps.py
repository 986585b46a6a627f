from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "alianza.people"
    label = "people"
    verbose_name = _("People")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from alianza.core.navigation import NavItem, register

        from . import permissions  # noqa: F401 — registers the people permissions

        register(NavItem(_("People"), "people:person_list", "people:view", order=10))
        register(NavItem(_("Import"), "people:import_upload", "people:import", order=11))
