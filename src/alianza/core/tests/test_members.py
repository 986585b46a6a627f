"""Inviting colleagues, accepting invitations, changing roles and removing access."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from alianza.core.memberships import (
    MembershipError,
    invitation_accept,
    invitation_create,
    invitation_token,
    membership_change_role,
    membership_remove,
)
from alianza.core.models import AuditEvent, Invitation, Membership, User
from alianza.core.permissions import Role
from alianza.core.tests.factories import TEST_PASSWORD, make_invitation, make_user

NEW_PASSWORD = "Sanctuary-Lantern-2026"


def invite_link(message) -> str:
    match = re.search(r"http://\S+/invite/\S+/", message.body)
    assert match, message.body
    return match.group(0).split("127.0.0.1:8000", 1)[1]


# --- Inviting ---------------------------------------------------------------------------------


def test_an_admin_invites_a_colleague_by_email(login, owner, org_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(owner).post("/staff/org-a/members/invite/", {"email": "New@Example.org", "role": "organizer"})
    assert response.status_code == 302
    with scope(organization=org_a):
        invitation = Invitation.objects.get()
        assert (invitation.email, invitation.role, invitation.invited_by) == ("new@example.org", "organizer", owner)
        assert AuditEvent.objects.filter(action="core.invitation.created", object_id=str(invitation.pk)).count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new@example.org"]
    assert "Organization A" in mail.outbox[0].subject
    assert "/invite/" in mail.outbox[0].body


def test_the_invitation_email_is_in_the_inviters_language(login, owner, django_capture_on_commit_callbacks):
    client = login(owner)
    client.cookies["django_language"] = "es"
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/staff/org-a/members/invite/", {"email": "nueva@example.org", "role": "viewer"})
    assert "Organization A" in mail.outbox[0].subject
    assert "Te invitamos" in mail.outbox[0].subject


def test_inviting_again_replaces_the_open_invitation(owner, org_a):
    first = invitation_create(organization=org_a, actor=owner, email="x@example.org", role="viewer")
    second = invitation_create(organization=org_a, actor=owner, email="X@example.org", role="admin")
    first.refresh_from_db()
    assert first.revoked_at is not None and second.is_open
    with scope(organization=org_a):
        assert AuditEvent.objects.filter(action="core.invitation.revoked", object_id=str(first.pk)).count() == 1


def test_inviting_a_current_member_is_refused(owner, member, org_a):
    with pytest.raises(MembershipError, match="already has access"):
        invitation_create(organization=org_a, actor=owner, email=member.email, role="viewer")


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"email": "not-an-email", "role": "viewer"}, b"Enter a valid email address."),
        ({"email": "a@example.org", "role": "king"}, b"Select a valid choice."),
    ],
)
def test_a_bad_invitation_rerenders_with_the_error_and_what_was_typed(login, owner, data, error):
    response = login(owner).post("/staff/org-a/members/invite/", data)
    assert response.status_code == 400
    assert error in response.content
    assert data["email"].encode() in response.content
    assert len(mail.outbox) == 0


def test_an_organizer_can_see_the_team_but_not_invite(login, member):
    client = login(member)
    assert client.get("/staff/org-a/members/").status_code == 200
    assert client.post("/staff/org-a/members/invite/", {"email": "a@example.org", "role": "admin"}).status_code == 403


def test_a_viewer_cannot_see_the_team(login, readonly_member):
    assert login(readonly_member).get("/staff/org-a/members/").status_code == 403


def test_invite_refuses_get(login, owner):
    assert login(owner).get("/staff/org-a/members/invite/").status_code == 405


def test_an_outsider_cannot_invite_into_another_organization(login, outsider):
    response = login(outsider).post("/staff/org-a/members/invite/", {"email": "spy@example.org", "role": "admin"})
    assert response.status_code == 404


# --- Accepting ----------------------------------------------------------------------------------


def test_a_new_colleague_accepts_sets_a_password_and_must_set_up_two_factor(
    client, owner, org_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_create(organization=org_a, actor=owner, email="new@example.org", role="organizer")
    link = invite_link(mail.outbox[0])
    page = client.get(link)
    assert page.status_code == 200
    assert b"new@example.org" in page.content
    response = client.post(link, {"name": "Nueva Colega", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/staff/org-a/"
    user = User.objects.get(email="new@example.org")
    assert user.name == "Nueva Colega" and user.check_password(NEW_PASSWORD)
    assert user.emailaddress_set.get().verified
    with scope(organization=org_a):
        assert Membership.objects.get(user=user).role == "organizer"
        assert Invitation.objects.get().accepted_by == user
    # Signed in, but no page with people data until two-factor is set up.
    follow = client.get("/staff/org-a/")
    assert follow.status_code == 302 and follow["Location"] == "/accounts/2fa/totp/activate/"
    # ... which opens at once: they have just chosen their password.
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    # The link works once.
    assert client.get(link).status_code == 410


def test_accepting_keeps_what_was_typed_when_the_password_is_weak(client, owner, org_a):
    invitation = make_invitation(org_a, invited_by=owner)
    link = f"/invite/{invitation_token(invitation)}/"
    response = client.post(link, {"name": "Ana", "password1": "12345", "password2": "12345"})
    assert response.status_code == 400
    assert b"too short" in response.content
    assert b'value="Ana"' in response.content
    assert not User.objects.filter(email=invitation.email).exists()


def test_mismatched_passwords_are_refused(client, owner, org_a):
    invitation = make_invitation(org_a, invited_by=owner)
    response = client.post(
        f"/invite/{invitation_token(invitation)}/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"}
    )
    assert response.status_code == 400
    assert b"do not match" in response.content


def test_an_existing_user_signs_in_then_accepts(login, owner, outsider, org_a):
    invitation = make_invitation(org_a, email=outsider.email, role=Role.VIEWER, invited_by=owner)
    link = f"/invite/{invitation_token(invitation)}/"
    anonymous = login(None).get(link)
    assert b"Sign in" in anonymous.content and b"password1" not in anonymous.content
    client = login(outsider)
    assert client.get(link).status_code == 200
    response = client.post(link)
    assert response.status_code == 302
    assert client.get("/staff/org-a/").status_code == 200


def test_an_invitation_for_someone_else_is_refused(login, owner, member, org_a):
    invitation = make_invitation(org_a, email="someone@example.org", invited_by=owner)
    client = login(member)
    link = f"/invite/{invitation_token(invitation)}/"
    assert client.get(link).status_code == 403
    assert client.post(link).status_code == 403


def test_expired_and_revoked_invitations_cannot_be_used(client, owner, org_a):
    expired = make_invitation(org_a, invited_by=owner)
    revoked = make_invitation(org_a, invited_by=owner)
    with scopes_disabled():
        Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
        Invitation.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    for invitation in (expired, revoked):
        assert client.get(f"/invite/{invitation_token(invitation)}/").status_code == 410


def test_a_forged_token_is_not_found(client, owner, org_a):
    invitation = make_invitation(org_a, invited_by=owner)
    token = invitation_token(invitation)
    assert client.get(f"/invite/{token[:-2]}xx/").status_code == 404
    assert client.get("/invite/garbage/").status_code == 404


def test_accepting_requires_the_invited_email(owner, member, org_a):
    invitation = make_invitation(org_a, email="someone@example.org", invited_by=owner)
    with pytest.raises(MembershipError, match="another e-mail"):
        invitation_accept(invitation=invitation, user=member)


# --- Roles and removal ----------------------------------------------------------------------------


def test_an_admin_changes_a_role(login, owner, member, org_a):
    with scope(organization=org_a):
        membership = Membership.objects.get(user=member)
    response = login(owner).post(f"/staff/org-a/members/{membership.pk}/role/", {"role": "viewer"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "viewer"
    with scope(organization=org_a):
        event = AuditEvent.objects.get(action="core.membership.role_changed")
    assert event.data["role"] == ["organizer", "viewer"]
    assert login(member).get("/staff/org-a/members/").status_code == 403  # takes effect at once


def test_the_last_admin_cannot_step_down_or_be_removed(owner, org_a):
    with scope(organization=org_a):
        membership = Membership.objects.get(user=owner)
    with pytest.raises(MembershipError, match="at least one admin"):
        membership_change_role(membership=membership, actor=owner, role="viewer")
    with pytest.raises(MembershipError, match="at least one admin"):
        membership_remove(membership=membership, actor=owner)


def test_removing_access_ends_it_at_once(login, owner, member, org_a):
    with scope(organization=org_a):
        membership = Membership.objects.get(user=member)
    assert login(owner).post(f"/staff/org-a/members/{membership.pk}/remove/").status_code == 302
    assert login(member).get("/staff/org-a/").status_code == 404
    with scope(organization=org_a):
        assert AuditEvent.objects.filter(action="core.membership.removed").count() == 1


def test_an_admin_revokes_an_invitation(login, owner, org_a):
    invitation = make_invitation(org_a, invited_by=owner)
    assert login(owner).post(f"/staff/org-a/invitations/{invitation.pk}/revoke/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_an_admin_of_b_cannot_touch_a_membership_of_a(login, member, outsider, org_a):
    with scope(organization=org_a):
        membership = Membership.objects.get(user=member)
    response = login(outsider).post(f"/staff/org-b/members/{membership.pk}/role/", {"role": "admin"})
    assert response.status_code == 404
    membership.refresh_from_db()
    assert membership.role == "organizer"


def test_member_list_query_count_does_not_grow_with_members(login, owner, org_a, django_assert_max_num_queries):
    from alianza.core.tests.factories import make_membership

    client = login(owner)
    client.get("/staff/org-a/members/")  # warm up session and caches
    with django_assert_max_num_queries(12) as one:
        client.get("/staff/org-a/members/")
    for _ in range(3):
        make_membership(org_a, make_user())
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get("/staff/org-a/members/")


def test_fixture_password_is_used(owner):
    assert owner.check_password(TEST_PASSWORD)


def test_expired_invitations_are_not_listed_as_open(login, owner, org_a):
    expired = make_invitation(org_a, email="late@example.org", invited_by=owner)
    with scopes_disabled():
        Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    make_invitation(org_a, email="pending@example.org", invited_by=owner)
    page = login(owner).get("/staff/org-a/members/")
    assert b"pending@example.org" in page.content
    assert b"late@example.org" not in page.content
