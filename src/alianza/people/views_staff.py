"""Staff pages for people. Reads go through ``access.person_get_for_actor`` (own or shared);
writes through ``operations``."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_scopes import scope

from alianza.core.audit import log_action
from alianza.core.tenancy import OrgRequest, get_for_org, has_permission, require_permission

from .access import grants_of, people_shared_with, person_get_for_actor
from .contact import phone_display
from .custom_fields import custom_fields_of, custom_value_display
from .forms import PersonForm, SearchForm, SharingGrantForm, custom_initial
from .models import Person, SharingGrant
from .operations import (
    PeopleError,
    person_consent,
    person_create,
    person_update,
    sharing_grant_create,
    sharing_grant_revoke,
)
from .panels import person_facts
from .queries import people_search
from .timeline import person_timeline


@require_permission("people:view")
@require_GET
def person_list(request: OrgRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_valid() else ""
    page = Paginator(people_search(q), 50).get_page(request.GET.get("page"))
    if q:  # a search that returns people is a read of people data
        log_action(
            actor=request.user,
            organization=request.organization,
            action="people.person.searched",
            data={"results": page.paginator.count},
            request=request,
        )
    context = {"form": form, "page": page, "q": q, "shared": people_shared_with(request.organization)}
    return render(request, "people/person_list.html", context)


@require_permission("people:edit")
@require_http_methods(["GET", "POST"])
def person_new(request: OrgRequest) -> HttpResponse:
    form = PersonForm(
        request.POST if request.method == "POST" else None,
        organization=request.organization,
        initial={"preferred_language": request.LANGUAGE_CODE},
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = person_create(
                organization=request.organization, actor=request.user, data=form.to_input(), request=request
            )
        except PeopleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Saved."))
            return redirect(person.get_absolute_url())
    return render(
        request, "people/person_form.html", {"form": form, "person": None}, status=400 if form.errors else 200
    )


@require_permission("people:view")
@require_GET
def person_detail(request: OrgRequest, person_id: int) -> HttpResponse:
    access = person_get_for_actor(
        organization=request.organization, actor=request.user, person_id=person_id, request=request
    )
    person = access.person
    if not access.shared:  # opening someone's contact details is audited (DESIGN §5.3)
        log_action(
            actor=request.user,
            organization=request.organization,
            action="people.person.viewed",
            obj=person,
            request=request,
        )
    with scope(organization=person.organization):
        context = {
            "person": person,
            "access": access,
            "emails": list(person.emails.all()),
            "phones": [(p, phone_display(p.number)) for p in person.phones.all()],
            "tags": list(person.tags.all()),
            "consent": person_consent(person),
            # The history tells about other grants and staff: only for the organization holding the record.
            "timeline": person_timeline(person) if not access.shared else [],
            "grants": grants_of(person) if not access.shared else [],
            "notes": person.notes if not access.shared else "",
            # The organization's own fields, like its tags: not for partners.
            "custom": _custom_shown(person) if not access.shared else [],
            # What apps above people add (e.g. the engagement ladder): the holder's own view only.
            "facts": person_facts(person) if not access.shared else [],
        }
    context["can_edit"] = not access.shared and has_permission(request, "people:edit")
    context["can_share"] = not access.shared and has_permission(request, "people:share")
    context["can_subject"] = not access.shared and has_permission(request, "people:subject_requests")
    context["share_form"] = SharingGrantForm(organization=request.organization)
    return render(request, "people/person_detail.html", context)


def _custom_shown(person: Person) -> list[tuple[str, str, bool]]:
    """(label, value as read, archived) for every field the person has a value in, and every
    active field (shown as "—" when empty)."""
    values = person.custom or {}
    return [
        (str(definition.label), custom_value_display(definition, values.get(definition.key)), definition.archived)
        for definition in custom_fields_of(person.organization)
        if not definition.archived or values.get(definition.key) is not None
    ]


def _own_person(request: OrgRequest, person_id: int) -> Person:
    # Partners read through a grant; only the organization that holds the record changes it.
    return get_for_org(Person, organization=request.organization, pk=person_id)


@require_permission("people:edit")
@require_http_methods(["GET", "POST"])
def person_edit(request: OrgRequest, person_id: int) -> HttpResponse:
    person = _own_person(request, person_id)
    if request.method == "POST":
        form = PersonForm(request.POST, organization=request.organization)
        if form.is_valid():
            try:
                person_update(person=person, actor=request.user, data=form.to_input(), request=request)
            except PeopleError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Saved."))
                return redirect(person.get_absolute_url())
    else:
        primary_email = person.emails.filter(is_primary=True).first()
        primary_phone = person.phones.filter(is_primary=True).first()
        consent = person_consent(person)
        form = PersonForm(organization=request.organization, initial={
            **{name: getattr(person, name) for name in (
                "given_name", "family_name", "preferred_name", "pronouns", "preferred_language", "other_languages",
                "street", "city", "county", "state", "zip_code", "notes",
            )},
            "email": primary_email.email if primary_email else "",
            "phone": phone_display(primary_phone.number) if primary_phone else "",
            "whatsapp": primary_phone.whatsapp if primary_phone else False,
            "consent": [channel for channel, yes in consent.items() if yes],
            "tags": list(person.tags.all()),
        })  # fmt: skip
        form.initial.update(custom_initial(form.custom_fields, person.custom or {}))
        if person.notes:
            log_action(
                actor=request.user,
                organization=request.organization,
                action="people.person.viewed",
                obj=person,
                request=request,
            )
    return render(
        request, "people/person_form.html", {"form": form, "person": person}, status=400 if form.errors else 200
    )


@require_permission("people:share")
@require_POST
def person_share(request: OrgRequest, person_id: int) -> HttpResponse:
    person = _own_person(request, person_id)
    form = SharingGrantForm(request.POST, organization=request.organization)
    if form.is_valid():
        until = form.cleaned_data["expires_on"]
        expires_at = timezone.make_aware(datetime.combine(until, time.max)) if until else None
        try:
            sharing_grant_create(
                person=person,
                actor=request.user,
                grantee=form.cleaned_data["grantee"],
                purpose=form.cleaned_data["purpose"],
                expires_at=expires_at,
                person_agreed=form.cleaned_data["person_agreed"],
                request=request,
            )
        except PeopleError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Shared. You can end it at any time."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(person.get_absolute_url())


@require_permission("people:share")
@require_POST
def sharing_grant_revoke_view(request: OrgRequest, person_id: int, grant_id: int) -> HttpResponse:
    person = _own_person(request, person_id)
    grant: SharingGrant = get_for_org(
        SharingGrant.objects.filter(person=person), organization=request.organization, pk=grant_id
    )
    try:
        sharing_grant_revoke(grant=grant, actor=request.user, request=request)
        messages.success(request, _("Sharing ended."))
    except PeopleError as exc:
        messages.error(request, str(exc))
    return redirect(person.get_absolute_url())
