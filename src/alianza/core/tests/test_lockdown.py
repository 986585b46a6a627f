"""Emergency lockdown: every session of the organization's users ends (and only theirs),
exports and imports are refused, two-factor is required again, the hub is e-mailed, and
lifting takes two admins. Also the ``alianza lockdown`` command."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django_scopes import scopes_disabled

from alianza.core.lockdown import (
    LockdownError,
    lockdown_lift_approve,
    lockdown_lift_request,
    organization_is_locked,
    organization_lock_down,
)
from alianza.core.models import AuditEvent, Lockdown, Organization, User, UserSession
from alianza.core.permissions import Role
from alianza.core.tests.factories import make_membership, make_organization, make_user
from alianza.core.tests.test_sessions import signed_in_client


def actions(organization: Organization) -> list[str]:
    with scopes_disabled():
        return list(AuditEvent.objects.filter(organization=organization).values_list("action", flat=True))


def live_sessions(user: User) -> int:
    return sum(1 for s in Session.objects.all() if str(s.get_decoded().get("_auth_user_id")) == str(user.pk))


@pytest.fixture
def second_admin(org_a: Organization) -> User:
    user = make_user("second-admin@a.alianza.example")
    make_membership(org_a, user, Role.ADMIN)
    return user


@pytest.fixture
def hub() -> Organization:
    return make_organization(slug="the-hub", name="The Hub", tier=Organization.Tier.HUB)


@pytest.fixture
def hub_admin(hub: Organization) -> User:
    user = make_user("director@hub.alianza.example")
    make_membership(hub, user, Role.ADMIN)
    return user


# --- locking down -------------------------------------------------------------------------


def test_locking_down_ends_every_session_of_the_organizations_users_and_only_theirs(
    org_a, org_b, owner, member, readonly_member, outsider, login
):
    both = make_user("both@alianza.example")  # works with A and B: all their sessions end
    make_membership(org_a, both, Role.ORGANIZER)
    make_membership(org_b, both, Role.VIEWER)
    phones = [signed_in_client(u) for u in (owner, member, readonly_member, both)]
    laptop = login(member)  # a second session of the same person
    stranger = signed_in_client(outsider)

    lockdown = organization_lock_down(organization=org_a, actor=owner, reason="Office raided")

    assert [live_sessions(u) for u in (owner, member, readonly_member, both)] == [0, 0, 0, 0]
    assert [p.get("/staff/").status_code for p in [*phones, laptop]] == [302] * 5
    assert live_sessions(outsider) == 1
    assert stranger.get(f"/staff/{org_b.slug}/").status_code == 200
    assert (lockdown.users_signed_out, lockdown.sessions_ended) == (4, 5)
    assert UserSession.objects.filter(user__in=[owner, member, readonly_member, both]).count() == 0


def test_locking_down_marks_the_state_everyone_must_check(org_a, org_b, owner, member, outsider):
    organization_lock_down(organization=org_a, actor=owner)

    assert organization_is_locked(org_a) is True
    assert organization_is_locked(org_b) is False
    org_a.refresh_from_db()
    assert org_a.locked_down_at is not None
    required = dict(User.objects.values_list("email", "two_factor_required_after"))
    assert required[owner.email] == org_a.locked_down_at
    assert required[member.email] == org_a.locked_down_at
    assert required[outsider.email] is None


def test_locking_down_is_audited_without_the_reason(org_a, owner, member):
    organization_lock_down(organization=org_a, actor=owner, reason="Rosa's phone was taken")
    with scopes_disabled():
        event = AuditEvent.objects.get(organization=org_a, action="core.organization.locked_down")
        stored_reason = Lockdown.objects.values_list("reason", flat=True).get()
    assert (event.actor, event.data) == (
        owner,
        {
            "users_signed_out": 2,
            "sessions_ended": 0,
            "api_tokens_revoked": 0,
            "with_reason": True,
        },
    )
    assert "Rosa" not in str(event.data)
    assert "Rosa" not in str(stored_reason)  # the note is encrypted at rest


def test_locking_down_twice_is_refused(org_a, owner):
    organization_lock_down(organization=org_a, actor=owner)
    with pytest.raises(LockdownError, match="already locked down"):
        organization_lock_down(organization=org_a, actor=owner)


def test_only_an_admin_can_lock_down(org_a, member, outsider):
    with pytest.raises(LockdownError):
        organization_lock_down(organization=org_a, actor=member)
    with pytest.raises(LockdownError):
        organization_lock_down(organization=org_a, actor=outsider)
    assert organization_is_locked(org_a) is False


def test_an_old_session_must_pass_two_factor_again(org_a, owner, member, login):
    """A session that survived (say a cache-based engine) or was signed in without two-factor
    after the lockdown is signed out; signing in with two-factor works and clears the mark."""
    organization_lock_down(organization=org_a, actor=owner)
    without_two_factor = login(member)

    response = without_two_factor.get(f"/staff/{org_a.slug}/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    assert without_two_factor.get("/accounts/sessions/").status_code == 302  # signed out

    fresh = signed_in_client(member)
    assert fresh.get(f"/staff/{org_a.slug}/").status_code == 200
    member.refresh_from_db()
    assert member.two_factor_required_after is None


# --- the page -----------------------------------------------------------------------------


def test_the_page_explains_the_consequences_before_locking(org_a, owner, login):
    response = login(owner).get(f"/staff/{org_a.slug}/lockdown/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "signs out everyone" in page and "two-factor" in page and "does not delete" in page
    assert "Lock down now" in page


def test_locking_down_needs_the_confirmation_box(org_a, owner, login):
    response = login(owner).post(f"/staff/{org_a.slug}/lockdown/", {"reason": "x"})
    assert response.status_code == 400
    assert "Tick the box to confirm the lockdown." in response.content.decode()
    assert organization_is_locked(org_a) is False


def test_an_admin_locks_down_from_the_page_and_is_signed_out(org_a, owner, member):
    admin = signed_in_client(owner)
    colleague = signed_in_client(member)

    response = admin.post(f"/staff/{org_a.slug}/lockdown/", {"reason": "", "confirm": "on"})

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    assert organization_is_locked(org_a) is True
    assert admin.get(f"/staff/{org_a.slug}/").status_code == 302
    assert colleague.get(f"/staff/{org_a.slug}/").status_code == 302
    assert actions(org_a).count("core.organization.locked_down") == 1


def test_the_lockdown_page_is_in_the_menu_of_admins_only(org_a, owner, member, login):
    assert f'href="/staff/{org_a.slug}/lockdown/"' in login(owner).get(f"/staff/{org_a.slug}/").content.decode()
    assert f'href="/staff/{org_a.slug}/lockdown/"' not in login(member).get(f"/staff/{org_a.slug}/").content.decode()


@pytest.mark.parametrize("path", ["lockdown/", "lockdown/lift/request/", "lockdown/lift/approve/"])
def test_an_outsider_gets_404(org_a, outsider, login, path):
    assert login(outsider).post(f"/staff/{org_a.slug}/{path}", {"confirm": "on"}).status_code == 404
    assert organization_is_locked(org_a) is False


@pytest.mark.parametrize("path", ["lockdown/", "lockdown/lift/request/", "lockdown/lift/approve/"])
def test_a_viewer_or_organizer_gets_403(org_a, member, readonly_member, login, path):
    assert login(readonly_member).post(f"/staff/{org_a.slug}/{path}", {"confirm": "on"}).status_code == 403
    assert login(member).post(f"/staff/{org_a.slug}/{path}", {"confirm": "on"}).status_code == 403
    assert organization_is_locked(org_a) is False


@pytest.mark.parametrize("path", ["lockdown/lift/request/", "lockdown/lift/approve/", "lockdown/hub-approve/"])
def test_lift_steps_refuse_get_405(org_a, owner, login, path):
    assert login(owner).get(f"/staff/{org_a.slug}/{path}").status_code == 405


def test_the_lockdown_page_refuses_put_405(org_a, owner, login):
    assert login(owner).put(f"/staff/{org_a.slug}/lockdown/").status_code == 405


# --- exports and imports ------------------------------------------------------------------


def _all_patterns(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _all_patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


EXPORT_OR_IMPORT = re.compile(r"export|import|\.csv|sheet|download|rejections")


def test_every_staff_export_and_import_view_refuses_when_locked():
    guarded = {
        route: getattr(p.callback, "refuses_when_locked", False)
        for route, p in _all_patterns(get_resolver().url_patterns)
        if route.startswith("staff/<slug:org>/")
        and EXPORT_OR_IMPORT.search(route + (p.name or ""))
        and not route.endswith("/progress/")  # a progress bar, no data
    }
    assert len(guarded) >= 7
    assert [route for route, ok in guarded.items() if not ok] == []


def test_exports_and_imports_are_refused_while_locked_then_work_again(org_a, owner, second_admin):
    organization_lock_down(organization=org_a, actor=owner)
    client = signed_in_client(owner)

    export = client.post(f"/staff/{org_a.slug}/people/export/", {"file_format": "csv", "q": ""})
    upload = client.get(f"/staff/{org_a.slug}/people/import/")

    assert (export.status_code, upload.status_code) == (423, 423)
    assert "exports, imports and downloads of its data are refused" in export.content.decode()
    assert "Content-Disposition" not in export
    assert "people.export.created" not in actions(org_a)

    lockdown_lift_request(organization=org_a, actor=owner)
    lockdown_lift_approve(organization=org_a, actor=second_admin)

    export = client.post(f"/staff/{org_a.slug}/people/export/", {"file_format": "csv", "q": ""})
    assert export.status_code == 200
    assert export["Content-Disposition"].startswith("attachment")
    assert client.get(f"/staff/{org_a.slug}/people/import/").status_code == 200


def test_the_import_command_is_refused_while_locked(org_a, owner, tmp_path):
    organization_lock_down(organization=org_a, actor=owner)
    people_file = tmp_path / "people.csv"
    people_file.write_text("email\nana@example.org\n")
    with pytest.raises(CommandError, match="is locked down: imports are refused"):
        call_command("import_people", str(people_file), "--org", org_a.slug)


def test_a_locked_organization_does_not_block_another(org_a, org_b, owner, outsider):
    organization_lock_down(organization=org_a, actor=owner)
    response = signed_in_client(outsider).post(f"/staff/{org_b.slug}/people/export/", {"file_format": "csv"})
    assert response.status_code == 200


def test_staff_pages_show_the_lockdown_banner(org_a, owner, member):
    organization_lock_down(organization=org_a, actor=owner)
    page = signed_in_client(member).get(f"/staff/{org_a.slug}/").content.decode()
    assert "is locked down: exports and imports are paused." in page


# --- lifting: two admins ------------------------------------------------------------------


def test_lifting_takes_two_different_admins(org_a, owner, second_admin):
    organization_lock_down(organization=org_a, actor=owner)
    lockdown_lift_request(organization=org_a, actor=owner)

    with pytest.raises(LockdownError, match="A different admin must approve"):
        lockdown_lift_approve(organization=org_a, actor=owner)
    assert organization_is_locked(org_a) is True

    lockdown = lockdown_lift_approve(organization=org_a, actor=second_admin)

    assert organization_is_locked(org_a) is False
    assert (lockdown.lift_requested_by, lockdown.lift_approved_by) == (owner, second_admin)
    assert actions(org_a)[:2] == ["core.organization.lockdown_lifted", "core.lockdown.lift_requested"]


def test_approving_needs_a_request_first(org_a, owner, second_admin):
    organization_lock_down(organization=org_a, actor=owner)
    with pytest.raises(LockdownError, match="No admin has asked"):
        lockdown_lift_approve(organization=org_a, actor=second_admin)


def test_a_non_admin_cannot_approve(org_a, owner, second_admin, member, outsider):
    organization_lock_down(organization=org_a, actor=owner)
    lockdown_lift_request(organization=org_a, actor=owner)
    for person in (member, outsider):
        with pytest.raises(LockdownError):
            lockdown_lift_approve(organization=org_a, actor=person)
    assert organization_is_locked(org_a) is True


def test_the_same_admin_cannot_approve_their_own_request_on_the_page(org_a, owner, second_admin):
    organization_lock_down(organization=org_a, actor=owner)
    admin = signed_in_client(owner)
    admin.post(f"/staff/{org_a.slug}/lockdown/lift/request/")

    response = admin.post(f"/staff/{org_a.slug}/lockdown/lift/approve/", follow=True)

    assert "A different admin must approve" in response.content.decode()
    assert organization_is_locked(org_a) is True
    page = admin.get(f"/staff/{org_a.slug}/lockdown/").content.decode()
    assert "You cannot approve your own request." in page

    other = signed_in_client(second_admin)
    assert "Approve: lift the lockdown" in other.get(f"/staff/{org_a.slug}/lockdown/").content.decode()
    other.post(f"/staff/{org_a.slug}/lockdown/lift/approve/")
    assert organization_is_locked(org_a) is False


def test_with_a_single_admin_a_hub_admin_approves(org_a, owner, hub, hub_admin, outsider):
    organization_lock_down(organization=org_a, actor=owner)
    lockdown_lift_request(organization=org_a, actor=owner)
    with pytest.raises(LockdownError):  # an admin of another member organization may not
        lockdown_lift_approve(organization=org_a, actor=outsider)

    director = signed_in_client(hub_admin)
    page = director.get(f"/staff/{hub.slug}/lockdown/").content.decode()
    assert "Organization A, asked by owner@a.alianza.example" in page
    director.post(f"/staff/{hub.slug}/lockdown/hub-approve/", {"organization": org_a.slug})

    assert organization_is_locked(org_a) is False
    with scopes_disabled():
        assert Lockdown.objects.get().lift_approved_by == hub_admin


def test_a_hub_admin_cannot_approve_when_the_organization_has_two_admins(org_a, owner, second_admin, hub, hub_admin):
    organization_lock_down(organization=org_a, actor=owner)
    lockdown_lift_request(organization=org_a, actor=owner)
    with pytest.raises(LockdownError):
        lockdown_lift_approve(organization=org_a, actor=hub_admin)


def test_hub_approval_from_a_member_organization_is_refused(org_a, org_b, owner, outsider):
    organization_lock_down(organization=org_a, actor=owner)
    lockdown_lift_request(organization=org_a, actor=owner)
    response = signed_in_client(outsider).post(
        f"/staff/{org_b.slug}/lockdown/hub-approve/", {"organization": org_a.slug}, follow=True
    )
    assert response.status_code == 200
    assert organization_is_locked(org_a) is True


# --- the hub is told, through the task queue and a real SMTP server --------------------------


def test_the_hub_admins_are_emailed(
    org_a, owner, second_admin, hub, hub_admin, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        organization_lock_down(organization=org_a, actor=owner, reason="Rosa's phone was taken")

    assert [m["To"] for m in smtp_server.messages] == [hub_admin.email]
    message = smtp_server.messages[0]
    assert message["Subject"] == "[Alianza] Organization A is locked down"
    body = message.get_content()
    assert "owner@a.alianza.example locked down Organization A" in body
    assert "Rosa" not in body  # the note stays in the system
    assert f"/staff/{hub.slug}/lockdown/" in body

    with django_capture_on_commit_callbacks(execute=True):
        lockdown_lift_request(organization=org_a, actor=owner)
    assert sorted(m["To"] for m in smtp_server.messages[1:]) == sorted([hub_admin.email, second_admin.email])

    with django_capture_on_commit_callbacks(execute=True):
        lockdown_lift_approve(organization=org_a, actor=second_admin)
    assert smtp_server.messages[-1]["Subject"] == "[Alianza] Organization A: the lockdown is lifted"


def test_a_notice_is_sent_once_even_if_the_task_runs_again(
    org_a, owner, hub, hub_admin, smtp_server, django_capture_on_commit_callbacks
):
    from alianza.core.tasks import send_lockdown_notice

    with django_capture_on_commit_callbacks(execute=True):
        lockdown = organization_lock_down(organization=org_a, actor=owner)
    again = send_lockdown_notice.call(lockdown_id=lockdown.pk, organization_id=str(org_a.pk), kind="locked")
    assert (again, len(smtp_server.messages)) == (0, 1)


# --- the command ---------------------------------------------------------------------------


def test_the_command_locks_down_and_lifts_with_two_people(org_a, owner, second_admin, member, capsys):
    phone = signed_in_client(member)

    call_command("lockdown", "--org", org_a.slug, "--reason", "raid")
    assert organization_is_locked(org_a) is True
    assert phone.get("/staff/").status_code == 302
    assert "is locked down: 3 people signed out" in capsys.readouterr().out

    with pytest.raises(CommandError, match="--approved-by"):
        call_command("lockdown", "--org", org_a.slug, "--lift")
    with pytest.raises(CommandError, match="--requested-by"):
        call_command("lockdown", "--org", org_a.slug, "--lift", "--approved-by", second_admin.email)
    with pytest.raises(CommandError, match="A different admin must approve"):
        call_command(
            "lockdown", "--org", org_a.slug, "--lift", "--requested-by", owner.email, "--approved-by", owner.email
        )
    assert organization_is_locked(org_a) is True

    with scopes_disabled():
        assert Lockdown.objects.get().lift_requested_at is None  # the refused attempt left nothing

    call_command(
        "lockdown", "--org", org_a.slug, "--lift", "--requested-by", owner.email, "--approved-by", second_admin.email
    )

    assert organization_is_locked(org_a) is False
    with scopes_disabled():
        lockdown = Lockdown.objects.get()
    assert (lockdown.started_by, lockdown.lift_requested_by, lockdown.lift_approved_by) == (None, owner, second_admin)
    assert actions(org_a)[:3] == [
        "core.organization.lockdown_lifted",
        "core.lockdown.lift_requested",
        "core.organization.locked_down",
    ]


def test_the_command_reports_status_and_unknown_organizations(org_a, owner, capsys):
    call_command("lockdown", "--org", org_a.slug, "--status")
    assert "is not locked down" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No organization"):
        call_command("lockdown", "--org", "nope")


def test_a_client_without_session_is_unaffected(org_a, owner):
    organization_lock_down(organization=org_a, actor=owner)
    assert Client().get("/").status_code == 200
