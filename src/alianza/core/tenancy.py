"""Tenant isolation: the current organization of a request, the scope around it, the one
permission decorator for staff views, and the one helper that fetches an organization's
object or 404s.

Staff URLs carry the organization's slug as the ``org`` URL keyword. The middleware looks it
up, checks the user's membership and, only for a member, runs the request inside
``scope(organization=...)``. Everywhere else no scope is active, so any query on scoped data
raises ``ScopeError`` instead of quietly reading every tenant's rows.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import Resolver404, resolve
from django_scopes import scope, scopes_disabled

from . import permissions
from .models import Membership, Organization, User

M = TypeVar("M", bound=models.Model)

# Every URL that names an organization (the ``org`` keyword) is a staff URL under this prefix
# (test_tenancy checks every URL pattern). Other paths (the public pages, an RSVP) are not
# resolved a second time here: on the public event page that was a third of its cost. A URL
# with ``org`` elsewhere would fail closed: no scope, and require_permission answers 404.
ORGANIZATION_URL_PREFIX = "/staff/"


class OrgRequest(HttpRequest):
    """A request to a staff view of one organization, after ``require_permission``."""

    user: User  # type: ignore[assignment]  # narrowed: signed in
    organization: Organization
    membership: Membership


def memberships_for_user(user: Any) -> list[Membership]:
    """All of a user's memberships, across organizations (for the switcher).

    Deliberately unscoped: it is filtered by the user, and it is what decides which
    organization's scope a request may enter."""
    if not user.is_authenticated:
        return []
    with scopes_disabled():
        return list(Membership.objects.filter(user=user).select_related("organization").order_by("organization__name"))


def membership_for(user: Any, organization: Organization) -> Membership | None:
    if not user.is_authenticated:
        return None
    return Membership.objects.with_scope(organization=organization).filter(user=user).first()


class OrganizationScopeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organization = None  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        if not request.path_info.startswith(ORGANIZATION_URL_PREFIX):
            return self.get_response(request)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        slug = match.kwargs.get("org")
        if not slug:
            return self.get_response(request)
        organization = Organization.objects.filter(slug=slug).first()
        membership = membership_for(request.user, organization) if organization else None
        if organization is None or membership is None:
            # Not a member: no scope is opened, and require_permission answers 404.
            return self.get_response(request)
        request.organization = organization  # type: ignore[attr-defined]
        request.membership = membership  # type: ignore[attr-defined]
        if hasattr(request, "session"):
            request.session["last_organization"] = organization.slug
        with scope(organization=organization):
            return self.get_response(request)


def require_permission(code: str) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """Declare the permission a staff view needs in the organization named by the URL.

    Anonymous → login page; not a member (or no such organization) → 404, so outsiders cannot
    tell whether it exists; a member whose role lacks the permission → 403."""
    permissions.get(code)  # an unknown permission fails at import time

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, org: str, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            organization = getattr(request, "organization", None)
            membership = getattr(request, "membership", None)
            if organization is None or membership is None or organization.slug != org:
                raise Http404
            if not permissions.role_has(membership.role, code):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.required_permission = code  # type: ignore[attr-defined]
        return wrapper

    return decorator


def require_hub_permission(code: str) -> Callable[[Callable[..., HttpResponseBase]], Callable[..., HttpResponseBase]]:
    """``require_permission(code)`` for a page that exists only in the hub: a member of any
    other organization gets 404, whatever their role (the network's, the board's and core's hub
    pages). Anonymous users and outsiders are answered by ``require_permission`` (sign-in page,
    404)."""

    def decorator(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
        guarded = require_permission(code)(view)

        @wraps(guarded)  # keeps ``required_permission``
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            organization = getattr(request, "organization", None)
            if organization is not None and not organization.is_hub:
                raise Http404
            return guarded(request, *args, **kwargs)

        return wrapper

    return decorator


def refuse_when_locked(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Put under ``require_permission`` on every view that lets data out of an organization or
    into it (exports, imports, downloads): while the organization is locked down
    (``core/lockdown.py``) it answers 423 with a page that says why, instead of the view."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        from .lockdown import organization_is_locked

        organization = getattr(request, "organization", None)
        if organization is not None and organization_is_locked(organization):
            return render(request, "core/lockdown_refused.html", status=423)
        return view(request, *args, **kwargs)

    wrapper.refuses_when_locked = True  # type: ignore[attr-defined]
    return wrapper


def has_permission(request: HttpRequest, code: str) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and permissions.role_has(membership.role, code)


def get_for_org(queryset: models.QuerySet[M] | type[M], *, organization: Organization, **lookups: Any) -> M:
    """Fetch one object of ``organization`` or raise 404, whether it is missing, malformed
    or another organization's."""
    qs = queryset._default_manager.all() if isinstance(queryset, type) else queryset
    try:
        return get_object_or_404(qs.filter(organization=organization), **lookups)
    except (ValueError, ValidationError):
        raise Http404 from None
