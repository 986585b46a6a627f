"""Form submissions of an erased person (``person=None``, no answers): a person's data export
lists their submissions with the questions, the erasure keeps the row without the person and
the answers, and the answers page, the answers export, the forms list and the engagement
ladder cope with such rows (counted where they were counted, never shown as anyone)."""

from __future__ import annotations

import csv
import io

from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from i18nfield.strings import LazyI18nString

from alianza.actions import ladder
from alianza.actions.models import FormField, FormSubmission
from alianza.actions.personal_data import _submissions_erase, _submissions_export
from alianza.actions.tests.factories import make_event, make_form, make_form_field, make_rsvp, make_submission
from alianza.people.erasure import person_erase
from alianza.people.tests.factories import make_person

K = FormField.Kind


def _survey(org):  # type: ignore[no-untyped-def]
    form = make_form(
        org, title=LazyI18nString({"en": "Volunteer with us", "es": "Sé voluntario"}), is_volunteer_signup=True
    )
    when = make_form_field(
        form,
        kind=K.CHOICE,
        label=LazyI18nString({"en": "When?", "es": "¿Cuándo?"}),
        options=[{"key": "1", "label": {"en": "Mornings", "es": "Mañanas"}}],
    )
    notes = make_form_field(form, kind=K.TEXT, label=LazyI18nString({"en": "Notes", "es": "Notas"}))
    return form, when, notes


def test_the_export_gives_each_submission_with_its_questions_in_the_persons_language(org_a):
    from django.utils import translation

    form, when, notes = _survey(org_a)
    person = make_person(org_a, preferred_language="es")
    make_submission(form, person, {str(when.pk): "1", str(notes.pk): "Solo sábados", "999": "old answer"})
    make_submission(form, make_person(org_a), {str(notes.pk): "someone else"})
    with scope(organization=org_a), translation.override("es"):
        rows = _submissions_export(person)
    assert len(rows) == 1
    assert (rows[0]["form"], rows[0]["answers"]) == (
        "Sé voluntario",
        [
            {"question": "¿Cuándo?", "answer": "Mañanas"},
            {"question": "Notas", "answer": "Solo sábados"},
            {"question": "Pregunta eliminada 999", "answer": "old answer"},
        ],
    )


def test_the_erasure_keeps_the_row_without_person_and_answers_and_leaves_others(org_a):
    form, _when, notes = _survey(org_a)
    person, other = make_person(org_a), make_person(org_a)
    make_submission(form, person, {str(notes.pk): "call me at 555"})
    make_submission(form, other, {str(notes.pk): "mine"})
    with scope(organization=org_a):
        counts = _submissions_erase(person, actor=None)
    assert counts == {"anonymised": 1, "answers_removed": 1}
    with scopes_disabled():
        rows = [(s.person_id, s.answers) for s in FormSubmission.objects.filter(form=form).order_by("id")]
    assert rows == [(None, {}), (other.pk, {str(notes.pk): "mine"})]


def _erased_submission(org, owner):  # type: ignore[no-untyped-def]
    form, _when, notes = _survey(org)
    gone = make_person(org, given_name="Gone", family_name="Away")
    make_submission(form, gone, {str(notes.pk): "something"})
    stays = make_person(org, given_name="Stays", family_name="Here", email="stays@example.org")
    make_submission(form, stays, {str(notes.pk): "still here"})
    person_erase(person=gone, actor=owner, reason="person_asked")
    return form, stays


def test_the_answers_page_shows_an_erased_persons_row_without_anyone(login, owner, org_a):
    form, _stays = _erased_submission(org_a, owner)
    page = login(owner).get(reverse("actions:form_submissions", kwargs={"org": org_a.slug, "form_id": form.pk}))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("(erased)") == 1
    assert "Stays Here" in html and "still here" in html
    assert "Gone" not in html and "something" not in html


def test_the_answers_export_has_a_blank_row_for_an_erased_person(login, owner, org_a):
    form, _stays = _erased_submission(org_a, owner)
    response = login(owner).post(
        reverse("actions:form_export", kwargs={"org": org_a.slug, "form_id": form.pk}), {"file_format": "csv"}
    )
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    people = sorted(row[1:5] for row in rows[1:])
    assert people == [["", "", "", ""], ["Stays", "Here", "stays@example.org", ""]]


def test_the_forms_list_still_counts_the_erased_persons_answer(login, owner, org_a):
    form, _stays = _erased_submission(org_a, owner)
    with scopes_disabled():
        assert FormSubmission.objects.filter(form=form).count() == 2
    page = login(owner).get(reverse("actions:form_list", kwargs={"org": org_a.slug}))
    assert page.status_code == 200
    assert "<td>2</td>" in page.content.decode()


def test_the_ladder_ignores_erased_submissions_and_counts_everyone_else(org_a, owner):
    _form, _stays = _erased_submission(org_a, owner)  # "stays" volunteered, the erased one is nobody
    attended = make_person(org_a)
    make_rsvp(make_event(org_a), attended, attended_at=timezone.now())
    with scope(organization=org_a):
        counts = {c.rung.code: (c.at_level, c.reached) for c in ladder.ladder_counts(org_a)}
        assert ladder.person_level(attended).code == "attended"  # type: ignore[union-attr]
    # A NULL person id leaking into a "not in a higher rung" test would hide "attended".
    assert counts == {"signed": (0, 0), "attended": (1, 1), "volunteered": (1, 1), "hosted": (0, 0), "leads": (0, 0)}
