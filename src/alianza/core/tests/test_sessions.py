"""A staff user's active sessions: recorded at sign-in (browser, OS, network — never the full
address), listed on /accounts/sessions/, ended one by one or everywhere else, own only."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from django_scopes import scopes_disabled

from alianza.core.models import AuditEvent, UserSession
from alianza.core.sessions import device_from_user_agent, network_of
from alianza.core.tests.factories import TEST_PASSWORD, TEST_TOTP_SECRET
from alianza.core.two_factor import totp_code

ANDROID_FIREFOX = "Mozilla/5.0 (Android 14; Mobile; rv:128.0) Gecko/128.0 Firefox/128.0"
IPHONE_SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)
WINDOWS_EDGE = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87"
)
LINUX_CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"


def signed_in_client(user, *, ip="203.0.113.77", user_agent=ANDROID_FIREFOX) -> Client:
    """A browser that signs in for real: password, then the TOTP code (allauth's flow)."""
    cache.clear()  # the TOTP replay guard: a second browser signing in "later" may reuse the code
    client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=user_agent)
    client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    response = client.post("/accounts/2fa/authenticate/", {"code": totp_code(TEST_TOTP_SECRET)})
    assert response.status_code == 302, response.status_code
    return client


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        (ANDROID_FIREFOX, ("Firefox", "Android")),
        (IPHONE_SAFARI, ("Safari", "iPhone")),
        (WINDOWS_EDGE, ("Edge", "Windows")),
        (LINUX_CHROME, ("Chrome", "Linux")),
        ("curl/8.5.0", ("", "")),
        ("", ("", "")),
    ],
)
def test_the_device_is_named_by_browser_and_system_only(user_agent, expected):
    assert device_from_user_agent(user_agent) == expected


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("203.0.113.77", "203.0.113.0/24"),
        ("2001:db8:abcd:12:1:2:3:4", "2001:db8:abcd::/48"),
        ("::ffff:198.51.100.9", "198.51.100.0/24"),
        ("not an address", ""),
        (None, ""),
    ],
)
def test_only_the_network_of_an_address_is_kept(address, expected):
    assert network_of(address) == expected


def test_signing_in_records_the_session_without_the_full_address(owner):
    client = signed_in_client(owner, ip="203.0.113.77")
    recorded = UserSession.objects.get(user=owner)
    assert (recorded.browser, recorded.platform, recorded.network) == ("Firefox", "Android", "203.0.113.0/24")
    assert recorded.session_id == client.session.session_key
    stored = [str(v) for v in UserSession.objects.values_list("browser", "platform", "network", "session_id")[0]]
    assert not any("203.0.113.77" in value for value in stored)


def test_the_page_lists_own_sessions_and_marks_this_device(owner, member):
    phone = signed_in_client(owner, user_agent=ANDROID_FIREFOX)
    signed_in_client(owner, ip="198.51.100.4", user_agent=WINDOWS_EDGE)
    signed_in_client(member, ip="192.0.2.200", user_agent=LINUX_CHROME)  # someone else's

    response = phone.get("/accounts/sessions/")

    assert response.status_code == 200
    shown = [(s.browser, s.network) for s in response.context["sessions"]]
    assert sorted(shown) == [("Edge", "198.51.100.0/24"), ("Firefox", "203.0.113.0/24")]
    page = response.content.decode()
    assert page.count("This device") == 1
    assert "Firefox on Android" in page and "Edge on Windows" in page
    assert "192.0.2." not in page and "Linux" not in page
    assert "Approximate network" in page


def test_ending_another_of_my_sessions_deletes_it_and_is_audited(owner, org_a):
    phone = signed_in_client(owner, user_agent=ANDROID_FIREFOX)
    laptop = signed_in_client(owner, ip="198.51.100.4", user_agent=WINDOWS_EDGE)
    laptop_session = UserSession.objects.get(session_id=laptop.session.session_key)

    response = phone.post(f"/accounts/sessions/{laptop_session.pk}/end/")

    assert response.status_code == 302
    assert not Session.objects.filter(pk=laptop_session.session_id).exists()
    assert not UserSession.objects.filter(pk=laptop_session.pk).exists()
    assert laptop.get("/staff/").status_code == 302  # signed out there
    assert phone.get("/accounts/sessions/").status_code == 200  # still signed in here
    with scopes_disabled():
        event = AuditEvent.objects.filter(organization=org_a, action="core.user.session_ended").get()
    assert (event.actor, event.data["browser"], event.data["network"]) == (owner, "Edge", "198.51.100.0/24")


def test_ending_this_device_signs_out_here(owner):
    phone = signed_in_client(owner)
    mine = UserSession.objects.get(session_id=phone.session.session_key)

    response = phone.post(f"/accounts/sessions/{mine.pk}/end/")

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/")
    assert UserSession.objects.filter(user=owner).count() == 0
    assert phone.get("/staff/").status_code == 302


