"""Staff pages of events: the list, an event with its shifts, RSVPs and acceptances of the code
of conduct, creating and editing, publishing and cancelling, check-in with walk-ins, the
printable sign-in sheet, and (in the hub) the coalition's code of conduct. Each view names its
one permission and fetches objects with ``get_for_org``."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alianza.core.tenancy import OrgRequest, get_for_org, has_permission, refuse_when_locked, require_permission
from alianza.network.principles import PrinciplesError
from alianza.people.contact import phone_display

from .conduct import conduct_current, conduct_publish
from .events import EventError, event_save, event_set_status, shift_create, shift_delete
from .forms import CheckinSearchForm, ConductForm, EventForm, ShiftForm, WalkInForm, in_zone
from .models import RSVP, CodeOfConductVersion, Event, Shift
from .rsvps import RSVPError, rsvp_cancel, rsvp_check_in, walk_in_check_in
from .sheet import sign_in_sheet_pdf


def _locales(request: OrgRequest) -> list[str]:
    # English, Spanish and the organization's own languages, as on the organization profile.
    return [code for code, _name in settings.LANGUAGES if code in {"en", "es", *request.organization.languages}]


def _event(request: OrgRequest, event_pk: int) -> Event:
    return get_for_org(Event, organization=request.organization, pk=event_pk)


@require_permission("actions:view")
@require_GET
def event_list(request: OrgRequest) -> HttpResponse:
    events = Event.objects.annotate(
        confirmed=Count("rsvps", filter=Q(rsvps__status=RSVP.Status.CONFIRMED)),
        waitlisted=Count("rsvps", filter=Q(rsvps__status=RSVP.Status.WAITLISTED)),
    ).defer("address", "virtual_link")
    upcoming = events.filter(ends_at__gte=timezone.now()).order_by("starts_at", "id")
    past = events.filter(ends_at__lt=timezone.now()).order_by("-starts_at", "-id")[:50]
    context = {
        "upcoming": upcoming,
        "past": past,
        "proposals": [e for e in upcoming if e.status == Event.Status.PROPOSED],
        "can_edit": has_permission(request, "actions:edit"),
        "feed_url": reverse("actions:organization_feed", kwargs={"slug": request.organization.slug}),
    }
    return render(request, "actions/event_list.html", context)


def _event_form_page(request: OrgRequest, form: EventForm, event: Event | None) -> HttpResponse:
    return render(
        request, "actions/event_form.html", {"form": form, "event": event}, status=400 if form.errors else 200
    )


@require_permission("actions:edit")
@require_http_methods(["GET", "POST"])
def event_new(request: OrgRequest) -> HttpResponse:
    instance = Event(organization=request.organization)
    if request.method == "POST":
        form = EventForm(request.POST, instance=instance, locales=_locales(request))
        if form.is_valid():
            try:
                event = event_save(
                    event=form.save(commit=False),
                    actor=request.user,
                    representatives=list(form.cleaned_data["representatives"]),
                    request=request,
                )
            except EventError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Event saved as a draft. Add shifts, then publish it."))
                return redirect(event.get_absolute_url())
        return _event_form_page(request, form, None)
    return _event_form_page(request, EventForm(instance=instance, locales=_locales(request)), None)


@require_permission("actions:edit")
@require_http_methods(["GET", "POST"])
def event_edit(request: OrgRequest, event_pk: int) -> HttpResponse:
    event = _event(request, event_pk)
    if request.method == "POST":
        form = EventForm(request.POST, instance=event, locales=_locales(request))
        if form.is_valid():
            try:
                event_save(
                    event=form.save(commit=False),
                    actor=request.user,
                    representatives=list(form.cleaned_data["representatives"]),
                    request=request,
                )
            except EventError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Event saved."))
                return redirect(event.get_absolute_url())
        return _event_form_page(request, form, event)
    return _event_form_page(request, EventForm(instance=event, locales=_locales(request)), event)


@require_permission("actions:view")
@require_GET
def event_detail(request: OrgRequest, event_pk: int) -> HttpResponse:
    event = _event(request, event_pk)
    rsvps = list(
        RSVP.objects.filter(event=event)
        .select_related("person", "shift", "conduct_version")
        .order_by("status", "created_at", "id")
    )
    shifts = list(Shift.objects.filter(event=event).annotate(
        confirmed=Count("rsvps", filter=Q(rsvps__status=RSVP.Status.CONFIRMED))
    ))  # fmt: skip
    counts = {status: sum(1 for r in rsvps if r.status == status) for status in RSVP.Status.values}
    context = {
        "event": event,
        "rsvps": [r for r in rsvps if r.status != RSVP.Status.CANCELLED],
        "cancelled": [r for r in rsvps if r.status == RSVP.Status.CANCELLED],
        "counts": counts,
        "attended": sum(1 for r in rsvps if r.attended_at),
        "shifts": shifts,
        "representatives": list(event.representatives.order_by("name")),
        "shift_form": ShiftForm(
            initial={
                "starts_at": timezone.make_naive(event.starts_at, event.zone),
                "ends_at": timezone.make_naive(event.ends_at, event.zone),
            }
        ),
        "public_url": request.build_absolute_uri(event.get_public_url()),
        "can_edit": has_permission(request, "actions:edit"),
        "can_checkin": has_permission(request, "actions:checkin"),
        "statuses": _next_statuses(event),
    }
    return render(request, "actions/event_detail.html", context)


def _next_statuses(event: Event) -> list[tuple[str, str]]:
    from .events import TRANSITIONS

    labels = {
        Event.Status.PUBLISHED: _("Approve and publish") if event.status == Event.Status.PROPOSED else _("Publish"),
        Event.Status.DRAFT: _("Back to draft"),
        Event.Status.CANCELLED: _("Cancel the event"),
        Event.Status.DECLINED: _("Decline the proposal"),
    }
    return [(str(to), str(labels[to])) for (frm, to) in sorted(TRANSITIONS) if frm == event.status]


@require_permission("actions:edit")
@require_POST
def event_status(request: OrgRequest, event_pk: int) -> HttpResponse:
    event = _event(request, event_pk)
    status = request.POST.get("status", "")
    if status not in Event.Status.values:
        return HttpResponse(status=400)
    try:
        event = event_set_status(event=event, actor=request.user, status=status, request=request)
    except EventError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The event is now: %(status)s.") % {"status": event.get_status_display()})
    return redirect(event.get_absolute_url())


@require_permission("actions:edit")
@require_POST
def shift_new(request: OrgRequest, event_pk: int) -> HttpResponse:
    event = _event(request, event_pk)
    form = ShiftForm(request.POST)
    if form.is_valid():
        try:
            shift_create(
                event=event,
                actor=request.user,
                role=form.cleaned_data["role"],
                starts_at=in_zone(form.cleaned_data["starts_at"], event.time_zone),
                ends_at=in_zone(form.cleaned_data["ends_at"], event.time_zone),
                capacity=form.cleaned_data["capacity"],
                request=request,
            )
        except EventError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Shift added."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(event.get_absolute_url())


@require_permission("actions:edit")
@require_POST
def shift_remove(request: OrgRequest, event_pk: int, shift_id: int) -> HttpResponse:
    event = _event(request, event_pk)
    shift: Shift = get_for_org(Shift.objects.filter(event=event), organization=request.organization, pk=shift_id)
    shift_delete(shift=shift, actor=request.user, request=request)
    messages.success(request, _("Shift removed."))
    return redirect(event.get_absolute_url())


@require_permission("actions:edit")
@require_POST
def rsvp_cancel_view(request: OrgRequest, event_pk: int, rsvp_id: int) -> HttpResponse:
    event = _event(request, event_pk)
    rsvp: RSVP = get_for_org(RSVP.objects.filter(event=event), organization=request.organization, pk=rsvp_id)
    rsvp_cancel(rsvp=rsvp, actor=request.user, request=request)
    messages.success(request, _("RSVP cancelled. If someone was waiting, they got the place."))
    return redirect(event.get_absolute_url())


def _phones(rsvp: RSVP) -> list[str]:
    return [phone_display(p.number) for p in rsvp.person.phones.all()] if rsvp.person else []


def _checkin_rows(event: Event, q: str) -> list[dict[str, object]]:
    rsvps = (
        RSVP.objects.filter(event=event, person__isnull=False)  # erased people's RSVPs stay only as counts
        .exclude(status=RSVP.Status.CANCELLED)
        .select_related("person", "shift")
    )
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        match = (
            Q(person__given_name__icontains=q)
            | Q(person__family_name__icontains=q)
            | Q(person__preferred_name__icontains=q)
            | Q(email__icontains=q)
            | Q(person__emails__email__icontains=q)
        )
        if len(digits) >= 3:
            match |= Q(person__phones__number__contains=digits)
        rsvps = rsvps.filter(match).distinct()
    rsvps = rsvps.order_by("person__family_name", "person__given_name", "id")[:100]
    return [{"rsvp": r, "phones": _phones(r)} for r in rsvps.prefetch_related("person__phones")]


@require_permission("actions:checkin")
@require_GET
def checkin(request: OrgRequest, event_pk: int) -> HttpResponse:
    event = _event(request, event_pk)
    form = CheckinSearchForm(request.GET or None)
    q = form.cleaned_data["q"].strip() if form.is_valid() else ""
    context = {
        "event": event,
        "form": form,
        "q": q,
        "rows": _checkin_rows(event, q),
        "attended": RSVP.objects.filter(event=event, attended_at__isnull=False).count(),
        "walk_in_form": WalkInForm(initial={"language": request.LANGUAGE_CODE}),
    }
    return render(request, "actions/checkin.html", context)


@require_permission("actions:checkin")
@require_POST
def checkin_mark(request: OrgRequest, event_pk: int, rsvp_id: int) -> HttpResponse:
    event = _event(request, event_pk)
    rsvp: RSVP = get_for_org(RSVP.objects.filter(event=event), organization=request.organization, pk=rsvp_id)
    if rsvp.status == RSVP.Status.CANCELLED:
        raise Http404
    rsvp = rsvp_check_in(rsvp=rsvp, actor=request.user, request=request)
    if request.headers.get("HX-Request"):  # htmx replaces just this person's row
        row = {"rsvp": rsvp, "phones": _phones(rsvp)}
        return render(request, "actions/checkin_row.html", {"event": event, "row": row, "q": ""})
    messages.success(request, _("%(name)s is checked in.") % {"name": rsvp.person})
    url = reverse("actions:checkin", kwargs={"org": request.organization.slug, "event_pk": event.pk})
    q = request.POST.get("q", "").strip()
    return redirect(f"{url}?q={q}" if q else url)


@require_permission("actions:checkin")
@require_POST
def walk_in(request: OrgRequest, event_pk: int) -> HttpResponse:
    event = _event(request, event_pk)
    form = WalkInForm(request.POST)
    if form.is_valid():
        try:
            rsvp = walk_in_check_in(
                event=event,
                actor=request.user,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
                language=form.cleaned_data["language"],
                request=request,
            )
        except RSVPError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(name)s is checked in.") % {"name": rsvp.person})
            return redirect("actions:checkin", org=request.organization.slug, event_pk=event.pk)
    context = {
        "event": event,
        "form": CheckinSearchForm(),
        "q": "",
        "rows": _checkin_rows(event, ""),
        "attended": RSVP.objects.filter(event=event, attended_at__isnull=False).count(),
        "walk_in_form": form,
        "walk_in_open": True,
    }
    return render(request, "actions/checkin.html", context, status=400)


@require_permission("actions:checkin")
@refuse_when_locked
@require_GET
def sign_in_sheet(request: OrgRequest, event_pk: int) -> HttpResponse:
    event = _event(request, event_pk)
    rsvps = list(
        RSVP.objects.filter(event=event, person__isnull=False)
        .exclude(status=RSVP.Status.CANCELLED)
        .select_related("person", "shift")
        .order_by("person__family_name", "person__given_name", "id")
    )
    response = HttpResponse(sign_in_sheet_pdf(event=event, rsvps=rsvps), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sign-in-{event.pk}.pdf"'
    return response


@require_permission("actions:conduct")
@require_http_methods(["GET", "POST"])
def conduct(request: OrgRequest) -> HttpResponse:
    if not request.organization.is_hub:  # the coalition's code is written by the hub only
        raise Http404
    versions = list(CodeOfConductVersion.objects.select_related("published_by"))
    current = versions[0] if versions else None
    locales = _locales(request)
    form = (
        ConductForm(request.POST, locales=locales)
        if request.method == "POST"
        else ConductForm(instance=current, locales=locales)
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = conduct_publish(
                organization=request.organization,
                actor=request.user,
                title=form.cleaned_data["title"],
                text=form.cleaned_data["text"],
                request=request,
            )
        except PrinciplesError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Version %(version)s published.") % {"version": version.version})
            return redirect("actions:conduct", org=request.organization.slug)
    context = {"form": form, "current": current, "versions": versions, "in_use": conduct_current()}
    return render(request, "actions/conduct.html", context, status=400 if form.errors else 200)
