"""The hub publishes its values and principles in versions: the newest is current, and every
acceptance keeps the version that was accepted."""

import pytest
from django_scopes import scope
from i18nfield.strings import LazyI18nString

from alianza.core.models import AuditEvent
from alianza.network.models import IndividualSignup, PrinciplesVersion
from alianza.network.principles import PrinciplesError, principles_current, principles_publish
from alianza.network.tests.factories import make_principles, signup_data

URL = "/staff/org-a/network/principles/"


def publish_form(title_en: str, text_en: str, text_es: str = "") -> dict[str, str]:
    # The form shows English and Spanish (and the hub's own languages), in the order of LANGUAGES.
    return {"title_0": title_en, "title_1": "", "text_0": text_en, "text_1": text_es}


def test_a_hub_admin_publishes_the_first_version(login, owner, hub):
    client = login(owner)
    page = client.get(URL)
    assert page.status_code == 200
    assert b"Nothing is published yet" in page.content
    response = client.post(URL, publish_form("Our principles", "Dignity for all.", "Dignidad para todos."))
    assert response.status_code == 302
    current = principles_current(hub=hub)
    assert current is not None and current.version == 1
    assert current.text.data == {"en": "Dignity for all.", "es": "Dignidad para todos."}
    assert current.published_by == owner
    with scope(organization=hub):
        event = AuditEvent.objects.get(action="network.principles.published")
    assert (event.actor, event.object_id, event.data["version"]) == (owner, str(current.pk), 1)


def test_a_new_version_becomes_current_and_old_acceptances_keep_theirs(client, login, owner, hub, principles):
    assert client.post("/join/", signup_data(principles)).status_code == 302
    login(owner).post(URL, publish_form("Our principles", "Dignity, and solidarity too."))
    current = principles_current(hub=hub)
    assert current is not None and current.version == 2 and current.pk != principles.pk
    # The join page now shows and asks for version 2 ...
    page = client.get("/join/")
    assert b"Dignity, and solidarity too." in page.content
    assert f'name="principles_version" value="{current.pk}"'.encode() in page.content
    client.post("/join/", signup_data(current, **{"person-name": "Lucía Ramírez"}))
    # ... and the earlier sign-up still records version 1.
    with scope(organization=hub):
        versions = dict(IndividualSignup.objects.values_list("name", "principles_version__version"))
        assert PrinciplesVersion.objects.count() == 2
    assert versions == {"José Ramírez": 1, "Lucía Ramírez": 2}


def test_the_form_starts_from_the_current_text(login, owner, principles):
    page = login(owner).get(URL)
    assert b"We stand together for dignity.</textarea>" in page.content
    assert b"Juntos por la dignidad.</textarea>" in page.content


def test_publishing_the_same_text_again_is_refused(login, owner, hub, principles):
    response = login(owner).post(
        URL,
        {"title_0": "Our principles", "title_1": "Nuestros principios"}
        | {"text_0": "We stand together for dignity.", "text_1": "Juntos por la dignidad."},
    )
    assert response.status_code == 400
    assert b"This is the same as the current version" in response.content
    with scope(organization=hub):
        assert PrinciplesVersion.objects.count() == 1


def test_the_text_is_required_in_at_least_one_language(login, owner, hub):
    response = login(owner).post(URL, publish_form("A title", ""))
    assert response.status_code == 400
    assert b"This field is required." in response.content
    assert principles_current(hub=hub) is None


def test_earlier_versions_are_listed(login, owner, hub, principles):
    make_principles(hub, text=LazyI18nString({"en": "Second."}))
    page = login(owner).get(URL)
    assert b"Current version: 2" in page.content
    assert b"Version 1, published" in page.content


def test_a_version_not_yet_published_is_not_current(hub, principles):
    from datetime import timedelta

    from django.utils import timezone

    make_principles(hub, published_at=timezone.now() + timedelta(days=1))
    assert principles_current(hub=hub) == principles


def test_only_the_hub_publishes(outsider, org_b):
    with pytest.raises(PrinciplesError, match="Only the coalition hub"):
        principles_publish(
            organization=org_b,
            actor=outsider,
            title=LazyI18nString({"en": "T"}),
            text=LazyI18nString({"en": "X"}),
        )


def test_other_organizations_have_no_such_page(login, outsider, org_b, hub):
    # org_b is a member organization: even its admin gets 404.
    assert login(outsider).get("/staff/org-b/network/principles/").status_code == 404


@pytest.mark.parametrize("fixture", ["member", "advocate", "readonly_member"])
def test_only_admins_of_the_hub_may_publish(login, request, hub, fixture):
    client = login(request.getfixturevalue(fixture))
    assert client.get(URL).status_code == 403
    assert client.post(URL, publish_form("T", "X")).status_code == 403
    assert principles_current(hub=hub) is None


def test_an_outsider_gets_404(login, outsider, hub):
    assert login(outsider).get(URL).status_code == 404
    assert login(outsider).post(URL, publish_form("T", "X")).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, hub):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
