"""Tenant isolation in the data layer: scopes, the current organization, the 404 helper."""

import pytest
from django.http import Http404
from django_scopes import scope
from django_scopes.exceptions import ScopeError

from alianza.core.models import Invitation, Membership
from alianza.core.tenancy import get_for_org, memberships_for_user
from alianza.core.tests.factories import make_invitation


def test_an_unscoped_query_on_tenant_data_fails_loudly(owner):
    with pytest.raises(ScopeError):
        list(Membership.objects.all())
    with pytest.raises(ScopeError):
        Invitation.objects.filter(email="x@example.org").exists()


def test_a_scope_shows_only_its_organization(owner, outsider, org_a, org_b):
    with scope(organization=org_a):
        assert [m.user for m in Membership.objects.all()] == [owner]
    with scope(organization=org_b):
        assert [m.user for m in Membership.objects.all()] == [outsider]


def test_get_for_org_404s_for_another_organization(org_a, org_b, owner):
    invitation = make_invitation(org_a)
    with scope(organization=org_a):
        assert get_for_org(Invitation, organization=org_a, pk=invitation.pk) == invitation
    with scope(organization=org_b), pytest.raises(Http404):
        get_for_org(Invitation, organization=org_b, pk=invitation.pk)
    # Even with a wide scope, the explicit organization filter holds.
    with scope(organization=[org_a, org_b]), pytest.raises(Http404):
        get_for_org(Invitation, organization=org_b, pk=invitation.pk)


def test_get_for_org_404s_for_malformed_ids(org_a, owner):
    with scope(organization=org_a), pytest.raises(Http404):
        get_for_org(Invitation, organization=org_a, pk="not-a-number")


def test_memberships_for_user_lists_every_organization_of_that_user_only(owner, outsider, org_b):
    from alianza.core.tests.factories import make_membership

    make_membership(org_b, owner)
    assert sorted(m.organization.slug for m in memberships_for_user(owner)) == ["org-a", "org-b"]
    assert [m.organization.slug for m in memberships_for_user(outsider)] == ["org-b"]


def test_a_member_switches_between_organizations(login, owner, org_b):
    from alianza.core.permissions import Role
    from alianza.core.tests.factories import make_membership

    make_membership(org_b, owner, Role.VIEWER)
    client = login(owner)
    dashboard = client.get("/staff/")
    assert dashboard.status_code == 200
    assert b"/staff/org-a/" in dashboard.content and b"/staff/org-b/" in dashboard.content
    page_a = client.get("/staff/org-a/")
    assert page_a.context["current_organization"].slug == "org-a"
    assert page_a.context["current_membership"].role == "admin"
    page_b = client.get("/staff/org-b/")
    assert page_b.context["current_organization"].slug == "org-b"
    assert page_b.context["current_membership"].role == "viewer"
    assert client.get("/staff/org-b/members/").status_code == 403  # a viewer there


def test_a_member_of_one_organization_goes_straight_to_it(login, member):
    response = login(member).get("/staff/")
    assert response.status_code == 302
    assert response["Location"] == "/staff/org-a/"


def test_a_user_without_organizations_is_told_so(login, db):
    from alianza.core.tests.factories import make_user

    response = login(make_user()).get("/staff/")
    assert response.status_code == 200
    assert b"invite you" in response.content


def _routes(patterns, prefix=""):  # type: ignore[no-untyped-def]
    from django.urls import URLResolver

    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        else:
            yield route, pattern.pattern.regex.groupindex


def test_every_url_that_names_an_organization_is_under_the_prefix_the_middleware_resolves():
    from django.urls import get_resolver

    from alianza.core.tenancy import ORGANIZATION_URL_PREFIX

    routes = list(_routes(get_resolver().url_patterns))
    with_org = [route for route, groups in routes if "org" in groups or "<slug:org>" in route]
    assert len(with_org) > 50  # the staff app
    assert [r for r in with_org if not ("/" + r).startswith(ORGANIZATION_URL_PREFIX)] == []
