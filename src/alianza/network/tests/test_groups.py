"""Working groups, committees and task forces: the hub seats members from several member
organizations (staff or named representatives), and each organization sees the groups it sits on."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from i18nfield.strings import LazyI18nString

from alianza.core.models import AuditEvent, Organization
from alianza.core.permissions import Role
from alianza.core.tests.factories import make_membership, make_organization, make_user
from alianza.network.groups import (
    GroupError,
    MemberInput,
    group_create,
    group_member_add,
    group_member_remove,
    group_update,
    groups_of_organization,
)
from alianza.network.models import WorkingGroup, WorkingGroupMember
from alianza.network.tests.factories import make_group, make_group_member


@pytest.fixture
def member_org(db) -> Organization:
    return make_organization(slug="casa", name="Casa de la Esperanza")


@pytest.fixture
def group(hub) -> WorkingGroup:
    return make_group(hub, name=LazyI18nString({"en": "Housing justice", "es": "Justicia en vivienda"}))


def audit_actions(organization: Organization) -> list[str]:
    with scopes_disabled():
        return list(AuditEvent.objects.filter(organization=organization).values_list("action", flat=True))


def reload(member: WorkingGroupMember) -> WorkingGroupMember:
    with scopes_disabled():
        return WorkingGroupMember.objects.get(pk=member.pk)


# --- Operations ---------------------------------------------------------------------------


def test_the_hub_creates_a_group_with_a_multilingual_name_and_it_is_audited(hub, owner):
    group = group_create(
        organization=hub,
        actor=owner,
        kind=WorkingGroup.Kind.COMMITTEE,
        name=LazyI18nString({"en": "Finance committee", "es": "Comité de finanzas", "pt": "  "}),
        purpose=LazyI18nString({"en": "Oversees the budget."}),
    )
    assert group.name.data == {"en": "Finance committee", "es": "Comité de finanzas"}
    assert group.status == WorkingGroup.Status.ACTIVE
    with scopes_disabled():
        event = AuditEvent.objects.get(action="network.working_group.created")
    assert event.organization == hub and event.object_id == str(group.pk)
    assert event.data == {"kind": "committee", "languages": ["en", "es"]}


def test_a_group_needs_a_name(hub, owner):
    with pytest.raises(GroupError, match="at least one language"):
        group_create(
            organization=hub,
            actor=owner,
            kind="committee",
            name=LazyI18nString({"en": " "}),
            purpose=LazyI18nString(""),
        )


def test_only_the_hub_runs_groups(org_b, outsider):
    with pytest.raises(GroupError, match="Only the coalition hub"):
        group_create(
            organization=org_b,
            actor=outsider,
            kind="committee",
            name=LazyI18nString({"en": "X"}),
            purpose=LazyI18nString(""),
        )


def test_closing_a_group_is_audited_with_what_changed(group, owner):
    group_update(group=group, actor=owner, kind=group.kind, name=group.name, purpose=group.purpose, status="closed")
    with scopes_disabled():
        event = AuditEvent.objects.get(action="network.working_group.updated")
    assert event.data == {"changed": ["status"], "status": "closed"}
    # Saving without a change writes nothing.
    group_update(group=group, actor=owner, kind=group.kind, name=group.name, purpose=group.purpose, status="closed")
    assert audit_actions(group.organization).count("network.working_group.updated") == 1


def test_members_come_from_several_organizations(group, hub, member_org, owner):
    staff = make_user("ana@casa.example", name="Ana Casa")
    make_membership(member_org, staff, Role.ORGANIZER)
    other = make_organization(slug="workers", name="Workers Rising")
    chair = group_member_add(
        group=group, actor=owner, data=MemberInput(represents=member_org, user=staff, role="chair")
    )
    rep = group_member_add(
        group=group,
        actor=owner,
        data=MemberInput(represents=other, name="Rosa Pérez", contact="rosa@example.org, +1 512 555 0101"),
    )
    liaison = group_member_add(
        group=group, actor=owner, data=MemberInput(represents=hub, user=owner, role="staff_liaison")
    )
    with scope(organization=hub):
        assert {m.represents for m in group.members.current()} == {member_org, other, hub}
    assert chair.participant_name == "Ana Casa" and rep.participant_name == "Rosa Pérez"
    assert liaison.role == "staff_liaison"
    with scopes_disabled():
        event = AuditEvent.objects.get(action="network.working_group_member.added", object_id=str(rep.pk))
    assert event.data["represents"] == str(other.pk) and event.data["has_contact"] is True
    assert "rosa" not in str(event.data).lower()  # the audit trail never copies contact details


def test_a_representatives_contact_is_encrypted_at_rest(group, owner, member_org):
    rep = group_member_add(
        group=group, actor=owner, data=MemberInput(represents=member_org, name="Rosa", contact="rosa@example.org")
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM network_workinggroupmember WHERE id = %s", [rep.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("alz:1:") and "rosa" not in stored
    assert reload(rep).contact == "rosa@example.org"


@pytest.mark.parametrize(
    ("tier", "status"),
    [
        (Organization.Tier.PARTNER, Organization.Status.ACTIVE),
        (Organization.Tier.MEMBER, Organization.Status.APPLICANT),
        (Organization.Tier.MEMBER, Organization.Status.SUSPENDED),
        (Organization.Tier.MEMBER, Organization.Status.FORMER),
    ],
)
def test_the_organization_represented_must_be_in_the_network(group, owner, tier, status):
    outside = make_organization(slug="outside", name="Outside Clinic", tier=tier, status=status)
    with pytest.raises(GroupError, match="Outside Clinic is not a member of the network"):
        group_member_add(group=group, actor=owner, data=MemberInput(represents=outside, name="Somebody"))
    with scopes_disabled():
        assert not WorkingGroupMember.objects.exists()


def test_a_staff_member_must_work_for_the_organization_they_represent(group, owner, member_org, outsider):
    with pytest.raises(GroupError, match="is not on the staff of Casa de la Esperanza"):
        group_member_add(group=group, actor=owner, data=MemberInput(represents=member_org, user=outsider))


def test_a_member_is_either_a_staff_member_or_a_named_representative(group, owner, member_org):
    with pytest.raises(GroupError, match="Choose a staff member"):
        group_member_add(group=group, actor=owner, data=MemberInput(represents=member_org))
    with pytest.raises(GroupError, match="Choose a staff member"):
        group_member_add(
            group=group, actor=owner, data=MemberInput(represents=group.organization, user=owner, name="X")
        )


def test_a_group_has_one_chair_at_a_time(group, owner, member_org):
    first = group_member_add(group=group, actor=owner, data=MemberInput(represents=member_org, name="A", role="chair"))
    with pytest.raises(GroupError, match="already has a chair"):
        group_member_add(group=group, actor=owner, data=MemberInput(represents=member_org, name="B", role="chair"))
    group_member_remove(member=first, actor=owner)
    group_member_add(group=group, actor=owner, data=MemberInput(represents=member_org, name="B", role="chair"))


def test_the_same_staff_member_sits_once(group, owner):
    group_member_add(group=group, actor=owner, data=MemberInput(represents=group.organization, user=owner))
    with pytest.raises(GroupError, match="already sits on the group"):
        group_member_add(group=group, actor=owner, data=MemberInput(represents=group.organization, user=owner))


def test_a_closed_group_takes_no_new_members(group, owner, member_org):
    group.status = WorkingGroup.Status.CLOSED
    with scopes_disabled():
        group.save()
    with pytest.raises(GroupError, match="closed"):
        group_member_add(group=group, actor=owner, data=MemberInput(represents=member_org, name="A"))


def test_removing_a_member_records_the_day_they_left_and_keeps_the_history(group, owner, member_org):
    member = make_group_member(group, represents=member_org, joined_on=date(2025, 1, 10))
    group_member_remove(member=member, actor=owner)
    member = reload(member)
    assert member.left_on == timezone.localdate() and member.has_left
    with scope(organization=group.organization):
        assert not group.members.current().exists() and group.members.count() == 1
    assert "network.working_group_member.removed" in audit_actions(group.organization)
    with pytest.raises(GroupError, match="already left"):
        group_member_remove(member=member, actor=owner)


def test_nobody_leaves_before_joining(group, owner, member_org):
    member = make_group_member(group, represents=member_org, joined_on=date(2025, 3, 1))
    with pytest.raises(GroupError, match="cannot be before the date they joined"):
        group_member_remove(member=member, actor=owner, left_on=date(2025, 2, 1))
    assert reload(member).left_on is None


def test_an_organization_sees_only_the_groups_it_sits_on(hub, group, member_org, owner):
    other_group = make_group(hub, name=LazyI18nString({"en": "Rapid response"}))
    make_group_member(group, represents=member_org, name="Ana", contact="secret@example.org")
    make_group_member(group, represents=hub, user=owner, role="staff_liaison")
    make_group_member(other_group, represents=hub, name="Hub person")
    seats = groups_of_organization(hub=hub, organization=member_org)
    assert [s.group for s in seats] == [group]
    assert {m.participant_name for m in seats[0].members} == {"Ana", "Olga Owner"}
    assert [m.participant_name for m in seats[0].ours] == ["Ana"]
    gone = make_group_member(other_group, represents=member_org, name="Left", joined_on=date(2024, 1, 1))
    gone.left_on = timezone.localdate() - timedelta(days=1)
    with scopes_disabled():
        gone.save()
    assert [s.group for s in groups_of_organization(hub=hub, organization=member_org)] == [group]


# --- Pages --------------------------------------------------------------------------------


def test_an_organizer_of_the_hub_creates_a_group_and_adds_members(hub, member, member_org, login):
    client = login(member)
    response = client.post(
        "/staff/org-a/network/groups/new/",
        {"kind": "task_force", "name_0": "Rapid response", "name_1": "Respuesta rápida", "purpose_0": "Be there."},
    )
    assert response.status_code == 302
    with scopes_disabled():
        group = WorkingGroup.objects.get()
    assert str(group.name) == "Rapid response" and group.kind == "task_force"
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Add a member" in page.content.decode()

    response = client.post(
        f"/staff/org-a/network/groups/{group.pk}/members/add/",
        {"represents": str(member_org.pk), "name": "Rosa Pérez", "contact": "+1 512 555 0101", "role": "co_chair"},
    )
    assert response.status_code == 302
    page = client.get(f"/staff/org-a/network/groups/{group.pk}/").content.decode()
    assert "Rosa Pérez" in page and "+1 512 555 0101" in page and "Co-chair" in page


def test_a_staff_member_is_found_by_e_mail_only_among_the_organizations_staff(hub, owner, group, member_org, login):
    staff = make_user("ana@casa.example", name="Ana Casa")
    make_membership(member_org, staff, Role.ORGANIZER)
    make_user("stranger@elsewhere.example")
    client = login(owner)
    url = f"/staff/org-a/network/groups/{group.pk}/members/add/"
    response = client.post(url, {"represents": str(member_org.pk), "staff_email": "Ana@Casa.example", "role": "member"})
    assert response.status_code == 302
    # An account that exists elsewhere gets the same answer as one that does not exist.
    for email in ("stranger@elsewhere.example", "nobody@nowhere.example"):
        response = client.post(url, {"represents": str(member_org.pk), "staff_email": email, "role": "member"})
        assert response.status_code == 400
        assert "Casa de la Esperanza has no staff member with this e-mail." in response.content.decode()


def test_the_add_member_form_explains_what_is_wrong_and_keeps_what_was_typed(hub, owner, group, member_org, login):
    client = login(owner)
    url = f"/staff/org-a/network/groups/{group.pk}/members/add/"
    response = client.post(url, {"represents": str(member_org.pk), "name": "", "role": "member"})
    assert response.status_code == 400
    assert "not both" in response.content.decode()
    partner = make_organization(slug="clinic", name="Bridges Clinic", tier=Organization.Tier.PARTNER)
    response = client.post(url, {"represents": str(partner.pk), "name": "Typed Name", "role": "member"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode() and 'value="Typed Name"' in response.content.decode()


def test_validation_errors_are_translated(hub, owner, group, member_org, login):
    client = login(owner)
    response = client.post(
        f"/staff/org-a/network/groups/{group.pk}/members/add/",
        {"represents": str(member_org.pk), "name": "", "role": "member"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 400
    assert "no ambas cosas" in response.content.decode()


def test_removing_a_member_from_the_page(hub, owner, group, member_org, login):
    member = make_group_member(group, represents=member_org, name="Rosa Pérez")
    client = login(owner)
    response = client.post(f"/staff/org-a/network/groups/{group.pk}/members/{member.pk}/leave/", {"left_on": ""})
    assert response.status_code == 302
    assert reload(member).left_on == timezone.localdate()
    page = client.get(f"/staff/org-a/network/groups/{group.pk}/").content.decode()
    assert "Former members" in page


def test_a_member_of_another_group_cannot_be_removed_through_this_one(hub, owner, group, login):
    other = make_group(hub)
    member = make_group_member(other, name="Elsewhere")
    response = login(owner).post(f"/staff/org-a/network/groups/{group.pk}/members/{member.pk}/leave/")
    assert response.status_code == 404
    assert reload(member).left_on is None


def test_member_organizations_have_no_group_management_pages(org_b, outsider, login):
    assert login(outsider).get("/staff/org-b/network/groups/").status_code == 404


def test_a_member_organization_sees_its_groups_read_only_without_contact_details(
    hub, group, owner, org_b, outsider, login
):
    make_group_member(group, represents=org_b, name="Bea Bee", contact="bea-private@example.org", role="chair")
    make_group_member(group, represents=hub, name="Hub Rep", contact="hub-private@example.org")
    make_group(hub, name=LazyI18nString({"en": "Secret other group"}))
    response = login(outsider).get("/staff/org-b/our-groups/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Housing justice" in page and "Bea Bee" in page and "Hub Rep" in page
    assert "private@example.org" not in page and "Secret other group" not in page
    assert "Add a member" not in page


def test_the_menu_shows_group_pages_where_they_exist(hub, owner, org_b, outsider, login):
    assert "/staff/org-a/network/groups/" in login(owner).get("/staff/org-a/").content.decode()
    page = login(outsider).get("/staff/org-b/").content.decode()
    assert "/staff/org-b/our-groups/" in page and "/network/groups/" not in page
