from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionsConfig(AppConfig):
    name = "alianza.actions"
    label = "actions"
    verbose_name = _("Events and actions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from datetime import timedelta

        from alianza.campaigns import dashboard, open_actions
        from alianza.core import demo, schedule
        from alianza.core.navigation import NavItem, register
        from alianza.people import activity, panels, timeline

        from . import (
            ladder,
            permissions,  # noqa: F401 — registers the actions permissions
        )
        from .demo import demo_actions
        from .demo_forms import demo_forms
        from .forms_history import FORM_ACTIVITY, campaign_forms, form_timeline
        from .history import ACTIVITY_KINDS, rsvp_timeline
        from .personal_data import register_contributors
        from .tasks import send_event_reminders

        register(NavItem(_("Events"), "actions:event_list", "actions:view", order=20))
        register(
            NavItem(
                _("Code of conduct"), "actions:conduct", "actions:conduct", order=63, shown_in=lambda org: org.is_hub
            )
        )
        timeline.register(rsvp_timeline)
        for kind in ACTIVITY_KINDS:
            activity.register(kind)
        demo.register_step(demo_actions)
        # Forms built by staff, and the engagement ladder (on the person and the campaign pages).
        register(NavItem(_("Forms"), "actions:form_list", "actions:view", order=21))
        timeline.register(form_timeline)
        activity.register(FORM_ACTIVITY)
        open_actions.register(campaign_forms)
        ladder.register_builtin()
        panels.register(ladder.ladder_fact)
        dashboard.register(ladder.ladder_panel)
        demo.register_step(demo_forms)
        register_contributors()  # RSVPs and proposals in a person's data export and erasure
        # Each confirmed RSVP is reminded once, within a day of the start: every 15 minutes is
        # often enough for that and cheap (the sweep skips what was already sent).
        schedule.register(
            schedule.Periodic("actions.event_reminders", task=send_event_reminders, every=timedelta(minutes=15))
        )
