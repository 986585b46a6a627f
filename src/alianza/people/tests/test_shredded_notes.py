"""After crypto-shredding (`alianza destroy-org-key`), a person's page still opens and says
the notes are unreadable, instead of failing; other organizations' notes still read."""

from django_scopes import scopes_disabled

from alianza.core.encryption import organization_key_destroy
from alianza.people.models import Person
from alianza.people.tests.factories import make_person

UNREADABLE = "Unreadable: this organization's encryption key was destroyed"


def test_the_person_page_says_the_notes_are_unreadable(login, owner, org_a):
    with scopes_disabled():
        person = make_person(org_a, notes="Prefers evening calls")
    organization_key_destroy(organization=org_a)
    response = login(owner).get(f"/staff/org-a/people/{person.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert UNREADABLE in page
    assert f"{person.given_name}" in page  # the rest of the record (not encrypted) is still shown


def test_a_person_without_notes_shows_no_placeholder(login, owner, org_a):
    with scopes_disabled():
        person = make_person(org_a)
    organization_key_destroy(organization=org_a)
    response = login(owner).get(f"/staff/org-a/people/{person.pk}/")
    assert response.status_code == 200
    assert UNREADABLE not in response.content.decode()


def test_another_organizations_notes_still_read(login, outsider, org_a, org_b):
    with scopes_disabled():
        make_person(org_a, notes="Gone")
        kept = make_person(org_b, notes="Prefers evening calls")
    organization_key_destroy(organization=org_a)
    response = login(outsider).get(f"/staff/org-b/people/{kept.pk}/")
    assert "Prefers evening calls" in response.content.decode()
    with scopes_disabled():
        assert Person.objects.get(pk=kept.pk).notes == "Prefers evening calls"
