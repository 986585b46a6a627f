"""Working groups, committees and task forces of the network: the hub creates them and seats
members from several member organizations. Every change is audited in the hub's trail; the
audit data never holds a representative's contact details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_scopes import scope
from i18nfield.strings import LazyI18nString

from alianza.core.audit import log_action
from alianza.core.models import Membership, Organization, User

from .models import WorkingGroup, WorkingGroupMember, network_participants


class GroupError(Exception):
    """A change to a working group that cannot be made; the message is shown to the user."""


def _languages(value: LazyI18nString) -> dict[str, str]:
    data = value.data
    if isinstance(data, dict):
        return {lang: text.strip() for lang, text in data.items() if text and text.strip()}
    return {settings.LANGUAGE_CODE: str(data).strip()} if data and str(data).strip() else {}


def _first_error(exc: ValidationError) -> str:
    return str(exc.messages[0]) if exc.messages else str(exc)


def _hub_only(organization: Organization) -> None:
    if not organization.is_hub:
        raise GroupError(_("Only the coalition hub runs working groups and committees."))


def group_create(
    *,
    organization: Organization,
    actor: User,
    kind: str,
    name: LazyI18nString,
    purpose: LazyI18nString,
    request: HttpRequest | None = None,
) -> WorkingGroup:
    _hub_only(organization)
    if not _languages(name):
        raise GroupError(_("Write the name in at least one language."))
    with transaction.atomic(), scope(organization=organization):
        group = WorkingGroup(
            organization=organization,
            kind=kind,
            name=LazyI18nString(_languages(name)),
            purpose=LazyI18nString(_languages(purpose)),
        )
        try:
            group.full_clean()
        except ValidationError as exc:
            raise GroupError(_first_error(exc)) from exc
        group.save()
        log_action(
            actor=actor,
            organization=organization,
            action="network.working_group.created",
            obj=group,
            data={"kind": group.kind, "languages": sorted(_languages(name))},
            request=request,
        )
    return group


def group_update(
    *,
    group: WorkingGroup,
    actor: User,
    kind: str,
    name: LazyI18nString,
    purpose: LazyI18nString,
    status: str,
    request: HttpRequest | None = None,
) -> WorkingGroup:
    if not _languages(name):
        raise GroupError(_("Write the name in at least one language."))
    with transaction.atomic(), scope(organization=group.organization):
        before = {
            "kind": group.kind,
            "status": group.status,
            "name": _languages(group.name),
            "purpose": _languages(group.purpose),
        }
        group.kind = kind
        group.status = status
        group.name = LazyI18nString(_languages(name))
        group.purpose = LazyI18nString(_languages(purpose))
        try:
            group.full_clean()
        except ValidationError as exc:
            raise GroupError(_first_error(exc)) from exc
        after = {"kind": group.kind, "status": group.status, "name": _languages(name), "purpose": _languages(purpose)}
        changed = sorted(k for k in after if after[k] != before[k])
        if not changed:
            return group
        group.save()
        log_action(
            actor=actor,
            organization=group.organization,
            action="network.working_group.updated",
            obj=group,
            data={"changed": changed, "status": group.status},
            request=request,
        )
    return group


@dataclass
class MemberInput:
    """Who sits on a group: a staff ``user`` of ``represents``, or a named representative."""

    represents: Organization
    role: str = WorkingGroupMember.Role.MEMBER
    user: User | None = None
    name: str = ""
    contact: str = ""
    joined_on: date | None = None


def group_member_add(
    *, group: WorkingGroup, actor: User, data: MemberInput, request: HttpRequest | None = None
) -> WorkingGroupMember:
    """Seat someone on ``group``. The organization represented must be the hub or an active
    member of the network; a staff member must work for it; a group has one chair at a time."""
    if group.status != WorkingGroup.Status.ACTIVE:
        raise GroupError(_("This group is closed: open it again before adding members."))
    represents = data.represents
    if not Organization.objects.filter(network_participants(), pk=represents.pk).exists():
        raise GroupError(_("%(org)s is not a member of the network.") % {"org": represents.name})
    if data.user is not None:
        with scope(organization=represents):
            works_there = Membership.objects.filter(organization=represents, user=data.user).exists()
        if not works_there:
            raise GroupError(
                _("%(person)s is not on the staff of %(org)s.")
                % {"person": data.user.name or data.user.email, "org": represents.name}
            )
    with transaction.atomic(), scope(organization=group.organization):
        # One seat per staff member at a time, and one chair: serialise additions to a group.
        WorkingGroup.objects.select_for_update().only("pk").get(pk=group.pk)
        current = WorkingGroupMember.objects.filter(group=group).current()
        if data.user is not None and current.filter(user=data.user).exists():
            raise GroupError(_("This person already sits on the group."))
        if data.role == WorkingGroupMember.Role.CHAIR and current.filter(role=WorkingGroupMember.Role.CHAIR).exists():
            raise GroupError(_("The group already has a chair. Record that they left first, or choose co-chair."))
        member = WorkingGroupMember(
            organization=group.organization,
            group=group,
            represents=represents,
            user=data.user,
            name=data.name.strip(),
            contact=data.contact.strip(),
            role=data.role,
            joined_on=data.joined_on or timezone.localdate(),
        )
        try:
            member.full_clean()
        except ValidationError as exc:
            raise GroupError(_first_error(exc)) from exc
        member.save()
        log_action(
            actor=actor,
            organization=group.organization,
            action="network.working_group_member.added",
            obj=member,
            data={
                "group": group.pk,
                "represents": str(represents.pk),
                "role": member.role,
                "staff_user": data.user.pk if data.user else None,
                "has_contact": bool(member.contact),
            },
            request=request,
        )
    return member


def group_member_remove(
    *, member: WorkingGroupMember, actor: User, left_on: date | None = None, request: HttpRequest | None = None
) -> WorkingGroupMember:
    """Record that a member left (today by default). The row stays, as the group's history."""
    if member.left_on is not None:
        raise GroupError(_("This member has already left the group."))
    day = left_on or timezone.localdate()
    with transaction.atomic(), scope(organization=member.organization):
        member.left_on = day
        try:
            member.full_clean()
        except ValidationError as exc:
            raise GroupError(_first_error(exc)) from exc
        member.save(update_fields=["left_on"])
        log_action(
            actor=actor,
            organization=member.organization,
            action="network.working_group_member.removed",
            obj=member,
            data={"group": member.group_id, "left_on": day.isoformat()},
            request=request,
        )
    return member


@dataclass(frozen=True)
class Seat:
    """A member organization's view of a group it sits on: no contact details."""

    group: WorkingGroup
    members: list[WorkingGroupMember]
    ours: list[WorkingGroupMember]


def groups_of_organization(*, hub: Organization, organization: Organization) -> list[Seat]:
    """The active groups of ``hub`` on which ``organization`` has a current member, with their
    current members (names, organizations and roles; never contact details), for the member
    organization's read-only page."""
    with scope(organization=hub):
        members = list(
            WorkingGroupMember.objects.current()
            .filter(group__status=WorkingGroup.Status.ACTIVE)
            .select_related("group", "represents", "user")
            .defer("contact")
            .order_by("group_id", "role", "id")
        )
    by_group: dict[int, list[WorkingGroupMember]] = {}
    for m in members:
        by_group.setdefault(m.group_id, []).append(m)
    seats = []
    for group_members in by_group.values():
        ours = [m for m in group_members if m.represents_id == organization.pk]
        if ours:
            seats.append(Seat(group=group_members[0].group, members=group_members, ours=ours))
    return sorted(seats, key=lambda s: str(s.group.name).lower())
