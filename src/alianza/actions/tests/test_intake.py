"""people.intake.person_match_or_create: the one way public forms add or find people."""

from __future__ import annotations

import pytest
from django_scopes import scope

from alianza.core.models import AuditEvent
from alianza.people.intake import IntakeError, person_match_or_create
from alianza.people.models import ConsentRecord, Person, PersonPhone
from alianza.people.tests.factories import make_person


def _intake(org, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("name", "José Ramírez")
    kwargs.setdefault("email", "")
    kwargs.setdefault("phone", "")
    kwargs.setdefault("language", "es")
    kwargs.setdefault("consents", {})
    kwargs.setdefault("source", "Test form")
    return person_match_or_create(organization=org, **kwargs)


def test_it_matches_by_email_before_phone(org_a):
    by_email = make_person(org_a, email="jose@example.org")
    make_person(org_a, phone="+15125550142")
    assert _intake(org_a, email="JOSE@example.org", phone="512 555 0142") == by_email


def test_a_match_gains_a_new_phone_and_new_consent_but_never_loses_consent(org_a):
    person = make_person(org_a, email="jose@example.org")
    _intake(org_a, email="jose@example.org", consents={"sms": True})
    _intake(org_a, email="jose@example.org", phone="5125550142", consents={"sms": False, "email": False})
    with scope(organization=org_a):
        assert list(PersonPhone.objects.filter(person=person).values_list("number", flat=True)) == ["+15125550142"]
        assert list(ConsentRecord.objects.filter(person=person).values_list("channel", "granted")) == [("sms", True)]
        assert AuditEvent.objects.filter(action="people.person.matched", object_id=str(person.pk)).count() == 2


def test_people_of_another_organization_are_never_matched(org_a, org_b):
    theirs = make_person(org_b, email="jose@example.org")
    mine = _intake(org_a, email="jose@example.org")
    assert mine != theirs and mine.organization == org_a


def test_a_new_person_is_audited_without_personal_data(org_a):
    person = _intake(org_a, email="jose@example.org")
    with scope(organization=org_a):
        event = AuditEvent.objects.get(action="people.person.created", object_id=str(person.pk))
    assert event.data == {"source": "Test form", "fields": ["email", "name"]}
    assert "jose" not in str(event.data)


@pytest.mark.parametrize(
    ("email", "phone", "message"),
    [("", "", "e-mail address or a phone"), ("not-an-email", "", "valid e-mail"), ("", "123", "valid phone")],
)
def test_unusable_contact_points_are_refused(org_a, email, phone, message):
    with pytest.raises(IntakeError, match=message):
        _intake(org_a, email=email, phone=phone)
    with scope(organization=org_a):
        assert Person.objects.count() == 0


def test_a_new_persons_email_is_known_without_reading_it_again(org_a, django_assert_num_queries):
    with scope(organization=org_a):
        person = _intake(org_a, email="Nueva@Example.org")
        with django_assert_num_queries(0):
            assert [e.email for e in person.emails.all()] == ["nueva@example.org"]
        assert [e.email for e in Person.objects.get(pk=person.pk).emails.all()] == ["nueva@example.org"]
