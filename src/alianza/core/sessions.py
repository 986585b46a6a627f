"""A staff user's signed-in sessions: recorded at sign-in, kept fresh by a small middleware,
listed on their "active sessions" page, and ended one by one, all but this one, or (in an
organization's lockdown, ``core/lockdown.py``) all of them.

Sessions are Django's database sessions; ``UserSession`` points at one and is deleted with it.
What is stored about a session is deliberately coarse: the browser and operating system named
in the User-Agent (no version, no device id), and the client's *network*, never its address:
``/24`` for IPv4, ``/48`` for IPv6. No geographic lookup is made (that would send the address
to a third party): the page says "approximate network".
"""

from __future__ import annotations

import ipaddress
import re
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from importlib import import_module
from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import signals as auth_signals
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from .account_audit import account_event_log
from .audit import client_ip
from .models import User, UserSession

IPV4_PREFIX = 24
IPV6_PREFIX = 48
# The session remembers when its row was last written, so most requests write nothing.
_SEEN_KEY = "_alianza_seen"
_SIGNED_IN_KEY = "_alianza_signed_in"
DB_SESSION_ENGINES = ("django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db")

# (pattern, name), first match wins. Order matters: Edge and Opera also say "Chrome", Chrome
# also says "Safari".
_BROWSERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bEdg(e|A|iOS)?/"), "Edge"),
    (re.compile(r"\b(OPR|Opera)/"), "Opera"),
    (re.compile(r"\bSamsungBrowser/"), "Samsung Internet"),
    (re.compile(r"\b(Firefox|FxiOS)/"), "Firefox"),
    (re.compile(r"\bCriOS/"), "Chrome"),
    (re.compile(r"\bChromium/"), "Chromium"),
    (re.compile(r"\b(HeadlessChrome|Chrome)/"), "Chrome"),
    (re.compile(r"\bVersion/[\d.]+.*\bSafari/"), "Safari"),
]
_PLATFORMS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\bAndroid\b"), "Android"),
    (re.compile(r"\biPhone\b"), "iPhone"),
    (re.compile(r"\biPad\b"), "iPad"),
    (re.compile(r"\bWindows\b"), "Windows"),
    (re.compile(r"\bCrOS\b"), "ChromeOS"),
    (re.compile(r"\bMac OS X\b|\bMacintosh\b"), "macOS"),
    (re.compile(r"\bLinux\b"), "Linux"),
]


def device_from_user_agent(user_agent: str) -> tuple[str, str]:
    """(browser, operating system) named in a User-Agent header, each "" when unknown."""
    user_agent = user_agent[:512]
    browser = next((name for pattern, name in _BROWSERS if pattern.search(user_agent)), "")
    platform = next((name for pattern, name in _PLATFORMS if pattern.search(user_agent)), "")
    return browser, platform


def network_of(address: str | None) -> str:
    """The network an address belongs to, e.g. ``203.0.113.0/24`` or ``2001:db8:1::/48``;
    "" for a missing or malformed address. The full address is never kept."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = IPV4_PREFIX if ip.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


def _uses_database_sessions() -> bool:
    return settings.SESSION_ENGINE in DB_SESSION_ENGINES


def _delete_sessions(keys: Iterable[str]) -> int:
    """Delete these sessions (their ``UserSession`` rows go with them) in one statement, and
    with ``cached_db`` also their cached copies, which would otherwise keep them alive.
    Returns how many existed."""
    existing = list(Session.objects.filter(pk__in=list(keys)).values_list("pk", flat=True))
    if not existing:
        return 0
    Session.objects.filter(pk__in=existing).delete()
    prefix = getattr(import_module(settings.SESSION_ENGINE).SessionStore, "cache_key_prefix", None)
    if prefix:
        caches[settings.SESSION_CACHE_ALIAS].delete_many([prefix + key for key in existing])
    return len(existing)


def user_session_record(*, request: HttpRequest, user: User) -> UserSession | None:
    """Record the session ``request`` has just signed ``user`` into (called at sign-in)."""
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None)
    if session is None or not key or not _uses_database_sessions():
        return None
    now = timezone.now()
    browser, platform = device_from_user_agent(request.META.get("HTTP_USER_AGENT", ""))
    with transaction.atomic():
        if not Session.objects.filter(pk=key).exists():
            return None
        UserSession.objects.filter(session_id=key).delete()  # the same browser signing in again
        user_session = UserSession(
            session_id=key,
            user=user,
            created_at=now,
            last_seen_at=now,
            browser=browser,
            platform=platform,
            network=network_of(client_ip(request)),
        )
        user_session.full_clean(exclude=["session"])
        user_session.save(force_insert=True)
    session[_SIGNED_IN_KEY] = now.timestamp()
    session[_SEEN_KEY] = [now.timestamp(), key]
    return user_session


def user_session_touch(request: HttpRequest, user: User) -> None:
    """Move "last seen" forward, at most once per ``ALIANZA_SESSION_SEEN_MINUTES``, and
    record sessions that began before this was installed (or whose key changed)."""
    session = request.session
    now = time.time()
    key = session.session_key
    if not key or not _uses_database_sessions():
        return
    seen = session.get(_SEEN_KEY)
    interval = settings.ALIANZA_SESSION_SEEN_MINUTES * 60
    # [when, key]: a changed key (rotated by Django) means the row went with the old key.
    if isinstance(seen, list) and len(seen) == 2 and seen[1] == key and now - float(seen[0]) < interval:
        return
    moment = timezone.now()
    updated = UserSession.objects.filter(session_id=key, user=user).update(
        last_seen_at=moment, network=network_of(client_ip(request))
    )
    if not updated and Session.objects.filter(pk=key).exists():
        signed_in = session.get(_SIGNED_IN_KEY)
        browser, platform = device_from_user_agent(request.META.get("HTTP_USER_AGENT", ""))
        UserSession.objects.filter(session_id=key).delete()
        UserSession.objects.create(
            session_id=key,
            user=user,
            created_at=datetime.fromtimestamp(signed_in, tz=UTC) if isinstance(signed_in, int | float) else moment,
            last_seen_at=moment,
            browser=browser,
            platform=platform,
            network=network_of(client_ip(request)),
        )
    session[_SEEN_KEY] = [now, key]


def user_sessions_for(user: User) -> list[UserSession]:
    """The user's sessions that have not expired, most recently seen first."""
    return list(UserSession.objects.filter(user=user, session__expire_date__gt=timezone.now()))