def test_another_users_session_cannot_be_ended_404(owner, member):
    phone = signed_in_client(owner)
    theirs_client = signed_in_client(member, ip="192.0.2.1")
    theirs = UserSession.objects.get(user=member)

    response = phone.post(f"/accounts/sessions/{theirs.pk}/end/")

    assert response.status_code == 404
    assert Session.objects.filter(pk=theirs.session_id).exists()
    assert theirs_client.get("/accounts/sessions/").status_code == 200


def test_an_unknown_session_id_is_404(owner):
    assert signed_in_client(owner).post("/accounts/sessions/999999/end/").status_code == 404


def test_sign_out_everywhere_else_keeps_only_this_browser(owner, member):
    phone = signed_in_client(owner)
    others = [signed_in_client(owner, ip=f"198.51.100.{n}") for n in (1, 2)]
    colleague = signed_in_client(member)

    response = phone.post("/accounts/sessions/end-others/")

    assert response.status_code == 302
    assert list(UserSession.objects.filter(user=owner).values_list("session_id", flat=True)) == [
        phone.session.session_key
    ]
    assert [c.get("/staff/").status_code for c in others] == [302, 302]
    assert colleague.get("/accounts/sessions/").status_code == 200


def test_sign_out_everywhere_else_also_ends_sessions_recorded_nowhere(owner, login):
    phone = signed_in_client(owner)
    old = login(owner)  # signed in before sessions were recorded: no UserSession row
    UserSession.objects.filter(session_id=old.session.session_key).delete()

    phone.post("/accounts/sessions/end-others/")

    assert not Session.objects.filter(pk=old.session.session_key).exists()


def test_last_seen_is_written_at_most_once_per_interval(owner, settings):
    settings.ALIANZA_SESSION_SEEN_MINUTES = 5
    phone = signed_in_client(owner)
    recorded = UserSession.objects.get(user=owner)
    long_ago = timezone.now() - timedelta(hours=1)
    UserSession.objects.filter(pk=recorded.pk).update(last_seen_at=long_ago)

    phone.get("/accounts/sessions/")  # within five minutes of signing in: no write
    assert UserSession.objects.get(pk=recorded.pk).last_seen_at == long_ago

    session = phone.session
    session["_alianza_seen"] = [session["_alianza_seen"][0] - 6 * 60, session.session_key]
    session.save()
    phone.get("/accounts/sessions/")
    assert UserSession.objects.get(pk=recorded.pk).last_seen_at > long_ago


def test_a_session_from_before_sessions_were_recorded_gets_a_record(owner, login):
    client = login(owner)
    UserSession.objects.filter(user=owner).delete()
    session = client.session
    del session["_alianza_seen"]
    session.save()

    client.get("/accounts/sessions/")

    assert UserSession.objects.filter(user=owner, session_id=client.session.session_key).count() == 1


def test_a_session_whose_key_changed_gets_a_record_at_once(owner, login):
    client = login(owner)
    session = client.session
    session.cycle_key()  # Django rotates keys; the old row goes with the old key
    session.save()
    client.cookies["sessionid"] = session.session_key

    client.get("/accounts/sessions/")

    assert list(UserSession.objects.filter(user=owner).values_list("session_id", flat=True)) == [session.session_key]


def test_signing_out_removes_the_record(owner):
    phone = signed_in_client(owner)
    phone.post("/accounts/logout/")
    assert UserSession.objects.filter(user=owner).count() == 0


def test_the_sessions_page_needs_sign_in(client, db):
    response = client.get("/accounts/sessions/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/accounts/sessions/"),
        ("get", "/accounts/sessions/1/end/"),
        ("get", "/accounts/sessions/end-others/"),
    ],
)
def test_wrong_method_is_405(owner, login, method, url):
    assert getattr(login(owner), method)(url).status_code == 405


def test_the_account_menu_links_to_sessions(owner, org_a, login):
    page = login(owner).get(f"/staff/{org_a.slug}/").content.decode()
    assert 'href="/accounts/sessions/"' in page


def test_ending_a_session_also_forgets_its_cached_copy(owner, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    phone = signed_in_client(owner)
    laptop = signed_in_client(owner, ip="198.51.100.4", user_agent=WINDOWS_EDGE)
    assert laptop.get("/accounts/sessions/").status_code == 200  # now cached
    laptop_session = UserSession.objects.get(session_id=laptop.session.session_key)

    phone.post(f"/accounts/sessions/{laptop_session.pk}/end/")

    response = laptop.get("/accounts/sessions/")
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/accounts/sessions/")
