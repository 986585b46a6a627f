"""Custom fields: their definitions (validation, stable keys, archive, type changes refused when
people have values, the privacy guard), the one parser of their values, and the staff pages."""

import pytest
from django.utils import translation
from django_scopes import scope, scopes_disabled
from i18nfield.strings import LazyI18nString

from alianza.core.models import AuditEvent
from alianza.people.custom_fields import (
    ChoiceOption,
    CustomFieldError,
    CustomFieldInput,
    custom_field_archive,
    custom_field_create,
    custom_field_delete,
    custom_field_update,
    custom_values_clean,
    names_immigration_fact,
)
from alianza.people.models import CustomField, Person
from alianza.people.tests.factories import make_custom_field, make_person

SIZES = [
    {"key": "s", "label": {"en": "Small", "es": "Chica"}},
    {"key": "m", "label": {"en": "Medium", "es": "Mediana"}},
    {"key": "l", "label": {"en": "Large", "es": "Grande"}},
]


def field_input(label="Volunteer hours", field_type="number", **kwargs):
    return CustomFieldInput(label=LazyI18nString({"en": label}), field_type=field_type, **kwargs)


def create(org, actor, **kwargs):
    return custom_field_create(organization=org, actor=actor, data=field_input(**kwargs))


@scopes_disabled()
def set_custom(person, **values):
    person.custom = values
    person.save(update_fields=["custom"])


# --- Definitions ---------------------------------------------------------------------------------


def test_a_field_gets_a_key_from_its_label_and_is_audited(org_a, owner):
    field = create(org_a, owner, label="T-shirt size", field_type="choice",
                   choices=[ChoiceOption("m", {"en": "Medium", "es": "Mediana"})])  # fmt: skip
    assert (field.key, field.field_type, field.choices) == (
        "t_shirt_size",
        "choice",
        [{"key": "m", "label": {"en": "Medium", "es": "Mediana"}}],
    )
    with scopes_disabled():
        event = AuditEvent.objects.get(action="people.custom_field.created")
    assert event.data == {"field": "t_shirt_size", "type": "choice"}


def test_a_key_is_unique_in_the_organization_but_not_across_organizations(org_a, org_b, owner, outsider):
    create(org_a, owner, key="hours")
    with pytest.raises(CustomFieldError, match="Another field already has the key “hours”"):
        create(org_a, owner, key="hours", label="Other")
    assert create(org_b, outsider, key="hours").organization == org_b


@pytest.mark.parametrize("key", ["Hours", "1hours", "hours__min", "horas-voluntarias", "ñandú", "x" * 41])
def test_a_key_is_a_plain_slug(org_a, owner, key):
    with pytest.raises(CustomFieldError, match="The key must start with a letter"):
        create(org_a, owner, key=key)


def test_a_choice_field_needs_options(org_a, owner):
    with pytest.raises(CustomFieldError, match="A choice field needs at least one option"):
        create(org_a, owner, label="Size", field_type="choice", choices=[])


def test_two_options_cannot_share_a_label(org_a, owner):
    with pytest.raises(CustomFieldError, match="Two options have the label “medium”"):
        create(org_a, owner, label="Size", field_type="choice",
               choices=[ChoiceOption("m", {"en": "Medium"}), ChoiceOption("m2", {"en": "medium"})])  # fmt: skip


def test_the_errors_are_translated(org_a, owner):
    with translation.override("es"), pytest.raises(CustomFieldError) as caught:
        create(org_a, owner, label="Talla", field_type="choice", choices=[])
    assert str(caught.value) == "Un campo de opciones necesita al menos una opción."


def test_the_type_cannot_change_once_people_have_values(org_a, owner):
    field = create(org_a, owner, key="hours")
    with pytest.raises(CustomFieldError, match="its type cannot change"):
        set_custom(make_person(org_a), hours=3)
        custom_field_update(definition=field, actor=owner, data=field_input(field_type="text"))
    with scopes_disabled():
        assert CustomField.objects.get(pk=field.pk).field_type == "number"


def test_the_type_can_change_while_nobody_has_a_value(org_a, owner):
    field = create(org_a, owner, key="hours")
    make_person(org_a)
    updated = custom_field_update(definition=field, actor=owner, data=field_input(label="Hours", field_type="text"))
    assert (updated.field_type, str(updated.label), updated.key) == ("text", "Hours", "hours")
    with scopes_disabled():
        assert AuditEvent.objects.get(action="people.custom_field.updated").data == {
            "field": "hours",
            "fields": ["type", "label"],
        }


