"""Public pages of events: an organization's upcoming public events and their calendar feed, an
event's page with its RSVP form, the person's own RSVP page (signed link, one-click cancel), and
the form where a member or volunteer proposes an event. No account needed.

Safety (DESIGN §5.7): CSRF on every form, a rate limit per client address, the honeypot, and no
enumeration: whatever is sent (a new person, a known e-mail, a repeated RSVP, a bot), the answer
is the same thank-you page. The street address (when the event hides it) and the online link
are never in these pages' HTML: only in the confirmation e-mail and on the RSVP's own page,
once the RSVP is confirmed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_scopes import scope

from alianza.core.models import Organization
from alianza.core.tenancy import memberships_for_user
from alianza.network.hub import the_hub
from alianza.network.ratelimit import rate_limit_hit
from alianza.people.intake import IntakeError

from . import page_cache
from .conduct import conduct_changed_message, conduct_current
from .events import EventError, event_propose
from .forms import CONSENT_FIELDS, ProposalForm, RSVPForm, language_choices
from .ical import event_ics, organization_feed_ics
from .models import RSVP, CodeOfConductVersion, Event, RSVPSubmission, Shift
from .rsvp_answers import refusal_message, rsvp_receive, rsvps_allocate
from .rsvps import RSVPError, rsvp_cancel, rsvp_from_token

PUBLIC_STATUSES = (Event.Status.PUBLISHED, Event.Status.CANCELLED)


def _organization(slug: str) -> Organization:
    return get_object_or_404(Organization.objects.filter(status=Organization.Status.ACTIVE), slug=slug)


def _visible_event(request: HttpRequest, slug: str, token: str, *, count_confirmed: bool = False) -> Event:
    """The event behind a share link, if this visitor may see it: published (or cancelled, to
    say so); members-only events to signed-in staff of the coalition's organizations. 404 for
    anything else, so a wrong link tells nothing. With ``count_confirmed``, the event carries
    ``confirmed_count`` (its confirmed RSVPs), read in the same query."""
    organization = _organization(slug)
    with scope(organization=organization):
        events = Event.objects.filter(token=token, status__in=PUBLIC_STATUSES).defer("address", "virtual_link")
        if count_confirmed:
            confirmed = (
                RSVP.objects.filter(event=OuterRef("pk"), status=RSVP.Status.CONFIRMED)
                .order_by()
                .values("event")
                .annotate(n=Count("pk"))
                .values("n")
            )
            events = events.annotate(confirmed_count=Coalesce(Subquery(confirmed), 0))
        event = events.first()
    if event is None:
        raise Http404
    if event.visibility == Event.Visibility.MEMBERS and not memberships_for_user(request.user):
        raise Http404
    event.organization = organization  # already read: no second query on every use
    return event


@dataclass(frozen=True)
class _PostContext:
    """What an RSVP is checked against before its transaction (``page_cache.form_context``)."""

    event: Event
    conduct: CodeOfConductVersion | None
    shifts: list[Shift]  # all of the event's shifts: a full one is refused under the lock


def _post_context(request: HttpRequest, slug: str, token: str) -> _PostContext:
    def load() -> _PostContext:
        event = _visible_event(request, slug, token)
        with scope(organization=event.organization):
            shifts = list(Shift.objects.filter(event=event))
        for shift in shifts:
            shift.event = event
        return _PostContext(event, conduct_current() if event.requires_code_of_conduct else None, shifts)

    context = page_cache.form_context(slug, token, load)
    if context.event.visibility == Event.Visibility.MEMBERS and not memberships_for_user(request.user):
        raise Http404  # checked for every visitor, kept or not
    return context


def _open_shifts(event: Event) -> list[Shift]:
    with scope(organization=event.organization):
        shifts = Shift.objects.filter(event=event).annotate(
            confirmed=Count("rsvps", filter=Q(rsvps__status=RSVP.Status.CONFIRMED))
        )
        open_shifts: list[Shift] = [s for s in shifts if s.confirmed < s.capacity]  # type: ignore[attr-defined]
    for shift in open_shifts:
        shift.event = event  # a shift's label shows its times in the event's zone: no query per shift
    return open_shifts


def _event_page(
    request: HttpRequest,
    event: Event,
    form: RSVPForm,
    *,
    notice: str = "",
    status: int = 200,
    page_versions: tuple[int, int] | None = None,
) -> HttpResponse:
    with scope(organization=event.organization):
        confirmed = getattr(event, "confirmed_count", None)
        if confirmed is None:
            confirmed = RSVP.objects.filter(event=event, status=RSVP.Status.CONFIRMED).count()
        representatives = list(event.representatives.order_by("name"))
        # The address is read only when the event shows it to everyone.
        public_address = ""
        if event.in_person and not event.hide_address:
            public_address = Event.objects.only("address", "organization").get(pk=event.pk).address
    conduct = form.conduct
    context = {
        "event": event,
        "form": form,
        "conduct": conduct,
        "notice": notice,
        "full": event.capacity is not None and confirmed >= event.capacity,
        "places_left": None if event.capacity is None else max(0, event.capacity - confirmed),
        "representatives": representatives,
        "public_address": public_address,
    }
    cacheable = (
        page_versions is not None
        and status == 200
        and not notice
        and not form.is_bound
        and event.visibility != Event.Visibility.MEMBERS
    )
    if not cacheable:
        return render(request, "actions/event_public.html", context, status=status)
    # Rendering is most of the page's cost: the page every member of the public sees is rendered
    # once per language, with a placeholder where each visitor's CSRF token goes (page_cache.py).
    placeholder = page_cache.csrf_placeholder()
    html = render_to_string("actions/event_public.html", {**context, "csrf_token": placeholder}, request=request)
    page_cache.store_page(
        event.token,
        event.organization.slug,
        html,
        page_versions=page_versions,  # type: ignore[arg-type]
        open_until=event.ends_at.timestamp() if event.is_open_for_rsvp else None,
    )
    return HttpResponse(html.replace(placeholder, get_token(request)))


def _rsvp_form(
    event: Event,
    data: object = None,
    *,
    shifts: list[Shift] | None = None,
    conduct: CodeOfConductVersion | Literal[False] | None = False,
) -> RSVPForm:
    if conduct is False:
        conduct = conduct_current() if event.requires_code_of_conduct else None
    return RSVPForm(
        data,  # type: ignore[arg-type]
        shifts=_open_shifts(event) if shifts is None else shifts,
        conduct=conduct,
        initial={"language": get_language() or settings.LANGUAGE_CODE},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def event_public(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    if request.method == "POST":
        context = _post_context(request, slug, token)
        with scope(organization=context.event.organization):
            return _rsvp_post(request, context)
    html, page_versions = page_cache.cached_page(request, slug, token)
    if html is not None:
        return HttpResponse(html)
    event = _visible_event(request, slug, token, count_confirmed=True)
    with scope(organization=event.organization):  # the form offers the event's open shifts
        return _event_page(request, event, _rsvp_form(event), page_versions=page_versions)


def _refused(
    request: HttpRequest, slug: str, token: str, form: RSVPForm, *, notice: str = "", status: int = 400
) -> HttpResponse:
    """The page again, with what was typed and why it was not taken, from data read now (the
    places left, the shifts still open)."""
    event = _visible_event(request, slug, token, count_confirmed=True)
    form.offer_shifts(_open_shifts(event))
    return _event_page(request, event, form, notice=notice, status=status)


def _rsvp_post(request: HttpRequest, context: _PostContext) -> HttpResponse:
    event = context.event
    slug, token = event.organization.slug, event.token
    if not event.is_open_for_rsvp:
        fresh = _visible_event(request, slug, token, count_confirmed=True)
        return _event_page(request, fresh, _rsvp_form(fresh), status=400)

    limit = getattr(settings, "ALIANZA_RSVP_RATE_LIMIT", 20)
    window = getattr(settings, "ALIANZA_RSVP_RATE_WINDOW", 600)
    if not rate_limit_hit(request, bucket="rsvp", limit=limit, window=window):
        minutes = max(1, window // 60)
        notice = ngettext(
            "This form was sent too many times from your connection. Please wait %(minutes)s minute and try again.",
            "This form was sent too many times from your connection. Please wait %(minutes)s minutes and try again.",
            minutes,
        ) % {"minutes": minutes}
        form = _rsvp_form(event, shifts=context.shifts, conduct=context.conduct)
        form.initial.update({k: v for k, v in request.POST.items() if k in form.fields and k != "accept_conduct"})
        return _refused(request, slug, token, form, notice=notice, status=429)

    # Checked against the shifts and the code of conduct kept in the process; a full shift is
    # refused when the answer is allocated, under the event's lock (rsvp_answers.py).
    form = _rsvp_form(event, request.POST, shifts=context.shifts, conduct=context.conduct)
    if form.caught_a_bot():
        return redirect("actions:event_thanks", slug=slug, token=token)
    conduct = form.conduct
    if form.is_valid():
        if conduct is not None and request.POST.get("conduct_version") != str(conduct.pk):
            form.add_error("accept_conduct", conduct_changed_message())
        else:
            data = form.cleaned_data
            try:
                submission = rsvp_receive(
                    event=event,
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    language=data["language"],
                    consents=form.consents(),
                    shift=data.get("shift"),
                    conduct=conduct,
                    required_conduct=conduct,
                    request=request,
                )
            except RSVPError as exc:
                form.add_error(None, str(exc))
            else:
                # Kept: allocated now if the event's lock is free, else by whoever holds it.
                outcome = rsvps_allocate(event, just_kept=True).allocated.get(submission.pk)
                if outcome is None:  # another request holds the lock: the receipt shows the outcome
                    return redirect("actions:event_answer", slug=slug, token=token, receipt=submission.receipt)
                if outcome.state == RSVPSubmission.State.TAKEN:
                    return redirect("actions:event_thanks", slug=slug, token=token)
                form.add_error(None, refusal_message(outcome.refusal))
    return _refused(request, slug, token, form)


@never_cache
@require_GET
def event_answer(request: HttpRequest, slug: str, token: str, receipt: str) -> HttpResponse:
    """The receipt of an answer that was kept but not yet allocated when its form returned (a
    burst of answers): it allocates what is pending if it can; if another request is allocating,
    it says so with a button to look again (no automatic reload: WCAG 2.2.1, and axe's
    ``meta-refresh`` rule). Then it shows what the form's own answer would have: the
    thank-you page, or the form filled in again with why it was not taken. It never says whether
    the person had answered before: that stays in the confirmation e-mail (DESIGN §5.7)."""
    event = _visible_event(request, slug, token)
    with scope(organization=event.organization):
        submission = RSVPSubmission.objects.filter(event=event, receipt=receipt).first()
        if submission is None:
            raise Http404
        if submission.state == RSVPSubmission.State.PENDING:
            submission = rsvps_allocate(event).allocated.get(submission.pk, submission)
        if submission.state == RSVPSubmission.State.TAKEN:
            return redirect("actions:event_thanks", slug=slug, token=token)
        if submission.state == RSVPSubmission.State.REFUSED:
            form = _rsvp_form(event, shifts=[])
            form.initial.update(_typed(submission))
            return _refused(request, slug, token, form, notice=refusal_message(submission.refusal), status=200)
    return render(request, "actions/event_answer.html", {"event": event})


def _typed(submission: RSVPSubmission) -> dict[str, object]:
    """What the visitor typed, to fill the form in again."""
    typed: dict[str, object] = {
        "name": submission.name,
        "email": submission.email,
        "phone": submission.phone,
        "language": submission.language,
        "shift": submission.shift_id,
    }
    typed.update((name, bool(submission.consents.get(str(channel)))) for name, channel in CONSENT_FIELDS.items())
    return typed


@require_GET
def event_thanks(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    event = _visible_event(request, slug, token)
    return render(request, "actions/event_thanks.html", {"event": event})


@require_GET
def event_calendar(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    event = _visible_event(request, slug, token)
    with scope(organization=event.organization):
        event = Event.objects.get(pk=event.pk)  # the address goes in only if the event shows it
    response = HttpResponse(event_ics(event), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="event-{event.pk}.ics"'
    return response


@require_GET
def organization_events(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _organization(slug)
    with scope(organization=organization):
        events = list(Event.objects.listed().upcoming().defer("address", "virtual_link").order_by("starts_at", "id"))
    return render(request, "actions/organization_events.html", {"organization": organization, "events": events})


@require_GET
def organization_feed(request: HttpRequest, slug: str) -> HttpResponse:
    organization = _organization(slug)
    with scope(organization=organization):
        events = list(Event.objects.listed().order_by("starts_at", "id"))
        body = organization_feed_ics(organization, events)
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


@never_cache
@require_http_methods(["GET", "POST"])
def rsvp_manage(request: HttpRequest, token: str) -> HttpResponse:
    """The person's own RSVP, reached by the signed link of their e-mail: what they answered, the
    address and online link once confirmed, and the one-click cancel (a POST: a link opened by a
    mail scanner cancels nothing)."""
    rsvp = rsvp_from_token(token)
    if rsvp is None:
        raise Http404
    just_cancelled = False
    if request.method == "POST" and request.POST.get("cancel"):
        rsvp = rsvp_cancel(rsvp=rsvp)
        just_cancelled = True
    with scope(organization=rsvp.organization):
        event = Event.objects.get(pk=rsvp.event_id)
    return render(
        request,
        "actions/rsvp_manage.html",
        {"rsvp": rsvp, "event": event, "token": token, "just_cancelled": just_cancelled},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def propose(request: HttpRequest) -> HttpResponse:
    """A member or volunteer proposes an event; the hub reviews it before it is public."""
    hub = the_hub()
    if request.method == "GET":
        return render(request, "actions/propose.html", {"form": ProposalForm(), "hub": hub})
    limit = getattr(settings, "ALIANZA_PROPOSAL_RATE_LIMIT", 5)
    window = getattr(settings, "ALIANZA_PROPOSAL_RATE_WINDOW", 600)
    form = ProposalForm(request.POST)
    if not rate_limit_hit(request, bucket="proposal", limit=limit, window=window):
        notice = ngettext(
            "This form was sent too many times from your connection. Please wait %(minutes)s minute and try again.",
            "This form was sent too many times from your connection. Please wait %(minutes)s minutes and try again.",
            max(1, window // 60),
        ) % {"minutes": max(1, window // 60)}
        return render(
            request,
            "actions/propose.html",
            {"form": ProposalForm(initial=request.POST.dict()), "hub": hub, "notice": notice},
            status=429,
        )
    if form.caught_a_bot():
        return redirect("actions:propose_thanks")
    if hub is None:
        return render(request, "actions/propose.html", {"form": form, "hub": hub}, status=400)
    if form.is_valid():
        data = form.cleaned_data
        language = get_language() or settings.LANGUAGE_CODE
        if language not in dict(language_choices()):
            language = settings.LANGUAGE_CODE
        try:
            event_propose(
                hub=hub,
                title={language: data["title"]},
                description={language: data["description"]},
                kind=data["kind"],
                format=data["format"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                time_zone=data["time_zone"],
                place_name=data["place_name"],
                address=data["address"],
                virtual_link=data["virtual_link"],
                host_name=data["host_name"],
                host_email=data["host_email"],
                host_phone=data["host_phone"],
                language=language,
            )
        except (EventError, IntakeError) as exc:  # e.g. a phone number the person must correct
            form.add_error(None, str(exc))
        else:
            return redirect("actions:propose_thanks")
    return render(request, "actions/propose.html", {"form": form, "hub": hub}, status=400)


@require_GET
def propose_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "actions/propose_thanks.html")
