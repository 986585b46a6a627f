"""Requests about one's own data, from the public page to the staff queue: the same answer for a
known and an unknown address (only a known one gets a message, delivered by real SMTP), honeypot,
rate limit and CSRF; the link's token stored only hashed, used once, expiring; one request per
organization holding the person, due in 30 days; staff answer it (export, erasure, decline),
audited; and the queue's permissions (outsider 404, viewer 403, wrong method 405)."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.test import Client, TestCase
from django.utils import timezone
from django_scopes import scopes_disabled

from alianza.core.models import AuditEvent
from alianza.people.models import Person, SubjectRequest, SubjectRequestConfirmation
from alianza.people.tests.factories import make_person, make_subject_request

PAGE = "/privacy/request/"


@pytest.fixture
def rosa(org_a, org_b):
    """Known to two organizations, with the same address."""
    return [
        make_person(org_a, given_name="Rosa", family_name="Lima", email="rosa@example.org"),
        make_person(org_b, given_name="Rosa", family_name="L.", email="rosa@example.org"),
    ]


def _ask(client: Client, email: str, kind: str = "erasure", **extra: str):
    # The e-mail task is enqueued after commit; the test's transaction never commits, so the
    # callbacks run as the request ends.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(PAGE, {"kind": kind, "contact": email, **extra})


def _link(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+(/privacy/confirm/[^/\s]+/)", body).group(1)


def test_the_page_works(db, login):
    response = login(None).get(PAGE)
    assert response.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in response.content.decode()


def test_a_known_address_gets_a_link_by_real_smtp(rosa, smtp_server, login):
    response = _ask(login(None), "Rosa@Example.org")
    assert (response.status_code, response["Location"]) == (302, "/privacy/request/sent/")
    (message,) = smtp_server.messages
    assert message["To"] == "rosa@example.org"
    assert message["Subject"] == "[Alianza] Confirm your request to erase your data"
    token = _link(message).split("/")[-2]
    # Only the hash of the token is stored; the token itself is nowhere in the database.
    (confirmation,) = SubjectRequestConfirmation.objects.all()
    assert confirmation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(list(SubjectRequestConfirmation.objects.values_list()))


def test_an_unknown_address_gets_the_same_answer_and_no_message(rosa, smtp_server, login):
    known = _ask(login(None), "rosa@example.org")
    unknown = _ask(login(None), "nobody@example.org")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert [m["To"] for m in smtp_server.messages] == ["rosa@example.org"]
    # Nothing is kept about the unknown address.
    assert list(SubjectRequestConfirmation.objects.values_list("email", flat=True)) == ["rosa@example.org"]
    sent = login(None).get(known["Location"])
    assert sent.status_code == 200 and "If an organization of the coalition has this address" in sent.content.decode()


def test_a_bot_filling_the_honeypot_is_thanked_and_forgotten(rosa, smtp_server, login):
    response = _ask(login(None), "rosa@example.org", website="http://spam.example")
    assert (response.status_code, response["Location"]) == (302, "/privacy/request/sent/")
    assert (SubjectRequestConfirmation.objects.count(), smtp_server.messages) == (0, [])


def test_a_bad_address_is_explained_and_kept(db, login):
    response = _ask(login(None), "rosa-at-example")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter an e-mail address like name@example.org." in page
    assert 'value="rosa-at-example"' in page


def test_too_many_requests_from_one_address_are_refused_with_what_was_typed(db, login, settings):
    settings.ALIANZA_SUBJECT_REQUEST_RATE_LIMIT = 2
    client = login(None)
    assert [_ask(client, f"a{n}@example.org").status_code for n in range(2)] == [302, 302]
    response = _ask(client, "third@example.org")
    assert response.status_code == 429
    assert 'value="third@example.org"' in response.content.decode()


def test_posting_without_csrf_is_refused(db):
    client = Client(enforce_csrf_checks=True)
    assert _ask(client, "rosa@example.org").status_code == 403


# --- The link --------------------------------------------------------------------------------------


def _confirm_link(rosa, smtp_server, login, kind="erasure") -> str:
    _ask(login(None), "rosa@example.org", kind=kind)
    return _link(smtp_server.messages[-1])


def test_opening_the_link_asks_first_and_pressing_confirms_in_each_organization(rosa, smtp_server, login, org_a, org_b):
    link = _confirm_link(rosa, smtp_server, login)
    client = login(None)
    page = client.get(link)
    assert page.status_code == 200
    assert SubjectRequest.objects.with_scope(organization=org_a).count() == 0  # a mail scanner confirms nothing
    done = client.post(link)
    assert done.status_code == 200
    with scopes_disabled():
        requests = list(SubjectRequest.objects.order_by("organization__slug"))
    assert [(r.organization, r.kind, r.status, r.email) for r in requests] == [
        (org_a, "erasure", "open", "rosa@example.org"),
        (org_b, "erasure", "open", "rosa@example.org"),
    ]
    assert [r.person for r in requests] == rosa
    assert {r.due_on for r in requests} == {timezone.localdate() + timedelta(days=30)}
    assert len({r.reference for r in requests}) == 1
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="people.subject_request.received").count() == 2
    # Used: the address is gone from the confirmation.
    assert list(SubjectRequestConfirmation.objects.values_list("email", flat=True)) == [""]


def test_the_link_works_once(rosa, smtp_server, login):
    link = _confirm_link(rosa, smtp_server, login)
    client = login(None)
    assert client.post(link).status_code == 200
    again = client.post(link)
    assert again.status_code == 404
    assert "This link no longer works" in again.content.decode()
    assert client.get(link).status_code == 404
    with scopes_disabled():
        assert SubjectRequest.objects.count() == 2


def test_the_link_expires(rosa, smtp_server, login):
    link = _confirm_link(rosa, smtp_server, login)
    SubjectRequestConfirmation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert login(None).post(link).status_code == 404
    with scopes_disabled():
        assert SubjectRequest.objects.count() == 0


def test_a_forged_link_is_404(db, login):
    assert login(None).get("/privacy/confirm/" + "a" * 64 + "/").status_code == 404


def test_expired_confirmations_are_deleted_by_the_next_request(rosa, smtp_server, login):
    _confirm_link(rosa, smtp_server, login)
    SubjectRequestConfirmation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    _ask(login(None), "rosa@example.org", kind="export")
    assert list(SubjectRequestConfirmation.objects.values_list("kind", flat=True)) == ["export"]


# --- The staff queue ------------------------------------------------------------------------------------


def _queue(org):
    return f"/staff/{org.slug}/people/requests/"


def test_the_queue_lists_only_our_organizations_requests(org_a, org_b, owner, login):
    ours = make_subject_request(org_a, person=make_person(org_a, given_name="Nuestra", email="n@example.org"))
    make_subject_request(org_b, person=make_person(org_b, given_name="Ajena", email="a@example.org"))
    page = login(owner).get(_queue(org_a)).content.decode()
    assert "Nuestra" in page and "Ajena" not in page
    detail = login(owner).get(f"{_queue(org_a)}{ours.pk}/")
    assert detail.status_code == 200 and "n@example.org" in detail.content.decode()


def test_staff_answer_an_export_request_with_the_zip(org_a, owner, login):
    request = make_subject_request(org_a, person=make_person(org_a, email="lupe@example.org"), kind="export")
    response = login(owner).post(f"{_queue(org_a)}{request.pk}/export/")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert "summary.html" in archive.namelist()
    with scopes_disabled():
        request.refresh_from_db()
        assert (request.status, request.answered_by) == ("done", owner)
        assert (
            AuditEvent.objects.filter(
                action="people.person.exported", data__subject_request=str(request.reference)
            ).count()
            == 1
        )
    again = login(owner).post(f"{_queue(org_a)}{request.pk}/export/")
    assert again.status_code == 302  # already answered: back to the request, with a message


def test_staff_answer_an_erasure_request_by_erasing(org_a, owner, login):
    person = make_person(org_a, email="gone@example.org")
    request = make_subject_request(org_a, person=person, kind="erasure")
    url = f"{_queue(org_a)}{request.pk}/erase/"
    assert login(owner).post(url).status_code == 400  # the box was not ticked
    assert login(owner).post(url, {"confirm": "on"}).status_code == 302
    with scopes_disabled():
        request.refresh_from_db()
        assert not Person.objects.filter(pk=person.pk).exists()
        tombstone = AuditEvent.objects.get(action="people.person.erased")
    assert (request.status, request.email, request.person_id) == ("done", "", None)
    assert request.tombstone == tombstone.data["tombstone"]


def test_an_export_request_cannot_be_answered_by_erasing(org_a, owner, login):
    person = make_person(org_a)
    request = make_subject_request(org_a, person=person, kind="export")
    assert login(owner).post(f"{_queue(org_a)}{request.pk}/erase/", {"confirm": "on"}).status_code == 302
    with scopes_disabled():
        assert Person.objects.filter(pk=person.pk).exists()
        request.refresh_from_db()
    assert request.status == "open"


def test_staff_decline_a_request(org_a, owner, login):
    request = make_subject_request(org_a)
    assert login(owner).post(f"{_queue(org_a)}{request.pk}/decline/").status_code == 302
    with scopes_disabled():
        request.refresh_from_db()
        assert AuditEvent.objects.filter(action="people.subject_request.declined").count() == 1
    assert request.status == "declined"


STAFF_PAGES = [
    ("", "get"),
    ("{id}/", "get"),
    ("{id}/export/", "post"),
    ("{id}/erase/", "post"),
    ("{id}/decline/", "post"),
]


@pytest.mark.parametrize(("path", "method"), STAFF_PAGES)
def test_outsiders_get_404_and_viewers_403(org_a, outsider, readonly_member, login, path, method):
    request = make_subject_request(org_a)
    url = _queue(org_a) + path.format(id=request.pk)
    assert getattr(login(outsider), method)(url).status_code == 404
    assert getattr(login(readonly_member), method)(url).status_code == 403


@pytest.mark.parametrize(("path", "method"), STAFF_PAGES)
def test_the_wrong_method_is_405(org_a, owner, login, path, method):
    request = make_subject_request(org_a)
    url = _queue(org_a) + path.format(id=request.pk)
    wrong = "post" if method == "get" else "get"
    assert getattr(login(owner), wrong)(url).status_code == 405
