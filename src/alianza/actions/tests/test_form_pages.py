"""The pages of staff-built forms. Public: the form in the visitor's language, errors that keep
what was typed, the same answer for a known and a new e-mail, the honeypot, the rate limit, CSRF,
drafts not found and closed forms closed. Staff: building a form without JavaScript (add, edit,
move, remove questions), opening it, the answers (an audited read), the export, the timeline,
the campaign's public page, and outsider (404), read-only (403) and wrong-method (405) answers."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_scopes import scope, scopes_disabled
from i18nfield.strings import LazyI18nString

from alianza.actions.models import Form, FormField, FormSubmission
from alianza.actions.tests.factories import make_form, make_form_field, make_submission
from alianza.campaigns.tests.factories import make_campaign
from alianza.core.models import AuditEvent
from alianza.people.models import ConsentRecord, Person
from alianza.people.tests.factories import make_person

K = FormField.Kind


def _page(form: Form) -> str:
    return reverse("actions:form_public", kwargs={"slug": form.organization.slug, "token": form.token})


def _staff(name: str, form: Form, **kwargs: object) -> str:
    return reverse(f"actions:{name}", kwargs={"org": form.organization.slug, "form_id": form.pk, **kwargs})


def _without_csrf(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


@pytest.fixture
def volunteer_form(org_a):  # type: ignore[no-untyped-def]
    form = make_form(
        org_a,
        title=LazyI18nString({"en": "Volunteer with us", "es": "Sé voluntario"}),
        intro=LazyI18nString({"en": "Tell us when.", "es": "Dinos cuándo."}),
        is_volunteer_signup=True,
    )
    when = LazyI18nString({"en": "When can you help?", "es": "¿Cuándo puedes ayudar?"})
    make_form_field(form, kind=K.MULTI_CHOICE, required=True, label=when)
    make_form_field(form, kind=K.NUMBER, label=LazyI18nString({"en": "How many hours?", "es": "¿Cuántas horas?"}))
    make_form_field(
        form, kind=K.CONSENT, consent_channel="whatsapp",
        label=LazyI18nString({"en": "You may write to me on WhatsApp.", "es": "Pueden escribirme por WhatsApp."}),
    )  # fmt: skip
    return form


def _data(form: Form, **overrides: object) -> dict[str, object]:
    with scopes_disabled():
        when, hours, whatsapp = FormField.objects.filter(form=form).order_by("position")
    data: dict[str, object] = {
        "name": "Rosa Hernández",
        "email": "rosa@example.org",
        "phone": "",
        "language": "es",
        f"answer_{when.pk}": ["2"],
        f"answer_{hours.pk}": "3",
        f"answer_{whatsapp.pk}": "on",
        "website": "",
    }
    data.update(overrides)
    return data


# --- Public ---------------------------------------------------------------------------------


def test_the_form_speaks_the_visitors_language(login, volunteer_form):
    html = login(None).get(_page(volunteer_form), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Sé voluntario" in html and "Dinos cuándo." in html
    assert "¿Cuándo puedes ayudar?" in html and "Mañanas" in html and "Pueden escribirme por WhatsApp." in html
    assert 'lang="es"' in html


def test_a_submission_records_the_person_answers_and_consent(login, org_a, volunteer_form):
    response = login(None).post(_page(volunteer_form), _data(volunteer_form))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "actions:form_thanks", kwargs={"slug": org_a.slug, "token": volunteer_form.token}
    )
    with scope(organization=org_a):
        person = Person.objects.get()
        submission = FormSubmission.objects.get()
        consent = list(ConsentRecord.objects.filter(person=person).values_list("channel", "granted"))
    with scopes_disabled():
        when, hours, whatsapp = (str(f.pk) for f in FormField.objects.filter(form=volunteer_form).order_by("position"))
    assert submission.person == person
    assert submission.answers == {when: ["2"], hours: 3, whatsapp: True}
    assert consent == [("whatsapp", True)]


def test_a_known_email_gets_exactly_the_same_answer_as_a_new_one(login, org_a, volunteer_form):
    make_person(org_a, email="known@example.org")
    new = login(None).post(_page(volunteer_form), _data(volunteer_form, email="new@example.org"))
    known = login(None).post(_page(volunteer_form), _data(volunteer_form, email="known@example.org"))
    assert new.status_code == known.status_code == 302
    assert new["Location"] == known["Location"]
    assert _without_csrf(login(None).get(new["Location"])) == _without_csrf(login(None).get(known["Location"]))
    with scope(organization=org_a):
        assert Person.objects.count() == 2
        assert FormSubmission.objects.count() == 2


def test_errors_are_translated_and_keep_what_was_typed(login, org_a, volunteer_form):
    with scopes_disabled():
        when, hours, _whatsapp = FormField.objects.filter(form=volunteer_form).order_by("position")
    data = _data(volunteer_form, email="", **{f"answer_{when.pk}": [], f"answer_{hours.pk}": "muchas"})
    response = login(None).post(_page(volunteer_form), data, HTTP_ACCEPT_LANGUAGE="es")
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="Rosa Hernández"' in html and 'value="muchas"' in html  # nothing typed is lost
    assert "Esta pregunta necesita una respuesta." in html
    assert "Escribe un número." in html
    assert "Danos un correo electrónico o un número de teléfono para poder comunicarnos" in html
    with scope(organization=org_a):
        assert not Person.objects.exists()


def test_the_honeypot_thanks_a_bot_and_stores_nothing(login, org_a, volunteer_form):
    response = login(None).post(_page(volunteer_form), _data(volunteer_form, website="http://spam.example"))
    assert response.status_code == 302
    with scope(organization=org_a):
        assert not Person.objects.exists() and not FormSubmission.objects.exists()


def test_the_form_is_rate_limited_and_keeps_what_was_typed(login, org_a, volunteer_form, settings):
    settings.ALIANZA_FORM_RATE_LIMIT = 2
    client = login(None)
    for n in range(2):
        assert client.post(_page(volunteer_form), _data(volunteer_form, email=f"p{n}@example.org")).status_code == 302
    blocked = client.post(_page(volunteer_form), _data(volunteer_form, email="p3@example.org", name="Tercera Persona"))
    assert blocked.status_code == 429
    assert "Tercera Persona" in blocked.content.decode()
    with scope(organization=org_a):
        assert FormSubmission.objects.count() == 2


def test_csrf_is_enforced(volunteer_form):
    response = Client(enforce_csrf_checks=True).post(_page(volunteer_form), _data(volunteer_form))
    assert response.status_code == 403


def test_a_draft_form_is_not_found_and_a_closed_one_takes_no_answers(login, org_a):
    draft = make_form(org_a, status=Form.Status.DRAFT)
    closed = make_form(org_a, status=Form.Status.CLOSED)
    assert login(None).get(_page(draft)).status_code == 404
    page = login(None).get(_page(closed))
    assert page.status_code == 200 and "This form is closed" in page.content.decode()
    posted = login(None).post(_page(closed), {"name": "Ana", "email": "ana@example.org", "language": "en"})
    assert posted.status_code == 400
    with scope(organization=org_a):
        assert not Person.objects.exists()


def test_a_wrong_token_or_organization_is_not_found(login, org_a, org_b, volunteer_form):
    client = login(None)
    assert client.get(reverse("actions:form_public", kwargs={"slug": org_a.slug, "token": "nope"})).status_code == 404
    other = reverse("actions:form_public", kwargs={"slug": org_b.slug, "token": volunteer_form.token})
    assert client.get(other).status_code == 404


def test_the_public_form_allows_only_get_and_post(login, volunteer_form):
    assert login(None).put(_page(volunteer_form)).status_code == 405


# --- Staff ----------------------------------------------------------------------------------


def test_staff_build_a_form_without_javascript(login, member, org_a):
    client = login(member)
    response = client.post(
        reverse("actions:form_new", kwargs={"org": org_a.slug}),
        {"title_0": "Survey", "title_1": "Encuesta", "intro_0": "", "intro_1": "", "thanks_0": "", "thanks_1": ""},
    )
    assert response.status_code == 302
    with scopes_disabled():
        form = Form.objects.get()
    assert (str(form.title), form.status) == ("Survey", Form.Status.DRAFT)
    for label, kind, choices in (
        ("Your needs", "choice", ("Legal\nHousing", "Legal\nVivienda")),
        ("Notes", "long_text", ("", "")),
    ):
        added = client.post(
            _staff("form_field_new", form),
            {"kind": kind, "label_0": label, "label_1": "", "help_0": "", "help_1": "", "consent_channel": "",
             "choices_0": choices[0], "choices_1": choices[1]},
        )  # fmt: skip
        assert added.status_code == 302
    with scopes_disabled():
        needs, notes = FormField.objects.filter(form=form).order_by("position")
    assert needs.options == [
        {"key": "1", "label": {"en": "Legal", "es": "Legal"}},
        {"key": "2", "label": {"en": "Housing", "es": "Vivienda"}},
    ]
    move = client.post(
        reverse("actions:form_field_move", kwargs={"org": org_a.slug, "form_id": form.pk, "question_id": notes.pk}),
        {"direction": "up"},
    )
    assert move.status_code == 302
    with scopes_disabled():
        assert list(FormField.objects.filter(form=form).order_by("position").values_list("pk", flat=True)) == [
            notes.pk,
            needs.pk,
        ]
    opened = client.post(_staff("form_status", form), {"status": "open"})
    assert opened.status_code == 302
    page = client.get(_staff("form_detail", form)).content.decode()
    assert "Open: taking answers" in page and form.get_public_url() in page


def test_a_choice_question_without_choices_is_refused_with_the_form_kept(login, member, org_a):
    form = make_form(org_a)
    response = login(member).post(
        _staff("form_field_new", form),
        {"kind": "choice", "label_0": "Pick one", "label_1": "", "help_0": "", "help_1": "", "consent_channel": "",
         "choices_0": "", "choices_1": ""},
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "Give at least one choice, one per line." in html and 'value="Pick one"' in html


def test_editing_a_question_keeps_its_choices_keys(login, member, org_a):
    form = make_form(org_a)
    field = make_form_field(form, kind=K.CHOICE)
    url = reverse("actions:form_field_edit", kwargs={"org": org_a.slug, "form_id": form.pk, "question_id": field.pk})
    page = login(member).get(url).content.decode()
    assert "Mornings\nEvenings" in page
    response = login(member).post(
        url,
        {"kind": "choice", "label_0": "When?", "label_1": "", "help_0": "", "help_1": "", "consent_channel": "",
         "required": "on", "choices_0": "Early mornings\nEvenings", "choices_1": ""},
    )  # fmt: skip
    assert response.status_code == 302
    with scopes_disabled():
        field.refresh_from_db()
    assert (field.required, [o["key"] for o in field.options], field.options[0]["label"]) == (
        True,
        ["1", "2"],
        {"en": "Early mornings"},
    )


def test_the_answers_page_shows_answers_and_is_an_audited_read(login, readonly_member, org_a, volunteer_form):
    login(None).post(_page(volunteer_form), _data(volunteer_form))
    page = login(readonly_member).get(_staff("form_submissions", volunteer_form))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Rosa Hernández" in html and "Evenings" in html
    assert "Download" not in html  # a viewer may not export
    with scopes_disabled():
        audit = AuditEvent.objects.get(action="actions.form_submission.viewed")
    assert (audit.actor_id, audit.object_id, audit.data) == (
        readonly_member.pk,
        str(volunteer_form.pk),
        {"page": 1, "rows": 1},
    )


def test_the_answers_page_costs_the_same_queries_for_one_or_many(login, owner, org_a, django_assert_max_num_queries):
    form = make_form(org_a)
    make_form_field(form, kind=K.CHOICE)
    client = login(owner)
    make_submission(form)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(_staff("form_submissions", form))
    for _n in range(4):
        make_submission(form)
    with CaptureQueriesContext(connection) as five:
        client.get(_staff("form_submissions", form))
    assert len(five) == len(one)


def test_a_member_exports_the_answers(login, member, org_a, volunteer_form):
    login(None).post(_page(volunteer_form), _data(volunteer_form))
    response = login(member).post(_staff("form_export", volunteer_form), {"file_format": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert body.splitlines()[1].split(",")[1:6] == ["Rosa", "Hernández", "rosa@example.org", "", "es"]
    with scopes_disabled():
        assert AuditEvent.objects.filter(action="actions.form_submission.exported", actor=member).count() == 1


def test_a_bad_export_format_is_a_400(login, member, volunteer_form):
    assert login(member).post(_staff("form_export", volunteer_form), {"file_format": "pdf"}).status_code == 400


@pytest.mark.parametrize(
    ("name", "method", "extra"),
    [
        ("form_list", "get", None),
        ("form_detail", "get", None),
        ("form_submissions", "get", None),
        ("form_edit", "post", None),
        ("form_status", "post", None),
        ("form_field_new", "post", None),
        ("form_export", "post", None),
    ],
)
def test_an_outsider_gets_404(login, outsider, volunteer_form, name, method, extra):
    url = reverse(
        f"actions:{name}",
        kwargs={"org": volunteer_form.organization.slug}
        | ({} if name == "form_list" else {"form_id": volunteer_form.pk}),
    )
    assert getattr(login(outsider), method)(url).status_code == 404
    with_their_slug = url.replace("/org-a/", "/org-b/")
    if name != "form_list":
        assert getattr(login(outsider), method)(with_their_slug).status_code == 404


@pytest.mark.parametrize("name", ["form_edit", "form_status", "form_field_new", "form_export"])
def test_a_read_only_member_gets_403(login, readonly_member, volunteer_form, name):
    assert login(readonly_member).post(_staff(name, volunteer_form), {"status": "closed"}).status_code == 403
    with scopes_disabled():
        assert Form.objects.get().status == Form.Status.OPEN


def test_a_read_only_member_cannot_move_or_remove_a_question(login, readonly_member, volunteer_form):
    with scopes_disabled():
        field = FormField.objects.filter(form=volunteer_form).first()
    for name in ("form_field_move", "form_field_remove"):
        url = _staff(name, volunteer_form, question_id=field.pk)
        assert login(readonly_member).post(url, {"direction": "down"}).status_code == 403
    with scopes_disabled():
        assert FormField.objects.filter(form=volunteer_form).count() == 3


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("form_status", "get"),
        ("form_field_new", "get"),
        ("form_export", "get"),
        ("form_submissions", "post"),
        ("form_detail", "post"),
    ],
)
def test_the_wrong_method_is_405(login, owner, volunteer_form, name, method):
    assert getattr(login(owner), method)(_staff(name, volunteer_form)).status_code == 405


def test_the_removal_and_move_of_a_question_are_post_only(login, owner, volunteer_form):
    with scopes_disabled():
        field = FormField.objects.filter(form=volunteer_form).first()
    for name in ("form_field_move", "form_field_remove"):
        assert login(owner).get(_staff(name, volunteer_form, question_id=field.pk)).status_code == 405


def test_a_submission_is_on_the_persons_timeline(login, owner, org_a, volunteer_form):
    login(None).post(_page(volunteer_form), _data(volunteer_form))
    with scopes_disabled():
        person = Person.objects.get()
    page = login(owner).get(reverse("people:person_detail", kwargs={"org": org_a.slug, "person_id": person.pk}))
    assert "Signed up to volunteer: Volunteer with us" in page.content.decode()


def test_an_open_form_of_a_public_campaign_is_one_of_its_open_actions(login, org_a):
    campaign = make_campaign(org_a, is_public=True)
    make_form(org_a, campaign=campaign, title=LazyI18nString({"en": "Join the phone bank"}), is_volunteer_signup=True)
    make_form(org_a, campaign=campaign, title=LazyI18nString({"en": "A draft"}), status=Form.Status.DRAFT)
    html = login(None).get(campaign.get_public_url()).content.decode()
    assert "Join the phone bank" in html and "A draft" not in html


# --- Demo -----------------------------------------------------------------------------------


@pytest.fixture
def demo(db, settings):  # type: ignore[no-untyped-def]
    from io import StringIO

    from django.core.management import call_command

    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())


def test_the_demo_has_an_open_volunteer_sign_up_and_a_survey_with_answers(demo, login):
    from io import StringIO

    from django.core.management import call_command

    from alianza.actions import ladder
    from alianza.campaigns.models import Campaign

    with scopes_disabled():
        forms = {f.is_volunteer_signup: f for f in Form.objects.filter(organization__slug="hub")}
        assert sorted(forms) == [False, True]
        assert all(f.status == Form.Status.OPEN for f in forms.values())
        assert forms[True].campaign.slug == "licenses-for-all"
        assert FormSubmission.objects.filter(form=forms[True]).count() == 2
        assert FormSubmission.objects.filter(form=forms[False]).count() == 2
        kinds = set(FormField.objects.values_list("kind", flat=True))
        campaign = Campaign.objects.get(slug="licenses-for-all")
    assert kinds == {"multi_choice", "choice", "long_text", "consent", "number", "date"}
    with scope(organization=campaign.organization):
        counts = {c.rung.code: c.reached for c in ladder.ladder_counts(campaign.organization, campaign)}
    assert counts["volunteered"] == 2
    html = login(None).get("/campaigns/licenses-for-all/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Sé voluntario por licencias para todos" in html
    call_command("load_demo", stdout=StringIO())
    with scopes_disabled():
        assert (Form.objects.count(), FormSubmission.objects.count()) == (2, 4)
