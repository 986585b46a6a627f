"""Petitions: signing matches or adds the person, counts each person once, keeps consent per
channel, thanks the signer by e-mail once in their language; the deliverable (PDF, CSV) holds
only the signers who agreed to be shown, is formula-safe and audited; the count stays exact when
many people sign at the same moment (PostgreSQL, parallel threads); signatures appear on the
timeline, in segments' activity kinds and on the campaign's public page."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connection, connections
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from alianza.actions.models import Petition, Signature
from alianza.actions.petitions import PetitionError, petition_export, petition_save, petition_set_status, signature_add
from alianza.actions.tasks_petitions import send_signature_confirmation
from alianza.actions.tests.factories import make_petition, make_signature
from alianza.core.models import AuditEvent
from alianza.people.activity import get as activity_kind
from alianza.people.models import ConsentRecord, Person
from alianza.people.tests.factories import make_person
from alianza.people.timeline import person_timeline


def _sign(petition: Petition, **overrides: Any) -> Signature:
    data: dict[str, Any] = {
        "name": "Rosa Hernández",
        "email": "rosa@example.org",
        "phone": "",
        "zip_code": "78702",
        "language": "es",
        "consents": {"email": True, "sms": False, "whatsapp": False},
    }
    data.update(overrides)
    return signature_add(petition=petition, **data)


def _count(petition: Petition) -> int:
    with scopes_disabled():
        return Petition.objects.get(pk=petition.pk).signature_count


def test_a_signature_adds_the_person_with_consent_per_channel_and_counts_one(org_a):
    petition = make_petition(org_a)
    signature = _sign(petition, show_name=True, comment="Por mis hijos")
    with scope(organization=org_a):
        person = Person.objects.get()
        consents = sorted(ConsentRecord.objects.filter(person=person).values_list("channel", "granted"))
    assert (person.given_name, person.family_name, person.preferred_language) == ("Rosa", "Hernández", "es")
    assert consents == [("email", True), ("sms", False), ("whatsapp", False)]
    assert (signature.zip_code, signature.show_name, signature.comment) == ("78702", True, "Por mis hijos")
    assert _count(petition) == 1


def test_signing_twice_with_the_same_email_or_phone_counts_once(org_a):
    petition = make_petition(org_a)
    first = _sign(petition, phone="512 555 0101")
    again = _sign(petition, name="R. H.", email="ROSA@example.org ", comment="again")
    by_phone = _sign(petition, email="", phone="+1 (512) 555-0101")
    assert first.pk == again.pk == by_phone.pk
    assert _count(petition) == 1
    with scope(organization=org_a):
        assert Signature.objects.count() == 1
        assert Person.objects.count() == 1


def test_a_known_person_signing_is_matched_not_duplicated(org_a):
    known = make_person(org_a, given_name="Ana", family_name="Flores", email="ana@example.org")
    signature = _sign(make_petition(org_a), name="Anita F", email="ana@example.org")
    assert signature.person_id == known.pk
    with scope(organization=org_a):
        assert Person.objects.get().given_name == "Ana"


def test_a_draft_or_closed_petition_takes_no_signature(org_a):
    for status in (Petition.Status.DRAFT, Petition.Status.CLOSED):
        with pytest.raises(PetitionError, match="not taking signatures"):
            _sign(make_petition(org_a, status=status))
    with scope(organization=org_a):
        assert Person.objects.count() == 0


def test_a_bad_zip_code_or_no_way_to_reach_is_refused(org_a):
    petition = make_petition(org_a)
    with pytest.raises(PetitionError, match="ZIP code"):
        _sign(petition, zip_code="7870")
    with pytest.raises(PetitionError, match="e-mail address or a phone"):
        _sign(petition, email="", phone="")
    assert _count(petition) == 0


def test_the_signer_is_thanked_once_in_their_language(org_a, django_capture_on_commit_callbacks):
    petition = make_petition(org_a)
    with django_capture_on_commit_callbacks(execute=True):
        signature = _sign(petition)  # the task runs at once in tests (immediate backend)
    assert send_signature_confirmation.call(signature_id=signature.pk, organization_id=str(org_a.pk)) is False
    (message,) = mail.outbox
    assert message.to == ["rosa@example.org"]
    assert message.subject.endswith("Gracias por firmar: " + str(petition.title.localize("es")))
    assert "1 persona ha firmado" in message.body
    assert petition.get_public_url() in message.body


def test_signing_again_sends_no_second_email(org_a, django_capture_on_commit_callbacks):
    petition = make_petition(org_a)
    with django_capture_on_commit_callbacks(execute=True):
        _sign(petition)
    with django_capture_on_commit_callbacks(execute=True):
        _sign(petition)
    assert len(mail.outbox) == 1


def test_a_phone_only_signer_gets_no_email(org_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _sign(make_petition(org_a), email="", phone="512 555 0199")
    assert callbacks == []
    assert mail.outbox == []


def test_saving_and_opening_are_audited_and_never_reset_the_count(org_a, owner):
    petition = make_petition(org_a, status=Petition.Status.DRAFT)
    petition = petition_set_status(petition=petition, actor=owner, status=Petition.Status.OPEN)
    _sign(petition)
    stale = Petition.objects.with_scopes_disabled().get(pk=petition.pk)
    stale.signature_count = 0  # a form loaded before the signature
    stale.goal = 500
    petition_save(petition=stale, actor=owner)
    assert _count(petition) == 1
    with scopes_disabled():
        actions = list(
            AuditEvent.objects.filter(object_id=str(petition.pk), action__startswith="actions.petition.")
            .order_by("id")
            .values_list("action", "data")
        )
    assert actions == [
        ("actions.petition.status_changed", {"from": "draft", "to": "open"}),
        ("actions.petition.updated", {"fields": ["goal"]}),
    ]


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_pdf_has_the_petition_and_only_the_signers_who_agreed_to_be_shown(org_a, owner):
    petition = make_petition(org_a)
    shown = make_person(org_a, given_name="José", family_name="Núñez", email="jose@example.org")
    hidden = make_person(org_a, given_name="Hidden", family_name="Person", email="hidden@example.org")
    make_signature(petition, shown, show_name=True, zip_code="78741", comment="¡Sí se puede!")
    make_signature(petition, hidden, show_name=False)
    deliverable = petition_export(petition=petition, actor=owner, file_format="pdf")
    text = _pdf_text(deliverable.content)
    assert deliverable.content_type == "application/pdf" and deliverable.rows == 1
    assert "José Núñez" in text  # accents print (DejaVu Sans)
    assert "78741" in text and "¡Sí se puede!" in text
    assert "Governor of Texas; Texas Legislature" in text
    assert "2 people signed" in text
    assert "Hidden" not in text and "hidden@example.org" not in text and "jose@example.org" not in text


def test_the_csv_is_formula_safe_and_has_no_contact_details(org_a, owner):
    petition = make_petition(org_a)
    person = make_person(org_a, given_name="=HYPERLINK(1)", family_name="X", email="x@example.org")
    make_signature(petition, person, show_name=True, comment="+1 for this")
    make_signature(petition, show_name=False)
    deliverable = petition_export(petition=petition, actor=owner, file_format="csv")
    rows = list(csv.reader(io.StringIO(deliverable.content.decode("utf-8-sig"))))
    assert rows[0] == ["Name", "ZIP code", "Signed", "Comment"]
    assert len(rows) == 2
    assert rows[1][0] == "'=HYPERLINK(1) X"
    assert rows[1][1] == "78702"
    assert rows[1][3] == "'+1 for this"
    assert "x@example.org" not in deliverable.content.decode("utf-8-sig")


def test_every_export_is_audited_with_its_format_and_row_count(org_a, owner):
    petition = make_petition(org_a)
    make_signature(petition, show_name=True)
    for file_format in ("pdf", "csv"):
        petition_export(petition=petition, actor=owner, file_format=file_format)
    with scopes_disabled():
        rows = list(
            AuditEvent.objects.filter(action="actions.petition.exported").order_by("id").values_list("actor", "data")
        )
    assert rows == [(owner.pk, {"format": "pdf", "rows": 1}), (owner.pk, {"format": "csv", "rows": 1})]


def test_signatures_appear_on_the_timeline_and_in_the_activity_kind(org_a):
    petition = make_petition(org_a)
    signature = _sign(petition, comment="Por mis hijos")
    with scopes_disabled():
        person = Person.objects.get(pk=signature.person_id)
    labels = [(e.label, e.detail) for e in person_timeline(person)]
    assert (f"Signed the petition {petition.title}", "Por mis hijos") in labels
    with scope(organization=org_a):
        kind = activity_kind("actions.signed")
        assert kind is not None
        ids = set(kind.person_ids_since(org_a, timezone.now() - timedelta(days=1)).values_list("person_id", flat=True))
    assert ids == {person.pk}


def test_an_open_public_petition_of_the_campaign_is_an_open_action(org_a):
    from alianza.campaigns.open_actions import campaign_open_actions
    from alianza.campaigns.tests.factories import make_campaign

    campaign = make_campaign(org_a)
    listed = make_petition(org_a, campaign=campaign)
    make_petition(org_a, campaign=campaign, status=Petition.Status.DRAFT)
    make_petition(org_a, campaign=campaign, visibility=Petition.Visibility.PRIVATE)
    make_petition(org_a)  # no campaign
    actions = [(a.title, a.url, a.kind) for a in campaign_open_actions(campaign)]
    assert actions == [(str(listed.title), listed.get_public_url(), "Petition")]


# --- Concurrency (PostgreSQL) ----------------------------------------------------------------

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL")


def _in_parallel(jobs: list[Callable[[], Any]]) -> list[Any]:
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(i: int, job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = job()
        except Exception as exc:  # noqa: BLE001 — collected and asserted on
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_signing_counts_every_person_exactly_once(org_a):
    petition = make_petition(org_a)
    # 20 people, each sending the form twice at the same moment (a double click).
    jobs = [
        (lambda n=n: _sign(petition, name=f"Person {n}", email=f"p{n}@example.org", consents={}))
        for n in range(20)
        for _twice in range(2)
    ]
    results = _in_parallel(jobs)
    assert [r for r in results if isinstance(r, Exception)] == []
    with scope(organization=org_a):
        assert Signature.objects.filter(petition=petition).count() == 20
        assert Person.objects.count() == 20
    assert _count(petition) == 20
    by_person: dict[int, set[int]] = {}
    for r in results:
        by_person.setdefault(r.person_id, set()).add(r.pk)
    assert all(len(ids) == 1 for ids in by_person.values())


def test_the_demo_has_an_open_petition_with_signatures_and_a_letter(db, settings):
    from io import StringIO

    from django.core.management import call_command

    from alianza.actions.models import Letter, LetterCampaign

    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())  # safe to run again
    with scopes_disabled():
        petition = Petition.objects.get()
        assert (petition.status, petition.signature_count, petition.campaign.slug) == ("open", 5, "licenses-for-all")
        assert LetterCampaign.objects.get().status == "open"
        assert Letter.objects.count() == 2


def test_erasing_a_signer_keeps_the_count_and_removes_what_they_wrote(org_a, owner):
    from alianza.actions.models import Letter
    from alianza.actions.tests.factories import make_letter, make_letter_campaign
    from alianza.people.erasure import person_erase
    from alianza.people.personal_data import contributors

    petition = make_petition(org_a)
    person = make_person(org_a, given_name="Xochitl", family_name="Gone", email="x@example.org")
    make_signature(petition, person, show_name=True, comment="Por mis hijos")
    make_letter(make_letter_campaign(org_a), person, body="Mi carta")
    with scope(organization=org_a):
        codes = ("actions.signatures", "actions.letters")
        exported = {c.code: c.export(person) for c in contributors() if c.code in codes}
    assert exported["actions.signatures"][0]["comment"] == "Por mis hijos"
    assert exported["actions.letters"][0]["letter"] == "Mi carta"
    person_erase(person=person, actor=owner, reason="person_asked")
    with scopes_disabled():
        signature = Signature.objects.get()
        letter = Letter.objects.get()
        assert Petition.objects.get(pk=petition.pk).signature_count == 1
    assert (signature.person_id, signature.comment, signature.email, signature.zip_code) == (None, "", "", "")
    assert (letter.person_id, letter.name, letter.body, letter.email) == (None, "", "", "")


def test_the_ladder_functions_count_signers_per_campaign(org_a):
    from alianza.actions import ladder
    from alianza.actions.history import ladder_signed_ids, petition_participants
    from alianza.actions.tests.factories import make_letter, make_letter_campaign
    from alianza.campaigns.tests.factories import make_campaign

    campaign = make_campaign(org_a)
    signer, elsewhere, writer = make_person(org_a), make_person(org_a), make_person(org_a)
    make_signature(make_petition(org_a, campaign=campaign), signer)
    make_signature(make_petition(org_a), elsewhere)
    make_letter(make_letter_campaign(org_a, campaign=campaign), writer)
    with scope(organization=org_a):
        assert set(ladder_signed_ids(org_a, None).values_list("person_id", flat=True)) == {signer.pk, elsewhere.pk}
        assert list(ladder_signed_ids(org_a, campaign).values_list("person_id", flat=True)) == [signer.pk]
        assert set(petition_participants(org_a, campaign).values_list("pk", flat=True)) == {signer.pk, writer.pk}
        counts = {c.rung.code: c.reached for c in ladder.ladder_counts(org_a, campaign)}  # "signed" is registered
    assert counts["signed"] == 1
