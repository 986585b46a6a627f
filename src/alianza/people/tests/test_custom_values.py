"""Custom field values on people: the person form (right widgets, typed values, errors kept),
archived fields kept, the person's page, the audit trail (field keys, never values), partners,
and the export (a column per field, archived included, formula-safe)."""

import csv
import io

import pytest
from django.utils import translation
from django_scopes import scope, scopes_disabled

from alianza.core.models import AuditEvent
from alianza.people.models import Person
from alianza.people.tests.factories import make_custom_field, make_grant, make_person
from alianza.people.tests.test_people import FORM

SIZES = [
    {"key": "s", "label": {"en": "Small", "es": "Chica"}},
    {"key": "m", "label": {"en": "Medium", "es": "Mediana"}},
]


@pytest.fixture
def fields(org_a):
    return {
        "size": make_custom_field(org_a, "size", "choice", choices=SIZES, label={"en": "T-shirt size", "es": "Talla"}),
        "hours": make_custom_field(org_a, "hours", "number", label={"en": "Volunteer hours"}, order=1),
        "kyr": make_custom_field(org_a, "kyr", "date", label={"en": "Trained on KYR"}, order=2),
        "team": make_custom_field(org_a, "team", "text", label={"en": "Team"}, order=3),
        "old": make_custom_field(org_a, "old_code", "text", label={"en": "Old code"}, archived=True, order=4),
    }


def person_in(org, **lookup):
    with scope(organization=org):
        return Person.objects.get(**lookup)


@scopes_disabled()
def set_custom(person, **values):
    person.custom = values
    person.save(update_fields=["custom"])


def test_the_form_shows_the_active_fields_with_fitting_widgets(login, member, org_a, fields):
    page = login(member).get("/staff/org-a/people/new/").content.decode()
    assert '<select name="custom_size" id="id_custom_size">' in page
    assert 'inputmode="decimal"' in page and 'name="custom_hours"' in page
    assert 'type="date" name="custom_kyr"' in page
    assert 'name="custom_team"' in page
    assert "custom_old_code" not in page  # archived: not in the form
    assert page.index("custom_team") < page.index('name="notes"')


def test_adding_a_person_with_custom_values(login, member, org_a, fields):
    data = {**FORM, "custom_size": "m", "custom_hours": "2,5", "custom_kyr": "2024-05-31", "custom_team": " Norte "}
    response = login(member).post("/staff/org-a/people/new/", data)
    assert response.status_code == 302
    person = person_in(org_a, family_name="Hernández")
    assert person.custom == {"size": "m", "hours": 2.5, "kyr": "2024-05-31", "team": "Norte"}
    with scope(organization=org_a):
        event = AuditEvent.objects.get(action="people.person.created")
    assert {"custom.size", "custom.hours", "custom.kyr", "custom.team"} <= set(event.data["fields"])


