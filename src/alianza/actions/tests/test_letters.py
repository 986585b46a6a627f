"""Letters to officials: a letter (edited by the signer) goes to the target by e-mail through a
real SMTP server (aiosmtpd), once, with Reply-To the signer only if they agreed; one letter per
person; the signer's consent to send is required; letters collected for delivery are exported
(PDF, CSV; formula-safe, audited); letters appear on the timeline, in the activity kind and on
the campaign's public page."""

from __future__ import annotations

import contextlib
import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from alianza.actions.letters import LetterError, letter_send, letter_submit, letters_export
from alianza.actions.models import Letter, LetterCampaign
from alianza.actions.tasks_petitions import send_letter
from alianza.actions.tests.factories import make_letter, make_letter_campaign
from alianza.core.models import AuditEvent
from alianza.people.activity import get as activity_kind
from alianza.people.models import ConsentRecord, Person
from alianza.people.tests.factories import make_person
from alianza.people.timeline import person_timeline

EDITED = "Estimada sheriff:\nMi familia vive con miedo. Termine el acuerdo 287(g)."


def _write(letter_campaign: LetterCampaign, **overrides: Any) -> Letter:
    data: dict[str, Any] = {
        "name": "Rosa Hernández",
        "email": "rosa@example.org",
        "phone": "",
        "zip_code": "78702",
        "language": "es",
        "consents": {"email": True},
        "body": EDITED,
        "send_consent": True,
        "reply_to_signer": False,
    }
    data.update(overrides)
    return letter_submit(letter_campaign=letter_campaign, **data)


def test_the_letter_goes_to_the_target_through_smtp_once_without_reply_to(
    org_a, smtp_server, django_capture_on_commit_callbacks
):
    letters = make_letter_campaign(org_a)
    with django_capture_on_commit_callbacks(execute=True):
        letter = _write(letters)
    (message,) = smtp_server.messages
    assert message["To"] == "sheriff@county.example.org"
    assert message["Subject"] == str(letters.subject.localize("es"))
    assert message["Reply-To"] is None
    body = message.get_content().replace("\r\n", "\n")
    assert body.startswith(EDITED + "\n\nRosa Hernández\n78702\n")
    assert "rosa@example.org" not in message.as_string()
    # A retried or duplicated task sends nothing more.
    assert send_letter.call(letter_id=letter.pk, organization_id=str(org_a.pk)) is False
    assert letter_send(letter_id=letter.pk, organization=org_a) is False
    assert len(smtp_server.messages) == 1
    with scope(organization=org_a):
        letter.refresh_from_db()
    assert letter.status == Letter.Status.SENT and letter.sent_at is not None


def test_reply_to_is_the_signer_only_when_they_agree(org_a, smtp_server, django_capture_on_commit_callbacks):
    letters = make_letter_campaign(org_a)
    with django_capture_on_commit_callbacks(execute=True):
        _write(letters, reply_to_signer=True)
    (message,) = smtp_server.messages
    assert message["Reply-To"] == "rosa@example.org"
    assert message["To"] == "sheriff@county.example.org"


def test_a_failed_send_releases_the_claim_and_a_retry_sends_it(org_a, settings):
    letters = make_letter_campaign(org_a)
    letter = make_letter(letters, status=Letter.Status.PENDING)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    with contextlib.suppress(OSError):
        letter_send(letter_id=letter.pk, organization=org_a)
    with scope(organization=org_a):
        letter.refresh_from_db()
    assert (letter.status, letter.sent_at) == (Letter.Status.PENDING, None)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert letter_send(letter_id=letter.pk, organization=org_a) is True


def test_writing_twice_keeps_one_letter_and_sends_once(org_a, smtp_server, django_capture_on_commit_callbacks):
    letters = make_letter_campaign(org_a)
    with django_capture_on_commit_callbacks(execute=True):
        first = _write(letters)
    with django_capture_on_commit_callbacks(execute=True):
        again = _write(letters, email="ROSA@example.org", body="Otra carta")
    assert first.pk == again.pk
    assert len(smtp_server.messages) == 1
    with scope(organization=org_a):
        assert Letter.objects.get().body == EDITED


def test_the_consent_to_send_is_required(org_a):
    letters = make_letter_campaign(org_a)
    with pytest.raises(LetterError, match="deliver your letter in your name"):
        _write(letters, send_consent=False)
    with scope(organization=org_a):
        assert (Letter.objects.count(), Person.objects.count()) == (0, 0)


