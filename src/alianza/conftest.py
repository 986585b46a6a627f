"""Shared fixtures: two organizations and the people of healthchecks' test base —
``owner`` (admin of A), ``member`` (organizer of A), ``readonly_member`` (viewer of A),
``advocate`` (advocate of A) and ``outsider`` (admin of B). Every account has two-factor set up.

Fixtures build data with scopes disabled; requests then run with the scope the middleware opens.
"""

from collections.abc import Callable

import pytest
from django.test import Client
from django_scopes import scopes_disabled

from alianza.actions.tests import factories as actions_factories  # noqa: F401 — and the actions ones
from alianza.board.tests import factories as board_factories  # noqa: F401 — and the advisory board's
from alianza.campaigns.tests import factories as campaigns_factories  # noqa: F401 — and the campaigns ones
from alianza.core.models import Organization, User
from alianza.core.permissions import Role
from alianza.core.tests import factories  # noqa: F401 — registers the core isolation factories
from alianza.core.tests.factories import make_membership, make_organization, make_user
from alianza.network.tests import factories as network_factories  # noqa: F401 — and the network ones
from alianza.people.tests import factories as people_factories  # noqa: F401 — and the people ones


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in an ``e2e`` folder is a browser test (``-m "not e2e"`` leaves them out)."""
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_by_default():
    """A request leaves its language active in the thread; every test starts in English."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache():  # rate limits and TOTP replay guards live in the cache
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def org_a(db) -> Organization:  # type: ignore[no-untyped-def]
    return make_organization(slug="org-a", name="Organization A")


@pytest.fixture
def org_b(db) -> Organization:  # type: ignore[no-untyped-def]
    return make_organization(slug="org-b", name="Organization B")


@pytest.fixture
def owner(org_a: Organization) -> User:
    user = make_user("owner@a.alianza.example", name="Olga Owner")
    make_membership(org_a, user, Role.ADMIN)
    return user


@pytest.fixture
def member(org_a: Organization) -> User:
    user = make_user("member@a.alianza.example")
    make_membership(org_a, user, Role.ORGANIZER)
    return user


@pytest.fixture
def advocate(org_a: Organization) -> User:
    user = make_user("advocate@a.alianza.example")
    make_membership(org_a, user, Role.ADVOCATE)
    return user


@pytest.fixture
def readonly_member(org_a: Organization) -> User:
    user = make_user("viewer@a.alianza.example")
    make_membership(org_a, user, Role.VIEWER)
    return user


@pytest.fixture
def outsider(org_b: Organization) -> User:
    user = make_user("outsider@b.alianza.example")
    make_membership(org_b, user, Role.ADMIN)
    return user


@pytest.fixture
def login() -> Callable[[User | None], Client]:
    """``login(user)`` → a test client signed in as ``user`` (``None`` → anonymous)."""

    def _login(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return _login


@pytest.fixture
def no_scopes():  # type: ignore[no-untyped-def]
    with scopes_disabled():
        yield


class _Inbox:
    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # aiosmtpd hook
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):  # type: ignore[no-untyped-def]
    """A real SMTP server process (aiosmtpd) on a free local port; Django's SMTP backend
    delivers to it. Yields the inbox: ``smtp_server.messages`` are ``email.message`` objects."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    try:
        yield inbox
    finally:
        controller.stop()


class _SmsGateway:
    """What the test SMS gateway received: ``messages`` are dicts of the form fields
    (``To``, ``From``, ``Body``) plus ``authorization``; set ``fail_with`` to an HTTP status
    to make it refuse (with a Twilio-style JSON error)."""

    def __init__(self) -> None:
        self.messages: list[dict[str, str]] = []
        self.fail_with: int | None = None


@pytest.fixture
def sms_gateway(settings):  # type: ignore[no-untyped-def]
    """A real HTTP server on a free local port speaking the Twilio Messages API, and the
    settings that make ``alianza.core.sms.TwilioCompatibleBackend`` deliver to it."""
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from urllib.parse import parse_qs

    gateway = _SmsGateway()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            fields = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if gateway.fail_with is not None:
                body = json.dumps({"code": 21211, "message": "Invalid 'To' Phone Number"}).encode()
                self.send_response(gateway.fail_with)
            else:
                gateway.messages.append(
                    {**fields, "authorization": self.headers.get("Authorization", ""), "path": self.path}
                )
                body = json.dumps({"sid": f"SM{len(gateway.messages):032d}", "status": "queued"}).encode()
                self.send_response(201)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    settings.SMS_BACKEND = "alianza.core.sms.TwilioCompatibleBackend"
    settings.ALIANZA_SMS_URL = f"http://127.0.0.1:{port}/2010-04-01/Accounts/ACtest/Messages.json"
    settings.ALIANZA_SMS_ACCOUNT = "ACtest"
    settings.ALIANZA_SMS_TOKEN = "test-auth-token"
    settings.DEFAULT_FROM_SMS = "+15125550100"
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()
