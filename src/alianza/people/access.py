"""Who may see a person: the one place where consent-based sharing is decided.

A person is visible to the organization that holds their record (read and write, by role)
and, read-only, to an organization holding an active ``SharingGrant`` for them. Anything else
is a 404, whether the person exists or not. Every read through a grant is audited in the
owner's trail, so the organization that collected the data sees who read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404, HttpRequest
from django_scopes import scope, scopes_disabled

from alianza.core.models import Organization, User
from alianza.core.read_audit import log_read

from .models import Person, SharingGrant


@dataclass(frozen=True)
class PersonAccess:
    person: Person
    grant: SharingGrant | None  # set when seen through another organization's grant

    @property
    def shared(self) -> bool:
        return self.grant is not None


def _active_grant_to(organization: Organization, person_id: int) -> SharingGrant | None:
    # Deliberately unscoped, and filtered by the grantee: the grant lives in the owner's data.
    with scopes_disabled():
        return (
            SharingGrant.objects.active()
            .filter(grantee=organization, person_id=person_id)
            .select_related("organization", "person")
            .order_by("-created_at")
            .first()
        )


def person_get_for_actor(
    *, organization: Organization, actor: User, person_id: int, request: HttpRequest | None = None
) -> PersonAccess:
    with scope(organization=organization):
        own = Person.objects.filter(pk=person_id).first()
    if own is not None:
        return PersonAccess(person=own, grant=None)
    grant = _active_grant_to(organization, person_id)
    if grant is None:
        raise Http404
    log_read(
        actor=actor,
        organization=grant.organization,
        action="people.person.shared_read",
        obj=grant.person,
        subjects=[grant.person],
        data={"grantee": organization.slug, "grant": grant.pk},
        request=request,
    )
    return PersonAccess(person=grant.person, grant=grant)


def people_shared_with(organization: Organization) -> list[SharingGrant]:
    """Active grants to ``organization``, newest first, with their people and owners."""
    with scopes_disabled():
        return list(
            SharingGrant.objects.active()
            .filter(grantee=organization)
            .select_related("person", "organization")
            .order_by("-created_at")
        )


def grants_of(person: Person) -> list[SharingGrant]:
    """Every grant of a person, active first: who can see them and why."""
    with scope(organization=person.organization):
        grants = list(SharingGrant.objects.filter(person=person).select_related("grantee", "created_by"))
    return sorted(grants, key=lambda g: (not g.is_active, -g.created_at.timestamp()))
