"""The public "Join us" page: an organization applies, a person joins; both accept the current
values and principles. Safe by default: CSRF, honeypot, rate limit, no enumeration."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django_scopes import scope
from i18nfield.strings import LazyI18nString

from alianza.core.models import AuditEvent
from alianza.network.models import IndividualSignup, OrganizationApplication
from alianza.network.tests.factories import application_data, make_principles, signup_data

JOIN = "/join/"
THANKS = "/join/thanks/"


def stored(hub) -> tuple[int, int]:
    with scope(organization=hub):
        return OrganizationApplication.objects.count(), IndividualSignup.objects.count()


# --- The page ---------------------------------------------------------------------------------


def test_the_page_shows_the_current_principles_and_both_forms(client, principles):
    page = client.get(JOIN)
    assert page.status_code == 200
    assert b"We stand together for dignity." in page.content
    assert b'name="org-contact_email"' in page.content
    assert b'name="person-preferred_language"' in page.content
    assert f'name="principles_version" value="{principles.pk}"'.encode() in page.content


def test_the_principles_are_shown_in_the_readers_language(client, principles):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    page = client.get(JOIN)
    assert b"Juntos por la dignidad." in page.content
    assert b'lang="es"' in page.content


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_the_page_works_in_every_enabled_language(client, principles, code):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    page = client.get(JOIN)
    assert page.status_code == 200
    assert f'lang="{code}"'.encode() in page.content


def test_the_page_needs_no_javascript_and_has_no_inline_style(client, principles):
    page = client.get(JOIN)
    assert b"<script" not in page.content
    assert b"style=" not in page.content and b"<style" not in page.content
    assert b"<form" in page.content and b'type="submit"' in page.content


def test_every_field_has_a_label(client, principles):
    content = client.get(JOIN).content.decode()
    for input_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="(id_[^"]+)"', content):
        if input_id.startswith(("id_org-kinds_", "id_org-languages_", "id_person-joins_as_")):
            continue  # each choice is wrapped in its own label, inside a fieldset with a legend
        assert f'for="{input_id}"' in content, input_id


def test_without_principles_joining_is_not_open_yet(client, hub):
    page = client.get(JOIN)
    assert page.status_code == 200
    assert b"Joining opens once the coalition has published its values and principles" in page.content
    assert b'<form method="post" action="/join/' not in page.content


def test_without_a_hub_nothing_is_stored(client, org_a, no_scopes):
    response = client.post(JOIN, {"form": "person", "person-name": "Ana", "person-email": "ana@example.org"})
    assert response.status_code == 400
    assert IndividualSignup.objects.count() == 0


# --- An organization applies --------------------------------------------------------------------


def test_an_organization_applies_and_its_acceptance_is_recorded(client, hub, principles):
    response = client.post(JOIN, application_data(principles))
    assert response.status_code == 302 and response["Location"] == THANKS
    with scope(organization=hub):
        application = OrganizationApplication.objects.get()
        event = AuditEvent.objects.get(action="network.application.submitted")
    assert application.name == "Casa de la Esperanza"
    assert application.kinds == ["legal", "faith"]
    assert application.counties == ["Travis", "Hays"]
    assert application.contact_email == "maria@esperanza.example"
    assert application.languages == ["es", "en"]
    assert application.status == OrganizationApplication.Status.PENDING
    assert application.principles_version == principles
    assert application.principles_accepted_at is not None
    assert application.language == "en"
    assert (event.actor, event.actor_label, event.ip_address) == (None, "system", None)
    assert event.object_id == str(application.pk)
    assert client.get(THANKS).status_code == 200


def test_an_application_remembers_the_language_it_was_written_in(client, hub, principles):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    client.post(JOIN, application_data(principles))
    with scope(organization=hub):
        assert OrganizationApplication.objects.get().language == "es"


def test_a_bad_application_is_shown_again_with_what_was_typed(client, hub, principles):
    data = application_data(principles, **{"org-contact_email": "not-an-address", "org-contact_phone": "call me"})
    response = client.post(JOIN, data)
    assert response.status_code == 400
    content = response.content.decode()
    assert "Enter a valid email address." in content
    assert "Enter a phone number" in content
    assert 'value="Casa de la Esperanza"' in content
    assert 'value="not-an-address"' in content
    assert "We accompany families to immigration court." in content
    assert re.search(r'value="legal"[^>]*checked', content) and not re.search(r'value="youth"[^>]*checked', content)
    assert stored(hub) == (0, 0)


def test_the_principles_must_be_accepted(client, hub, principles):
    response = client.post(JOIN, application_data(principles, **{"org-accept_principles": ""}))
    assert response.status_code == 400
    assert b"tick this box to accept them" in response.content
    assert stored(hub) == (0, 0)


def test_a_name_on_two_lines_is_refused(client, hub, principles):
    response = client.post(JOIN, application_data(principles, **{"org-name": "Casa\r\nBcc: x@example.org"}))
    assert response.status_code == 400
    assert stored(hub) == (0, 0)


def test_if_the_principles_changed_while_reading_the_new_ones_must_be_accepted(client, hub, principles):
    newer = make_principles(hub, text=LazyI18nString({"en": "Version two."}))
    response = client.post(JOIN, application_data(principles))  # accepted version 1
    assert response.status_code == 400
    assert b"The values and principles changed while you were reading them" in response.content
    assert b"Version two." in response.content
    assert f'name="principles_version" value="{newer.pk}"'.encode() in response.content
    assert not re.search(r'<input type="checkbox" name="org-accept_principles"[^>]*checked', response.content.decode())
    assert b'value="Casa de la Esperanza"' in response.content
    assert stored(hub) == (0, 0)


# --- A person joins ------------------------------------------------------------------------------


def test_a_person_joins_and_their_acceptance_is_recorded(client, hub, principles):
    response = client.post(JOIN, signup_data(principles))
    assert response.status_code == 302 and response["Location"] == THANKS
    with scope(organization=hub):
        signup = IndividualSignup.objects.get()
        event = AuditEvent.objects.get(action="network.signup.received")
    assert (signup.name, signup.email, signup.preferred_language, signup.county, signup.joins_as) == (
        "José Ramírez",
        "jose@example.org",
        "es",
        "Hidalgo",
        "volunteer",
    )
    assert signup.principles_version == principles and signup.principles_accepted_at is not None
    assert (event.actor, event.ip_address, event.object_id) == (None, None, str(signup.pk))
    assert "jose" not in str(event.data)  # the audit trail names the record, not the person


def test_a_phone_number_is_enough(client, hub, principles):
    response = client.post(JOIN, signup_data(principles, **{"person-email": "", "person-phone": "(512) 555-0199"}))
    assert response.status_code == 302
    with scope(organization=hub):
        assert IndividualSignup.objects.get().phone == "(512) 555-0199"


def test_a_person_needs_an_email_or_a_phone(client, hub, principles):
    response = client.post(JOIN, signup_data(principles, **{"person-email": ""}))
    assert response.status_code == 400
    assert b"Give an e-mail address or a phone number so we can reach you." in response.content
    assert "José Ramírez".encode() in response.content
    assert stored(hub) == (0, 0)


def test_errors_are_translated(client, hub, principles):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.post(JOIN, signup_data(principles, **{"person-email": "nope"}))
    assert response.status_code == 400
    assert "Introduzca una dirección de correo electrónico válida.".encode() in response.content


# --- Safety --------------------------------------------------------------------------------------


def test_a_post_without_the_csrf_token_is_refused(hub, principles):
    client = Client(enforce_csrf_checks=True)
    response = client.post(JOIN, signup_data(principles))
    assert response.status_code == 403
    assert stored(hub) == (0, 0)


@pytest.mark.parametrize("data", [application_data, signup_data], ids=["organization", "person"])
def test_a_bot_filling_the_honeypot_is_thanked_and_forgotten(client, hub, principles, data):
    prefix = "org" if data is application_data else "person"
    human = client.post(JOIN, data(principles))
    bot = client.post(JOIN, data(principles, **{f"{prefix}-website": "http://spam.example"}))
    assert (bot.status_code, bot["Location"]) == (human.status_code, human["Location"]) == (302, THANKS)
    assert bot.content == human.content
    assert sum(stored(hub)) == 1  # only the human's


def test_the_honeypot_is_hidden_from_people(client, principles):
    content = client.get(JOIN).content.decode()
    start = content.index('name="person-website"')
    wrapper = content.rindex("<div", 0, start)
    assert content[wrapper : content.index(">", wrapper)] == '<div class="field" hidden'
    assert 'tabindex="-1"' in content[start - 200 : start + 200]


def test_a_repeated_sign_up_gets_the_same_answer_and_is_stored_once(client, hub, principles):
    first = client.post(JOIN, signup_data(principles))
    second = client.post(JOIN, signup_data(principles, **{"person-email": "JOSE@example.org"}))
    assert (first.status_code, first["Location"], first.content) == (
        second.status_code,
        second["Location"],
        second.content,
    )
    assert stored(hub) == (0, 1)


def test_a_known_address_gets_the_same_answer_as_a_new_one(client, hub, principles):
    known = client.post(JOIN, application_data(principles))
    again = client.post(JOIN, application_data(principles))
    new = client.post(JOIN, application_data(principles, **{"org-contact_email": "new@example.org"}))
    assert known.status_code == again.status_code == new.status_code == 302
    assert known["Location"] == again["Location"] == new["Location"] == THANKS
    assert known.content == again.content == new.content


def test_a_family_sharing_an_address_can_each_join(client, hub, principles):
    client.post(JOIN, signup_data(principles))
    client.post(JOIN, signup_data(principles, **{"person-name": "Lucía Ramírez"}))
    assert stored(hub) == (0, 2)


def test_too_many_submissions_from_one_address_are_refused_with_429(client, hub, principles):
    for n in range(5):
        response = client.post(JOIN, signup_data(principles, **{"person-name": f"Person {n}"}))
        assert response.status_code == 302, n
    refused = client.post(JOIN, application_data(principles))
    assert refused.status_code == 429
    assert b"This form was sent too many times from your connection. Please wait 10 minutes" in refused.content
    assert b'value="Casa de la Esperanza"' in refused.content  # nothing typed is lost
    assert stored(hub) == (0, 5)
    # Bots count too, and another address is not affected.
    assert client.post(JOIN, signup_data(principles, **{"person-website": "x"})).status_code == 429
    other = client.post(JOIN, signup_data(principles, **{"person-name": "Other"}), REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


def test_the_rate_limit_page_is_in_the_readers_language(client, hub, principles, settings):
    settings.ALIANZA_JOIN_RATE_LIMIT = 0
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.post(JOIN, signup_data(principles))
    assert response.status_code == 429
    assert b'lang="es"' in response.content
    assert b"Juntos por la dignidad." in response.content


def test_the_rate_limit_keeps_no_address_in_the_cache(client, hub, principles):
    from django.core.cache import cache

    client.post(JOIN, signup_data(principles), REMOTE_ADDR="203.0.113.9")
    keys = list(cache._cache.keys())  # type: ignore[attr-defined]  # the local-memory cache of the tests
    assert keys and not any("203.0.113.9" in key for key in keys)


def test_an_unknown_form_is_refused(client, hub, principles):
    assert client.post(JOIN, {"form": "other"}).status_code == 400
    assert stored(hub) == (0, 0)


def test_the_page_answers_only_get_and_post(client, principles):
    assert client.put(JOIN).status_code == 405


def test_nothing_is_stored_in_another_organization(client, hub, principles, org_b, no_scopes):
    client.post(JOIN, signup_data(principles))
    client.post(JOIN, application_data(principles))
    assert IndividualSignup.objects.filter(organization=org_b).count() == 0
    assert OrganizationApplication.objects.filter(organization=org_b).count() == 0
    assert IndividualSignup.objects.filter(organization=hub).count() == 1
