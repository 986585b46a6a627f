"""Staff app: every view names its permission with ``require_permission`` and reads only
inside the organization scope opened by ``OrganizationScopeMiddleware``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from i18nfield.strings import LazyI18nString

from .forms import AuditFilterForm, InvitationForm, OrganizationProfileForm, RoleForm
from .memberships import (
    MembershipError,
    invitation_create,
    invitation_revoke,
    membership_change_role,
    membership_remove,
)
from .models import AuditEvent, Invitation, Membership, Organization
from .organizations import I18N_FIELDS, PROFILE_FIELDS, organization_private_notes_read, organization_update
from .read_audit import recent_flags
from .tenancy import OrgRequest, get_for_org, memberships_for_user, require_permission


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Where staff land after signing in: their organizations, or straight into the one they used last."""
    memberships = memberships_for_user(request.user)
    last = request.session.get("last_organization")
    if len(memberships) == 1 and not request.GET.get("all"):
        return redirect(memberships[0].organization.get_absolute_url())
    return render(request, "core/dashboard.html", {"memberships": memberships, "last": last})


@require_permission("organization:view")
@require_GET
def organization_home(request: OrgRequest) -> HttpResponse:
    org = request.organization
    return render(request, "core/organization_home.html", {"member_count": Membership.objects.count(), "org": org})


@require_permission("organization:edit")
@require_http_methods(["GET", "POST"])
def organization_edit(request: OrgRequest) -> HttpResponse:
    org = request.organization
    # The form works on its own copy, so a rejected edit never shows up in the page header.
    # Text is offered in English, Spanish and the organization's own languages.
    locales = [code for code, _name in settings.LANGUAGES if code in {"en", "es", *org.languages}]
    instance = Organization.objects.get(pk=org.pk)
    if request.method == "POST":  # bound even when empty: a POST never shows the stored notes
        form = OrganizationProfileForm(request.POST, instance=instance, locales=locales)
    else:  # showing the encrypted notes is a read of sensitive data: audited
        instance.private_notes = organization_private_notes_read(organization=org, actor=request.user, request=request)
        form = OrganizationProfileForm(instance=instance, locales=locales)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in PROFILE_FIELDS}
        for name in I18N_FIELDS:  # only the languages the form showed; the others are kept
            changes[name] = LazyI18nString({k: v for k, v in changes[name].data.items() if k in locales})
        organization_update(organization=org, actor=request.user, changes=changes, request=request)
        messages.success(request, _("Profile saved."))
        return redirect("core:organization_edit", org=org.slug)
    return render(request, "core/organization_edit.html", {"form": form}, status=400 if form.errors else 200)


def _member_list_page(request: OrgRequest, form: InvitationForm, *, status: int = 200) -> HttpResponse:
    memberships = Membership.objects.select_related("user").order_by("user__email")
    invitations = Invitation.objects.filter(accepted_at=None, revoked_at=None, expires_at__gt=timezone.now())
    invitations = invitations.select_related("invited_by")
    context = {"memberships": memberships, "invitations": invitations, "form": form, "role_form": RoleForm}
    return render(request, "core/member_list.html", context, status=status)


@require_permission("members:view")
@require_GET
def member_list(request: OrgRequest) -> HttpResponse:
    return _member_list_page(request, InvitationForm())


@require_permission("members:manage")
@require_POST
def member_invite(request: OrgRequest) -> HttpResponse:
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation_create(
                organization=request.organization,
                actor=request.user,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                request=request,
            )
        except MembershipError as exc:
            form.add_error("email", str(exc))
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": form.cleaned_data["email"]})
            return redirect("core:member_list", org=request.organization.slug)
    return _member_list_page(request, form, status=400)


@require_permission("members:manage")
@require_POST
def member_change_role(request: OrgRequest, membership_id: int) -> HttpResponse:
    membership = get_for_org(Membership, organization=request.organization, pk=membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
    else:
        try:
            membership_change_role(
                membership=membership, actor=request.user, role=form.cleaned_data["role"], request=request
            )
            messages.success(request, _("Role changed."))
        except MembershipError as exc:
            messages.error(request, str(exc))
    return redirect("core:member_list", org=request.organization.slug)


@require_permission("members:manage")
@require_POST
def member_remove(request: OrgRequest, membership_id: int) -> HttpResponse:
    membership = get_for_org(Membership, organization=request.organization, pk=membership_id)
    try:
        membership_remove(membership=membership, actor=request.user, request=request)
        messages.success(request, _("Access removed."))
    except MembershipError as exc:
        messages.error(request, str(exc))
    return redirect("core:member_list", org=request.organization.slug)


@require_permission("members:manage")
@require_POST
def invitation_revoke_view(request: OrgRequest, invitation_id: int) -> HttpResponse:
    invitation = get_for_org(Invitation, organization=request.organization, pk=invitation_id)
    try:
        invitation_revoke(invitation=invitation, actor=request.user, request=request)
        messages.success(request, _("Invitation revoked."))
    except MembershipError as exc:
        messages.error(request, str(exc))
    return redirect("core:member_list", org=request.organization.slug)


@require_permission("audit:view")
@require_GET
def audit_list(request: OrgRequest) -> HttpResponse:
    # Everyone who appears in this organization's trail, including people who have since left.
    actors = [
        (str(actor_id), label)
        for actor_id, label in AuditEvent.objects.exclude(actor=None)
        .order_by("actor_label")
        .values_list("actor_id", "actor_label")
        .distinct()
    ]
    actors.append(("system", _("System")))
    form = AuditFilterForm(request.GET or None, actors=actors)
    events = AuditEvent.objects.select_related("actor")
    if form.is_bound and form.is_valid():
        events = form.filter(events)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "flags": list(recent_flags(organization=request.organization)[:20]),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@require_permission("audit:view")
@require_GET
def audit_detail(request: OrgRequest, event_id: int) -> HttpResponse:
    event = get_for_org(AuditEvent, organization=request.organization, pk=event_id)
    return render(request, "core/audit_detail.html", {"event": event})
