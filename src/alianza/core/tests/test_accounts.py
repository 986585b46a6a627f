"""Staff sign-in: e-mail + password, then two-factor; rate limits; idle sessions; password
reset and e-mail verification through a real SMTP server."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.sessions.models import Session
from django.core import mail
from django.utils import timezone

from alianza.core.models import User
from alianza.core.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET, make_membership, make_user
from alianza.core.two_factor import totp_code


def sign_in(client, email, password=TEST_PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_password_alone_does_not_sign_in_a_user_with_two_factor(client, owner):
    response = sign_in(client, owner.email)
    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert client.get("/staff/org-a/").status_code == 302  # still signed out


def test_the_second_factor_completes_sign_in(client, owner):
    sign_in(client, owner.email)
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(TEST_TOTP_SECRET)})
    assert response.status_code == 302
    assert client.get("/staff/org-a/").status_code == 200


def test_a_wrong_code_is_refused(client, owner):
    sign_in(client, owner.email)
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert response.status_code == 200
    assert b"Incorrect code" in response.content
    assert client.get("/staff/org-a/").status_code == 302


def test_a_wrong_password_gets_a_clear_error(client, owner):
    response = sign_in(client, owner.email, "wrong password")
    assert response.status_code == 200
    assert b"The email address and/or password you specified are not correct." in response.content


def test_staff_without_two_factor_must_set_it_up_before_any_staff_page(client, org_a):
    user = make_user("no2fa@a.alianza.example", two_factor=False)
    make_membership(org_a, user, "admin")
    assert sign_in(client, user.email).status_code == 302
    for url in ("/staff/", "/staff/org-a/", "/staff/org-a/audit/", "/admin/"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/accounts/2fa/totp/activate/", url
    # allauth asks for the password once more before any change to two-factor.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    assert client.get("/").status_code == 200  # the public site stays reachable


def test_setting_up_totp_opens_the_staff_pages(client, org_a):
    user = make_user("setup@a.alianza.example", two_factor=False)
    make_membership(org_a, user, "viewer")
    sign_in(client, user.email)
    client.post("/accounts/reauthenticate/", {"password": TEST_PASSWORD})
    page = client.get("/accounts/2fa/totp/activate/")
    secret = page.context["form"].secret
    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get("/staff/org-a/").status_code == 200


def test_failed_sign_ins_are_rate_limited(client, owner):
    for _ in range(5):
        assert sign_in(client, owner.email, "wrong password").status_code == 200
    blocked = sign_in(client, owner.email, TEST_PASSWORD)  # even the right password, for a while
    assert blocked.status_code == 200
    assert b"Too many failed login attempts" in blocked.content
    assert "_auth_user_id" not in client.session


def test_there_is_no_open_sign_up(client, db):
    response = client.post(
        "/accounts/signup/", {"email": "x@example.org", "password1": "Abc-123-xyz!", "password2": "Abc-123-xyz!"}
    )
    assert not User.objects.filter(email="x@example.org").exists()
    assert b"Sign Up Closed" in response.content


def test_sessions_expire_after_inactivity(client, owner, settings):
    client.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    assert client.get("/staff/org-a/").status_code == 200
    session = Session.objects.get()
    first_expiry = session.expire_date
    assert first_expiry <= timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE + 5)
    # Activity pushes the expiry forward ...
    Session.objects.filter(pk=session.pk).update(expire_date=first_expiry - timedelta(seconds=60))
    client.get("/staff/org-a/")
    assert Session.objects.get().expire_date > first_expiry - timedelta(seconds=60)
    # ... inactivity ends the session.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/staff/org-a/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_idle_timeout_defaults_to_thirty_minutes(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_password_reset_mail_goes_through_smtp_and_works(client, owner, smtp_server):
    response = client.post("/accounts/password/reset/", {"email": owner.email})
    assert response.status_code == 302
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["To"] == owner.email
    body = message.get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    new_password = "Lantern-River-Bridge-77"
    done = client.post(form.redirect_chain[-1][0], {"password1": new_password, "password2": new_password})
    assert done.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(new_password)


def test_password_reset_does_not_reveal_who_has_an_account(client, owner):
    known = client.post("/accounts/password/reset/", {"email": owner.email})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])


def test_an_unverified_address_must_be_verified_before_signing_in(client, db):
    # e.g. an operator made with `createsuperuser`: no verified address yet.
    user = User.objects.create_user("operator@alianza.example", TEST_PASSWORD)
    response = sign_in(client, user.email)
    assert response.status_code == 302 and response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[-1].body).group(1)
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert sign_in(client, user.email).status_code == 302
    assert "_auth_user_id" in client.session


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/password/reset/"])
def test_sign_in_pages_use_the_alianza_layout(client, db, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b'class="language-form"' in response.content
    assert b"Sign Up" not in response.content
