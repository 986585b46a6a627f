"""Confirming a request about one's own data by text message: the link goes by SMS, through
``core.sms.TwilioCompatibleBackend`` to a real HTTP gateway on loopback (the ``sms_gateway``
fixture), only to a number some organization holds; an unknown number gets the same answer and
nothing is sent or kept; the link confirms in each organization holding the number; a
confirmation proves one channel only; without an SMS backend only e-mail is offered; landlines
and bad numbers are explained; a gateway failure releases the claim for a retry."""

from __future__ import annotations

import base64
import re
from urllib.parse import urlsplit

import pytest
from django.test import Client, TestCase
from django.utils import translation
from django_scopes import scopes_disabled

from alianza.core.sms import SmsDeliveryError, TwilioCompatibleBackend
from alianza.people.models import SubjectRequest, SubjectRequestConfirmation
from alianza.people.tasks import send_subject_request_confirmation
from alianza.people.tests.factories import make_person

PAGE = "/privacy/request/"
MOBILE = "+15125550147"  # a valid US number (FIXED_LINE_OR_MOBILE): accepted


@pytest.fixture
def marta(org_a, org_b):
    """Known by phone only, to two organizations; a third person has an e-mail only."""
    return [
        make_person(org_a, given_name="Marta", family_name="Xol", phone=MOBILE),
        make_person(org_b, given_name="Marta", family_name="X.", phone=MOBILE),
        make_person(org_a, given_name="Otra", email="otra@example.org"),
    ]


def _ask(client: Client, contact: str, kind: str = "erasure", language: str = "en"):
    with TestCase.captureOnCommitCallbacks(execute=True), translation.override(language):
        return client.post(PAGE, {"kind": kind, "contact": contact}, HTTP_ACCEPT_LANGUAGE=language)


def _path(body: str) -> str:
    return urlsplit(re.search(r"https?://\S+/privacy/confirm/[^/\s]+/", body).group(0)).path


def test_the_page_offers_a_mobile_number_only_when_text_messages_are_configured(db, login, settings, sms_gateway):
    page = login(None).get(PAGE).content.decode()
    assert "Your e-mail address or mobile number" in page
    assert 'inputmode="email"' not in page  # a phone's plain keyboard, good for both
    settings.SMS_BACKEND = ""
    page = login(None).get(PAGE).content.decode()
    assert "Your e-mail address or mobile number" not in page
    assert 'inputmode="email"' in page
    assert "requests are confirmed by e-mail only" in page


def test_a_known_number_gets_the_link_by_text_message_through_the_gateway(marta, sms_gateway, login):
    response = _ask(login(None), "(512) 555-0147")
    assert (response.status_code, response["Location"]) == (302, "/privacy/request/sent/")
    (message,) = sms_gateway.messages
    assert (message["To"], message["From"]) == (MOBILE, "+15125550100")
    assert message["path"] == "/2010-04-01/Accounts/ACtest/Messages.json"
    assert message["authorization"] == "Basic " + base64.b64encode(b"ACtest:test-auth-token").decode()
    # Short and discreet: read on a lock screen, perhaps by someone else.
    assert "erase" not in message["Body"].lower() and "Marta" not in message["Body"]
    assert "within 24 hours" in message["Body"]
    (confirmation,) = SubjectRequestConfirmation.objects.all()
    assert (confirmation.phone, confirmation.email) == (MOBILE, "")


def test_the_text_message_is_in_the_language_of_the_page(marta, sms_gateway, login):
    _ask(login(None), MOBILE, language="es")
    (message,) = sms_gateway.messages
    assert "para confirmar" in message["Body"].lower()


def test_an_unknown_number_gets_the_same_answer_and_nothing_is_sent_or_kept(marta, sms_gateway, login):
    known = _ask(login(None), MOBILE)
    unknown = _ask(login(None), "+1 512 555 0199")
    assert (unknown.status_code, unknown["Location"]) == (known.status_code, known["Location"])
    assert [m["To"] for m in sms_gateway.messages] == [MOBILE]
    assert list(SubjectRequestConfirmation.objects.values_list("phone", flat=True)) == [MOBILE]
    sent = login(None).get(known["Location"]).content.decode()
    assert "has this address or number" in sent


