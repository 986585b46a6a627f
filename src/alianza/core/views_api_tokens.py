"""The API tokens page of an organization (admins only): the tokens of the organization, a
form to make one (its secret shown once, on the answer to that POST, never again), and
revoking one. See core/api_tokens.py and docs/lockdown.md#api-tokens."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from .api_tokens import ApiTokenError, api_token_create, api_token_revoke
from .forms_lockdown import ApiTokenForm
from .lockdown import organization_is_locked
from .models import ApiToken
from .tenancy import OrgRequest, get_for_org, require_permission


def _page(request: OrgRequest, form: ApiTokenForm, *, secret: str = "", status: int = 200) -> HttpResponse:
    tokens = list(ApiToken.objects.select_related("user", "revoked_by"))
    context = {
        "form": form,
        "secret": secret,
        "active": [t for t in tokens if t.is_active],
        "inactive": [t for t in tokens if not t.is_active][:20],
        "locked": organization_is_locked(request.organization),
    }
    return render(request, "core/api_tokens.html", context, status=status)


@never_cache  # the answer to a POST shows a secret: no cache may keep it
@require_permission("api_tokens:manage")
@require_http_methods(["GET", "POST"])
def api_token_list(request: OrgRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, ApiTokenForm())
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        _token, secret = api_token_create(
            organization=request.organization,
            user=request.user,
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
            request=request,
        )
    except ApiTokenError as exc:
        form.add_error(None, str(exc))
        return _page(request, form, status=400)
    return _page(request, ApiTokenForm(), secret=secret)


@require_permission("api_tokens:manage")
@require_POST
def api_token_revoke_view(request: OrgRequest, api_token_id: int) -> HttpResponse:
    token = get_for_org(ApiToken, organization=request.organization, pk=api_token_id)
    try:
        api_token_revoke(token=token, actor=request.user, request=request)
        messages.success(request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name})
    except ApiTokenError as exc:
        messages.error(request, str(exc))
    return redirect("core:api_token_list", org=request.organization.slug)
