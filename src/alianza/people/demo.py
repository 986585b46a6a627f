"""The people app's part of the demo coalition: three custom fields in each member organization
(T-shirt size, Volunteer hours, Trained on Know Your Rights) and a few people with values in
them, so segments by custom field have something to pick. Safe to run again."""

from __future__ import annotations

from typing import Any

from i18nfield.strings import LazyI18nString

from alianza.core.demo import ORGS
from alianza.core.models import Membership, Organization
from alianza.core.permissions import Role

from .custom_fields import ChoiceOption, CustomFieldInput, custom_field_create
from .models import CustomField, Person, PersonEmail
from .operations import PersonInput, person_create

FIELDS = [
    CustomFieldInput(
        key="t_shirt_size",
        label=LazyI18nString({"en": "T-shirt size", "es": "Talla de camiseta"}),
        field_type=CustomField.Type.CHOICE,
        choices=[
            ChoiceOption("s", {"en": "Small", "es": "Chica"}),
            ChoiceOption("m", {"en": "Medium", "es": "Mediana"}),
            ChoiceOption("l", {"en": "Large", "es": "Grande"}),
            ChoiceOption("xl", {"en": "Extra large", "es": "Extra grande"}),
        ],
        order=1,
    ),
    CustomFieldInput(
        key="volunteer_hours",
        label=LazyI18nString({"en": "Volunteer hours", "es": "Horas de voluntariado"}),
        field_type=CustomField.Type.NUMBER,
        help_text=LazyI18nString({"en": "This year, in total.", "es": "En total, este año."}),
        order=2,
    ),
    CustomFieldInput(
        key="trained_kyr",
        label=LazyI18nString({"en": "Trained on Know Your Rights", "es": "Capacitación en Conozca sus Derechos"}),
        field_type=CustomField.Type.DATE,
        order=3,
    ),
]

# (given name, family name, language, e-mail local part, custom values)
PEOPLE: list[tuple[str, str, str, str, dict[str, Any]]] = [
    ("Rosa", "Lima", "es", "rosa.lima", {"t_shirt_size": "m", "volunteer_hours": 24, "trained_kyr": "2025-03-08"}),
    ("Jean", "Pierre", "ht", "jean.pierre", {"t_shirt_size": "l", "volunteer_hours": 6.5}),
    ("Minh", "Nguyễn", "vi", "minh.nguyen", {"t_shirt_size": "s", "trained_kyr": "2024-11-16"}),
    ("Ana", "Torres", "es", "ana.torres", {"volunteer_hours": 40, "trained_kyr": "2025-06-21"}),
    ("Sam", "Okafor", "en", "sam.okafor", {}),
]


def demo_people() -> None:
    demo_slugs = [spec.slug for spec in ORGS]
    for organization in Organization.objects.filter(slug__in=demo_slugs).exclude(tier=Organization.Tier.HUB):
        admin = Membership.objects.filter(organization=organization, role=Role.ADMIN).select_related("user").first()
        if admin is None:
            continue
        if not CustomField.objects.filter(organization=organization).exists():
            for data in FIELDS:
                custom_field_create(organization=organization, actor=admin.user, data=data)
        if Person.objects.filter(organization=organization).count() >= len(PEOPLE):
            continue
        for given, family, language, local, custom in PEOPLE:
            email = f"{local}@{organization.slug}.example.org"
            if PersonEmail.objects.filter(organization=organization, email=email).exists():
                continue
            person_create(
                organization=organization,
                actor=admin.user,
                data=PersonInput(
                    given_name=given,
                    family_name=family,
                    preferred_language=language,
                    email=email,
                    custom=custom,
                    consent={"email": True},
                ),
            )