def test_an_empty_or_too_long_letter_is_refused(org_a):
    letters = make_letter_campaign(org_a)
    with pytest.raises(LetterError, match="Write your letter"):
        _write(letters, body="  \n ")
    with pytest.raises(LetterError, match="too long"):
        _write(letters, body="x" * 5001)


def test_a_closed_letter_campaign_takes_no_letter(org_a):
    with pytest.raises(LetterError, match="not taking letters"):
        _write(make_letter_campaign(org_a, status=LetterCampaign.Status.CLOSED))


def test_e_mail_delivery_needs_the_target_address(org_a, owner):
    from alianza.actions.letters import letter_campaign_save

    letters = make_letter_campaign(org_a)
    letters.target_email = ""
    with pytest.raises(LetterError, match="e-mail address the letters are sent to"):
        letter_campaign_save(letter_campaign=letters, actor=owner)
    letters.delivery = LetterCampaign.Delivery.COLLECT
    assert letter_campaign_save(letter_campaign=letters, actor=owner).delivery == "collect"


def test_collected_letters_are_kept_not_sent_and_consent_is_recorded(org_a, django_capture_on_commit_callbacks):
    letters = make_letter_campaign(org_a, delivery=LetterCampaign.Delivery.COLLECT, target_email="")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        letter = _write(letters, consents={"email": False, "sms": True})
    assert callbacks == []
    assert (letter.status, letter.sent_at) == (Letter.Status.COLLECTED, None)
    assert letter_send(letter_id=letter.pk, organization=org_a) is False
    with scope(organization=org_a):
        consents = sorted(ConsentRecord.objects.values_list("channel", "granted"))
    assert consents == [("email", False), ("sms", True)]


def test_the_export_has_each_letter_as_written_and_is_audited(org_a, owner):
    letters = make_letter_campaign(org_a, delivery=LetterCampaign.Delivery.COLLECT, target_email="")
    person = make_person(org_a, given_name="José", family_name="Núñez", email="jose@example.org")
    make_letter(letters, person, body="Señora sheriff: ¡basta ya!", zip_code="78741")
    make_letter(letters, name="@SUM(A1)", body="-2+3")
    pdf = letters_export(letter_campaign=letters, actor=owner, file_format="pdf")
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages]
    assert len(pages) == 2  # one letter per page
    assert "Señora sheriff: ¡basta ya!" in pages[0] and "José Núñez" in pages[0] and "78741" in pages[0]
    assert "Sheriff Sally Hernandez" in pages[0]
    assert "jose@example.org" not in pages[0]
    exported = letters_export(letter_campaign=letters, actor=owner, file_format="csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0] == ["Name", "ZIP code", "Written", "Subject", "Letter", "Status"]
    assert [r[0] for r in rows[1:]] == ["José Núñez", "'@SUM(A1)"]
    assert rows[2][4] == "'-2+3"
    with scopes_disabled():
        audit = list(
            AuditEvent.objects.filter(action="actions.letter_campaign.exported")
            .order_by("id")
            .values_list("actor", "data")
        )
    assert audit == [(owner.pk, {"format": "pdf", "rows": 2}), (owner.pk, {"format": "csv", "rows": 2})]


def test_letters_appear_on_the_timeline_in_the_activity_kind_and_as_open_actions(org_a):
    from alianza.campaigns.open_actions import campaign_open_actions
    from alianza.campaigns.tests.factories import make_campaign

    campaign = make_campaign(org_a)
    letters = make_letter_campaign(org_a, campaign=campaign)
    make_letter_campaign(org_a, campaign=campaign, status=LetterCampaign.Status.DRAFT)
    letter = _write(letters)
    with scopes_disabled():
        person = Person.objects.get(pk=letter.person_id)
    assert ("Sent a letter to Sheriff Sally Hernandez", letter.subject) in [
        (e.label, e.detail) for e in person_timeline(person)
    ]
    kind = activity_kind("actions.letter_sent")
    assert kind is not None
    with scope(organization=org_a):
        ids = set(kind.person_ids_since(org_a, timezone.now() - timedelta(days=1)).values_list("person_id", flat=True))
    assert ids == {person.pk}
    actions = [(a.title, a.url, a.kind) for a in campaign_open_actions(campaign)]
    assert actions == [(str(letters.title), letters.get_public_url(), "Letter")]
