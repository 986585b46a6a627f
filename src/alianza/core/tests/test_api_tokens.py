"""API tokens: made by an admin, secret shown once and stored only hashed; authentication
refuses revoked, expired, locked-down, inactive-user and ex-member tokens; a lockdown revokes
every token of the organization for good (also after lifting) and no token can be made while
locked; revoking and making are audited; the page works and shows the secret only once."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from alianza.core.api_tokens import (
    ApiTokenError,
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
)
from alianza.core.lockdown import lockdown_lift_approve, lockdown_lift_request, organization_lock_down
from alianza.core.models import ApiToken, AuditEvent, Lockdown, Membership
from alianza.core.permissions import Role
from alianza.core.tests.factories import make_api_token, make_membership, make_user
from alianza.core.tests.test_sessions import signed_in_client

PAGE = "/staff/{slug}/settings/api-tokens/"


@pytest.fixture
def second_admin(org_a):
    user = make_user("second@a.alianza.example")
    make_membership(org_a, user, Role.ADMIN)
    return user


def test_a_token_works_and_only_its_hash_is_stored(org_a, owner):
    token, secret = api_token_create(organization=org_a, user=owner, name="Voter file sync", days=90)
    assert secret.startswith("alz_") and len(secret) > 40
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    with scopes_disabled():
        assert secret not in str(list(ApiToken.objects.values_list()))
    found = api_token_authenticate(secret)
    assert (found.pk, found.organization, found.user) == (token.pk, org_a, owner)
    assert found.last_used_at is not None
    assert api_token_authenticate(secret[:-1] + ("A" if secret[-1] != "A" else "B")) is None
    assert api_token_authenticate("") is None and api_token_authenticate("Bearer " + secret) is None


def test_only_admins_make_tokens_with_a_name_and_a_known_lifetime(org_a, owner, member):
    with pytest.raises(ApiTokenError, match="Only an admin"):
        api_token_create(organization=org_a, user=member, name="x", days=90)
    with pytest.raises(ApiTokenError, match="what the token is for"):
        api_token_create(organization=org_a, user=owner, name="  ", days=90)
    with pytest.raises(ApiTokenError, match="how long"):
        api_token_create(organization=org_a, user=owner, name="x", days=10_000)
    with scopes_disabled():
        assert not ApiToken.objects.exists()


def test_expired_revoked_inactive_and_former_members_are_refused(org_a, owner, second_admin):
    _expired, expired_secret = make_api_token(org_a, owner, expires_at=timezone.now() - timedelta(seconds=1))
    assert api_token_authenticate(expired_secret) is None

    revoked, revoked_secret = make_api_token(org_a, owner)
    api_token_revoke(token=revoked, actor=second_admin)
    assert api_token_authenticate(revoked_secret) is None
    with pytest.raises(ApiTokenError, match="already revoked"):
        api_token_revoke(token=revoked, actor=second_admin)

    _t, leaver_secret = make_api_token(org_a, second_admin)
    assert api_token_authenticate(leaver_secret) is not None
    with scopes_disabled():
        Membership.objects.filter(organization=org_a, user=second_admin).delete()
    assert api_token_authenticate(leaver_secret) is None

    _t, inactive_secret = make_api_token(org_a, owner)
    owner.is_active = False
    owner.save(update_fields=["is_active"])
    assert api_token_authenticate(inactive_secret) is None


def test_lockdown_revokes_every_token_for_good_and_no_new_one_can_be_made(org_a, org_b, owner, second_admin):
    _a1, secret_1 = make_api_token(org_a, owner)
    _a2, secret_2 = make_api_token(org_a, second_admin, name="Directory reader")
    _b, other_org_secret = make_api_token(org_b)
    lockdown = organization_lock_down(organization=org_a, actor=owner)
    assert lockdown.api_tokens_revoked == 2
    assert api_token_authenticate(secret_1) is None and api_token_authenticate(secret_2) is None
    assert api_token_authenticate(other_org_secret) is not None  # another organization is untouched
    with scopes_disabled():
        reasons = set(ApiToken.objects.filter(organization=org_a).values_list("revoked_reason", flat=True))
        event = AuditEvent.objects.get(organization=org_a, action="core.organization.locked_down")
    assert reasons == {"lockdown"}
    assert event.data["api_tokens_revoked"] == 2
    with pytest.raises(ApiTokenError, match="locked down"):
        api_token_create(organization=org_a, user=owner, name="During the raid", days=30)

    lockdown_lift_request(organization=org_a, actor=owner)
    lockdown_lift_approve(organization=org_a, actor=second_admin)
    # Lifted: the old tokens stay dead; a new one works.
    assert api_token_authenticate(secret_1) is None
    _new, new_secret = api_token_create(organization=org_a, user=owner, name="After", days=30)
    assert api_token_authenticate(new_secret) is not None


def test_a_token_is_refused_while_locked_even_if_not_revoked(org_a, owner):
    """The check reads the lockdown on every call: a token that escaped revocation (made in a
    race, or restored from a backup) is still refused."""
    token, secret = make_api_token(org_a, owner)
    organization_lock_down(organization=org_a, actor=owner)
    with scopes_disabled():
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=None, revoked_reason="")
        assert Lockdown.objects.filter(organization=org_a, lifted_at=None).exists()
    assert api_token_authenticate(secret) is None


def test_making_and_revoking_are_audited_without_the_secret(org_a, owner, second_admin):
    token, secret = api_token_create(organization=org_a, user=owner, name="Nightly", days=30)
    api_token_revoke(token=token, actor=second_admin)
    with scopes_disabled():
        events = list(AuditEvent.objects.filter(organization=org_a, action__startswith="core.api_token."))
    assert sorted(e.action for e in events) == ["core.api_token.created", "core.api_token.revoked"]
    assert all(secret not in str(e.data) and token.token_hash not in str(e.data) for e in events)


def test_the_page_shows_the_secret_once_and_revokes(org_a, owner, login):
    client = login(owner)
    url = PAGE.format(slug=org_a.slug)
    assert client.get(url).status_code == 200
    made = client.post(url, {"name": "Sync with the voter file", "days": "90"})
    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"] or "no-cache" in made["Cache-Control"]
    with scopes_disabled():
        token = ApiToken.objects.get()
    page = made.content.decode()
    secret = page.split('<code class="secret" translate="no">')[1].split("</code>")[0]
    assert api_token_authenticate(secret).pk == token.pk
    assert secret not in client.get(url).content.decode()  # never shown again
    revoked = client.post(f"{url}{token.pk}/revoke/")
    assert revoked.status_code == 302
    assert api_token_authenticate(secret) is None


def test_the_page_explains_bad_input_and_keeps_it(org_a, owner, login):
    response = login(owner).post(PAGE.format(slug=org_a.slug), {"name": "", "days": "7"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Say in a few words what the token is for." in page
    with scopes_disabled():
        assert not ApiToken.objects.exists()


def test_while_locked_the_page_offers_no_form_and_refuses_a_post(org_a, owner, second_admin):
    organization_lock_down(organization=org_a, actor=second_admin)
    client = signed_in_client(owner)  # the lockdown asks for a fresh sign-in with two-factor
    page = client.get(PAGE.format(slug=org_a.slug))
    assert page.status_code == 200
    assert "no token can be made" in page.content.decode()
    response = client.post(PAGE.format(slug=org_a.slug), {"name": "x", "days": "30"})
    assert response.status_code == 400
    with scopes_disabled():
        assert not ApiToken.objects.exists()
