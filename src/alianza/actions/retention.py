"""The events app's retention rules (registered in ``ActionsConfig.ready()``; see
``core/retention.py`` and docs/retention.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from alianza.core.retention import ANONYMISE, DELETE, RetentionRule, register, strip_fields

from .models import RSVP, RSVPSubmission


def register_actions_rules() -> None:
    register(
        RetentionRule(
            code="actions.rsvp_submissions",
            label=_("RSVP forms as they were sent"),
            description=_(
                "Each RSVP form is kept as it was sent until it is allocated a place, usually within a second. "
                "A form that was taken keeps nothing personal once allocated; a refused one (the event or the "
                "shift was full) keeps what was typed so the visitor gets the form back filled in. Both are "
                "deleted this long after they were sent. Forms still waiting are never deleted."
            ),
            queryset=lambda: RSVPSubmission.objects.exclude(state=RSVPSubmission.State.PENDING),
            date_field="received_at",
            default_days=1,
            min_days=1,
            max_days=30,
            action=DELETE,
        )
    )
    register(
        RetentionRule(
            code="actions.rsvp_unconfirmed",
            label=_("Cancelled and waitlisted RSVPs"),
            description=_(
                "RSVPs that were cancelled or were still on the waitlist when the event ended are deleted "
                "this long after the event. Confirmed RSVPs and attendance stay."
            ),
            queryset=lambda: RSVP.objects.exclude(status=RSVP.Status.CONFIRMED),
            date_field="event__ends_at",
            default_days=90,
            min_days=7,
            max_days=730,
            action=DELETE,
        )
    )
    register(
        RetentionRule(
            code="actions.rsvp_email",
            label=_("E-mail addresses given with RSVPs"),
            description=_(
                "The e-mail address an RSVP gave for confirmations and reminders is removed from the RSVP "
                "this long after the event. The RSVP and the attendance stay (the person's own record keeps "
                "its contact points)."
            ),
            queryset=lambda: RSVP.objects.exclude(email=""),
            date_field="event__ends_at",
            default_days=30,
            min_days=1,
            max_days=730,
            action=ANONYMISE,
            anonymise=strip_fields(email=""),
        )
    )
