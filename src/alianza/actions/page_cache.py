"""The public event page, rendered once and served from the cache to the public (measured in
bench/events.py; docs/performance.md, "Events and RSVPs").

What is cached: the page exactly as a visitor without a session sees it first (a GET, no query
string, an empty form), per event and language, with a placeholder where each visitor's CSRF
token goes. Nothing about a visitor is in it. Members-only events, signed-in staff (they have a
session), forms with errors and the rate-limit notice are never cached.

When it is thrown away: every entry carries the version of its event and a version of
everything that all events show (the code of conduct, organizations) as they were read BEFORE
the page's data was read from the database. Every write that can change the page (the event, its
shifts, its RSVPs, its representatives; the code of conduct or an organization) increments the
matching version once its transaction has committed, so a page rendered from data read before
that commit no longer matches and is rendered again. An entry of an open event also stops
matching once the event has ended (the RSVP form goes away then).

Several web processes must share one cache (Redis, as for the rate limits): the versions live in
the cache. With a cache of the process's own (the default local-memory cache), another process
cannot see a version change, so entries are kept only a few seconds there
(``PROCESS_LOCAL_SECONDS``); with a shared cache, ``SHARED_SECONDS``.

A hit costs one cache round trip (``get_many``) and no database query.

The RSVP form's POST reads the same things before its transaction (the organization, the event,
the code of conduct, the event's shifts): ``form_context`` keeps them in the process for the same
few seconds, under a version of the event's *definition* (the event and its shifts, not its
RSVPs, so a burst of RSVPs does not throw it away) and the version of everything. Nothing that
decides a place is taken from it: the allocation (``rsvp_answers.py``) reads and locks the
event's row (open, capacity, waitlist) and its shifts again in its transaction.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_scopes import scopes_disabled

from alianza.core.models import Organization

from .models import RSVP, CodeOfConductVersion, Event, Shift

SHARED_SECONDS = 300
PROCESS_LOCAL_SECONDS = 5
PREFIX = "alianza:actions:event-page"
ALL_EVENTS = f"{PREFIX}:all"
T = TypeVar("T")

logger = logging.getLogger(__name__)


def _token_digest(token: str) -> str:
    # The share link's token is a secret of private events: it is not written into key names.
    return hashlib.sha256(token.encode()).hexdigest()[:32]


def _version_key(token: str) -> str:
    return f"{PREFIX}:v:{_token_digest(token)}"


def _definition_key(token: str) -> str:
    return f"{PREFIX}:d:{_token_digest(token)}"


def _page_key(token: str, language: str) -> str:
    return f"{PREFIX}:p:{_token_digest(token)}:{language}"


def csrf_placeholder() -> str:
    """Stands in the cached HTML where the visitor's CSRF token goes: the same in every process
    (a shared cache holds pages rendered by all of them) and not guessable."""
    return "csrf" + salted_hmac("alianza.actions.event-page", "csrf-placeholder").hexdigest()[:32]


def seconds() -> int:
    # ``cache`` is a proxy: the backend itself tells whether the cache is this process's own.
    return PROCESS_LOCAL_SECONDS if isinstance(caches["default"], LocMemCache) else SHARED_SECONDS


def visitor_is_public(request: Any) -> bool:
    """A GET of the bare page by a visitor without a session or pending messages: nobody signed
    in, and nothing in the page depends on who they are."""
    return (
        request.method == "GET"
        and not request.GET
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def _new_version() -> int:
    # A version that is created again (after the cache dropped it) never repeats an old one.
    return time.time_ns()


def versions(token: str) -> tuple[int, int, dict[str, Any] | None, str]:
    """The current versions (created if missing) and the entry for this language, in one round
    trip. Read them BEFORE reading the page's data from the database."""
    language = _language()
    keys = [ALL_EVENTS, _version_key(token), _page_key(token, language)]
    found = cache.get_many(keys)
    everything, event = found.get(keys[0]), found.get(keys[1])
    if everything is None:
        cache.add(keys[0], _new_version(), None)
        everything = cache.get(keys[0])
    if event is None:
        cache.add(keys[1], _new_version(), None)
        event = cache.get(keys[1])
    return everything, event, found.get(keys[2]), language


def _language() -> str:
    from django.utils.translation import get_language

    return get_language() or settings.LANGUAGE_CODE


def cached_page(request: Any, slug: str, token: str) -> tuple[str | None, tuple[int, int] | None]:
    """The cached HTML of the page with this visitor's CSRF token, or None; and the versions to
    store a newly rendered page with (None when it must not be cached)."""
    if not visitor_is_public(request):
        return None, None
    try:
        everything, event, entry, _language_code = versions(token)
    except Exception:  # the cache is down: the page is rendered as if nothing were cached
        logger.warning("The event page cache is unavailable", exc_info=True)
        return None, None
    if (
        entry is not None
        and entry["slug"] == slug
        and entry["versions"] == [everything, event]
        and (entry["open_until"] is None or timezone.now().timestamp() < entry["open_until"])
    ):
        return entry["html"].replace(csrf_placeholder(), get_token(request)), None
    return None, (everything, event)


