"""Public side of the people app: a person asks for a copy of their data or its erasure, and
confirms it from the link sent to them. No account needed; no JavaScript.

Safety (DESIGN §5.7): CSRF on every form, a rate limit per client address, the network's
honeypot, and no enumeration: a known address, an unknown one and a bot all get the same
"check your e-mail" page (only a known address gets a message). The confirmation link shows a
button; the request is made only by pressing it (POST), so a mail scanner that opens links
does not confirm anything."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from alianza.core.sms import sms_enabled
from alianza.network.ratelimit import rate_limit_hit

from .forms_subject import SubjectRequestForm
from .subject_requests import (
    ANSWER_DAYS,
    SubjectRequestError,
    confirmation_from_token,
    subject_request_ask,
    subject_request_confirm,
)


def _too_many(window: int) -> str:
    minutes = max(1, window // 60)
    return ngettext(
        "This form was sent too many times from your connection. Please wait %(minutes)s minute and try again.",
        "This form was sent too many times from your connection. Please wait %(minutes)s minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


@never_cache
@require_http_methods(["GET", "POST"])
def subject_request(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "people/subject_request.html", {"form": SubjectRequestForm(), "sms": sms_enabled()})
    limit = getattr(settings, "ALIANZA_SUBJECT_REQUEST_RATE_LIMIT", 5)
    window = getattr(settings, "ALIANZA_SUBJECT_REQUEST_RATE_WINDOW", 600)
    if not rate_limit_hit(request, bucket="subject_request", limit=limit, window=window):
        # Nothing typed is lost: the form comes back with it, unjudged.
        form = SubjectRequestForm(initial={k: request.POST.get(k, "") for k in ("kind", "contact")})
        return render(
            request,
            "people/subject_request.html",
            {"form": form, "notice": _too_many(window), "sms": sms_enabled()},
            status=429,
        )
    form = SubjectRequestForm(request.POST)
    if form.caught_a_bot():
        return redirect("people:subject_request_sent")
    if not form.is_valid():
        return render(request, "people/subject_request.html", {"form": form, "sms": sms_enabled()}, status=400)
    subject_request_ask(
        kind=form.cleaned_data["kind"],
        language=get_language() or settings.LANGUAGE_CODE,
        **form.cleaned_data["contact"],
    )
    return redirect("people:subject_request_sent")


@require_GET
def subject_request_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "people/subject_request_sent.html", {"sms": sms_enabled()})


@never_cache
@require_http_methods(["GET", "POST"])
def subject_request_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    confirmation = confirmation_from_token(token)
    if confirmation is None:
        return render(request, "people/subject_request_invalid.html", status=404)
    if request.method == "GET":
        return render(request, "people/subject_request_confirm.html", {"confirmation": confirmation})
    try:
        created = subject_request_confirm(token=token)
    except SubjectRequestError:
        return render(request, "people/subject_request_invalid.html", status=404)
    # Which organizations hold the person is theirs to say when they answer; the page only
    # says the request is on its way.
    return render(
        request,
        "people/subject_request_done.html",
        {"kind": confirmation.kind, "days": ANSWER_DAYS, "received": bool(created)},
    )
