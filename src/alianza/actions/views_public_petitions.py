"""Public pages of petitions and letters to officials: the petition with its counter, its
progress toward the goal and the signature form; the letter with its editable text; and their
thank-you pages. No account needed.

Safety (DESIGN §5.7), as on the event pages: CSRF on every form, a rate limit per client
address, the honeypot, and no enumeration: a new signer, a known e-mail, a second signature or
letter and a bot all get the same redirect to the same thank-you page."""

from __future__ import annotations

from typing import TypeVar

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_scopes import scope

from alianza.core.models import Organization
from alianza.core.tenancy import memberships_for_user
from alianza.network.ratelimit import rate_limit_hit

from .forms_petitions import LetterForm, SignatureForm, SignerForm
from .letters import letter_submit, letter_template
from .models import ActionStatus, ActionVisibility, LetterCampaign, Petition
from .petitions import PetitionError, public_name, public_signatures, signature_add

PUBLIC_STATUSES = (ActionStatus.OPEN, ActionStatus.CLOSED)
RECENT_NAMES = 10
T = TypeVar("T", Petition, LetterCampaign)


def _visible(request: HttpRequest, model: type[T], slug: str, token: str) -> T:
    """The petition or letter campaign behind a share link, if this visitor may see it: open
    (or closed, to say so); members-only ones to signed-in staff of the coalition's
    organizations. 404 for anything else, so a wrong link tells nothing."""
    organization = get_object_or_404(Organization.objects.filter(status=Organization.Status.ACTIVE), slug=slug)
    with scope(organization=organization):
        found = model.objects.filter(token=token, status__in=PUBLIC_STATUSES).select_related("organization").first()
    if found is None:
        raise Http404
    if found.visibility == ActionVisibility.MEMBERS and not memberships_for_user(request.user):
        raise Http404
    return found


def _rate_limited(request: HttpRequest) -> str:
    """The notice to show when the client sent public action forms too often, else ""."""
    limit = getattr(settings, "ALIANZA_PETITION_RATE_LIMIT", 20)
    window = getattr(settings, "ALIANZA_PETITION_RATE_WINDOW", 600)
    if rate_limit_hit(request, bucket="petition", limit=limit, window=window):
        return ""
    minutes = max(1, window // 60)
    return ngettext(
        "This form was sent too many times from your connection. Please wait %(minutes)s minute and try again.",
        "This form was sent too many times from your connection. Please wait %(minutes)s minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def _kept(form: SignerForm, request: HttpRequest) -> None:
    """What the visitor typed, kept on a refused (rate-limited) form."""
    form.initial.update({k: v for k, v in request.POST.items() if k in form.fields and k != "website"})


def _initial() -> dict[str, str]:
    return {"language": get_language() or settings.LANGUAGE_CODE}


def _petition_page(
    request: HttpRequest, petition: Petition, form: SignatureForm, *, notice: str = "", status: int = 200
) -> HttpResponse:
    with scope(organization=petition.organization):
        recent = list(public_signatures(petition).order_by("-created_at", "-id")[:RECENT_NAMES])
    context = {
        "petition": petition,
        "form": form,
        "notice": notice,
        "recent_names": [public_name(s) for s in recent],
    }
    return render(request, "actions/petition_public.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def petition_public(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    petition = _visible(request, Petition, slug, token)
    if request.method == "GET" or not petition.is_open:
        return _petition_page(
            request, petition, SignatureForm(initial=_initial()), status=200 if request.method == "GET" else 400
        )
    notice = _rate_limited(request)
    if notice:
        form = SignatureForm(initial=_initial())
        _kept(form, request)
        return _petition_page(request, petition, form, notice=notice, status=429)
    form = SignatureForm(request.POST)
    if form.caught_a_bot():
        return redirect("actions:petition_thanks", slug=slug, token=token)
    if form.is_valid():
        data = form.cleaned_data
        try:
            signature_add(
                petition=petition,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                zip_code=data["zip_code"],
                language=data["language"],
                consents=form.consents(),
                show_name=data["show_name"],
                comment=data["comment"],
                request=request,
            )
        except PetitionError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("actions:petition_thanks", slug=slug, token=token)
    return _petition_page(request, petition, form, status=400)


@require_GET
def petition_thanks(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    petition = _visible(request, Petition, slug, token)
    return render(request, "actions/petition_thanks.html", {"petition": petition})


def _letter_form(letter_campaign: LetterCampaign, data: object = None) -> LetterForm:
    language = get_language() or settings.LANGUAGE_CODE
    _subject, body = letter_template(letter_campaign, language)
    return LetterForm(
        data,  # type: ignore[arg-type]
        sends_email=letter_campaign.sends_email,
        initial={**_initial(), "body": body},
    )


def _letter_page(
    request: HttpRequest, letter_campaign: LetterCampaign, form: LetterForm, *, notice: str = "", status: int = 200
) -> HttpResponse:
    subject, _body = letter_template(letter_campaign, get_language() or settings.LANGUAGE_CODE)
    context = {"letters": letter_campaign, "form": form, "notice": notice, "subject": subject}
    return render(request, "actions/letter_public.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def letter_public(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    letter_campaign = _visible(request, LetterCampaign, slug, token)
    if request.method == "GET" or not letter_campaign.is_open:
        return _letter_page(
            request, letter_campaign, _letter_form(letter_campaign), status=200 if request.method == "GET" else 400
        )
    notice = _rate_limited(request)
    if notice:
        form = _letter_form(letter_campaign)
        _kept(form, request)
        return _letter_page(request, letter_campaign, form, notice=notice, status=429)
    form = _letter_form(letter_campaign, request.POST)
    if form.caught_a_bot():
        return redirect("actions:letter_thanks", slug=slug, token=token)
    if form.is_valid():
        data = form.cleaned_data
        try:
            letter_submit(
                letter_campaign=letter_campaign,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                zip_code=data["zip_code"],
                language=data["language"],
                consents=form.consents(),
                body=data["body"],
                send_consent=data["send_consent"],
                reply_to_signer=data.get("reply_to_signer", False),
                request=request,
            )
        except PetitionError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("actions:letter_thanks", slug=slug, token=token)
    return _letter_page(request, letter_campaign, form, status=400)


@require_GET
def letter_thanks(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    letter_campaign = _visible(request, LetterCampaign, slug, token)
    return render(request, "actions/letter_thanks.html", {"letters": letter_campaign})
