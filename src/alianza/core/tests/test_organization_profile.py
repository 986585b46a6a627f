"""An admin edits the organization's profile, in several languages, with encrypted notes."""

import pytest
from django_scopes import scope

from alianza.core.models import AuditEvent, Organization

FORM = {
    "name": "Organization A",
    "kinds": ["legal", "youth"],
    "counties": "Travis\n  Hays \n\n",
    "languages": ["en", "es"],
    "tagline_0": "Free lawyers for kids",
    "tagline_1": "Abogados gratuitos para niños",
    "description_0": "",
    "description_1": "",
    "website": "example.org",
    "public_email": "hello@example.org",
    "public_phone": "",
    "private_notes": "Safe-house address: 12 Elm St",
}


def test_an_admin_edits_the_profile(login, owner, org_a):
    client = login(owner)
    assert client.get("/staff/org-a/profile/").status_code == 200
    response = client.post("/staff/org-a/profile/", FORM)
    assert response.status_code == 302
    org = Organization.objects.get(pk=org_a.pk)
    assert org.kinds == ["legal", "youth"]
    assert org.counties == ["Travis", "Hays"]
    assert org.tagline.data == {"en": "Free lawyers for kids", "es": "Abogados gratuitos para niños"}
    assert org.website == "https://example.org"
    assert org.private_notes == "Safe-house address: 12 Elm St"


def test_the_audit_records_the_change_but_never_the_private_notes(login, owner, org_a):
    login(owner).post("/staff/org-a/profile/", FORM)
    with scope(organization=org_a):
        event = AuditEvent.objects.get(action="core.organization.updated")
    assert event.data["changed"]["counties"] == [[], ["Travis", "Hays"]]
    assert event.data["changed"]["tagline"] == [
        {},
        {"en": "Free lawyers for kids", "es": "Abogados gratuitos para niños"},
    ]
    assert event.data["changed"]["private_notes"] == ["…", "…"]
    assert "Elm" not in str(event.data)


def test_saving_unchanged_writes_no_audit_event(login, owner, org_a):
    client = login(owner)
    client.post("/staff/org-a/profile/", FORM)
    client.post("/staff/org-a/profile/", FORM)
    with scope(organization=org_a):
        assert AuditEvent.objects.filter(action="core.organization.updated").count() == 1


def test_bad_input_is_shown_and_kept(login, owner, org_a):
    response = login(owner).post("/staff/org-a/profile/", {**FORM, "name": "", "public_email": "nope"})
    assert response.status_code == 400
    assert b"This field is required." in response.content
    assert b"Enter a valid email address." in response.content
    assert b"Safe-house address" in response.content  # what was typed is still there
    assert Organization.objects.get(pk=org_a.pk).name == "Organization A"


@pytest.mark.parametrize("fixture", ["member", "readonly_member", "advocate"])
def test_only_admins_edit_the_profile(login, request, fixture):
    assert login(request.getfixturevalue(fixture)).get("/staff/org-a/profile/").status_code == 403


def test_opening_the_profile_audits_the_read_of_the_private_notes(login, owner, org_a):
    client = login(owner)
    client.post("/staff/org-a/profile/", FORM)
    page = client.get("/staff/org-a/profile/")
    assert b"Safe-house address" in page.content
    with scope(organization=org_a):
        reads = AuditEvent.objects.filter(action="core.organization.private_notes_read")
        assert [(e.actor, e.object_id) for e in reads] == [(owner, str(org_a.pk))]


def test_an_edit_keeps_text_in_languages_the_form_does_not_show(login, owner, org_a):
    from i18nfield.strings import LazyI18nString

    org_a.tagline = LazyI18nString({"en": "Old", "ko": "한국어 소개"})
    org_a.save()
    login(owner).post("/staff/org-a/profile/", {**FORM, "languages": ["en", "es"]})
    tagline = Organization.objects.get(pk=org_a.pk).tagline.data
    assert tagline == {"en": "Free lawyers for kids", "es": "Abogados gratuitos para niños", "ko": "한국어 소개"}


def test_clearing_a_shown_language_removes_it(login, owner, org_a):
    client = login(owner)
    client.post("/staff/org-a/profile/", FORM)
    client.post("/staff/org-a/profile/", {**FORM, "tagline_1": ""})
    assert Organization.objects.get(pk=org_a.pk).tagline.data == {"en": "Free lawyers for kids"}


def test_an_empty_post_does_not_show_the_notes_unaudited(login, owner, org_a):
    client = login(owner)
    client.post("/staff/org-a/profile/", FORM)
    with scope(organization=org_a):
        reads_before = AuditEvent.objects.filter(action="core.organization.private_notes_read").count()
    response = client.post("/staff/org-a/profile/", {})
    assert response.status_code == 400
    assert b"Safe-house address" not in response.content
    with scope(organization=org_a):
        assert AuditEvent.objects.filter(action="core.organization.private_notes_read").count() == reads_before
    assert Organization.objects.get(pk=org_a.pk).private_notes == "Safe-house address: 12 Elm St"


def test_a_name_with_a_line_break_is_refused(login, owner, org_a):
    response = login(owner).post("/staff/org-a/profile/", {**FORM, "name": "Evil\r\nBcc: spy@example.org"})
    assert response.status_code == 400
    assert b"Use one line, without line breaks." in response.content