def test_the_key_never_changes(org_a, owner):
    field = create(org_a, owner, key="hours")
    updated = custom_field_update(definition=field, actor=owner, data=field_input(key="renamed"))
    assert updated.key == "hours"


def test_an_option_people_have_cannot_be_removed_but_can_be_relabelled(org_a, owner):
    field = make_custom_field(org_a, "size", "choice", choices=SIZES)
    set_custom(make_person(org_a), size="m")
    keep_s_and_l = [ChoiceOption("s", {"en": "Small"}), ChoiceOption("l", {"en": "Large"})]
    with pytest.raises(CustomFieldError, match="People have the option “Medium”"):
        custom_field_update(definition=field, actor=owner, data=field_input("Size", "choice", choices=keep_s_and_l))
    relabelled = [ChoiceOption("m", {"en": "Middle"}), ChoiceOption("l", {"en": "Large"})]  # "s" is unused
    updated = custom_field_update(definition=field, actor=owner, data=field_input("Size", "choice", choices=relabelled))
    assert updated.choice_label("m") == "Middle"
    assert [option["key"] for option in updated.choices] == ["m", "l"]


def test_archiving_keeps_the_values_and_can_be_undone(org_a, owner):
    field = make_custom_field(org_a, "hours", "number")
    person = make_person(org_a)
    set_custom(person, hours=12)
    assert custom_field_archive(definition=field, actor=owner, archived=True).archived is True
    with scopes_disabled():
        assert Person.objects.get(pk=person.pk).custom == {"hours": 12}
    assert custom_field_archive(definition=field, actor=owner, archived=False).archived is False
    with scopes_disabled():
        assert list(
            AuditEvent.objects.filter(action__startswith="people.custom_field").values_list("action", flat=True)
        ) == ["people.custom_field.restored", "people.custom_field.archived"]


def test_a_field_with_values_cannot_be_deleted_one_without_can(org_a, owner):
    used, unused = make_custom_field(org_a, "hours", "number"), make_custom_field(org_a, "size", "text")
    set_custom(make_person(org_a), hours=1)
    with pytest.raises(CustomFieldError, match="Archive it instead"):
        custom_field_delete(definition=used, actor=owner)
    custom_field_delete(definition=unused, actor=owner)
    with scopes_disabled():
        assert list(CustomField.objects.values_list("key", flat=True)) == ["hours"]


# --- Privacy: no back door for immigration facts --------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Immigration status", "Estatus migratorio", "A-Number", "a_number", "Número A", "SSN",
        "Social Security number", "Número de Seguro Social", "Country of birth", "País de nacimiento",
        "Birth country", "Visa type", "Tipo de visa", "Nationality", "Nacionalidad", "Undocumented",
        "Indocumentado", "Citizenship", "Ciudadanía", "DACA", "Green card", "Sin papeles", "Asylum case",
        "Caso de asilo", "Inmigración", "Situación migratoria",
    ],
)  # fmt: skip
def test_names_of_immigration_facts_are_recognised(text):
    assert names_immigration_fact(text)


@pytest.mark.parametrize(
    "text", ["T-shirt size", "Talla de camiseta", "Volunteer hours", "Trained on KYR", "Número de hijos", "Annual"]
)
def test_ordinary_names_are_not(text):
    assert not names_immigration_fact(text)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"label": "Immigration status", "field_type": "text"},
        {"label": "Notes", "field_type": "text", "key": "ssn"},
        {"label": "Estatus", "field_type": "choice",
         "choices": [ChoiceOption("a", {"en": "Citizen", "es": "Ciudadano"}), ChoiceOption("b", {"en": "Other"})]},
        {"label": "Origin", "field_type": "text", "help_text": LazyI18nString({"es": "País de nacimiento"})},
    ],
)  # fmt: skip
def test_a_field_about_immigration_facts_is_refused_with_the_reason(org_a, owner, kwargs):
    with pytest.raises(CustomFieldError) as caught:
        create(org_a, owner, **kwargs)
    assert "could put people in danger" in str(caught.value)
    with scopes_disabled():
        assert not CustomField.objects.exists()


