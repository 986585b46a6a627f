"""Consent-based sharing: granted, expired, revoked, outsider; read-only for the partner;
every share, revoke and cross-organization read audited; who can see a person and why."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from alianza.core.models import AuditEvent
from alianza.people.models import SharingGrant
from alianza.people.tests.factories import make_grant, make_person

SHARE = {"purpose": "Legal consultation", "person_agreed": "on"}


@pytest.fixture
def person(org_a):
    return make_person(org_a, given_name="Rosa", family_name="Lima", email="rosa@example.org", notes="Private note")


def test_a_person_shared_with_consent_is_visible_read_only_to_the_partner(
    login, member, outsider, person, org_a, org_b
):
    response = login(member).post(f"/staff/org-a/people/{person.pk}/share/", {**SHARE, "grantee": org_b.pk})
    assert response.status_code == 302
    page = login(outsider).get(f"/staff/org-b/people/{person.pk}/")
    assert page.status_code == 200
    assert b"Rosa Lima" in page.content and b"rosa@example.org" in page.content
    assert b"Private note" not in page.content  # notes stay with the organization that wrote them
    assert b"Read only" in page.content
    partner = login(outsider)
    assert partner.get(f"/staff/org-b/people/{person.pk}/edit/").status_code == 404
    assert partner.post(f"/staff/org-b/people/{person.pk}/share/", {**SHARE, "grantee": org_a.pk}).status_code == 404


def test_the_partner_lists_people_shared_with_them(login, outsider, person, org_b):
    make_grant(person, org_b)
    page = login(outsider).get("/staff/org-b/people/")
    assert b"Shared with us" in page.content and b"Rosa Lima" in page.content


def test_without_a_grant_there_is_nothing_to_see(login, outsider, person):
    assert login(outsider).get(f"/staff/org-b/people/{person.pk}/").status_code == 404


def test_an_expired_grant_gives_no_access(login, outsider, person, org_b):
    make_grant(person, org_b, expires_at=timezone.now() - timedelta(minutes=1))
    assert login(outsider).get(f"/staff/org-b/people/{person.pk}/").status_code == 404


def test_revoking_ends_access_at_once(login, member, outsider, person, org_a, org_b):
    grant = make_grant(person, org_b)
    partner = login(outsider)
    assert partner.get(f"/staff/org-b/people/{person.pk}/").status_code == 200
    response = login(member).post(f"/staff/org-a/people/{person.pk}/sharing/{grant.pk}/revoke/")
    assert response.status_code == 302
    assert partner.get(f"/staff/org-b/people/{person.pk}/").status_code == 404
    with scope(organization=org_a):
        assert AuditEvent.objects.filter(action="people.sharing_grant.revoked").count() == 1


def test_a_grant_to_one_partner_is_not_a_grant_to_another(login, person, org_b):
    from alianza.core.tests.factories import make_membership, make_organization, make_user

    make_grant(person, org_b)
    third = make_organization(slug="org-c")
    stranger = make_user("c@c.alianza.example")
    make_membership(third, stranger, "admin")
    assert login(stranger).get(f"/staff/org-c/people/{person.pk}/").status_code == 404


def test_every_read_by_the_partner_is_in_the_owners_audit_trail(login, outsider, person, org_a, org_b):
    grant = make_grant(person, org_b)
    login(outsider).get(f"/staff/org-b/people/{person.pk}/")
    with scope(organization=org_a):
        event = AuditEvent.objects.get(action="people.person.shared_read")
    assert (event.actor, event.object_id, event.data) == (
        outsider,
        str(person.pk),
        {"grantee": "org-b", "grant": grant.pk},
    )


def test_sharing_needs_the_persons_agreement_and_a_purpose(login, member, person, org_a, org_b):
    client = login(member)
    client.post(f"/staff/org-a/people/{person.pk}/share/", {"purpose": "x", "grantee": org_b.pk})
    client.post(f"/staff/org-a/people/{person.pk}/share/", {"purpose": "", "person_agreed": "on", "grantee": org_b.pk})
    client.post(f"/staff/org-a/people/{person.pk}/share/", {**SHARE, "grantee": org_a.pk})  # not a choice
    with scope(organization=org_a):
        assert SharingGrant.objects.count() == 0


def test_the_end_date_must_be_in_the_future(login, member, person, org_a, org_b):
    response = login(member).post(
        f"/staff/org-a/people/{person.pk}/share/",
        {**SHARE, "grantee": org_b.pk, "expires_on": "2020-01-01"},
        follow=True,
    )
    assert b"The end date must be in the future." in response.content
    with scope(organization=org_a):
        assert SharingGrant.objects.count() == 0


def test_the_person_page_says_who_can_see_them_and_why(login, member, person, org_b):
    make_grant(person, org_b, purpose="Housing referral")
    page = login(member).get(f"/staff/org-a/people/{person.pk}/")
    assert b"Who can see this person, and why" in page.content
    assert b"Organization B" in page.content and b"Housing referral" in page.content


def test_a_viewer_cannot_share(login, readonly_member, person, org_b):
    response = login(readonly_member).post(f"/staff/org-a/people/{person.pk}/share/", {**SHARE, "grantee": org_b.pk})
    assert response.status_code == 403


def test_sharing_is_audited_without_the_persons_data(login, member, person, org_a, org_b):
    login(member).post(f"/staff/org-a/people/{person.pk}/share/", {**SHARE, "grantee": org_b.pk})
    with scope(organization=org_a):
        event = AuditEvent.objects.get(action="people.sharing_grant.created")
    assert event.data == {"person": person.pk, "grantee": "org-b", "until": None}


def test_the_partner_does_not_see_the_owners_history(login, member, outsider, person, org_a, org_b):
    from alianza.core.tests.factories import make_organization

    make_grant(person, make_organization(slug="org-c", name="Organization C"), purpose="Asylum case")
    make_grant(person, org_b, purpose="Food bank")
    page = login(outsider).get(f"/staff/org-b/people/{person.pk}/")
    assert page.status_code == 200
    assert page.context["timeline"] == []
    assert b"Asylum case" not in page.content and b"Organization C" not in page.content
    assert member.email.encode() not in page.content


def test_a_grant_to_an_organization_that_left_the_network_gives_no_access(login, outsider, person, org_b):
    from alianza.core.models import Organization

    make_grant(person, org_b)
    Organization.objects.filter(pk=org_b.pk).update(status=Organization.Status.FORMER)
    assert login(outsider).get(f"/staff/org-b/people/{person.pk}/").status_code == 404


def test_a_partner_trying_to_edit_leaves_no_false_read_in_the_audit(login, outsider, person, org_a, org_b):
    make_grant(person, org_b)
    partner = login(outsider)
    assert partner.get(f"/staff/org-b/people/{person.pk}/edit/").status_code == 404
    assert partner.post(f"/staff/org-b/people/{person.pk}/share/", {**SHARE, "grantee": org_a.pk}).status_code == 404
    with scope(organization=org_a):
        assert AuditEvent.objects.filter(action="people.person.shared_read").count() == 0
