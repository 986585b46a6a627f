"""Sign-ins, failures, sign-outs and password/two-factor changes land in the audit trail of
each organization the person works with."""

from django_scopes import scope

from alianza.core.models import AuditEvent
from alianza.core.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, make_membership, make_user
from alianza.core.two_factor import totp_code


def actions(org):
    with scope(organization=org):
        return [e.action for e in AuditEvent.objects.order_by("id")]


def test_a_full_sign_in_is_recorded_with_the_address(client, owner, org_a):
    client.post("/accounts/login/", {"login": owner.email, "password": TEST_PASSWORD}, REMOTE_ADDR="203.0.113.5")
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(TEST_TOTP_SECRET)}, REMOTE_ADDR="203.0.113.5")
    assert actions(org_a) == ["core.user.signed_in"]
    with scope(organization=org_a):
        assert AuditEvent.objects.get().ip_address == "203.0.113.5"


def test_failures_are_recorded_without_the_password(client, owner, org_a):
    client.post("/accounts/login/", {"login": owner.email, "password": "guess-1"})
    client.post("/accounts/login/", {"login": owner.email, "password": TEST_PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert actions(org_a) == ["core.user.sign_in_failed", "core.user.two_factor_failed"]
    with scope(organization=org_a):
        assert "guess-1" not in str(list(AuditEvent.objects.values_list("data", flat=True)))


def test_unknown_addresses_leave_no_trace(client, owner, org_a):
    client.post("/accounts/login/", {"login": "nobody@example.org", "password": "x"})
    assert actions(org_a) == []


def test_sign_out_and_password_change(login, owner, org_a):
    client = login(owner)
    client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})
    new = "Another-Long-Passphrase-9"
    client.post("/accounts/password/change/", {"oldpassword": TEST_PASSWORD, "password1": new, "password2": new})
    assert "core.user.password_changed" in actions(org_a)
    owner.refresh_from_db()  # the new password changed the session hash
    client = login(owner)
    client.post("/accounts/logout/")
    assert actions(org_a)[-1] == "core.user.signed_out"


def test_every_organization_of_the_person_sees_it(client, owner, org_a, org_b):
    make_membership(org_b, owner)
    client.post("/accounts/login/", {"login": owner.email, "password": "wrong"})
    assert actions(org_a) == actions(org_b) == ["core.user.sign_in_failed"]


def test_setting_up_two_factor_is_recorded(client, org_a, django_capture_on_commit_callbacks):
    user = make_user("fresh@a.alianza.example", two_factor=False)
    make_membership(org_a, user)
    client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})
    secret = client.get("/accounts/2fa/totp/activate/").context["form"].secret
    with django_capture_on_commit_callbacks(execute=True):  # allauth announces it after commit
        client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert "core.user.two_factor_added" in actions(org_a)


def test_confirming_an_address_is_recorded(client, org_a):
    import re

    from django.core import mail

    from alianza.core.models import User

    user = User.objects.create_user("unverified@a.alianza.example", TEST_PASSWORD)
    make_membership(org_a, user)
    client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    client.post(link)
    with scope(organization=org_a):
        event = AuditEvent.objects.get(action="core.user.email_confirmed")
    assert event.data == {"email": "unverified@a.alianza.example"}