def test_the_privacy_refusal_is_translated(login, owner, org_a):
    data = {"label_0": "Número de extranjero", "field_type": "text", "order": "0"}
    response = login(owner).post("/staff/org-a/people/fields/new/", data, HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    assert "ponerlas en peligro" in response.content.decode()


# --- Parsing values -------------------------------------------------------------------------------


@pytest.fixture
def fields(org_a):
    return {
        "hours": make_custom_field(org_a, "hours", "number", label={"en": "Volunteer hours", "es": "Horas"}),
        "kyr": make_custom_field(org_a, "kyr", "date", label={"en": "Trained on KYR"}),
        "size": make_custom_field(org_a, "size", "choice", choices=SIZES, label={"en": "T-shirt size"}),
        "team": make_custom_field(org_a, "team", "text"),
    }


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("12", 12), ("-3", -3), ("2.5", 2.5), ("2,5", 2.5), ("1,234.5", 1234.5), ("1.234,5", 1234.5),
        ("1 234,5", 1234.5), ("1.234.567", 1234567), ("1,234,567", 1234567), (" 7 ", 7), ("0,75", 0.75),
        ("3.0", 3),
    ],
)  # fmt: skip
def test_numbers_take_a_point_or_a_comma(org_a, fields, raw, value):
    values, errors = custom_values_clean(organization=org_a, raw={"hours": raw})
    assert (values, errors) == ({"hours": value}, [])
    assert type(values["hours"]) is type(value)


@pytest.mark.parametrize("raw", ["twelve", "1,2,3", "1.2.3,4,5", "12abc", "1e5", "--1", "NaN", "1,23.4,5"])
def test_what_is_not_a_number_is_explained(org_a, fields, raw):
    assert custom_values_clean(organization=org_a, raw={"hours": raw}) == (
        {},
        [f"Volunteer hours: “{raw}” is not a number (for example 12, 2.5 or 2,5)."],
    )


@pytest.mark.parametrize(
    ("language", "raw", "value"),
    [
        ("en", "2024-05-31", "2024-05-31"),
        ("en", "2024-05-31 00:00:00", "2024-05-31"),  # what the importer writes for an Excel date-time
        ("en", "05/31/2024", "2024-05-31"),
        ("en", "3/4/2024", "2024-03-04"),  # month first in English
        ("es", "3/4/2024", "2024-04-03"),  # day first in Spanish
        ("es", "31/05/2024", "2024-05-31"),
        ("es", "2024-05-31", "2024-05-31"),
    ],
)
def test_dates_are_iso_or_in_the_formats_of_the_language(org_a, fields, language, raw, value):
    with translation.override(language):
        assert custom_values_clean(organization=org_a, raw={"kyr": raw}) == ({"kyr": value}, [])


@pytest.mark.parametrize("raw", ["2024-02-30", "31/05/2024", "tomorrow", "2024-13-01"])
def test_what_is_not_a_date_is_explained(org_a, fields, raw):
    values, errors = custom_values_clean(organization=org_a, raw={"kyr": raw})
    assert values == {}
    assert errors == [f"Trained on KYR: “{raw}” is not a date (write it as year-month-day, for example 2024-05-31)."]


@pytest.mark.parametrize("raw", ["m", "M", "Medium", "MEDIUM", "mediana", " Mediana "])
def test_a_choice_matches_its_key_or_a_label_in_any_language(org_a, fields, raw):
    assert custom_values_clean(organization=org_a, raw={"size": raw}) == ({"size": "m"}, [])


def test_an_unknown_option_is_explained_in_the_readers_language(org_a, fields):
    with translation.override("es"):
        assert custom_values_clean(organization=org_a, raw={"size": "XL"}) == (
            {},
            ["T-shirt size: «XL» no es una de las opciones (Chica, Mediana, Grande)."],
        )


def test_text_is_kept_and_empty_means_no_value(org_a, fields):
    assert custom_values_clean(organization=org_a, raw={"team": "  Norte ", "hours": "", "kyr": "  "}) == (
        {"team": "Norte", "hours": None, "kyr": None},
        [],
    )


def test_too_long_text_and_unknown_fields_are_errors(org_a, org_b, fields):
    make_custom_field(org_b, "shoe", "text")  # another organization's field is unknown here
    values, errors = custom_values_clean(organization=org_a, raw={"team": "x" * 501, "shoe": "42"})
    assert values == {}
    assert errors == ["Team: write at most 500 characters.", "“shoe” is not one of your organization's fields."]


