"""The generic isolation test: walks every URL pattern of the project, so apps added later are
covered without writing anything but their isolation factories.

For every staff URL (one that takes the ``org`` keyword) it creates the URL's objects in
organization A and requests it, with GET and POST, as: anonymous (→ sign-in page, never a page),
an admin of organization B (→ 404, as if it did not exist), a viewer, an advocate and an
organizer of A (→ 403 exactly where their role lacks the permission the test states for that
URL, which the view must declare) and an admin of A (→ a page, not a 404). It also replays A's
object ids under B's slug as B's admin (→ 404). Every URL without ``org`` must be declared
public or personal below.
"""

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from alianza.core import permissions
from alianza.core.permissions import Role
from alianza.core.testing import isolation
from alianza.core.tests.factories import make_membership, make_user

# URLs that take no organization: public pages, the user's own account pages (allauth),
# the operators' admin site (superusers only) and Django's language switch.
NON_TENANT_PREFIXES = ("accounts/", "admin/", "i18n/")
NON_TENANT_ROUTES = {
    "",
    "health",
    "invite/<str:token>/",
    "staff/",
    "join/",
    "join/thanks/",
    "members/",
    "members/<slug:slug>/",
    "campaigns/",
    "campaigns/<slug:slug>/",
    "victories/",
    "events/propose/",
    "events/propose/thanks/",
    "events/<slug:slug>/",
    "events/<slug:slug>/calendar.ics",
    "events/<slug:slug>/<str:token>/",
    "events/<slug:slug>/<str:token>/thanks/",
    "events/<slug:slug>/<str:token>/answer/<str:receipt>/",
    "events/<slug:slug>/<str:token>/event.ics",
    "rsvp/<str:token>/",
    "forms/<slug:slug>/<str:token>/",
    "forms/<slug:slug>/<str:token>/thanks/",
    "privacy/request/",
    "privacy/request/sent/",
    "privacy/confirm/<str:token>/",
    "petitions/<slug:slug>/<str:token>/",
    "petitions/<slug:slug>/<str:token>/thanks/",
    "letters/<slug:slug>/<str:token>/",
    "letters/<slug:slug>/<str:token>/thanks/",
}


@dataclass(frozen=True)
class Route:
    route: str
    name: str  # namespaced, e.g. "core:member_list"

    @property
    def kwargs(self) -> list[str]:
        import re

        return re.findall(r"<(?:\w+:)?(\w+)>", self.route)


namespace_of: dict[int, str] = {}


def _walk(patterns: list[Any], prefix: str = "") -> list[Route]:
    routes: list[Route] = []
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace:
                namespace_of[id(p.url_patterns)] = p.namespace
            routes += _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            namespace = f"{namespace_of[id(patterns)]}:" if namespace_of.get(id(patterns)) else ""
            routes.append(Route(prefix + str(p.pattern), namespace + (p.name or "")))
    return routes


ALL_ROUTES = _walk(get_resolver().url_patterns)
TENANT_ROUTES = [r for r in ALL_ROUTES if "org" in r.kwargs]


def _fill(route: str, values: dict[str, Any]) -> str:
    import re

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]), route)


def test_every_route_is_classified():
    unclassified = [
        r.route
        for r in ALL_ROUTES
        if "org" not in r.kwargs and not r.route.startswith(NON_TENANT_PREFIXES) and r.route not in NON_TENANT_ROUTES
    ]
    assert unclassified == [], "Add these routes under /staff/<org>/ or declare them public in test_isolation.py"


def test_every_tenant_route_has_isolation_factories():
    missing = sorted(
        {(kw, r.route) for r in TENANT_ROUTES for kw in r.kwargs if kw != "org" and not isolation.factory_for(kw)}
    )
    assert missing == [], "Register isolation factories (alianza.core.testing.isolation.register) for these"


def test_every_tenant_route_states_its_permission_independently():
    missing = sorted(r.name for r in TENANT_ROUTES if not isolation.expected_permission(r.name))
    assert missing == [], "State each route's permission with isolation.expect_permission(url_name, code)"


def test_there_are_tenant_routes_to_check():
    assert len(TENANT_ROUTES) >= 9  # guards the walk itself: core alone has nine


@pytest.fixture
def world(org_a, org_b, owner, outsider):
    people = {}
    for role in (Role.VIEWER, Role.ADVOCATE, Role.ORGANIZER):
        people[role] = make_user(f"iso-{role}@a.alianza.example")
        make_membership(org_a, people[role], role)
    return people


@pytest.mark.parametrize("route", TENANT_ROUTES, ids=lambda r: r.name)
def test_tenant_route_is_isolated(route, world, org_a, org_b, owner, outsider, login):
    for prepare in isolation.preparations_for(route.name):  # e.g. pages that exist only in the hub
        prepare(org_a)
        prepare(org_b)
    values: dict[str, Any] = {"org": org_a.slug}
    for kw in route.kwargs:
        if kw != "org":
            values[kw] = isolation.factory_for(kw)(organization=org_a, actor=owner, values=dict(values))  # type: ignore[misc]
    url = _fill(route.route, values)

    for method in ("get", "post"):
        anonymous = getattr(login(None), method)(url)
        assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"], (method, url)

        stranger = getattr(login(outsider), method)(url)
        assert stranger.status_code == 404, (method, url, stranger.status_code)

        # The view declares the permission stated for it, and each role without it gets 403.
        required = resolve(url).func.required_permission  # type: ignore[attr-defined]
        assert required == isolation.expected_permission(route.name), (route.name, required)
        for role, person in world.items():
            response = getattr(login(person), method)(url)
            if permissions.role_has(role, required):
                assert response.status_code in (200, 302, 400, 405), (role, method, url, response.status_code)
            else:
                assert response.status_code == 403, (role, method, url, response.status_code)

    admin = login(owner).get(url)
    assert admin.status_code in (200, 405), (url, admin.status_code)

    # A's object ids under B's own slug, as B's admin: must not reach A's objects.
    if len(values) > 1:
        crossed = _fill(route.route, {**values, "org": org_b.slug})
        for method in ("get", "post"):
            response = getattr(login(outsider), method)(crossed)
            assert response.status_code in (404, 405), (method, crossed, response.status_code)


@pytest.mark.parametrize("route", [r for r in ALL_ROUTES if r.route in NON_TENANT_ROUTES], ids=lambda r: r.name)
def test_public_route_never_errors_for_anonymous(route, db, login):
    url = _fill(route.route, {"token": "not-a-real-token", "slug": "not-a-real-slug", "receipt": "not-a-receipt"})
    response = login(None).get(url)
    assert response.status_code in (200, 302, 404), (url, response.status_code)
