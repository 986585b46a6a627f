"""The signed-in user's own sessions, under the account area (``/accounts/sessions/``): see
where you are signed in, end one session, or sign out everywhere else. Personal pages of the
account, not of an organization: a user only ever reaches their own sessions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from .models import User, UserSession
from .sessions import user_session_end, user_sessions_end_others, user_sessions_for


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required
    return request.user


@login_required
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    sessions = user_sessions_for(_user(request))
    current = request.session.session_key
    return render(request, "core/session_list.html", {"sessions": sessions, "current_key": current})


@login_required
@require_POST
def session_end(request: HttpRequest, user_session_id: int) -> HttpResponse:
    user = _user(request)
    try:
        ended = user_session_end(user=user, user_session_id=user_session_id, request=request)
    except UserSession.DoesNotExist:  # missing, or someone else's: the same answer
        raise Http404 from None
    if ended.session_id == request.session.session_key:
        # This very browser: its session row is gone, so sign out cleanly.
        logout(request)
        messages.success(request, _("You are signed out on this device."))
        return redirect("account_login")
    messages.success(request, _("That session has ended."))
    return redirect("core:session_list")


@login_required
@require_POST
def sessions_end_others(request: HttpRequest) -> HttpResponse:
    count = user_sessions_end_others(user=_user(request), request=request)
    messages.success(request, _("Signed out everywhere else (%(count)d sessions).") % {"count": count})
    return redirect("core:session_list")
