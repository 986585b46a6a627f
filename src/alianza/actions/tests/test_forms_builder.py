"""Operations of staff-built forms: each field kind's validation, choices typed per language,
moving questions, a submission that matches or adds the person and records consent, answers
encrypted at rest, and the audited, formula-safe export."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.db import connection
from django_scopes import scope, scopes_disabled
from i18nfield.strings import LazyI18nString
from openpyxl import load_workbook

from alianza.actions.forms_builder import (
    FormError,
    answer_clean,
    answers_clean,
    form_field_delete,
    form_field_move,
    form_field_save,
    form_save,
    form_set_status,
    form_submissions_export,
    form_submit,
    options_from_lines,
)
from alianza.actions.models import Form, FormField, FormSubmission
from alianza.actions.tests.factories import make_form, make_form_field
from alianza.campaigns.tests.factories import make_campaign
from alianza.core.models import AuditEvent
from alianza.people.models import ConsentRecord, Person
from alianza.people.tests.factories import make_person

K = FormField.Kind


def _field(kind: str, **extra: object) -> FormField:
    options = [{"key": "1", "label": {"en": "Mornings"}}, {"key": "2", "label": {"en": "Evenings"}}]
    return FormField(kind=kind, label=LazyI18nString({"en": "Q"}), options=options, **extra)


@pytest.mark.parametrize(
    ("kind", "given", "stored"),
    [
        (K.TEXT, "  Austin   East ", "Austin East"),
        (K.LONG_TEXT, " line one\nline two ", "line one\nline two"),
        (K.NUMBER, "4", 4),
        (K.NUMBER, "1,5", 1.5),
        (K.NUMBER, -2, -2),
        (K.DATE, "2027-01-16", "2027-01-16"),
        (K.DATE, date(2027, 2, 1), "2027-02-01"),
        (K.CHOICE, "2", "2"),
        (K.MULTI_CHOICE, ["2", "1", "2"], ["1", "2"]),
        (K.CONSENT, True, True),
        (K.CONSENT, None, False),
        (K.TEXT, "", None),
    ],
)
def test_each_kind_stores_a_clean_json_value(kind, given, stored):
    assert answer_clean(_field(kind), given) == stored


@pytest.mark.parametrize(
    ("kind", "given", "message"),
    [
        (K.TEXT, "two\nlines", "Use one line, without line breaks."),
        (K.TEXT, "x" * 501, "Keep it under 500 characters."),
        (K.NUMBER, "many", "Enter a number."),
        (K.NUMBER, "1e13", "Enter a number."),
        (K.NUMBER, True, "Enter a number."),
        (K.DATE, "16/01/2027", "Enter a date."),
        (K.CHOICE, "3", "Choose one of the answers offered."),
        (K.CHOICE, ["1"], "Choose one of the answers offered."),
        (K.MULTI_CHOICE, "1", "Choose among the answers offered."),
        (K.MULTI_CHOICE, ["1", "9"], "Choose among the answers offered."),
        (K.CONSENT, "yes", "Tick the box or leave it empty."),
    ],
)
def test_each_kind_refuses_what_it_cannot_hold(kind, given, message):
    with pytest.raises(FormError) as caught:
        answer_clean(_field(kind), given)
    assert str(caught.value) == message


def test_required_questions_need_an_answer_and_a_required_consent_a_tick():
    with pytest.raises(FormError, match=r"This question needs an answer\."):
        answer_clean(_field(K.MULTI_CHOICE, required=True), [])
    with pytest.raises(FormError, match=r"Please tick this box to go on\."):
        answer_clean(_field(K.CONSENT, required=True, consent_channel="email"), False)


def test_answers_to_unknown_fields_are_dropped_and_errors_are_per_field():
    text, number = _field(K.TEXT), _field(K.NUMBER)
    text.pk, number.pk = 1, 2
    clean, errors = answers_clean([text, number], {"1": "hi", "2": "x", "99": "smuggled"})
    assert clean == {"1": "hi"}
    assert errors == {"2": "Enter a number."}


def test_choices_typed_per_language_keep_their_keys_when_reworded():
    options = options_from_lines({"en": "Mornings\nEvenings", "es": "Mañanas\nTardes"})
    assert options == [
        {"key": "1", "label": {"en": "Mornings", "es": "Mañanas"}},
        {"key": "2", "label": {"en": "Evenings", "es": "Tardes"}},
    ]
    again = options_from_lines({"en": "Early mornings\nEvenings\nWeekends", "es": ""}, existing=options)
    assert [(o["key"], o["label"]) for o in again] == [
        ("1", {"en": "Early mornings"}),
        ("2", {"en": "Evenings"}),
        ("3", {"en": "Weekends"}),
    ]


def test_choices_must_line_up_across_languages():
    with pytest.raises(FormError, match="same number of choices in every language"):
        options_from_lines({"en": "A\nB", "es": "A"})


def test_a_choice_field_needs_choices_and_a_consent_field_a_channel(org_a, owner):
    form = make_form(org_a)
    with pytest.raises(FormError, match="Give at least one choice"):
        form_field_save(
            field=FormField(organization=org_a, form=form, kind=K.CHOICE, label=LazyI18nString({"en": "Q"})),
            actor=owner,
        )
    with pytest.raises(FormError, match=r"Choose what the person agrees to\."):
        form_field_save(
            field=FormField(organization=org_a, form=form, kind=K.CONSENT, label=LazyI18nString({"en": "Q"})),
            actor=owner,
        )


def test_fields_are_added_at_the_end_and_move_up_and_down(org_a, owner):
    form = make_form(org_a)
    first, second, third = (
        form_field_save(field=FormField(organization=org_a, form=form, label=LazyI18nString({"en": n})), actor=owner)
        for n in ("first", "second", "third")
    )
    assert [first.position, second.position, third.position] == [0, 1, 2]
    form_field_move(field=third, actor=owner, direction="up")
    form_field_move(field=first, actor=owner, direction="up")  # already first: nothing moves
    with scopes_disabled():
        order = [str(f.label) for f in FormField.objects.filter(form=form).order_by("position")]
        moves = AuditEvent.objects.filter(action="actions.form_field.moved").count()
    assert order == ["first", "third", "second"]
    assert moves == 1
    form_field_delete(field=second, actor=owner)
    form_field_move(field=first, actor=owner, direction="down")
    with scopes_disabled():
        assert [str(f.label) for f in FormField.objects.filter(form=form).order_by("position")] == ["third", "first"]


def test_a_form_may_belong_only_to_a_campaign_its_organization_leads(org_a, org_b, owner):
    theirs = make_campaign(org_b)
    with pytest.raises(FormError, match="campaigns your organization leads"):
        form_save(form=Form(organization=org_a, title=LazyI18nString({"en": "T"}), campaign=theirs), actor=owner)
    ours = make_campaign(org_a)
    form = form_save(form=Form(organization=org_a, title=LazyI18nString({"en": "T"}), campaign=ours), actor=owner)
    assert (form.status, form.created_by) == (Form.Status.DRAFT, owner)


def _survey(org):  # type: ignore[no-untyped-def]
    form = make_form(org)
    fields = {
        "when": make_form_field(form, kind=K.MULTI_CHOICE, required=True),
        "notes": make_form_field(form, kind=K.LONG_TEXT),
        "sms": make_form_field(form, kind=K.CONSENT, consent_channel="sms"),
        "email": make_form_field(form, kind=K.CONSENT, consent_channel="email"),
    }
    return form, fields


def test_a_submission_adds_the_person_records_consent_and_stores_the_answers(org_a):
    form, f = _survey(org_a)
    submission = form_submit(
        form=form, name="Rosa Hernández", email="Rosa@Example.org", phone="", language="es",
        answers={str(f["when"].pk): ["2"], str(f["notes"].pk): "Tengo carro.", str(f["sms"].pk): True},
    )  # fmt: skip
    with scope(organization=org_a):
        person = Person.objects.get()
        consents = sorted(ConsentRecord.objects.filter(person=person).values_list("channel", "granted"))
        stored = FormSubmission.objects.get()
    assert (person.given_name, person.family_name, person.preferred_language) == ("Rosa", "Hernández", "es")
    assert consents == [("email", False), ("sms", True)]
    assert stored.pk == submission.pk
    assert stored.answers == {
        str(f["when"].pk): ["2"],
        str(f["notes"].pk): "Tengo carro.",
        str(f["sms"].pk): True,
        str(f["email"].pk): False,
    }
    with scopes_disabled():
        audit = AuditEvent.objects.get(action="actions.form_submission.created")
    assert audit.data == {"form": form.pk, "answered": 4, "consents": ["sms"]}


def test_answers_are_encrypted_at_rest(org_a):
    form, f = _survey(org_a)
    form_submit(
        form=form, name="Ana", email="ana@example.org", phone="", language="en",
        answers={str(f["when"].pk): ["1"], str(f["notes"].pk): "My landlord threatens us"},
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers_json FROM actions_formsubmission")
        (raw,) = cursor.fetchone()
    assert "landlord" not in raw and raw


def test_a_known_person_is_matched_not_duplicated_and_keeps_their_name(org_a):
    known = make_person(org_a, given_name="Rosa", family_name="Lima", email="rosa@example.org")
    form, f = _survey(org_a)
    for name in ("R. Lima", "Someone Else"):
        form_submit(
            form=form, name=name, email="rosa@example.org", phone="", language="en",
            answers={str(f["when"].pk): ["1"], str(f["email"].pk): True},
        )  # fmt: skip
    with scope(organization=org_a):
        assert list(Person.objects.values_list("pk", "given_name")) == [(known.pk, "Rosa")]
        assert FormSubmission.objects.filter(person=known).count() == 2
        assert list(ConsentRecord.objects.filter(person=known).values_list("channel", "granted")) == [("email", True)]


def test_a_closed_form_or_bad_answers_store_nothing(org_a):
    form, f = _survey(org_a)
    with pytest.raises(FormError, match=r"This question needs an answer\."):
        form_submit(form=form, name="Ana", email="ana@example.org", phone="", language="en", answers={})
    form.status = Form.Status.CLOSED
    with pytest.raises(FormError, match=r"This form is not taking answers\."):
        form_submit(
            form=form, name="Ana", email="ana@example.org", phone="", language="en", answers={str(f["when"].pk): ["1"]}
        )
    with scope(organization=org_a):
        assert (Person.objects.count(), FormSubmission.objects.count()) == (0, 0)


def test_opening_and_closing_is_audited(org_a, owner):
    form = make_form(org_a, status=Form.Status.DRAFT)
    form_set_status(form=form, actor=owner, status=Form.Status.OPEN)
    form = form_set_status(form=form, actor=owner, status=Form.Status.CLOSED)
    assert form.status == Form.Status.CLOSED
    with scopes_disabled():
        assert list(
            AuditEvent.objects.filter(action="actions.form.status_changed")
            .order_by("id")
            .values_list("data", flat=True)
        ) == [
            {"status": ["draft", "open"]},
            {"status": ["open", "closed"]},
        ]


def _export_world(org):  # type: ignore[no-untyped-def]
    form = make_form(org)
    choice = make_form_field(form, kind=K.CHOICE, label=LazyI18nString({"en": "When?"}))
    text = make_form_field(form, kind=K.TEXT, label=LazyI18nString({"en": "Notes"}))
    consent = make_form_field(form, kind=K.CONSENT, consent_channel="sms", label=LazyI18nString({"en": "SMS ok"}))
    form_submit(
        form=form, name="Ana Flores", email="ana@example.org", phone="", language="es",
        answers={str(choice.pk): "2", str(text.pk): "=HYPERLINK(\"http://evil.example\")", str(consent.pk): True},
    )  # fmt: skip
    form_submit(
        form=form, name="Bea Soto", email="", phone="+15125550100", language="en",
        answers={str(choice.pk): "1"},
    )  # fmt: skip
    return form


def test_the_csv_export_has_every_answer_is_formula_safe_and_audited(org_a, owner):
    form = _export_world(org_a)
    export = form_submissions_export(form=form, actor=owner, file_format="csv")
    rows = list(csv.reader(io.StringIO(export.file.read().decode("utf-8-sig"))))
    assert rows[0] == ["Sent", "Given name", "Family name", "E-mail", "Phone", "Language", "When?", "Notes", "SMS ok"]
    assert [row[1:] for row in rows[1:]] == [
        ["Ana", "Flores", "ana@example.org", "", "es", "Evenings", '\'=HYPERLINK("http://evil.example")', "yes"],
        ["Bea", "Soto", "", "+15125550100", "en", "Mornings", "", "no"],
    ]
    assert export.rows == 2 and export.filename.endswith(".csv")
    with scopes_disabled():
        audit = AuditEvent.objects.get(action="actions.form_submission.exported")
    assert (audit.actor_id, audit.object_id, audit.data) == (owner.pk, str(form.pk), {"format": "csv", "rows": 2})


def test_the_excel_export_writes_text_cells_never_formulas(org_a, owner):
    form = _export_world(org_a)
    export = form_submissions_export(form=form, actor=owner, file_format="xlsx")
    sheet = load_workbook(io.BytesIO(export.file.read())).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][7] == '=HYPERLINK("http://evil.example")'
    assert sheet.cell(row=2, column=8).data_type == "s"
    assert len(values) == 3


def test_answers_to_a_removed_question_stay_in_the_export(org_a, owner):
    form = make_form(org_a)
    gone = make_form_field(form, kind=K.NUMBER, label=LazyI18nString({"en": "How many?"}))
    form_submit(form=form, name="Ana", email="ana@example.org", phone="", language="en", answers={str(gone.pk): "3"})
    gone_id = gone.pk
    form_field_delete(field=gone, actor=owner)
    export = form_submissions_export(form=form, actor=owner, file_format="csv")
    rows = list(csv.reader(io.StringIO(export.file.read().decode("utf-8-sig"))))
    assert rows[0][-1] == f"Removed question {gone_id}"
    assert rows[1][-1] == "3"


def test_an_unknown_export_format_is_refused(org_a, owner):
    with pytest.raises(FormError, match=r"Choose CSV or Excel\."):
        form_submissions_export(form=make_form(org_a), actor=owner, file_format="pdf")


def test_stored_answers_are_json(org_a):
    form, f = _survey(org_a)
    form_submit(
        form=form, name="Ana", email="ana@example.org", phone="", language="en", answers={str(f["when"].pk): ["1", "2"]}
    )
    with scope(organization=org_a):
        raw = FormSubmission.objects.get().answers_json
    assert json.loads(raw)[str(f["when"].pk)] == ["1", "2"]


def test_merging_two_people_keeps_their_submissions(org_a, owner):
    from alianza.people.merging import person_merge

    form = make_form(org_a, is_volunteer_signup=True)
    survivor = make_person(org_a, email="ana@example.org")
    duplicate = make_person(org_a, email="ana.flores@example.org")
    form_submit(form=form, name="Ana Flores", email="ana.flores@example.org", phone="", language="es", answers={})
    person_merge(survivor=survivor, merged=duplicate, actor=owner, take_from_merged=[])
    with scope(organization=org_a):
        assert list(FormSubmission.objects.values_list("person_id", flat=True)) == [survivor.pk]
