"""The campaigns app's contributor to a person's data export and erasure
(``people.personal_data``): the commitments a person made to campaigns.

A person's commitment is their own words about what they will do; erasure deletes it (with its
reminders). Campaign dashboards then count the organizations' commitments and those of people
who are still in the contacts."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from alianza.core.models import User
from alianza.people.models import Person
from alianza.people.personal_data import Contributor, plain, register

from .models import Commitment


def _commitments_export(person: Person) -> list[dict[str, Any]]:
    return [
        {
            "campaign": str(c.campaign.title),
            "commitment": c.task,
            "due": plain(c.due_on),
            "status": c.status,
            "made_at": plain(c.created_at),
        }
        for c in Commitment.objects.filter(person=person).select_related("campaign").order_by("due_on", "id")
    ]


def _commitments_erase(person: Person, *, actor: User | None) -> dict[str, int]:
    commitments = Commitment.objects.filter(person=person)
    count = commitments.count()
    commitments.delete()
    return {"deleted": count}


def register_contributors() -> None:
    register(
        Contributor(
            "campaigns.commitments",
            _("Commitments you made to campaigns"),
            _commitments_export,
            _commitments_erase,
            100,
        )
    )
