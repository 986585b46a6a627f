"""Factories of the network app, registered with the generic isolation test."""

from typing import Any

from django.utils import timezone
from django_scopes import scopes_disabled
from i18nfield.strings import LazyI18nString

from alianza.core.models import Organization, User
from alianza.core.testing import isolation
from alianza.network.models import (
    IndividualSignup,
    OrganizationApplication,
    PrinciplesVersion,
    WorkingGroup,
    WorkingGroupMember,
)

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def make_hub(organization: Organization) -> Organization:
    organization.tier = Organization.Tier.HUB
    organization.save(update_fields=["tier"])
    return organization


@scopes_disabled()
def make_principles(organization: Organization, **fields: Any) -> PrinciplesVersion:
    latest = PrinciplesVersion.objects.filter(organization=organization).order_by("-version").first()
    fields.setdefault("version", (latest.version + 1) if latest else 1)
    fields.setdefault("title", LazyI18nString({"en": "Our principles", "es": "Nuestros principios"}))
    fields.setdefault("text", LazyI18nString({"en": "We stand together for dignity.", "es": "Juntos por la dignidad."}))
    return PrinciplesVersion.objects.create(organization=organization, **fields)


@scopes_disabled()
def make_application(organization: Organization, **fields: Any) -> OrganizationApplication:
    n = _next()
    if "principles_version" not in fields:
        fields["principles_version"] = PrinciplesVersion.objects.filter(organization=organization).order_by(
            "-version"
        ).first() or make_principles(organization)
    fields.setdefault("name", f"Applicant Collective {n}")
    fields.setdefault("kinds", ["legal"])
    fields.setdefault("counties", ["Travis"])
    fields.setdefault("contact_name", f"Contact {n}")
    fields.setdefault("contact_email", f"contact{n}@applicant.alianza.example")
    fields.setdefault("languages", ["en", "es"])
    fields.setdefault("mission", "Free legal help for families.")
    fields.setdefault("principles_accepted_at", timezone.now())
    return OrganizationApplication.objects.create(organization=organization, **fields)


@scopes_disabled()
def make_signup(organization: Organization, **fields: Any) -> IndividualSignup:
    n = _next()
    if "principles_version" not in fields:
        fields["principles_version"] = PrinciplesVersion.objects.filter(organization=organization).order_by(
            "-version"
        ).first() or make_principles(organization)
    fields.setdefault("name", f"Person {n}")
    fields.setdefault("email", f"person{n}@signup.alianza.example")
    fields.setdefault("principles_accepted_at", timezone.now())
    return IndividualSignup.objects.create(organization=organization, **fields)


# Form data of the public "Join us" page, as a browser sends it.
def application_data(principles: PrinciplesVersion, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "form": "organization",
        "principles_version": str(principles.pk),
        "org-name": "Casa de la Esperanza",
        "org-kinds": ["legal", "faith"],
        "org-counties": "Travis\nHays",
        "org-contact_name": "María López",
        "org-contact_email": "Maria@Esperanza.example",
        "org-contact_phone": "+1 512 555 0100",
        "org-languages": ["es", "en"],
        "org-mission": "We accompany families to immigration court.",
        "org-accept_principles": "on",
        "org-website": "",
    }
    data.update(overrides)
    return data


def signup_data(principles: PrinciplesVersion, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "form": "person",
        "principles_version": str(principles.pk),
        "person-name": "José Ramírez",
        "person-email": "jose@example.org",
        "person-phone": "",
        "person-preferred_language": "es",
        "person-county": "Hidalgo",
        "person-joins_as": "volunteer",
        "person-accept_principles": "on",
        "person-website": "",
    }
    data.update(overrides)
    return data


@scopes_disabled()
def make_group(organization: Organization, **fields: Any) -> WorkingGroup:
    fields.setdefault("name", LazyI18nString({"en": f"Housing working group {_next()}", "es": "Grupo de vivienda"}))
    fields.setdefault("purpose", LazyI18nString({"en": "Safe housing for every family."}))
    return WorkingGroup.objects.create(organization=organization, **fields)


@scopes_disabled()
def make_group_member(group: WorkingGroup, **fields: Any) -> WorkingGroupMember:
    fields.setdefault("represents", group.organization)
    if "user" not in fields:
        fields.setdefault("name", f"Representative {_next()}")
    member = WorkingGroupMember(organization=group.organization, group=group, **fields)
    member.save()
    return member


def _application_id(*, organization: Organization, actor: User, **_: Any) -> int:
    return make_application(organization).pk


def _group_id(*, organization: Organization, actor: User, **_: Any) -> int:
    return make_group(organization).pk


@scopes_disabled()
def _member_id(*, organization: Organization, actor: User, values: dict[str, Any], **_: Any) -> int:
    group = WorkingGroup.objects.get(organization=organization, pk=values["group_id"])
    return make_group_member(group).pk


# What each staff page must require: a change of a view's permission must change this too.
for _name in (
    "network:principles",
    "network:application_list",
    "network:application_detail",
    "network:application_approve",
    "network:application_decline",
    "network:application_request_info",
    "network:signup_list",
):
    isolation.expect_permission(_name, "network:manage")
for _name in (
    "network:group_list",
    "network:group_new",
    "network:group_detail",
    "network:group_edit",
    "network:group_member_add",
    "network:group_member_remove",
):
    isolation.expect_permission(_name, "network:groups")
isolation.expect_permission("network:our_groups", "network:groups_view")

isolation.register("application_id", _application_id)
isolation.register("group_id", _group_id)
isolation.register("member_id", _member_id)
# The network's staff pages exist only in the hub (404 elsewhere): the isolation test makes its
# organizations hubs before it requests them.
isolation.prepare_organizations("network:", make_hub)
