"""The public page of a staff-built form, in the visitor's language, without an account.

Safety (DESIGN §5.7), as on the RSVP form: CSRF, a rate limit per client address, the honeypot,
and no enumeration: a new person, a known e-mail and a bot all get the same redirect to the same
thank-you page. A draft form is a 404; a closed one says so and shows no form."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_scopes import scope

from alianza.core.models import Organization
from alianza.network.ratelimit import rate_limit_hit

from .builder_forms import PublicForm
from .forms_builder import FormError, answers_clean, form_submit
from .models import Form, FormField

PUBLIC_STATUSES = (Form.Status.OPEN, Form.Status.CLOSED)


def _public_form(slug: str, token: str) -> tuple[Form, list[FormField]]:
    organization = get_object_or_404(Organization.objects.filter(status=Organization.Status.ACTIVE), slug=slug)
    with scope(organization=organization):
        form = Form.objects.filter(token=token, status__in=PUBLIC_STATUSES).first()
        if form is None:
            raise Http404
        fields = list(FormField.objects.filter(form=form).order_by("position", "id"))
    return form, fields


def _page(
    request: HttpRequest, form: Form, public_form: PublicForm, *, notice: str = "", status: int = 200
) -> HttpResponse:
    context = {"form": form, "public_form": public_form, "notice": notice}
    return render(request, "actions/form_public.html", context, status=status)


def _blank(fields: list[FormField], data: object = None) -> PublicForm:
    return PublicForm(
        data,  # type: ignore[arg-type]
        fields=fields,
        initial={"language": get_language() or settings.LANGUAGE_CODE},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def form_public(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    form, fields = _public_form(slug, token)
    if request.method == "GET" or not form.is_open:
        return _page(request, form, _blank(fields), status=200 if request.method == "GET" else 400)

    limit = getattr(settings, "ALIANZA_FORM_RATE_LIMIT", 20)
    window = getattr(settings, "ALIANZA_FORM_RATE_WINDOW", 600)
    if not rate_limit_hit(request, bucket="form", limit=limit, window=window):
        minutes = max(1, window // 60)
        notice = ngettext(
            "This form was sent too many times from your connection. Please wait %(minutes)s minute and try again.",
            "This form was sent too many times from your connection. Please wait %(minutes)s minutes and try again.",
            minutes,
        ) % {"minutes": minutes}
        # What was typed is kept: the same data, shown again without checking it.
        kept = PublicForm(fields=fields, initial=request.POST.dict())
        for name, field in kept.fields.items():
            if hasattr(field, "choices") and getattr(field.widget, "allow_multiple_selected", False):
                kept.initial[name] = request.POST.getlist(name)
        return _page(request, form, kept, notice=notice, status=429)

    public_form = _blank(fields, request.POST)
    if public_form.caught_a_bot():
        return redirect("actions:form_thanks", slug=slug, token=token)
    if public_form.is_valid():
        with scope(organization=form.organization):
            _clean, errors = answers_clean(fields, public_form.answers())
        if errors:  # the kinds' own checks, beyond the page's (e.g. a choice removed meanwhile)
            public_form.add_answer_errors(errors)
        else:
            data = public_form.cleaned_data
            try:
                form_submit(
                    form=form,
                    name=data["name"],
                    email=data["email"],
                    phone=data["phone"],
                    language=data["language"],
                    answers=public_form.answers(),
                    request=request,
                )
            except FormError as exc:
                public_form.add_error(None, str(exc))
            else:
                return redirect("actions:form_thanks", slug=slug, token=token)
    return _page(request, form, public_form, status=400)


@require_GET
def form_thanks(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    form, _fields = _public_form(slug, token)
    return render(request, "actions/form_thanks.html", {"form": form})
