"""Object factories of the core app, registered with the isolation test."""

from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.utils import timezone
from django_scopes import scopes_disabled

from alianza.core.audit import log_action
from alianza.core.models import Invitation, LegalRequest, Membership, Organization, User
from alianza.core.permissions import Role
from alianza.core.testing import isolation
from alianza.core.two_factor import totp_enable

TEST_PASSWORD = "correct horse battery staple"
TEST_TOTP_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"

_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def make_organization(**fields: Any) -> Organization:
    n = _next()
    fields.setdefault("slug", f"org-{n}")
    fields.setdefault("name", f"Organization {n}")
    return Organization.objects.create(**fields)


def make_user(email: str | None = None, *, two_factor: bool = True, **fields: Any) -> User:
    user = User.objects.create_user(email or f"user{_next()}@test.alianza.example", TEST_PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if two_factor:
        totp_enable(user, TEST_TOTP_SECRET)
    return user


@scopes_disabled()
def make_membership(organization: Organization, user: User | None = None, role: str = Role.VIEWER) -> Membership:
    return Membership.objects.create(organization=organization, user=user or make_user(), role=role)


@scopes_disabled()
def make_invitation(
    organization: Organization, *, email: str | None = None, role: str = Role.VIEWER, invited_by: User | None = None
) -> Invitation:
    return Invitation.objects.create(
        organization=organization,
        email=email or f"invitee{_next()}@test.alianza.example",
        role=role,
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=7),
    )


def _membership_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    return make_membership(organization).pk


def _invitation_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    return make_invitation(organization, invited_by=actor).pk


@scopes_disabled()
def _event_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    return log_action(actor=actor, organization=organization, action="core.test.touched").pk


# What each staff page must require: a change of a view's permission must change this too.
for _name, _code in {
    "core:organization_home": "organization:view",
    "core:organization_edit": "organization:edit",
    "core:member_list": "members:view",
    "core:member_invite": "members:manage",
    "core:member_change_role": "members:manage",
    "core:member_remove": "members:manage",
    "core:invitation_revoke": "members:manage",
    "core:audit_list": "audit:view",
    "core:audit_detail": "audit:view",
    "core:legal_request_list": "legal:manage",
    "core:legal_request_create": "legal:manage",
    "core:legal_request_edit": "legal:manage",
    "core:legal_transparency": "legal:manage",
    "core:legal_transparency_csv": "legal:manage",
    "core:lockdown": "lockdown:manage",
    "core:lockdown_lift_request": "lockdown:manage",
    "core:lockdown_lift_approve": "lockdown:manage",
    "core:lockdown_hub_approve": "lockdown:manage",
    "core:retention_settings": "retention:manage",
    "core:api_token_list": "api_tokens:manage",
    "core:api_token_revoke": "api_tokens:manage",
    "core:retention_limits": "retention:limits",
}.items():
    isolation.expect_permission(_name, _code)


def make_hub_organization(organization: Organization) -> Organization:
    organization.tier = Organization.Tier.HUB
    organization.save(update_fields=["tier"])
    return organization


# The retention limits exist only in the hub (404 elsewhere).
isolation.prepare_organizations("core:retention_limits", make_hub_organization)

isolation.register("membership_id", _membership_id)
isolation.register("invitation_id", _invitation_id)
isolation.register("event_id", _event_id)


def make_hub_tier(organization: Organization) -> Organization:
    """The legal-request pages exist in the hub only."""
    organization.tier = Organization.Tier.HUB
    organization.save(update_fields=["tier"])
    return organization


@scopes_disabled()
def make_legal_request(organization: Organization, **fields: Any) -> LegalRequest:
    fields.setdefault("received_on", timezone.localdate())
    fields.setdefault("kind", LegalRequest.Kind.ADMINISTRATIVE_SUBPOENA)
    fields.setdefault("agency", LegalRequest.Agency.FEDERAL_IMMIGRATION)
    fields.setdefault("scope_summary", "Membership records of one member organization")
    return LegalRequest.objects.create(organization=organization, **fields)


def _legal_request_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    return make_legal_request(organization).pk


isolation.register("legal_request_id", _legal_request_id)
isolation.prepare_organizations("core:legal_", make_hub_tier)


@scopes_disabled()
def make_api_token(organization: Organization, user: User | None = None, **fields: Any) -> Any:
    """An API token of ``user`` (an admin of ``organization``, made if not given); returns
    (token, secret)."""
    from alianza.core.api_tokens import api_token_create

    if user is None:
        user = make_membership(organization, role=Role.ADMIN).user
    token, secret = api_token_create(
        organization=organization, user=user, name=fields.pop("name", "Nightly sync"), days=fields.pop("days", 90)
    )
    if fields:
        for key, value in fields.items():
            setattr(token, key, value)
        token.save()
    return token, secret


def _api_token_id(*, organization: Organization, actor: User, values: dict[str, Any]) -> int:
    return make_api_token(organization)[0].pk


isolation.register("api_token_id", _api_token_id)
