"""Interface languages: switching, right-to-left, catalogs for every language."""

import pytest
from django.conf import settings
from django.utils.translation import check_for_language, override
from django.utils.translation import gettext as _


def switch(client, language, next_url="/"):
    return client.post("/i18n/setlang/", {"language": language, "next": next_url})


@pytest.mark.parametrize("code", [code for code, _name in settings.ALL_LANGUAGES])
def test_every_language_has_a_catalog_and_can_be_chosen(code, client, db):
    assert check_for_language(code)
    response = switch(client, code)
    assert response.status_code == 302
    page = client.get("/")
    assert f'lang="{code}"'.encode() in page.content


def test_spanish_interface(client, db):
    switch(client, "es")
    page = client.get("/")
    assert b'lang="es" dir="ltr"' in page.content
    assert b"Nuestras organizaciones miembro" in page.content


def test_arabic_is_right_to_left(client, db):
    switch(client, "ar")
    assert b'lang="ar" dir="rtl"' in client.get("/").content


def test_the_switch_works_on_staff_pages_and_returns_there(login, owner):
    client = login(owner)
    response = switch(client, "es", "/staff/org-a/")
    assert response["Location"] == "/staff/org-a/"
    assert b"Tu rol" in client.get("/staff/org-a/").content


def test_organization_content_follows_the_reader_language(client, db):
    from i18nfield.strings import LazyI18nString

    from alianza.core.tests.factories import make_organization

    make_organization(tagline=LazyI18nString({"en": "One voice", "es": "Una sola voz"}))
    assert b"One voice" in client.get("/").content
    switch(client, "es")
    assert b"Una sola voz" in client.get("/").content
    switch(client, "ko")  # no Korean text: falls back to the coalition default
    assert b"One voice" in client.get("/").content


def test_roles_are_translated():
    with override("es"):
        assert _("Organizer") == "Organizador/a"
