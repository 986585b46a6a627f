"""Victories: staff record them (what, when, evidence), the link must be a web address, and the
staff record lists the wins of the campaigns an organization leads or partners in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope
from i18nfield.strings import LazyI18nString

from alianza.campaigns.models import Victory
from alianza.campaigns.operations import CampaignError, victory_record
from alianza.campaigns.tests.factories import make_campaign, make_victory
from alianza.core.models import AuditEvent
from alianza.core.tests.factories import make_organization

pytestmark = pytest.mark.django_db


def post(client, campaign, **overrides):  # type: ignore[no-untyped-def]
    data = {
        "title_0": "The county funded tenant legal defense",
        "title_1": "El condado financió la defensa legal de inquilinos",
        "won_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "description_0": "Voted 4 to 1.",
        "description_1": "",
        "evidence_url": "https://news.example.org/win",
    }
    data.update(overrides)
    return client.post(f"/staff/org-a/campaigns/{campaign.pk}/victories/new/", data)


def test_an_organizer_records_a_victory(login, member, org_a):
    campaign = make_campaign(org_a)
    response = post(login(member), campaign)
    assert response.status_code == 302
    assert response["Location"] == f"/staff/org-a/campaigns/{campaign.pk}/#victories"
    with scope(organization=org_a):
        victory = Victory.objects.get()
        event = AuditEvent.objects.get(action="campaigns.victory.recorded")
    assert victory.title.data == {
        "en": "The county funded tenant legal defense",
        "es": "El condado financió la defensa legal de inquilinos",
    }
    assert victory.description.data == {"en": "Voted 4 to 1."}
    assert (victory.evidence_url, victory.recorded_by) == ("https://news.example.org/win", member)
    assert event.data["evidence"] == "https://news.example.org/win"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,hi", "ftp://example.org/x", "news example"])
def test_the_evidence_link_must_be_a_web_address(login, member, org_a, url):
    campaign = make_campaign(org_a)
    response = post(login(member), campaign, evidence_url=url)
    assert response.status_code == 400
    with scope(organization=org_a):
        assert not Victory.objects.exists()
    assert "The county funded tenant legal defense" in response.content.decode()  # nothing typed is lost


def test_a_link_without_a_scheme_becomes_https(login, member, org_a):
    campaign = make_campaign(org_a)
    post(login(member), campaign, evidence_url="news.example.org/win")
    with scope(organization=org_a):
        assert Victory.objects.get().evidence_url == "https://news.example.org/win"


def test_a_victory_needs_to_say_what_was_won(org_a, owner):
    with pytest.raises(CampaignError, match="Say what was won, in at least one language"):
        victory_record(campaign=make_campaign(org_a), actor=owner, won_on=timezone.localdate(),
                       title=LazyI18nString({"en": " "}))  # fmt: skip


def test_a_victory_cannot_be_in_the_future(login, member, org_a):
    campaign = make_campaign(org_a)
    response = post(login(member), campaign, won_on=(timezone.localdate() + timedelta(days=1)).isoformat())
    assert response.status_code == 400
    assert "A victory cannot be in the future." in response.content.decode()


def test_the_staff_record_of_victories(login, outsider, org_a, org_b):
    led_by_b = make_campaign(org_b)
    partnered = make_campaign(org_a, partners=[org_b])
    not_mine = make_campaign(make_organization(slug="org-c", name="Organization C"))
    make_victory(led_by_b, title=LazyI18nString({"en": "Our own win"}))
    make_victory(partnered, title=LazyI18nString({"en": "A partner's win"}))
    make_victory(not_mine, title=LazyI18nString({"en": "Someone else's win"}))
    response = login(outsider).get("/staff/org-b/campaigns/victories/")
    assert [str(v.title) for v in response.context["victories"]] == ["A partner's win", "Our own win"]
    assert "Someone else" not in response.content.decode()
