from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "alianza.people"
    label = "people"
    verbose_name = _("People")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from alianza.core import demo
        from alianza.core.navigation import NavItem, register

        from . import permissions  # noqa: F401 — registers the people permissions
        from .demo import demo_people
        from .personal_data_people import register_people_contributors

        demo.register_step(demo_people)

        register(NavItem(_("People"), "people:person_list", "people:view", order=10))
        register(NavItem(_("Import"), "people:import_upload", "people:import", order=11))
        register(NavItem(_("Duplicates"), "people:duplicate_list", "people:edit", order=12))
        register(NavItem(_("Segments"), "people:segment_list", "people:view", order=12))
        register(NavItem(_("Lists"), "people:list_index", "people:view", order=13))
        register(NavItem(_("Custom fields"), "people:field_list", "people:fields", order=14))
        register(NavItem(_("Data requests"), "people:subject_request_list", "people:subject_requests", order=15))
        register_people_contributors()
