"""Staff pages of working groups, committees and task forces. The hub's staff run them
(``network:groups``, pages that exist only in the hub); every organization's staff see the
groups their organization sits on (``network:groups_view``, read-only, no contact details)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_scopes import scope

from alianza.core.models import Membership
from alianza.core.tenancy import OrgRequest, get_for_org, require_hub_permission, require_permission

from .forms import MemberLeaveForm, WorkingGroupForm, WorkingGroupMemberForm
from .groups import (
    GroupError,
    MemberInput,
    group_create,
    group_member_add,
    group_member_remove,
    group_update,
    groups_of_organization,
)
from .hub import the_hub
from .models import WorkingGroup, WorkingGroupMember
from .views_staff import _locales


def _get_group(request: OrgRequest, group_id: int) -> WorkingGroup:
    return get_for_org(WorkingGroup, organization=request.organization, pk=group_id)


@require_hub_permission("network:groups")
@require_GET
def group_list(request: OrgRequest) -> HttpResponse:
    groups = list(WorkingGroup.objects.order_by("status", "kind", "id"))
    counts: dict[int, int] = {}
    for member in WorkingGroupMember.objects.current().only("group_id"):
        counts[member.group_id] = counts.get(member.group_id, 0) + 1
    rows = [(group, counts.get(group.pk, 0)) for group in groups]
    return render(request, "network/group_list.html", {"rows": rows})


@require_hub_permission("network:groups")
@require_http_methods(["GET", "POST"])
def group_new(request: OrgRequest) -> HttpResponse:
    locales = _locales(request)
    form = WorkingGroupForm(request.POST or None, locales=locales, creating=True)
    if request.method == "POST" and form.is_valid():
        try:
            group = group_create(
                organization=request.organization,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
                purpose=form.cleaned_data["purpose"],
                request=request,
            )
        except GroupError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The group is created. Now add its members."))
            return redirect("network:group_detail", org=request.organization.slug, group_id=group.pk)
    return render(request, "network/group_form.html", {"form": form}, status=400 if form.errors else 200)


@require_hub_permission("network:groups")
@require_http_methods(["GET", "POST"])
def group_edit(request: OrgRequest, group_id: int) -> HttpResponse:
    group = _get_group(request, group_id)
    locales = _locales(request)
    if request.method == "POST":
        form = WorkingGroupForm(request.POST, locales=locales)
    else:
        form = WorkingGroupForm(instance=group, locales=locales)
    if request.method == "POST" and form.is_valid():
        try:
            group_update(
                group=group,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"],
                purpose=form.cleaned_data["purpose"],
                status=form.cleaned_data["status"],
                request=request,
            )
        except GroupError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The group is saved."))
            return redirect("network:group_detail", org=request.organization.slug, group_id=group.pk)
    context = {"form": form, "group": group}
    return render(request, "network/group_form.html", context, status=400 if form.errors else 200)


def _group_page(
    request: OrgRequest, group: WorkingGroup, *, form: WorkingGroupMemberForm | None = None, status: int = 200
) -> HttpResponse:
    members = list(group.members.select_related("represents", "user").order_by("left_on", "role", "id"))
    context = {
        "group": group,
        "current": [m for m in members if not m.has_left],
        "former": [m for m in members if m.has_left],
        "form": form or WorkingGroupMemberForm(),
        "leave_form": MemberLeaveForm(),
    }
    return render(request, "network/group_detail.html", context, status=status)


@require_hub_permission("network:groups")
@require_GET
def group_detail(request: OrgRequest, group_id: int) -> HttpResponse:
    return _group_page(request, _get_group(request, group_id))


@require_hub_permission("network:groups")
@require_POST
def group_member_add_view(request: OrgRequest, group_id: int) -> HttpResponse:
    group = _get_group(request, group_id)
    form = WorkingGroupMemberForm(request.POST)
    if form.is_valid():
        represents = form.cleaned_data["represents"]
        user = None
        if form.cleaned_data["staff_email"]:
            # Only among that organization's staff: the page tells nothing about other accounts.
            with scope(organization=represents):
                membership = (
                    Membership.objects.filter(user__email__iexact=form.cleaned_data["staff_email"])
                    .select_related("user")
                    .first()
                )
            user = membership.user if membership else None
        if form.cleaned_data["staff_email"] and user is None:
            form.add_error(
                "staff_email",
                _("%(org)s has no staff member with this e-mail.") % {"org": represents.name},
            )
        else:
            try:
                member = group_member_add(
                    group=group,
                    actor=request.user,
                    data=MemberInput(
                        represents=represents,
                        role=form.cleaned_data["role"],
                        user=user,
                        name=form.cleaned_data["name"],
                        contact=form.cleaned_data["contact"],
                        joined_on=form.cleaned_data["joined_on"],
                    ),
                    request=request,
                )
            except GroupError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("%(name)s is now on the group.") % {"name": member.participant_name})
                return redirect("network:group_detail", org=request.organization.slug, group_id=group.pk)
    return _group_page(request, group, form=form, status=400)


@require_hub_permission("network:groups")
@require_POST
def group_member_remove_view(request: OrgRequest, group_id: int, member_id: int) -> HttpResponse:
    group = _get_group(request, group_id)
    member = get_for_org(group.members.select_related("user"), organization=request.organization, pk=member_id)
    form = MemberLeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a valid date."))
    else:
        try:
            group_member_remove(
                member=member, actor=request.user, left_on=form.cleaned_data["left_on"], request=request
            )
        except GroupError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(name)s has left the group.") % {"name": member.participant_name})
    return redirect("network:group_detail", org=request.organization.slug, group_id=group.pk)


@require_permission("network:groups_view")
@require_GET
def our_groups(request: OrgRequest) -> HttpResponse:
    hub = the_hub()
    if hub is None:
        raise Http404
    seats = groups_of_organization(hub=hub, organization=request.organization)
    return render(request, "network/our_groups.html", {"seats": seats, "hub": hub})
