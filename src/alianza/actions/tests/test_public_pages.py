"""The public event page and its RSVP form: the same answer for a known and a new e-mail, the
honeypot, the rate limit, the address and online link kept out of the page, and the person's own
RSVP page (address once confirmed, one-click cancel)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from django_scopes import scope

from alianza.actions.models import RSVP, Event, RSVPSubmission
from alianza.actions.rsvps import rsvp_token
from alianza.actions.tests.factories import make_event, make_rsvp, make_shift
from alianza.people.models import Person
from alianza.people.tests.factories import make_person

SECRET_LINK = "https://meet.example.org/secret-room-42"


def _page(event: Event) -> str:
    return reverse("actions:event_public_page", kwargs={"slug": event.organization.slug, "token": event.token})


def _without_csrf(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def _data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "Rosa Hernández",
        "email": "rosa@example.org",
        "phone": "",
        "language": "es",
        "consent_email": "on",
        "website": "",
    }
    data.update(overrides)
    return data


def test_the_page_shows_the_event_but_never_the_hidden_address_or_the_link(login, org_a):
    event = make_event(org_a, format=Event.Format.BOTH, hide_address=True, virtual_link=SECRET_LINK)
    response = login(None).get(_page(event))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vigil" in html and "East Austin" in html
    assert "1206 E 9th St" not in html and SECRET_LINK not in html


def test_an_address_the_event_does_not_hide_is_shown(login, org_a):
    event = make_event(org_a, hide_address=False)
    assert "1206 E 9th St" in login(None).get(_page(event)).content.decode()


def test_a_known_email_gets_exactly_the_same_answer_as_a_new_one(login, org_a):
    event = make_event(org_a)
    make_person(org_a, email="known@example.org")
    new = login(None).post(_page(event), _data(email="new@example.org"))
    known = login(None).post(_page(event), _data(email="known@example.org"))
    again = login(None).post(_page(event), _data(email="known@example.org"))
    assert new.status_code == known.status_code == again.status_code == 302
    assert new["Location"] == known["Location"] == again["Location"]
    assert _without_csrf(login(None).get(new["Location"])) == _without_csrf(login(None).get(known["Location"]))
    with scope(organization=org_a):
        assert RSVP.objects.filter(event=event).count() == 2
        assert Person.objects.count() == 2


def test_the_honeypot_thanks_a_bot_and_stores_nothing(login, org_a):
    event = make_event(org_a)
    response = login(None).post(_page(event), _data(website="http://spam.example"))
    assert response.status_code == 302
    with scope(organization=org_a):
        assert not RSVP.objects.exists() and not Person.objects.exists()


def test_the_form_is_rate_limited_and_keeps_what_was_typed(login, org_a, settings):
    settings.ALIANZA_RSVP_RATE_LIMIT = 2
    event = make_event(org_a)
    client = login(None)
    for n in range(2):
        assert client.post(_page(event), _data(email=f"p{n}@example.org")).status_code == 302
    blocked = client.post(_page(event), _data(email="p3@example.org", name="Tercera Persona"))
    assert blocked.status_code == 429
    assert "Tercera Persona" in blocked.content.decode()
    with scope(organization=org_a):
        assert RSVP.objects.count() == 2


def test_csrf_is_enforced(org_a):
    from django.test import Client

    event = make_event(org_a)
    response = Client(enforce_csrf_checks=True).post(_page(event), _data())
    assert response.status_code == 403


def test_missing_contact_re_renders_with_an_error(login, org_a):
    event = make_event(org_a)
    response = login(None).post(_page(event), _data(email="", phone=""))
    assert response.status_code == 400
    assert "Rosa Hernández" in response.content.decode()


def test_the_code_of_conduct_is_shown_and_its_version_recorded(login, org_a, conduct):
    event = make_event(org_a, requires_code_of_conduct=True)
    page = login(None).get(_page(event)).content.decode()
    assert "We are non-violent and respectful." in page
    refused = login(None).post(_page(event), _data(conduct_version=str(conduct.pk)))
    assert refused.status_code == 400  # the box was not ticked
    accepted = login(None).post(_page(event), _data(conduct_version=str(conduct.pk), accept_conduct="on"))
    assert accepted.status_code == 302
    with scope(organization=org_a):
        assert RSVP.objects.get().conduct_version == conduct


def test_a_shift_can_be_chosen_on_the_form(login, org_a):
    event = make_event(org_a)
    shift = make_shift(event, capacity=1)
    assert login(None).post(_page(event), _data(shift=str(shift.pk))).status_code == 302
    with scope(organization=org_a):
        assert RSVP.objects.get().shift == shift
    # Full now: the shift is no longer offered.
    assert f'value="{shift.pk}"' not in login(None).get(_page(event)).content.decode()


@pytest.mark.parametrize("status", [Event.Status.DRAFT, Event.Status.PROPOSED, Event.Status.DECLINED])
def test_unpublished_events_are_not_found(login, org_a, status):
    assert login(None).get(_page(make_event(org_a, status=status))).status_code == 404


def test_members_only_events_need_a_staff_account(login, org_a, owner):
    event = make_event(org_a, visibility=Event.Visibility.MEMBERS)
    assert login(None).get(_page(event)).status_code == 404
    assert login(owner).get(_page(event)).status_code == 200


def test_a_wrong_token_or_organization_is_not_found(login, org_a, org_b):
    event = make_event(org_a)
    assert (
        login(None)
        .get(reverse("actions:event_public_page", kwargs={"slug": org_b.slug, "token": event.token}))
        .status_code
        == 404
    )
    assert (
        login(None).get(reverse("actions:event_public_page", kwargs={"slug": org_a.slug, "token": "nope"})).status_code
        == 404
    )


def test_the_confirmation_email_and_rsvp_page_reveal_the_address_to_a_confirmed_rsvp(
    login, org_a, django_capture_on_commit_callbacks
):
    event = make_event(org_a, format=Event.Format.BOTH, virtual_link=SECRET_LINK)
    with django_capture_on_commit_callbacks(execute=True):
        login(None).post(_page(event), _data())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rosa@example.org"]
    assert "confirmad" in message.subject  # in Spanish, the language chosen on the form
    assert "1206 E 9th St" in message.body and SECRET_LINK in message.body
    link = next(line for line in message.body.splitlines() if "/rsvp/" in line).strip()
    page = login(None).get(link[link.index("/rsvp/") :])
    assert "1206 E 9th St" in page.content.decode() and SECRET_LINK in page.content.decode()


def test_a_waitlisted_rsvp_does_not_see_the_address(login, org_a):
    event = make_event(org_a, capacity=1)
    make_rsvp(event)
    waiting = make_rsvp(event, status=RSVP.Status.WAITLISTED)
    page = login(None).get(reverse("actions:rsvp_manage", kwargs={"token": rsvp_token(waiting)})).content.decode()
    assert "1206 E 9th St" not in page and "waitlist" in page


def test_one_click_cancel_by_the_signed_link_promotes_the_next_person(login, org_a):
    event = make_event(org_a, capacity=1)
    first = make_rsvp(event)
    waiting = make_rsvp(event, status=RSVP.Status.WAITLISTED)
    url = reverse("actions:rsvp_manage", kwargs={"token": rsvp_token(first)})
    assert login(None).get(url).status_code == 200  # opening the link (a mail scanner) cancels nothing
    with scope(organization=org_a):
        assert RSVP.objects.get(pk=first.pk).status == RSVP.Status.CONFIRMED
    response = login(None).post(url, {"cancel": "1"})
    assert response.status_code == 200 and "cancelled" in response.content.decode()
    with scope(organization=org_a):
        assert RSVP.objects.get(pk=first.pk).status == RSVP.Status.CANCELLED
        assert RSVP.objects.get(pk=waiting.pk).status == RSVP.Status.CONFIRMED


def test_a_forged_rsvp_link_is_not_found(login):
    assert login(None).get(reverse("actions:rsvp_manage", kwargs={"token": "abc:def"})).status_code == 404


# --- The cached page (page_cache.py) and the safety of the public form ------------------------------

CSRF_VALUE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _csrf(response) -> str:  # type: ignore[no-untyped-def]
    return CSRF_VALUE.search(response.content.decode()).group(1)


def test_a_second_visitor_gets_the_page_from_the_cache_without_a_query_and_with_their_own_csrf_token(
    org_a, django_assert_num_queries
):
    from django.test import Client

    event = make_event(org_a, capacity=20)
    make_shift(event, capacity=2)
    first = Client(enforce_csrf_checks=True)
    first_page = first.get(_page(event))
    second = Client(enforce_csrf_checks=True)
    with django_assert_num_queries(0):
        second_page = second.get(_page(event))
    assert second_page.status_code == 200
    assert _without_csrf(second_page) == _without_csrf(first_page)
    assert _csrf(second_page) != _csrf(first_page)
    assert "csrf" + "0" * 32 not in second_page.content.decode()
    # Each visitor's token (from the cached page) goes with that visitor's cookie.
    assert second.post(_page(event), _data(csrfmiddlewaretoken=_csrf(second_page))).status_code == 302
    assert (
        first.post(_page(event), _data(email="b@example.org", csrfmiddlewaretoken=_csrf(first_page))).status_code == 302
    )
    with scope(organization=org_a):
        assert RSVP.objects.filter(event=event).count() == 2


def test_the_page_costs_at_most_six_queries_when_it_is_not_cached(login, org_a, conduct, django_assert_max_num_queries):
    event = make_event(org_a, capacity=20, requires_code_of_conduct=True)
    for _ in range(3):
        make_shift(event, capacity=2)
    with django_assert_max_num_queries(6):
        response = login(None).get(_page(event))
    assert response.status_code == 200


def test_an_address_hidden_after_the_page_was_cached_is_gone_at_once(login, org_a, django_capture_on_commit_callbacks):
    event = make_event(org_a, hide_address=False)
    assert "1206 E 9th St" in login(None).get(_page(event)).content.decode()
    with django_capture_on_commit_callbacks(execute=True), scope(organization=org_a):
        event.hide_address = True
        event.save()
    assert "1206 E 9th St" not in login(None).get(_page(event)).content.decode()


def test_an_rsvp_changes_the_places_left_and_a_full_shift_leaves_the_cached_page(
    login, org_a, django_capture_on_commit_callbacks
):
    event = make_event(org_a, capacity=3)
    shift = make_shift(event, capacity=1)
    before = login(None).get(_page(event)).content.decode()
    assert "3 places left." in before and f'value="{shift.pk}"' in before
    with django_capture_on_commit_callbacks(execute=True):
        assert login(None).post(_page(event), _data(shift=str(shift.pk))).status_code == 302
    after = login(None).get(_page(event)).content.decode()
    assert "2 places left." in after and f'value="{shift.pk}"' not in after


def test_an_unpublished_or_cancelled_event_is_not_served_from_the_cache(
    login, org_a, django_capture_on_commit_callbacks
):
    event = make_event(org_a)
    assert login(None).get(_page(event)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True), scope(organization=org_a):
        event.status = Event.Status.CANCELLED
        event.save()
    assert "This event was cancelled." in login(None).get(_page(event)).content.decode()
    with django_capture_on_commit_callbacks(execute=True), scope(organization=org_a):
        event.status = Event.Status.DRAFT
        event.save()
    assert login(None).get(_page(event)).status_code == 404


def test_a_new_code_of_conduct_shows_at_once(login, org_a, conduct, django_capture_on_commit_callbacks):
    from i18nfield.strings import LazyI18nString

    from alianza.actions.tests.factories import make_conduct

    event = make_event(org_a, requires_code_of_conduct=True)
    assert "We are non-violent and respectful." in login(None).get(_page(event)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        make_conduct(org_a, text=LazyI18nString({"en": "Version two of the code.", "es": "Versión dos."}))
    assert "Version two of the code." in login(None).get(_page(event)).content.decode()


def test_signed_in_staff_never_get_the_public_cached_page(login, org_a, owner):
    event = make_event(org_a)
    public = login(None).get(_page(event)).content.decode()
    staff = login(owner).get(_page(event)).content.decode()
    assert "Staff sign in" in public and "Staff sign in" not in staff
    # Staff have a session: nothing of theirs is cached for the public either.
    assert "Staff sign in" in login(None).get(_page(event)).content.decode()


def test_a_members_only_page_seen_by_staff_stays_hidden_from_the_public(login, org_a, owner):
    event = make_event(org_a, visibility=Event.Visibility.MEMBERS)
    assert login(owner).get(_page(event)).status_code == 200
    assert login(None).get(_page(event)).status_code == 404


def test_a_post_with_the_token_of_the_page_passes_the_csrf_check(org_a):
    from django.test import Client

    event = make_event(org_a)
    client = Client(enforce_csrf_checks=True)
    token = _csrf(client.get(_page(event)))
    assert client.post(_page(event), _data(csrfmiddlewaretoken=token)).status_code == 302
    assert Client(enforce_csrf_checks=True).post(_page(event), _data(csrfmiddlewaretoken=token)).status_code == 403


def test_a_known_phone_and_a_person_already_on_the_waitlist_get_the_same_answer_as_a_new_one(login, org_a):
    event = make_event(org_a, capacity=1)
    make_rsvp(event)  # full: everyone below is waitlisted
    make_person(org_a, email="", phone="+15125550111")
    answers = [
        login(None).post(_page(event), _data(email="", phone="+1 512 555 0199", name="Nueva")),
        login(None).post(_page(event), _data(email="", phone="(512) 555-0111", name="Conocida")),
        login(None).post(_page(event), _data(email="", phone="512.555.0111", name="Conocida otra vez")),
    ]
    assert [a.status_code for a in answers] == [302, 302, 302]
    assert len({a["Location"] for a in answers}) == 1
    pages = {_without_csrf(login(None).get(a["Location"])) for a in answers}
    assert len(pages) == 1
    with scope(organization=org_a):
        assert RSVP.objects.filter(event=event, status=RSVP.Status.WAITLISTED).count() == 2


def test_a_bot_gets_the_same_answer_as_a_person_and_nothing_is_sent_or_stored(
    login, org_a, django_capture_on_commit_callbacks
):
    from alianza.core.models import AuditEvent

    event = make_event(org_a)
    with django_capture_on_commit_callbacks(execute=True):
        person = login(None).post(_page(event), _data(email="person@example.org"))
        bot = login(None).post(_page(event), _data(email="bot@example.org", website="http://spam.example"))
    assert person.status_code == bot.status_code == 302
    assert person["Location"] == bot["Location"]
    assert [m.to for m in mail.outbox] == [["person@example.org"]]
    with scope(organization=org_a):
        assert RSVP.objects.count() == 1 and Person.objects.count() == 1
        assert AuditEvent.objects.filter(action="actions.rsvp.created").count() == 1


def test_the_rate_limit_counts_the_connection_address_and_ignores_a_forged_forwarded_header(login, org_a, settings):
    settings.ALIANZA_RSVP_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 0  # as shipped: no proxy header is trusted
    event = make_event(org_a)
    client = login(None)
    assert client.post(_page(event), _data(email="a@example.org"), REMOTE_ADDR="203.0.113.7").status_code == 302
    forged = client.post(
        _page(event), _data(email="b@example.org"), REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.9"
    )
    assert forged.status_code == 429
    other = login(None).post(_page(event), _data(email="c@example.org"), REMOTE_ADDR="203.0.113.8")
    assert other.status_code == 302
    with scope(organization=org_a):
        assert RSVP.objects.count() == 2


def test_the_page_and_changes_to_the_event_still_work_while_the_cache_is_down(
    login, org_a, settings, django_capture_on_commit_callbacks
):
    import socket

    with socket.socket() as sock:  # a real Redis client, towards a port where nothing listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0"}
    }
    event = make_event(org_a)
    assert login(None).get(_page(event)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True), scope(organization=org_a):
        event.place_name = "North Austin"
        event.save()
    assert "North Austin" in login(None).get(_page(event)).content.decode()


def test_a_shift_that_filled_up_after_the_page_was_opened_is_refused_not_dropped(login, org_a):
    event = make_event(org_a)
    shift = make_shift(event, capacity=1)
    make_rsvp(event, shift=shift)  # the only shift is now full, so the form has no shift field
    refused = login(None).post(_page(event), _data(shift=str(shift.pk)))
    assert refused.status_code == 400
    assert "That shift is full. Choose another one, or none." in refused.content.decode()
    assert "Rosa Hernández" in refused.content.decode()  # what was typed is kept
    with scope(organization=org_a):
        assert RSVP.objects.filter(event=event).count() == 1
    assert login(None).post(_page(event), _data()).status_code == 302


def test_pages_are_kept_seconds_in_a_cache_of_the_process_own_and_minutes_in_a_shared_one(settings):
    from alianza.actions import page_cache

    assert page_cache.seconds() == 5  # the local-memory cache of the tests, as shipped
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:6379/0"}
    }
    assert page_cache.seconds() == 300


# --- What an RSVP reads before its transaction (page_cache.form_context) ------------------------


def test_a_second_rsvp_reads_nothing_before_its_transaction(login, org_a, conduct, django_assert_max_num_queries):
    event = make_event(org_a, capacity=20, requires_code_of_conduct=True)
    shifts = [make_shift(event, capacity=2) for _ in range(3)]
    accepted = {"accept_conduct": "on", "conduct_version": str(conduct.pk)}
    assert login(None).post(_page(event), _data(**accepted)).status_code == 302
    # A new person: the answer kept (one INSERT); then in one transaction the event's lock and
    # its row, the pending answers, the match, the shifts and their places taken, the places
    # taken, the person, e-mail, consents and audit row, the RSVP and its audit row, the
    # answer's outcome; then a look for answers kept meanwhile. The organization, the hub's code
    # of conduct and the shifts are not read before the answer is kept: the chosen shift is
    # checked against those read with the event.
    with django_assert_max_num_queries(18) as queries:
        response = login(None).post(
            _page(event), _data(email="second@example.org", shift=str(shifts[1].pk), **accepted)
        )
    assert response.status_code == 302
    assert queries.captured_queries[0]["sql"].startswith('INSERT INTO "actions_rsvpsubmission"')
    with scope(organization=org_a):
        assert RSVP.objects.filter(event=event).count() == 2
        assert RSVP.objects.get(email="second@example.org").shift == shifts[1]


def test_a_shift_of_another_event_is_refused_and_nothing_is_kept(login, org_a):
    event = make_event(org_a)
    make_shift(event, capacity=2)
    elsewhere = make_shift(make_event(org_a), capacity=2)
    refused = login(None).post(_page(event), _data(shift=str(elsewhere.pk)))
    assert refused.status_code == 400
    assert "Select a valid choice." in refused.content.decode()
    with scope(organization=org_a):
        assert not RSVPSubmission.objects.exists() and not RSVP.objects.exists()


def test_a_shift_added_after_an_rsvp_can_be_chosen_at_once(login, org_a, django_capture_on_commit_callbacks):
    event = make_event(org_a)
    make_shift(event, capacity=2)
    assert login(None).post(_page(event), _data()).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        new_shift = make_shift(event, capacity=2)
    assert login(None).post(_page(event), _data(email="b@example.org", shift=str(new_shift.pk))).status_code == 302
    with scope(organization=org_a):
        assert RSVP.objects.get(email="b@example.org").shift == new_shift


def test_an_event_made_members_only_after_an_rsvp_takes_no_more_from_the_public(
    login, org_a, django_capture_on_commit_callbacks
):
    event = make_event(org_a)
    assert login(None).post(_page(event), _data()).status_code == 302
    with django_capture_on_commit_callbacks(execute=True), scope(organization=org_a):
        event.visibility = Event.Visibility.MEMBERS
        event.save()
    assert login(None).post(_page(event), _data(email="b@example.org")).status_code == 404
    with scope(organization=org_a):
        assert RSVP.objects.filter(event=event).count() == 1


def test_a_full_shift_is_refused_while_another_is_open_and_the_open_one_is_offered(login, org_a):
    event = make_event(org_a)
    full = make_shift(event, capacity=1)
    open_shift = make_shift(event, capacity=1)
    make_rsvp(event, shift=full)
    refused = login(None).post(_page(event), _data(shift=str(full.pk)))
    html = refused.content.decode()
    assert refused.status_code == 400
    assert "That shift is full. Choose another one, or none." in html
    assert "Rosa Hernández" in html  # what was typed is kept
    assert f'value="{open_shift.pk}"' in html and f'value="{full.pk}"' not in html
    with scope(organization=org_a):
        assert RSVP.objects.filter(event=event).count() == 1
    assert login(None).post(_page(event), _data(shift=str(open_shift.pk))).status_code == 302
