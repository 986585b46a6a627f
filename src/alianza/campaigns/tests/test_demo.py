"""The demo coalition's campaigns: two public campaigns with goals, milestones, a victory, an
ally outside the network, and commitments kept, late and open; loading twice adds nothing."""

from io import StringIO

import pytest
from django.core.management import call_command
from django_scopes import scopes_disabled

from alianza.campaigns.commitments import accountability
from alianza.campaigns.models import Ally, Campaign, Commitment, Goal, Milestone, Victory


@pytest.fixture
def loaded(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())


@scopes_disabled()
def test_the_demo_has_two_campaigns_with_everything(loaded):
    campaigns = {c.slug: c for c in Campaign.objects.all()}
    assert sorted(campaigns) == ["licenses-for-all", "safe-homes-travis"]
    assert all(c.is_public for c in campaigns.values())
    assert campaigns["licenses-for-all"].organization.slug == "hub"
    assert campaigns["safe-homes-travis"].organization.slug == "comunidad-unida"
    assert Goal.objects.filter(kind=Goal.Kind.NUMBER).exists() and Goal.objects.filter(kind=Goal.Kind.YES_NO).exists()
    assert Milestone.objects.exclude(done_at=None).exists() and Milestone.objects.filter(done_at=None).exists()
    assert Victory.objects.count() == 1
    assert Ally.objects.count() == 2
    counts = accountability(list(Commitment.objects.all())).counts
    assert counts["kept"] >= 1 and counts["late"] >= 1 and counts["open"] >= 1
    assert Commitment.objects.exclude(person=None).exists()


@scopes_disabled()
def test_loading_the_demo_again_adds_nothing(loaded):
    before = (Campaign.objects.count(), Commitment.objects.count(), Victory.objects.count(), Goal.objects.count())
    call_command("load_demo", stdout=StringIO())
    assert (
        Campaign.objects.count(),
        Commitment.objects.count(),
        Victory.objects.count(),
        Goal.objects.count(),
    ) == before


def test_the_demo_campaign_page_shows_in_spanish(loaded, client):
    content = client.get("/campaigns/safe-homes-travis/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Hogares seguros en el condado de Travis" in content
    assert "El condado financió defensa legal gratuita" in content
