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
        from alianza.people import activity, merging, panels, timeline

        from . import (
            ladder,
            page_cache,
            permissions,  # noqa: F401 — registers the actions permissions
            rsvps,
        )
        from .demo import demo_actions
        from .demo_forms import demo_forms
        from .forms_history import FORM_ACTIVITY, campaign_forms, form_timeline
        from .history import (
            ACTIVITY_KINDS,
            ladder_signed_ids,
            petition_open_actions,
            petition_participants,
            petition_timeline,
            rsvp_timeline,
        )
        from .personal_data import register_contributors
        from .personal_data_petitions import register_petition_contributors
        from .retention import register_actions_rules
        from .tasks import allocate_pending_rsvps, send_event_reminders

        page_cache.connect_signals()  # the cached public event page is dropped when its data changes
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
        # Petitions and letters to officials.
        register(NavItem(_("Petitions and letters"), "actions:petition_list", "actions:view", order=22))
        timeline.register(petition_timeline)
        open_actions.register(petition_open_actions)
        register_petition_contributors()  # signatures and letters in a person's data export and erasure
        # The ladder's first rung: signing a petition (and signers take part in its campaign).
        ladder.register_rung(code="signed", label=_("Signed"), order=10, person_ids=ladder_signed_ids)
        ladder.register_participation(petition_participants)
        # Merging two records of one person: both answered the same event → keep the stronger RSVP.
        merging.register_rule(
            merging.MergeRule("actions.rsvp", keep=rsvps.rsvp_merge_keep, describe=rsvps.rsvp_merge_facts)
        )
        register_contributors()  # RSVPs, proposals and form submissions in a person's data export and erasure
        register_actions_rules()
        # Each confirmed RSVP is reminded once, within a day of the start: every 15 minutes is
        # often enough for that and cheap (the sweep skips what was already sent).
        schedule.register(
            schedule.Periodic("actions.event_reminders", task=send_event_reminders, every=timedelta(minutes=15))
        )
        # An answer kept but not allocated (its web process stopped; the lock was held by a
        # cancellation) is allocated by the sweep, at most every minute (rsvp_answers.py).
        schedule.register(
            schedule.Periodic("actions.pending_rsvps", task=allocate_pending_rsvps, every=timedelta(minutes=1))
        )
