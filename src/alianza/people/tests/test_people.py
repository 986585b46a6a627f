"""Adding and changing people: contact points normalised, consent history, tags, encrypted
notes, clear errors that keep what was typed, and an audit trail without personal data."""

import pytest
from django_scopes import scope

from alianza.core.models import AuditEvent
from alianza.people.models import ConsentRecord, Person, PersonEmail, PersonPhone
from alianza.people.tests.factories import make_person, make_tag

FORM = {
    "given_name": "María José",
    "family_name": "Hernández",
    "preferred_name": "Majo",
    "pronouns": "ella",
    "preferred_language": "es",
    "other_languages": ["en"],
    "email": " Majo@Example.ORG ",
    "phone": "(512) 555-0147",
    "whatsapp": "on",
    "consent": ["sms", "whatsapp"],
    "street": "12 Elm St",
    "city": "Austin",
    "county": "Travis",
    "state": "TX",
    "zip_code": "78701",
    "notes": "Prefers evening calls",
}


def person_in(org, **lookup):
    with scope(organization=org):
        return Person.objects.get(**lookup)


def test_an_organizer_adds_a_person(login, member, org_a):
    response = login(member).post("/staff/org-a/people/new/", FORM)
    assert response.status_code == 302
    person = person_in(org_a, family_name="Hernández")
    assert response["Location"] == f"/staff/org-a/people/{person.pk}/"
    with scope(organization=org_a):
        assert [e.email for e in person.emails.all()] == ["majo@example.org"]
        phone = person.phones.get()
        assert (phone.number, phone.whatsapp) == ("+15125550147", True)
        assert {(c.channel, c.granted) for c in ConsentRecord.objects.filter(person=person)} == {
            ("sms", True), ("whatsapp", True)}  # fmt: skip
    assert person.display_name == "Majo Hernández"
    assert person.notes == "Prefers evening calls"


def test_the_audit_trail_records_what_changed_but_not_the_data(login, member, org_a):
    client = login(member)
    client.post("/staff/org-a/people/new/", FORM)
    person = person_in(org_a, family_name="Hernández")
    client.post(f"/staff/org-a/people/{person.pk}/edit/", {**FORM, "city": "Round Rock"})
    with scope(organization=org_a):
        created = AuditEvent.objects.get(action="people.person.created")
        updated = AuditEvent.objects.get(action="people.person.updated")
    assert "emails" in created.data["fields"] and "notes" in created.data["fields"]
    assert updated.data == {"fields": ["city"]}
    assert "Hernández" not in str(created.data) and "majo@example.org" not in str(created.data)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"phone": "123"}, "is not a valid phone number."),
        ({"email": "nope@"}, "is not a valid e-mail address."),
        ({"given_name": "", "family_name": "", "preferred_name": ""}, "Enter at least one name."),
    ],
)
def test_bad_input_is_explained_and_kept(login, member, org_a, change, message):
    response = login(member).post("/staff/org-a/people/new/", {**FORM, **change})
    assert response.status_code == 400
    assert message.encode() in response.content
    assert b"Prefers evening calls" in response.content  # what was typed is still there
    with scope(organization=org_a):
        assert Person.objects.count() == 0


def test_an_email_or_phone_belongs_to_one_person_per_organization(login, member, org_a, org_b):
    make_person(org_a, email="majo@example.org")
    make_person(org_b, phone="+15125550147")  # another organization may have the same person
    response = login(member).post("/staff/org-a/people/new/", FORM)
    assert response.status_code == 400
    assert b"already has this e-mail address" in response.content
    response = login(member).post("/staff/org-a/people/new/", {**FORM, "email": "other@example.org"})
    assert response.status_code == 302


def test_consent_changes_are_kept_as_history(login, member, org_a):
    client = login(member)
    client.post("/staff/org-a/people/new/", FORM)
    person = person_in(org_a, family_name="Hernández")
    client.post(f"/staff/org-a/people/{person.pk}/edit/", {**FORM, "consent": ["email"]})
    with scope(organization=org_a):
        history = [(c.channel, c.granted) for c in ConsentRecord.objects.filter(person=person).order_by("id")]
    assert history == [("sms", True), ("whatsapp", True), ("email", True), ("sms", False), ("whatsapp", False)]


def test_tags_come_from_the_organization(login, member, org_a, org_b):
    ours = make_tag(org_a, "volunteer")
    theirs = make_tag(org_b, "donor")
    client = login(member)
    response = client.post("/staff/org-a/people/new/", {**FORM, "tags": [theirs.pk]})
    assert response.status_code == 400  # not a choice here
    client.post("/staff/org-a/people/new/", {**FORM, "tags": [ours.pk]})
    person = person_in(org_a, family_name="Hernández")
    with scope(organization=org_a):
        assert list(person.tags.all()) == [ours]


def test_editing_keeps_other_contact_points(login, member, org_a):
    person = make_person(org_a, email="first@example.org")
    with scope(organization=org_a):
        PersonEmail.objects.create(organization=org_a, person=person, email="work@example.org", is_primary=False)
    login(member).post(f"/staff/org-a/people/{person.pk}/edit/", {**FORM, "email": "new@example.org"})
    with scope(organization=org_a):
        assert sorted(e.email for e in person.emails.all()) == ["new@example.org", "work@example.org"]
        assert PersonPhone.objects.filter(person=person).count() == 1


def test_a_viewer_reads_but_cannot_add_or_edit(login, readonly_member, org_a):
    person = make_person(org_a)
    client = login(readonly_member)
    assert client.get(f"/staff/org-a/people/{person.pk}/").status_code == 200
    assert client.get("/staff/org-a/people/new/").status_code == 403
    assert client.post(f"/staff/org-a/people/{person.pk}/edit/", FORM).status_code == 403


def test_an_outsider_gets_404(login, outsider, org_a):
    person = make_person(org_a)
    client = login(outsider)
    assert client.get(f"/staff/org-a/people/{person.pk}/").status_code == 404
    assert client.get(f"/staff/org-b/people/{person.pk}/").status_code == 404


def test_opening_a_person_is_audited(login, member, org_a):
    person = make_person(org_a)
    login(member).get(f"/staff/org-a/people/{person.pk}/")
    with scope(organization=org_a):
        event = AuditEvent.objects.get(action="people.person.viewed")
    assert (event.actor, event.object_id) == (member, str(person.pk))


def test_wrong_methods(login, member, org_a):
    person = make_person(org_a)
    client = login(member)
    assert client.post("/staff/org-a/people/").status_code == 405
    assert client.post(f"/staff/org-a/people/{person.pk}/").status_code == 405
    assert client.get(f"/staff/org-a/people/{person.pk}/share/").status_code == 405
