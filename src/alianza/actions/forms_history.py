"""What forms add to other apps' extension points: submissions on a person's timeline
(``people.timeline``), "sent a form" for segments (``people.activity``, ``actions.form_submitted``)
and a campaign's open forms on its public page (``campaigns.open_actions``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from alianza.campaigns.models import Campaign
from alianza.campaigns.open_actions import CampaignAction
from alianza.core.models import Organization
from alianza.people.activity import ActivityKind
from alianza.people.models import Person
from alianza.people.timeline import TimelineEntry

from .models import Form, FormSubmission


def form_timeline(person: Person) -> Iterable[TimelineEntry]:
    """Runs inside the person's organization's scope (``person_timeline`` opens it). Only the
    form's title: the answers are on the form's submissions page (an audited read)."""
    for submission in FormSubmission.objects.filter(person=person).select_related("form"):
        label = (
            _("Signed up to volunteer: %(form)s")
            if submission.form.is_volunteer_signup
            else _("Sent the form %(form)s")
        )
        yield TimelineEntry(at=submission.created_at, label=str(label) % {"form": str(submission.form.title)})


def _form_submitted(organization: Organization, since: datetime) -> QuerySet[Any]:
    return FormSubmission.objects.filter(organization=organization, created_at__gte=since).values("person_id")


FORM_ACTIVITY = ActivityKind(code="actions.form_submitted", label=_("Sent a form"), person_ids_since=_form_submitted)


def campaign_forms(campaign: Campaign) -> list[CampaignAction]:
    """The open forms of a campaign, for its public page (called in the lead's scope)."""
    forms = Form.objects.filter(organization=campaign.organization, campaign=campaign, status=Form.Status.OPEN)
    return [
        CampaignAction(
            title=str(form.title),
            url=form.get_public_url(),
            starts_at=None,
            kind=str(_("Volunteer sign-up") if form.is_volunteer_signup else _("Form")),
        )
        for form in forms.select_related("organization").order_by("created_at", "id")
    ]