def test_bad_values_are_explained_next_to_the_field_and_kept(login, member, org_a, fields):
    data = {**FORM, "custom_hours": "lots", "custom_size": "xl", "custom_kyr": "2024-02-30"}
    response = login(member).post("/staff/org-a/people/new/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Volunteer hours: “lots” is not a number (for example 12, 2.5 or 2,5)." in page
    assert "Trained on KYR: “2024-02-30” is not a date" in page
    assert "Select a valid choice. xl is not one of the available choices." in page
    assert 'value="lots"' in page
    with scopes_disabled():
        assert not Person.objects.exists()


def test_editing_keeps_archived_values_and_audits_keys_never_values(login, member, org_a, fields):
    person = make_person(org_a, given_name="Rosa", family_name="Lima", email="rosa@example.org")
    set_custom(person, size="s", hours=3, old_code="XYZ-123-secret")
    client = login(member)
    page = client.get(f"/staff/org-a/people/{person.pk}/edit/").content.decode()
    assert '<option value="s" selected>Small</option>' in page
    assert 'name="custom_hours" value="3"' in page
    data = {**FORM, "email": "rosa@example.org", "phone": "", "custom_size": "m", "custom_hours": "3",
            "custom_kyr": "", "custom_team": "Sur"}  # fmt: skip
    assert client.post(f"/staff/org-a/people/{person.pk}/edit/", data).status_code == 302
    person.refresh_from_db()
    assert person.custom == {"size": "m", "hours": 3, "old_code": "XYZ-123-secret", "team": "Sur"}
    with scope(organization=org_a):
        event = AuditEvent.objects.get(action="people.person.updated")
    assert "custom.size" in event.data["fields"] and "custom.team" in event.data["fields"]
    assert "custom.hours" not in event.data["fields"] and "custom.old_code" not in event.data["fields"]
    assert "Sur" not in str(event.data) and "Medium" not in str(event.data)
    # Clearing a value removes it.
    client.post(f"/staff/org-a/people/{person.pk}/edit/", {**data, "custom_team": ""})
    person.refresh_from_db()
    assert "team" not in person.custom


def test_the_page_shows_values_in_the_readers_language(login, member, org_a, fields):
    person = make_person(org_a, given_name="Rosa")
    set_custom(person, size="m", hours=1234.5, kyr="2024-05-31", old_code="A1")
    page = login(member).get(f"/staff/org-a/people/{person.pk}/").content.decode()
    assert "<dt>T-shirt size</dt><dd>Medium</dd>" in page
    assert "<dd>1234.5</dd>" in page
    assert "<dt>Team</dt><dd>—</dd>" in page
    assert '<dt>Old code <span class="small">(archived)</span></dt><dd>A1</dd>' in page
    with translation.override("es"):
        page = login(member).get(f"/staff/org-a/people/{person.pk}/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "<dt>Talla</dt><dd>Mediana</dd>" in page
    assert "<dd>1234,5</dd>" in page
    assert "<dd>31/05/2024</dd>" in page


def test_partners_do_not_see_custom_fields(login, outsider, org_a, org_b, fields):
    person = make_person(org_a, given_name="Rosa")
    set_custom(person, team="Secret team")
    make_grant(person, org_b)
    page = login(outsider).get(f"/staff/org-b/people/{person.pk}/").content.decode()
    assert "Rosa" in page
    assert "Secret team" not in page and "T-shirt size" not in page


def test_an_operation_refuses_values_that_do_not_fit(org_a, member, fields):
    from alianza.people.operations import PeopleError, PersonInput, person_create

    with pytest.raises(PeopleError, match="Volunteer hours: this value does not fit the field"):
        person_create(organization=org_a, actor=member, data=PersonInput(given_name="A", custom={"hours": "many"}))
    with pytest.raises(PeopleError, match="“shoe” is not one of your organization"):
        person_create(organization=org_a, actor=member, data=PersonInput(given_name="A", custom={"shoe": "42"}))


def test_the_export_has_a_column_per_field_archived_included_formula_safe(login, member, org_a, fields):
    rosa = make_person(org_a, given_name="Rosa", family_name="A")
    set_custom(rosa, size="m", hours=-2.5, kyr="2024-05-31", team="=HYPERLINK(1)", old_code="@old")
    make_person(org_a, given_name="Wei", family_name="B")
    response = login(member).post("/staff/org-a/people/export/", {"file_format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][-5:] == ["T-shirt size", "Volunteer hours", "Trained on KYR", "Team", "Old code"]
    assert rows[1][-5:] == ["Medium", "-2.5", "2024-05-31", "'=HYPERLINK(1)", "'@old"]
    assert rows[2][-5:] == ["", "", "", "", ""]


def test_the_demo_has_custom_fields_with_values(db, settings):
    from io import StringIO

    from django.core.management import call_command

    from alianza.people.models import CustomField

    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())  # again: nothing doubled
    with scopes_disabled():
        fields = CustomField.objects.filter(organization__slug="comunidad-unida")
        assert [f.key for f in fields] == ["t_shirt_size", "volunteer_hours", "trained_kyr"]
        rosa = Person.objects.get(organization__slug="comunidad-unida", given_name="Rosa")
        assert rosa.custom == {"t_shirt_size": "m", "volunteer_hours": 24, "trained_kyr": "2025-03-08"}
        assert Person.objects.filter(organization__slug="comunidad-unida").count() == 5
        assert not CustomField.objects.filter(organization__slug="hub").exists()


def test_a_merge_keeps_the_survivors_values_and_fills_the_rest_from_the_merged_record(org_a, member, fields):
    from alianza.people.merging import person_merge

    survivor, merged = make_person(org_a, given_name="Ana"), make_person(org_a, given_name="Ana")
    set_custom(survivor, size="s")
    set_custom(merged, size="m", hours=7)
    person_merge(survivor=survivor, merged=merged, actor=member, take_from_merged=[])
    survivor.refresh_from_db()
    assert survivor.custom == {"size": "s", "hours": 7}
