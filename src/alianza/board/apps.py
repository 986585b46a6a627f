from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from alianza.core.models import Organization


def _in_hub(organization: Organization) -> bool:
    return organization.is_hub


class BoardConfig(AppConfig):
    """The advisory board of directly impacted leaders. Its own app (not part of ``network``)
    because its seats are people of the hub: it sits above ``people`` in the layers."""

    name = "alianza.board"
    label = "board"
    verbose_name = _("Advisory board")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from alianza.core import demo
        from alianza.core.navigation import NavItem, register
        from alianza.people import timeline

        from . import permissions  # noqa: F401 — registers the board permissions
        from .demo import demo_board
        from .personal_data import register_contributors
        from .timeline import board_entries

        demo.register_step(demo_board)
        timeline.register(board_entries)
        register_contributors()  # seats and honoraria in a person's data export and erasure
        register(NavItem(_("Advisory board"), "board:board", "board:manage", order=64, shown_in=_in_hub))
