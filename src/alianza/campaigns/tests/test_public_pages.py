"""The public campaign pages: only public campaigns (404 otherwise), in the visitor's language
with the default language as the fallback, their open actions from the registry and their
victories; commitments are never shown."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from i18nfield.strings import LazyI18nString

from alianza.campaigns import open_actions
from alianza.campaigns.models import Campaign
from alianza.campaigns.open_actions import CampaignAction
from alianza.campaigns.tests.factories import make_ally, make_campaign, make_commitment, make_victory
from alianza.core.models import Organization
from alianza.people.tests.factories import make_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(org_a, org_b):
    campaign = make_campaign(
        org_a,
        slug="licenses",
        is_public=True,
        partners=[org_b],
        title=LazyI18nString({"en": "Licenses for all", "es": "Licencias para todos"}),
        summary=LazyI18nString({"en": "Drive without fear."}),
        story=LazyI18nString({"en": "<b>First</b> paragraph.\n\nSecond paragraph."}),
        targets=["The Governor"],
    )
    make_ally(campaign, name="Road Safety Alliance", url="https://roads.example.org")
    make_victory(campaign, title=LazyI18nString({"en": "The county passed it", "es": "El condado lo aprobó"}),
                 evidence_url="https://news.example.org/win")  # fmt: skip
    return campaign


def get(client, path, language="en"):  # type: ignore[no-untyped-def]
    return client.get(path, HTTP_ACCEPT_LANGUAGE=language)


def test_the_page_in_english(client, campaign):
    response = get(client, "/campaigns/licenses/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "<h1>Licenses for all</h1>" in content
    assert "Drive without fear." in content
    assert "&lt;b&gt;First&lt;/b&gt; paragraph." in content and "<p>Second paragraph.</p>" in content  # escaped
    assert "The Governor" in content and "Organization A" in content and "Organization B" in content
    assert 'href="https://roads.example.org" rel="nofollow noopener noreferrer"' in content
    assert "The county passed it" in content and 'href="https://news.example.org/win"' in content


def test_the_page_in_spanish_falls_back_to_english_where_untranslated(client, campaign):
    content = get(client, "/campaigns/licenses/", "es").content.decode()
    assert '<html lang="es"' in content
    assert "<h1>Licencias para todos</h1>" in content
    assert "El condado lo aprobó" in content
    assert "Drive without fear." in content  # no Spanish summary: the default language


def test_a_language_without_any_text_gets_the_default(client, campaign):
    content = get(client, "/campaigns/licenses/", "pt").content.decode()
    assert "<h1>Licenses for all</h1>" in content


def test_text_only_in_spanish_shows_to_everyone(client, org_a):
    make_campaign(org_a, slug="solo", is_public=True, title=LazyI18nString({"es": "Solo en español"}))
    assert "<h1>Solo en español</h1>" in get(client, "/campaigns/solo/").content.decode()


def test_a_campaign_that_is_not_public_does_not_exist_here(client, org_a):
    make_campaign(org_a, slug="internal", is_public=False)
    assert client.get("/campaigns/internal/").status_code == 404
    assert client.get("/campaigns/no-such-campaign/").status_code == 404
    assert "internal" not in client.get("/campaigns/").content.decode()


def test_a_campaign_of_a_suspended_lead_is_hidden(client, campaign, org_a):
    org_a.status = Organization.Status.SUSPENDED
    org_a.save()
    assert client.get("/campaigns/licenses/").status_code == 404
    assert client.get("/victories/").content.decode().count("The county passed it") == 0


def test_commitments_and_goals_of_people_are_never_public(client, campaign, org_a):
    rosa = make_person(org_a, given_name="Rosa", family_name="Martínez")
    make_commitment(campaign, person=rosa, task="Call twenty neighbors")
    content = client.get("/campaigns/licenses/").content.decode()
    assert "Rosa" not in content and "Call twenty neighbors" not in content


def test_open_actions_come_from_the_registry(client, campaign):
    starts = timezone.make_aware(datetime(2030, 5, 1, 18, 0))

    def provider(c: Campaign) -> list[CampaignAction]:
        assert c.pk == campaign.pk
        return [
            CampaignAction(title="Sign the petition", url="/petitions/1/", starts_at=None, kind="Petition"),
            CampaignAction(title="Vigil at the Capitol", url="/events/7/", starts_at=starts, kind="Vigil"),
            CampaignAction(title="Earlier phone bank", url="/events/6/", starts_at=starts - timedelta(days=2),
                           kind="Phone bank"),
        ]  # fmt: skip

    open_actions.register(provider)
    try:
        response = client.get("/campaigns/licenses/")
    finally:
        open_actions.unregister(provider)
    assert [a.title for a in response.context["actions"]] == [
        "Earlier phone bank", "Vigil at the Capitol", "Sign the petition",
    ]  # fmt: skip
    content = response.content.decode()
    assert '<a href="/events/7/">Vigil at the Capitol</a>' in content
    assert "No open actions right now." not in content


def test_without_providers_the_page_says_there_is_nothing_open(client, campaign):
    assert "No open actions right now. Come back soon." in client.get("/campaigns/licenses/").content.decode()


def test_the_public_list(client, campaign, org_b):
    make_campaign(org_b, slug="other", is_public=True, title=LazyI18nString({"en": "Fair wages"}))
    content = client.get("/campaigns/").content.decode()
    assert 'href="/campaigns/licenses/"' in content and 'href="/campaigns/other/"' in content


def test_the_record_of_victories_lists_public_campaigns_only(client, campaign, org_b):
    hidden = make_campaign(org_b, is_public=False)
    make_victory(hidden, title=LazyI18nString({"en": "A private win"}))
    response = get(client, "/victories/", "es")
    content = response.content.decode()
    assert "El condado lo aprobó" in content and 'href="/campaigns/licenses/"' in content
    assert "A private win" not in content


def test_public_pages_only_answer_get(client, campaign):
    assert client.post("/campaigns/licenses/").status_code == 405
