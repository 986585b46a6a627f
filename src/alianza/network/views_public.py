"""Public side of the network: the "Join us" page and the member directory. No account needed.
Nothing here may reveal people's data: applications and sign-ups only go in, and the directory
shows only organizations' public profile fields."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from alianza.core.models import Organization

from .applications import ApplicationError, application_submit
from .forms import ACCEPT, IndividualSignupForm, JoinForm, OrganizationApplicationForm
from .hub import the_hub
from .models import PrinciplesVersion
from .principles import principles_changed_message, principles_current
from .ratelimit import rate_limit_hit
from .signups import SignupError, signup_submit

# Which form a POST to /join/ is (the hidden "form" input), and the prefix of its fields.
JOIN_FORMS: dict[str, tuple[type[JoinForm], str]] = {
    "organization": (OrganizationApplicationForm, "org"),
    "person": (IndividualSignupForm, "person"),
}
# Only these fields of an organization are ever loaded for the public pages.
PUBLIC_FIELDS = [
    "id",
    "slug",
    "name",
    "tier",
    "status",
    "kinds",
    "counties",
    "languages",
    "tagline",
    "description",
    "website",
    "public_email",
    "public_phone",
]


def _empty_form(which: str, **kwargs: Any) -> JoinForm:
    form_class, prefix = JOIN_FORMS[which]
    if which == "person":
        kwargs.setdefault("initial", {"preferred_language": get_language() or settings.LANGUAGE_CODE})
    return form_class(prefix=prefix, **kwargs)


def _join_page(
    request: HttpRequest,
    *,
    principles: PrinciplesVersion | None,
    bound: dict[str, JoinForm] | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    forms = {which: (bound or {}).get(which) or _empty_form(which) for which in JOIN_FORMS}
    context = {
        "principles": principles,
        "organization_form": forms["organization"],
        "person_form": forms["person"],
        "notice": notice,
    }
    return render(request, "network/join.html", context, status=status)


def _add_model_errors(form: JoinForm, exc: ValidationError) -> None:
    errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
    for field, messages in errors.items():
        form.add_error(field if field in form.fields else None, messages)


def _ask_to_accept_again(form: JoinForm, message: str) -> None:
    """The values and principles changed since the page was loaded: the box shows unticked,
    with the message, under the new version."""
    form.add_error(ACCEPT, message)
    assert isinstance(form.data, QueryDict)  # bound to request.POST
    data = form.data.copy()
    data.pop(form.add_prefix(ACCEPT), None)
    form.data = data


def _submit(which: str, form: JoinForm, *, hub: Organization, principles: PrinciplesVersion) -> None:
    data = form.cleaned_data
    if which == "organization":
        application_submit(
            hub=hub,
            principles=principles,
            name=data["name"],
            kinds=data["kinds"],
            counties=data["counties"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            languages=data["languages"],
            mission=data["mission"],
            language=get_language() or settings.LANGUAGE_CODE,
        )
    else:
        signup_submit(
            hub=hub,
            principles=principles,
            name=data["name"],
            email=data["email"],
            phone=data["phone"],
            preferred_language=data["preferred_language"],
            county=data["county"],
            joins_as=data["joins_as"],
        )


@never_cache
@require_http_methods(["GET", "POST"])
def join(request: HttpRequest) -> HttpResponse:
    """Two forms, each with the acceptance of the current values and principles. Whatever is
    sent (new, repeated, or by a bot filling the hidden field), the answer is the same redirect
    to the thank-you page; only input a person can fix is shown again, with what they typed."""
    hub = the_hub()
    principles = principles_current(hub=hub) if hub else None
    if request.method == "GET":
        return _join_page(request, principles=principles)

    which = request.POST.get("form", "")
    limit = getattr(settings, "ALIANZA_JOIN_RATE_LIMIT", 5)
    window = getattr(settings, "ALIANZA_JOIN_RATE_WINDOW", 600)
    if not rate_limit_hit(request, bucket="join", limit=limit, window=window):
        minutes = max(1, window // 60)
        notice = ngettext(
            "This form was sent too many times from your connection. Please wait %(minutes)s minute and try again.",
            "This form was sent too many times from your connection. Please wait %(minutes)s minutes and try again.",
            minutes,
        ) % {"minutes": minutes}
        bound = {}
        if which in JOIN_FORMS:  # nothing typed is lost: it is shown again, unjudged
            submitted = JOIN_FORMS[which][0](request.POST, prefix=JOIN_FORMS[which][1])
            bound[which] = _empty_form(which, initial=submitted.typed_values())
        return _join_page(request, principles=principles, bound=bound, notice=notice, status=429)

    if which not in JOIN_FORMS:
        return _join_page(request, principles=principles, status=400)
    form_class, prefix = JOIN_FORMS[which]
    form = form_class(request.POST, prefix=prefix)
    if form.caught_a_bot():
        return redirect("network:join_thanks")
    if hub is None or principles is None:  # joining is not open yet: the page says so
        return _join_page(request, principles=principles, status=400)

    if form.is_valid():
        if request.POST.get("principles_version") != str(principles.pk):
            _ask_to_accept_again(form, principles_changed_message())
        else:
            try:
                _submit(which, form, hub=hub, principles=principles)
            except (ApplicationError, SignupError) as exc:
                _ask_to_accept_again(form, str(exc))
            except ValidationError as exc:
                _add_model_errors(form, exc)
            else:
                return redirect("network:join_thanks")
    return _join_page(request, principles=principles, bound={which: form}, status=400)


@require_GET
def join_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "network/join_thanks.html")


def _listed() -> QuerySet[Organization]:
    """Organizations the directory shows: active, in the network (not partners)."""
    listed = Organization.objects.filter(status=Organization.Status.ACTIVE).exclude(tier=Organization.Tier.PARTNER)
    return listed.only(*PUBLIC_FIELDS)


@require_GET
def member_list(request: HttpRequest) -> HttpResponse:
    return render(request, "network/member_list.html", {"organizations": _listed().order_by("name")})


@require_GET
def member_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organization = get_object_or_404(_listed(), slug=slug)
    return render(request, "network/member_detail.html", {"organization": organization})
