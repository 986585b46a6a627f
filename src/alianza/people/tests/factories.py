"""Factories of the people app, registered with the generic isolation test."""

from typing import Any

from django_scopes import scopes_disabled

from alianza.core.models import Organization, User
from alianza.core.testing import isolation
from alianza.people.models import Person, PersonEmail, PersonPhone, SharingGrant, Tag

_counter = {"n": 0}


@scopes_disabled()
def make_person(organization: Organization, *, email: str = "", phone: str = "", **fields: Any) -> Person:
    _counter["n"] += 1
    fields.setdefault("given_name", f"Ana{_counter['n']}")
    fields.setdefault("family_name", "Pérez")
    person = Person.objects.create(organization=organization, **fields)
    if email:
        PersonEmail.objects.create(organization=organization, person=person, email=email)
    if phone:
        PersonPhone.objects.create(organization=organization, person=person, number=phone)
    return person


@scopes_disabled()
def make_tag(organization: Organization, name: str) -> Tag:
    return Tag.objects.create(organization=organization, name=name)


@scopes_disabled()
def make_grant(person: Person, grantee: Organization, **fields: Any) -> SharingGrant:
    fields.setdefault("purpose", "Legal consultation")
    return SharingGrant.objects.create(organization=person.organization, person=person, grantee=grantee, **fields)


def _person_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    return make_person(organization).pk


@scopes_disabled()
def _grant_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    other = Organization.objects.exclude(pk=organization.pk).first() or Organization.objects.create(
        slug="grantee-org", name="Grantee"
    )
    person = Person.objects.get(pk=values["person_id"]) if "person_id" in values else make_person(organization)
    return make_grant(person, other).pk


for _name, _code in {
    "people:person_list": "people:view",
    "people:person_new": "people:edit",
    "people:person_detail": "people:view",
    "people:person_edit": "people:edit",
    "people:person_share": "people:share",
    "people:sharing_grant_revoke": "people:share",
    "people:duplicate_list": "people:edit",
    "people:duplicate_scan": "people:edit",
    "people:duplicate_review": "people:edit",
    "people:import_upload": "people:import",
    "people:import_detail": "people:import",
    "people:import_progress": "people:import",
    "people:import_rejections": "people:import",
}.items():
    isolation.expect_permission(_name, _code)

isolation.register("person_id", _person_id)
isolation.register("grant_id", _grant_id)


@scopes_disabled()
def _job_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    from alianza.people.models import ImportJob

    return ImportJob.objects.create(
        organization=organization, created_by=actor, file_name="x.csv", headers=["email"], status=ImportJob.Status.DONE
    ).pk


isolation.register("job_id", _job_id)


@scopes_disabled()
def _pair_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    from alianza.people.models import DuplicatePair

    a, b = sorted([make_person(organization).pk, make_person(organization).pk])
    return DuplicatePair.objects.create(organization=organization, person_a_id=a, person_b_id=b, score=90).pk


isolation.register("pair_id", _pair_id)


# Static lists, saved segments, export.
@scopes_disabled()
def make_people_list(organization: Organization, name: str = "", people: Any = (), **fields: Any) -> Any:
    from alianza.people.models import PeopleList

    _counter["n"] += 1
    people_list = PeopleList.objects.create(organization=organization, name=name or f"List {_counter['n']}", **fields)
    people_list.people.add(*people)
    return people_list


@scopes_disabled()
def make_segment(organization: Organization, filters: dict[str, Any] | None = None, name: str = "") -> Any:
    from alianza.people.models import Segment

    _counter["n"] += 1
    return Segment.objects.create(
        organization=organization, name=name or f"Segment {_counter['n']}", filters=filters or {}
    )


def _list_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    return int(make_people_list(organization, people=[make_person(organization)]).pk)


def _segment_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    make_person(organization)
    return int(make_segment(organization).pk)


for _name, _code in {
    "people:list_index": "people:view",
    "people:list_new": "people:edit",
    "people:list_add_people": "people:edit",
    "people:list_detail": "people:view",
    "people:list_remove": "people:edit",
    "people:list_delete": "people:edit",
    "people:list_export": "people:export",
    "people:segment_list": "people:view",
    "people:segment_new": "people:edit",
    "people:segment_count": "people:view",
    "people:segment_detail": "people:view",
    "people:segment_edit": "people:edit",
    "people:segment_delete": "people:edit",
    "people:segment_export": "people:export",
    "people:search_export": "people:export",
}.items():
    isolation.expect_permission(_name, _code)

isolation.register("list_id", _list_id)
isolation.register("segment_id", _segment_id)


# Custom fields.
@scopes_disabled()
def make_custom_field(
    organization: Organization,
    key: str,
    field_type: str = "text",
    *,
    label: dict[str, str] | None = None,
    choices: list[dict[str, Any]] | None = None,
    **fields: Any,
) -> Any:
    from i18nfield.strings import LazyI18nString

    from alianza.people.models import CustomField

    return CustomField.objects.create(
        organization=organization,
        key=key,
        field_type=field_type,
        label=LazyI18nString(label or {"en": key.replace("_", " ").capitalize()}),
        choices=choices or [],
        **fields,
    )


def _field_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    return int(make_custom_field(organization, "volunteer_hours", "number").pk)


for _name in ("field_list", "field_new", "field_edit", "field_archive", "field_delete"):
    isolation.expect_permission(f"people:{_name}", "people:fields")

isolation.register("field_id", _field_id)


# A person's own data: export, erasure, requests.
@scopes_disabled()
def make_subject_request(
    organization: Organization, *, person: Person | None = None, kind: str = "export", **fields: Any
) -> Any:
    import uuid
    from datetime import timedelta

    from django.utils import timezone

    from alianza.people.models import SubjectRequest

    person = person or make_person(organization, email=f"req{_counter['n'] + 1}@example.org")
    email = person.emails.values_list("email", flat=True).first() or ""
    fields.setdefault("due_on", timezone.localdate() + timedelta(days=30))
    return SubjectRequest.objects.create(
        organization=organization, reference=uuid.uuid4(), kind=kind, person=person, email=email, **fields
    )


def _request_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    return int(make_subject_request(organization).pk)


for _name in (
    "person_data_export",
    "person_erase",
    "subject_request_list",
    "subject_request_detail",
    "subject_request_export",
    "subject_request_erase",
    "subject_request_decline",
):
    isolation.expect_permission(f"people:{_name}", "people:subject_requests")

isolation.register("request_id", _request_id)
