"""The emergency lockdown page of an organization (admins only): lock down with a clear
confirmation, ask to lift it, approve a colleague's request. In the hub, its admins also
approve lifting for organizations that have a single admin."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from .forms_lockdown import HubApproveForm, LockdownForm
from .lockdown import (
    LockdownError,
    lockdown_lift_approve,
    lockdown_lift_request,
    lockdown_may_approve,
    lockdowns_waiting_for_hub,
    open_lockdown,
    organization_admins,
    organization_lock_down,
)
from .models import Lockdown, Organization
from .tenancy import OrgRequest, require_permission


def _page(request: OrgRequest, form: LockdownForm, *, status: int = 200) -> HttpResponse:
    organization = request.organization
    lockdown = open_lockdown(organization)
    context = {
        "form": form,
        "lockdown": lockdown,
        "admin_count": len(organization_admins(organization)),
        "may_approve": lockdown is not None and lockdown_may_approve(lockdown=lockdown, user=request.user),
        "past": Lockdown.objects.exclude(lifted_at=None).select_related("started_by", "lift_approved_by")[:10],
        "waiting_for_hub": lockdowns_waiting_for_hub() if organization.is_hub else [],
    }
    return render(request, "core/lockdown.html", context, status=status)


@require_permission("lockdown:manage")
@require_http_methods(["GET", "POST"])
def lockdown_page(request: OrgRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, LockdownForm())
    form = LockdownForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        organization_lock_down(
            organization=request.organization,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except LockdownError as exc:
        messages.error(request, str(exc))
        return redirect("core:lockdown", org=request.organization.slug)
    # Our own session was ended with everyone's: finish signing out this browser.
    logout(request)
    messages.warning(
        request,
        _("%(name)s is locked down. Everyone was signed out, you too. Sign in again with two-factor.")
        % {"name": request.organization.name},
    )
    return redirect("account_login")


@require_permission("lockdown:manage")
@require_POST
def lift_request(request: OrgRequest) -> HttpResponse:
    try:
        lockdown_lift_request(organization=request.organization, actor=request.user, request=request)
        messages.success(request, _("Your request is recorded. A second admin must now approve it."))
    except LockdownError as exc:
        messages.error(request, str(exc))
    return redirect("core:lockdown", org=request.organization.slug)


@require_permission("lockdown:manage")
@require_POST
def lift_approve(request: OrgRequest) -> HttpResponse:
    try:
        lockdown_lift_approve(organization=request.organization, actor=request.user, request=request)
        messages.success(request, _("The lockdown is lifted. Exports and imports work again."))
    except LockdownError as exc:
        messages.error(request, str(exc))
    return redirect("core:lockdown", org=request.organization.slug)


@require_permission("lockdown:manage")
@require_POST
def hub_approve(request: OrgRequest) -> HttpResponse:
    """A hub admin approves lifting another organization's lockdown (one with a single admin)."""
    form = HubApproveForm(request.POST)
    organization = (
        Organization.objects.filter(slug=form.cleaned_data["organization"]).first() if form.is_valid() else None
    )
    if not request.organization.is_hub or organization is None:
        messages.error(request, _("Choose an organization from the list."))
        return redirect("core:lockdown", org=request.organization.slug)
    try:
        lockdown_lift_approve(organization=organization, actor=request.user, request=request)
        messages.success(request, _("The lockdown of %(name)s is lifted.") % {"name": organization.name})
    except LockdownError as exc:
        messages.error(request, str(exc))
    return redirect("core:lockdown", org=request.organization.slug)