def test_the_link_confirms_in_each_organization_holding_the_number(marta, sms_gateway, login, org_a, org_b):
    _ask(login(None), MOBILE, kind="export")
    path = _path(sms_gateway.messages[-1]["Body"])
    client = login(None)
    assert client.get(path).status_code == 200
    done = client.post(path)
    assert done.status_code == 200
    with scopes_disabled():
        requests = list(SubjectRequest.objects.order_by("organization__slug"))
    assert {r.organization_id for r in requests} == {org_a.pk, org_b.pk}
    assert {(r.kind, r.phone, r.email) for r in requests} == {("export", MOBILE, "")}
    assert {r.person.given_name for r in requests} == {"Marta"}
    # Used: the number is no longer kept on the confirmation, and the link is dead.
    assert list(SubjectRequestConfirmation.objects.values_list("phone", flat=True)) == [""]
    assert client.post(path).status_code == 404


def test_a_confirmation_by_phone_proves_the_phone_only(marta, sms_gateway, login, org_a):
    """Somebody who knows another person's e-mail cannot get it confirmed through their own
    phone: the phone's link makes requests only where that number is held."""
    make_person(org_a, given_name="Intrusa", phone="+15125550148")
    _ask(login(None), "+15125550148")
    client = login(None)
    client.post(_path(sms_gateway.messages[-1]["Body"]))
    with scopes_disabled():
        assert [r.person.given_name for r in SubjectRequest.objects.all()] == ["Intrusa"]


def test_without_text_messages_a_number_is_refused_with_what_was_typed(marta, login, settings):
    settings.SMS_BACKEND = ""
    response = _ask(login(None), MOBILE)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter an e-mail address like name@example.org." in page
    assert f'value="{MOBILE}"' in page
    assert not SubjectRequestConfirmation.objects.exists()


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        ("12", "or a mobile number like +1 512 555 0100"),
        ("+44 20 7946 0958", "This is a landline"),  # a London fixed line
    ],
)
def test_a_bad_number_or_a_landline_is_explained(db, sms_gateway, login, typed, error):
    response = _ask(login(None), typed)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert sms_gateway.messages == []


def test_a_gateway_failure_releases_the_claim_so_a_retry_sends_once(marta, sms_gateway, login):
    sms_gateway.fail_with = 400
    # The task fails (the task queue records it and retries); the page answers as always.
    assert _ask(login(None), MOBILE).status_code == 302
    (confirmation,) = SubjectRequestConfirmation.objects.all()
    assert confirmation.sent_at is None
    with pytest.raises(SmsDeliveryError, match="HTTP 400 21211"):
        send_subject_request_confirmation.call(confirmation_id=confirmation.pk)
    assert SubjectRequestConfirmation.objects.get().sent_at is None
    sms_gateway.fail_with = None
    assert send_subject_request_confirmation.call(confirmation_id=confirmation.pk) is True
    assert send_subject_request_confirmation.call(confirmation_id=confirmation.pk) is False
    assert len(sms_gateway.messages) == 1


def test_the_backend_refuses_a_gateway_address_in_clear_text(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.ALIANZA_SMS_URL = "http://sms.example.com/Messages.json"
    with pytest.raises(ImproperlyConfigured):
        TwilioCompatibleBackend()


def test_an_unreachable_gateway_is_a_clear_error(settings, sms_gateway):
    settings.ALIANZA_SMS_URL = "http://127.0.0.1:9/Messages.json"  # the discard port: nothing listens
    with pytest.raises(SmsDeliveryError, match="could not be reached"):
        TwilioCompatibleBackend().send_messages([_message()])
    assert TwilioCompatibleBackend(fail_silently=True).send_messages([_message()]) == 0


def _message():
    from sms.message import Message

    return Message("hello", "+15125550100", [MOBILE])
