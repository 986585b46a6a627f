"""Operator tools: the admin site behind two-factor, and creating an organization with its first admin."""

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django_scopes import scope

from alianza.core.models import AuditEvent, Invitation, Organization
from alianza.core.tests.factories import TEST_PASSWORD, make_user


@pytest.fixture
def operator(db):
    return make_user("operator@alianza.example", is_staff=True, is_superuser=True)


def test_the_admin_login_goes_through_allauth_and_two_factor(client, operator):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    # Django's own admin form (password only) is not reachable.
    client.post("/admin/login/?next=/admin/", {"username": operator.email, "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session


def test_an_operator_with_two_factor_uses_the_admin(login, operator, org_a):
    client = login(operator)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/core/organization/add/").status_code == 200
    assert client.get(f"/admin/core/organization/{org_a.pk}/change/").status_code == 200


def test_staff_who_are_not_operators_cannot_use_the_admin(login, owner):
    response = login(owner).get("/admin/")
    assert response.status_code in (302, 403)
    assert b"Site administration" not in response.content


def test_create_organization_invites_its_first_admin(db, django_capture_on_commit_callbacks):
    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "create_organization",
            "hub",
            "Our Coalition",
            "--tier",
            "hub",
            "--kind",
            "policy",
            "--admin-email",
            "Director@Example.org",
            stdout=out,
        )
    org = Organization.objects.get(slug="hub")
    assert (org.name, org.tier, org.kinds) == ("Our Coalition", "hub", ["policy"])
    with scope(organization=org):
        invitation = Invitation.objects.get()
        assert (invitation.email, invitation.role) == ("director@example.org", "admin")
        assert AuditEvent.objects.filter(action="core.organization.created").count() == 1
    assert mail.outbox[0].to == ["director@example.org"]
    assert "Invitation sent to Director@Example.org" in out.getvalue()


def test_create_organization_explains_bad_input(db):
    call_command("create_organization", "taken", "One", "--admin-email", "a@example.org", stdout=StringIO())
    with pytest.raises(CommandError, match="slug"):
        call_command("create_organization", "taken", "Two", "--admin-email", "b@example.org", stdout=StringIO())
    with pytest.raises(CommandError, match="valid e-mail"):
        call_command("create_organization", "other", "Three", "--admin-email", "nope", stdout=StringIO())


def test_invite_command_sends_a_new_invitation(org_a, owner, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("invite", "org-a", "second@example.org", "--role", "organizer", stdout=StringIO())
    with scope(organization=org_a):
        invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == ("second@example.org", "organizer", None)
    assert mail.outbox[0].to == ["second@example.org"]
    assert "You are invited to work with Organization A" in mail.outbox[0].body


def test_invite_command_explains_mistakes(org_a, owner):
    with pytest.raises(CommandError, match="No organization"):
        call_command("invite", "nope", "x@example.org", stdout=StringIO())
    with pytest.raises(CommandError, match="already has access"):
        call_command("invite", "org-a", owner.email, stdout=StringIO())