def test_archived_fields_still_take_values(org_a, owner, fields):
    custom_field_archive(definition=fields["hours"], actor=owner, archived=True)
    assert custom_values_clean(organization=org_a, raw={"hours": "4"}) == ({"hours": 4}, [])


# --- Pages ----------------------------------------------------------------------------------------


def test_an_admin_creates_a_choice_field_in_two_languages(login, owner, org_a):
    response = login(owner).post(
        "/staff/org-a/people/fields/new/",
        {
            "label_0": "T-shirt size", "label_1": "Talla de camiseta", "field_type": "choice", "key": "",
            "choices_text": "s = Small | Chica\nMedium | Mediana\n\nl = Large", "order": "2",
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == "/staff/org-a/people/fields/"
    with scope(organization=org_a):
        field = CustomField.objects.get()
    assert (field.key, field.order, field.label.data) == (
        "t_shirt_size",
        2,
        {"en": "T-shirt size", "es": "Talla de camiseta"},
    )
    assert field.choices == [
        {"key": "s", "label": {"en": "Small", "es": "Chica"}},
        {"key": "medium", "label": {"en": "Medium", "es": "Mediana"}},
        {"key": "l", "label": {"en": "Large"}},
    ]
    page = login(owner).get("/staff/org-a/people/fields/").content.decode()
    assert "T-shirt size" in page
    assert "t_shirt_size" in page
    edit = login(owner).get(f"/staff/org-a/people/fields/{field.pk}/edit/").content.decode()
    assert "s = Small | Chica\nmedium = Medium | Mediana\nl = Large" in edit


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"label_0": "Size", "field_type": "choice", "choices_text": ""}, "A choice field needs at least one option."),
        ({"label_0": "Size", "field_type": "choice", "choices_text": "BAD KEY = Small"}, "Line 1: the key must"),
        ({"label_0": "", "field_type": "text"}, "This field is required."),
        ({"label_0": "Size", "field_type": "text", "key": "Bad Key"}, "Use only small letters a to z"),
    ],
)
def test_bad_definitions_are_explained_and_kept(login, owner, org_a, data, message):
    response = login(owner).post("/staff/org-a/people/fields/new/", {"order": "0", **data})
    assert response.status_code == 400
    assert message in response.content.decode()
    with scopes_disabled():
        assert not CustomField.objects.exists()


def test_changing_the_type_of_a_used_field_is_refused_on_the_page(login, owner, org_a):
    field = make_custom_field(org_a, "hours", "number")
    set_custom(make_person(org_a), hours=2)
    response = login(owner).post(
        f"/staff/org-a/people/fields/{field.pk}/edit/", {"label_0": "Hours", "field_type": "date", "order": "0"}
    )
    assert response.status_code == 400
    assert "its type cannot change" in response.content.decode()


def test_archive_and_delete_from_the_list(login, owner, org_a):
    used, unused = make_custom_field(org_a, "hours", "number"), make_custom_field(org_a, "size", "text")
    set_custom(make_person(org_a), hours=2)
    client = login(owner)
    assert client.post(f"/staff/org-a/people/fields/{used.pk}/archive/").status_code == 302
    client.post(f"/staff/org-a/people/fields/{used.pk}/delete/", {"confirm": "yes"})
    client.post(f"/staff/org-a/people/fields/{unused.pk}/delete/")  # not confirmed: kept
    with scopes_disabled():
        assert sorted(CustomField.objects.values_list("key", "archived")) == [("hours", True), ("size", False)]
    client.post(f"/staff/org-a/people/fields/{unused.pk}/delete/", {"confirm": "yes"})
    with scopes_disabled():
        assert list(CustomField.objects.values_list("key", flat=True)) == ["hours"]


def test_only_admins_define_fields(login, member, advocate, readonly_member, org_a):
    for user in (member, advocate, readonly_member):
        assert login(user).get("/staff/org-a/people/fields/").status_code == 403


def test_an_import_can_load_the_fields_once(org_a, fields, django_assert_num_queries):
    from alianza.people.custom_fields import custom_fields_of

    definitions = {f.key: f for f in custom_fields_of(org_a)}
    with django_assert_num_queries(0):
        for _row in range(3):
            assert custom_values_clean(organization=org_a, raw={"hours": "1,5"}, definitions=definitions) == (
                {"hours": 1.5},
                [],
            )
