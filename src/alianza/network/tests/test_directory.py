"""The public member directory: active organizations of the network and their public profile,
in the reader's language; never their private notes."""

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from i18nfield.strings import LazyI18nString

from alianza.core.models import Organization
from alianza.core.tests.factories import make_organization


@pytest.fixture
def esperanza(db) -> Organization:
    organization = make_organization(
        slug="esperanza",
        name="Casa de la Esperanza",
        kinds=["legal"],
        counties=["Travis", "Hays"],
        languages=["es", "en"],
        tagline=LazyI18nString({"en": "Court accompaniment", "es": "Acompañamiento en la corte"}),
        description=LazyI18nString({"en": "We go to court with families.", "es": "Vamos a la corte con las familias."}),
        website="https://esperanza.example",
        public_email="hola@esperanza.example",
        public_phone="+1 512 555 0100",
    )
    organization.private_notes = "Safe-house address: 12 Elm St"
    organization.save()
    return organization


def test_the_directory_lists_active_organizations_of_the_network(client, esperanza):
    make_organization(name="The Hub", tier=Organization.Tier.HUB)
    make_organization(name="A Partner Outside", tier=Organization.Tier.PARTNER)
    for status in ("applicant", "suspended", "former"):
        make_organization(name=f"Status {status}", status=status)
    page = client.get("/members/")
    assert page.status_code == 200
    content = page.content.decode()
    assert "Casa de la Esperanza" in content and "The Hub" in content
    assert "A Partner Outside" not in content
    assert "Status " not in content
    assert "Court accompaniment" in content
    assert "Legal services" in content and "Travis, Hays" in content and "Spanish, English" in content
    assert 'href="/members/esperanza/"' in content


def test_a_profile_shows_the_public_fields(client, esperanza):
    page = client.get("/members/esperanza/")
    assert page.status_code == 200
    content = page.content.decode()
    for text in (
        "Casa de la Esperanza",
        "Court accompaniment",
        "We go to court with families.",
        "Travis, Hays",
        "Spanish, English",
        "Legal services",
        'href="https://esperanza.example"',
        'href="mailto:hola@esperanza.example"',
        "+1 512 555 0100",
    ):
        assert text in content, text


def test_private_notes_are_never_shown_nor_even_read(client, esperanza):
    with CaptureQueriesContext(connection) as queries:
        listing = client.get("/members/")
        profile = client.get("/members/esperanza/")
    assert b"Elm St" not in listing.content and b"Elm St" not in profile.content
    assert not any("private_notes" in q["sql"] for q in queries.captured_queries)


def test_content_is_shown_in_the_readers_language(client, esperanza):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    listing = client.get("/members/").content.decode()
    profile = client.get("/members/esperanza/").content.decode()
    assert "Acompañamiento en la corte" in listing and "Court accompaniment" not in listing
    assert "Vamos a la corte con las familias." in profile and "We go to court with families." not in profile
    assert "Servicios legales" in profile and "Español" in profile
    assert 'lang="es"' in profile


def test_a_missing_translation_falls_back_to_the_default_language(client, esperanza):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    assert b"We go to court with families." in client.get("/members/esperanza/").content


@pytest.mark.parametrize(
    "fields",
    [
        {"tier": Organization.Tier.PARTNER},
        {"status": Organization.Status.SUSPENDED},
        {"status": Organization.Status.APPLICANT},
        {"status": Organization.Status.FORMER},
    ],
    ids=["partner", "suspended", "applicant", "former"],
)
def test_unlisted_organizations_have_no_profile(client, db, fields):
    make_organization(slug="hidden", **fields)
    assert client.get("/members/hidden/").status_code == 404


def test_an_unknown_profile_is_not_found(client, db):
    assert client.get("/members/no-such-organization/").status_code == 404


def test_the_pages_need_no_javascript(client, esperanza):
    for path in ("/members/", "/members/esperanza/"):
        content = client.get(path).content
        assert b"<script" not in content and b"style=" not in content


def test_the_directory_answers_only_get(client, esperanza):
    assert client.post("/members/").status_code == 405
    assert client.post("/members/esperanza/").status_code == 405


def test_the_directory_queries_do_not_grow_with_the_rows(client, db):
    make_organization(kinds=["legal"], counties=["Travis"], languages=["es"])
    with CaptureQueriesContext(connection) as one:
        assert client.get("/members/").status_code == 200
    make_organization(kinds=["youth"], counties=["Hays"], languages=["en"])
    make_organization(kinds=["faith"], counties=["Bexar"], languages=["ko"])
    with CaptureQueriesContext(connection) as three:
        assert client.get("/members/").status_code == 200
    assert len(one) == len(three) == 1, [q["sql"] for q in three.captured_queries]
