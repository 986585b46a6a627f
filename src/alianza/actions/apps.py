from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "alianza.actions"
    label = "actions"
    verbose_name = _("Events and actions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from datetime import timedelta

        from alianza.campaigns import open_actions
        from alianza.core import demo, schedule
        from alianza.core.navigation import NavItem, register
        from alianza.people import activity, timeline

        from . import permissions  # noqa: F401 — registers the actions permissions
        from .demo import demo_actions
        from .history import ACTIVITY_KINDS, petition_open_actions, petition_timeline, rsvp_timeline
        from .tasks import send_event_reminders

        register(NavItem(_("Events"), "actions:event_list", "actions:view", order=20))
        register(
            NavItem(
                _("Code of conduct"), "actions:conduct", "actions:conduct", order=63, shown_in=lambda org: org.is_hub
            )
        )
        register(NavItem(_("Petitions and letters"), "actions:petition_list", "actions:view", order=21))
        timeline.register(rsvp_timeline)
        timeline.register(petition_timeline)
        open_actions.register(petition_open_actions)
        for kind in ACTIVITY_KINDS:
            activity.register(kind)
        demo.register_step(demo_actions)
        # Each confirmed RSVP is reminded once, within a day of the start: every 15 minutes is
        # often enough for that and cheap (the sweep skips what was already sent).
        schedule.register(
            schedule.Periodic("actions.event_reminders", task=send_event_reminders, every=timedelta(minutes=15))
        )