def _describe(user_session: UserSession) -> dict[str, Any]:
    return {
        "browser": user_session.browser,
        "platform": user_session.platform,
        "network": user_session.network,
        "signed_in": user_session.created_at.isoformat(),
    }


def user_session_end(*, user: User, user_session_id: int, request: HttpRequest | None = None) -> UserSession:
    """End one of ``user``'s own sessions. Another user's session id raises
    ``UserSession.DoesNotExist`` exactly like a missing one (the view answers 404)."""
    with transaction.atomic():
        user_session = UserSession.objects.select_related("session").get(pk=user_session_id, user=user)
        description = _describe(user_session)
        _delete_sessions([user_session.session_id])  # and the UserSession with it
        account_event_log(user=user, action="core.user.session_ended", request=request, data=description)
    return user_session


def user_sessions_end_others(*, user: User, request: HttpRequest) -> int:
    """Sign ``user`` out everywhere except in this browser. Returns how many sessions ended."""
    current = request.session.session_key
    with transaction.atomic():
        keys = list(
            UserSession.objects.filter(user=user).exclude(session_id=current).values_list("session_id", flat=True)
        )
        keys += [k for k in _unrecorded_session_keys({user.pk}) if k != current and k not in keys]
        ended = _delete_sessions(keys)
        account_event_log(user=user, action="core.user.sessions_ended", request=request, data={"count": ended})
    return ended


def _unrecorded_session_keys(user_ids: set[Any]) -> list[str]:
    """Database sessions of these users that have no ``UserSession`` (begun before sessions
    were recorded, or created by some other path). A full scan of the live sessions, each
    decoded: fine for the rare, deliberate acts that need it (a lockdown, "everywhere else")."""
    if not _uses_database_sessions() or not user_ids:
        return []
    wanted = {str(pk) for pk in user_ids}
    recorded = set(UserSession.objects.values_list("session_id", flat=True))
    keys = []
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=2000):
        if session.session_key in recorded:
            continue
        if str(session.get_decoded().get("_auth_user_id")) in wanted:
            keys.append(session.session_key)
    return keys


def user_sessions_end_all(*, users: Iterable[User]) -> int:
    """End every session of ``users`` (no audit row: the caller, e.g. a lockdown, writes one).
    Returns how many sessions ended."""
    user_ids = {u.pk for u in users}
    if not user_ids:
        return 0
    keys = set(UserSession.objects.filter(user_id__in=user_ids).values_list("session_id", flat=True))
    keys.update(_unrecorded_session_keys(user_ids))
    return _delete_sessions(keys)


def fresh_two_factor_passed(request: HttpRequest, user: User) -> bool:
    """Has this session passed two-factor after ``user.two_factor_required_after``?"""
    required = user.two_factor_required_after
    if required is None:
        return True
    records = get_authentication_records(request, user)
    return any(
        record.get("method") == "mfa" and float(record.get("at", 0)) >= required.timestamp() for record in records
    )


class UserSessionMiddleware:
    """After authentication: signs out a session that has not passed two-factor since its
    organization's lockdown, then keeps the session's "last seen" fresh (cheaply)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and isinstance(user, User):
            if user.two_factor_required_after is not None and is_mfa_enabled(user):
                if fresh_two_factor_passed(request, user):
                    User.objects.filter(pk=user.pk, two_factor_required_after=user.two_factor_required_after).update(
                        two_factor_required_after=None
                    )
                else:
                    logout(request)
                    messages.warning(request, _("Your organization was locked down. Sign in again, with two-factor."))
                    return redirect(settings.LOGIN_URL)
            if not request.path_info.startswith(settings.STATIC_URL):
                user_session_touch(request, user)
        return self.get_response(request)


def _signed_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and isinstance(user, User):
        user_session_record(request=request, user=user)


def connect() -> None:
    auth_signals.user_logged_in.connect(_signed_in, dispatch_uid="alianza.sessions.signed_in")
