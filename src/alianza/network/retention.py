"""The network app's retention rules (registered in ``NetworkConfig.ready()``; see
``core/retention.py`` and docs/retention.md). Applications and sign-ups reach the hub only."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from alianza.core.models import Organization
from alianza.core.retention import ANONYMISE, RetentionRule, register, strip_fields

from .models import ApplicationMessage, IndividualSignup, OrganizationApplication


def _hub_only(organization: Organization) -> bool:
    return organization.is_hub


def _anonymise_applications(batch: QuerySet[Any]) -> None:
    ApplicationMessage.objects.filter(application__in=batch).delete()
    batch.update(contact_name="", contact_email="", contact_phone="", mission="")


def register_network_rules() -> None:
    register(
        RetentionRule(
            code="network.applications_declined",
            label=_("Declined membership applications"),
            description=_(
                "Declined applications lose the contact person's name, e-mail and phone, the mission text and "
                "the messages exchanged. The organization's name, kinds, counties and the decision stay, "
                "for counts."
            ),
            queryset=lambda: OrganizationApplication.objects.filter(
                status=OrganizationApplication.Status.DECLINED
            ).filter(~Q(contact_name="") | ~Q(contact_email="") | ~Q(contact_phone="") | ~Q(mission="")),
            date_field="decided_at",
            default_days=365,
            min_days=30,
            max_days=5 * 365,
            action=ANONYMISE,
            anonymise=_anonymise_applications,
            applies_to=_hub_only,
        )
    )
    register(
        RetentionRule(
            code="network.signups",
            label=_("Individual sign-ups"),
            description=_(
                'Sign-ups from the public "Join us" page lose the name, e-mail and phone. County, language '
                "and how they joined stay, for counts. Add the people you follow up with to your contacts "
                "before then."
            ),
            queryset=lambda: IndividualSignup.objects.filter(~Q(name="") | ~Q(email="") | ~Q(phone="")),
            date_field="created_at",
            default_days=365,
            min_days=30,
            max_days=3 * 365,
            action=ANONYMISE,
            anonymise=strip_fields(name="", email="", phone=""),
            applies_to=_hub_only,
        )
    )