def store_page(token: str, slug: str, html: str, *, page_versions: tuple[int, int], open_until: float | None) -> None:
    entry = {"slug": slug, "versions": list(page_versions), "open_until": open_until, "html": html}
    try:
        cache.set(_page_key(token, _language()), entry, seconds())
    except Exception:  # not cached this time; the page is still served
        logger.warning("The event page cache is unavailable", exc_info=True)


# --- What the RSVP form's POST reads before its transaction ------------------------------------

_contexts: dict[tuple[str, str], tuple[float, list[int], Any]] = {}  # this process's own
_CONTEXTS_MAX = 1000


def form_context(slug: str, token: str, load: Callable[[], T]) -> T:
    """``load()`` (the organization, event, code of conduct and shifts an RSVP is checked
    against), kept in this process while the event's definition and everything's version are
    unchanged, for ``seconds()`` at most. The versions are read before ``load`` reads the
    database, as for the page. Exceptions of ``load`` (a 404) are not kept."""
    try:
        keys = [ALL_EVENTS, _definition_key(token)]
        found = cache.get_many(keys)
        for key in keys:
            if found.get(key) is None:
                cache.add(key, _new_version(), None)
                found[key] = cache.get(key)
    except Exception:  # the cache is down: read everything, as if nothing were kept
        logger.warning("The event page cache is unavailable", exc_info=True)
        return load()
    current = [found[keys[0]], found[keys[1]]]
    now = time.monotonic()
    kept = _contexts.get((slug, token))
    if kept is not None and kept[0] > now and kept[1] == current:
        return cast(T, kept[2])
    value = load()
    if len(_contexts) >= _CONTEXTS_MAX:
        for kept_key, entry in list(_contexts.items()):
            if entry[0] <= now:
                _contexts.pop(kept_key, None)
        if len(_contexts) >= _CONTEXTS_MAX:
            _contexts.clear()
    _contexts[(slug, token)] = (now + seconds(), current, value)
    return value


# --- Invalidation ------------------------------------------------------------------------------


def _bump(key: str) -> None:
    try:
        try:
            cache.incr(key)
        except ValueError:  # not in the cache (never read, or dropped): a fresh version
            cache.set(key, _new_version(), None)
    except Exception:  # a cache outage must not fail the write that just committed
        logger.warning("Could not mark the cached event page as changed", exc_info=True)


def _after_commit(key: str) -> None:
    transaction.on_commit(lambda: _bump(key))


def event_changed(token: str, *, definition: bool = False) -> None:
    """The event's page changed (an RSVP, ...); with ``definition``, also what its RSVP form is
    checked against (the event itself, its shifts)."""
    _after_commit(_version_key(token))
    if definition:
        _after_commit(_definition_key(token))


def all_changed() -> None:
    _after_commit(ALL_EVENTS)


def _event_token(event_id: int | None, cached: Event | None) -> str | None:
    if cached is not None:
        return cached.token
    if event_id is None:
        return None
    with scopes_disabled():  # a signal outside any request scope: the event is named by its key
        return Event.objects.filter(pk=event_id).values_list("token", flat=True).first()


def _on_event(sender: Any, instance: Event, **kwargs: Any) -> None:
    event_changed(instance.token, definition=True)


def _on_child(sender: Any, instance: Shift | RSVP, **kwargs: Any) -> None:
    token = _event_token(instance.event_id, instance._state.fields_cache.get("event"))
    if token:
        event_changed(token, definition=isinstance(instance, Shift))


def _on_representatives(sender: Any, instance: Any, action: str, reverse: bool, **kwargs: Any) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, Event) and not reverse:
        event_changed(instance.token)
    else:  # changed from the organization's side: rare, so every page
        all_changed()


def _on_shared(sender: Any, **kwargs: Any) -> None:
    all_changed()


def connect_signals() -> None:
    """Called from ``ActionsConfig.ready()``."""
    for signal in (post_save, post_delete):
        signal.connect(_on_event, sender=Event, dispatch_uid="actions-page-cache-event")
        signal.connect(_on_child, sender=Shift, dispatch_uid="actions-page-cache-shift")
        signal.connect(_on_child, sender=RSVP, dispatch_uid="actions-page-cache-rsvp")
        signal.connect(_on_shared, sender=CodeOfConductVersion, dispatch_uid="actions-page-cache-conduct")
        signal.connect(_on_shared, sender=Organization, dispatch_uid="actions-page-cache-organization")
    m2m_changed.connect(
        _on_representatives, sender=Event.representatives.through, dispatch_uid="actions-page-cache-representatives"
    )
