"""Campaigns: creating and editing (through the pages and the operations), partners in and
outside the network, goals and milestones, and who may see or change what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from i18nfield.strings import LazyI18nString

from alianza.campaigns.models import Ally, Campaign, Goal, IssueArea, Milestone
from alianza.campaigns.operations import (
    CampaignError,
    CampaignInput,
    ally_add,
    campaign_create,
    goal_record_progress,
    milestone_set_done,
)
from alianza.campaigns.tests.factories import make_ally, make_campaign, make_goal, make_milestone
from alianza.core.models import AuditEvent, Organization
from alianza.core.tests.factories import make_organization

pytestmark = pytest.mark.django_db


def staff_url(campaign: Campaign, suffix: str = "", org: Organization | None = None) -> str:
    slug = (org or campaign.organization).slug
    return f"/staff/{slug}/campaigns/{campaign.pk}/{suffix}"


def campaign_post(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title_0": "Driver's licenses for all",
        "title_1": "Licencias para todos",
        "slug": "licenses",
        "summary_0": "Drive without fear.",
        "summary_1": "",
        "story_0": "First paragraph.\n\nSecond paragraph.",
        "story_1": "",
        "level": "state",
        "status": "active",
        "is_public": "on",
        "starts_on": "2026-01-15",
        "ends_on": "",
        "issue_areas": "Driver's licenses, policing, Policing",
        "targets": "The Governor\n\nDepartment of Public Safety\n",
    }
    data.update(overrides)
    return data


def test_an_organizer_creates_a_campaign(login, member, org_a, org_b):
    response = login(member).post("/staff/org-a/campaigns/new/", campaign_post(partners=[str(org_b.pk)]))
    assert response.status_code == 302
    with scope(organization=org_a):
        campaign = Campaign.objects.get()
        assert response["Location"] == campaign.get_absolute_url()
        assert campaign.title.data == {"en": "Driver's licenses for all", "es": "Licencias para todos"}
        assert campaign.story.data == {"en": "First paragraph.\n\nSecond paragraph."}
        assert campaign.targets == ["The Governor", "Department of Public Safety"]
        assert (campaign.level, campaign.status, campaign.is_public) == ("state", "active", True)
        assert campaign.starts_on == date(2026, 1, 15)
        assert sorted(a.name for a in campaign.issue_areas.all()) == ["Driver's licenses", "policing"]
        assert list(campaign.partners.all()) == [org_b]
        event = AuditEvent.objects.get(action="campaigns.campaign.created")
    assert (event.actor, event.object_id) == (member, str(campaign.pk))
    assert "title" in event.data["fields"]


def test_issue_areas_are_one_list_for_the_coalition(org_a, org_b, owner, outsider):
    campaign_create(organization=org_a, actor=owner, data=CampaignInput(title=LazyI18nString({"en": "A"}), slug="a",
                    issue_areas=["Housing"]))  # fmt: skip
    campaign_create(organization=org_b, actor=outsider, data=CampaignInput(title=LazyI18nString({"en": "B"}), slug="b",
                    issue_areas=["HOUSING ", "Labor"]))  # fmt: skip
    assert sorted(IssueArea.objects.values_list("name", flat=True)) == ["Housing", "Labor"]


def test_a_web_address_is_unique_across_organizations(login, owner, org_a, org_b):
    make_campaign(org_b, slug="licenses")
    response = login(owner).post("/staff/org-a/campaigns/new/", campaign_post())
    assert response.status_code == 400
    assert "Another campaign already uses this web address: choose another." in response.content.decode()
    with scopes_disabled():
        assert Campaign.objects.filter(organization=org_a).count() == 0


def test_errors_are_translated_and_what_was_typed_stays(login, owner):
    client = login(owner)
    response = client.post(
        "/staff/org-a/campaigns/new/",
        campaign_post(title_0="", title_1="", starts_on="2026-03-01", ends_on="2026-02-01"),
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Drive without fear." in content
    assert "Este campo es obligatorio." in content


def test_the_end_date_cannot_be_before_the_start(org_a, owner):
    data = CampaignInput(
        title=LazyI18nString({"en": "A"}), slug="a", starts_on=date(2026, 3, 1), ends_on=date(2026, 2, 1)
    )
    with pytest.raises(CampaignError, match="The end date cannot be before the start date"):
        campaign_create(organization=org_a, actor=owner, data=data)


def test_the_lead_cannot_be_its_own_partner(org_a, owner):
    data = CampaignInput(title=LazyI18nString({"en": "A"}), slug="a", partners=[org_a])
    with pytest.raises(CampaignError, match="The lead organization cannot also be a partner"):
        campaign_create(organization=org_a, actor=owner, data=data)


def test_editing_keeps_languages_and_audits_the_changes(login, owner, org_a):
    campaign = make_campaign(org_a, slug="licenses", title=LazyI18nString({"en": "Old", "es": "Viejo"}))
    response = login(owner).post(staff_url(campaign, "edit/"), campaign_post(title_0="New", title_1="Nuevo"))
    assert response.status_code == 302
    with scope(organization=org_a):
        campaign.refresh_from_db()
        event = AuditEvent.objects.get(action="campaigns.campaign.updated")
    assert campaign.title.data == {"en": "New", "es": "Nuevo"}
    assert event.data["changes"]["title"] == [{"en": "Old", "es": "Viejo"}, {"en": "New", "es": "Nuevo"}]


def test_the_edit_form_shows_the_current_values(login, owner, org_a):
    campaign = make_campaign(org_a, targets=["The Mayor", "City Council"])
    with scopes_disabled():
        campaign.issue_areas.set([IssueArea.objects.create(name="Housing")])
    content = login(owner).get(staff_url(campaign, "edit/")).content.decode()
    assert "The Mayor\nCity Council" in content
    assert 'value="Housing"' in content


# --- Partners: read-only -------------------------------------------------------------------------


@pytest.fixture
def partner_admin(org_b, outsider):
    return outsider  # the admin of org_b


def test_a_partner_sees_the_campaign_read_only(login, org_a, org_b, partner_admin):
    campaign = make_campaign(org_a, partners=[org_b])
    make_goal(campaign)
    client = login(partner_admin)
    response = client.get(staff_url(campaign, org=org_b))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Organization A leads this campaign; your organization is a partner and sees it read-only." in content
    assert "/edit/" not in content and "/progress/" not in content
    # Its list shows the campaign too, marked as led by another organization.
    listing = client.get("/staff/org-b/campaigns/").content.decode()
    assert "Led by Organization A; we are a partner." in listing


@pytest.mark.parametrize("suffix", ["edit/", "goals/new/", "milestones/new/", "victories/new/", "commitments/new/"])
def test_a_partner_cannot_change_the_campaign(login, org_a, org_b, partner_admin, suffix):
    campaign = make_campaign(org_a, partners=[org_b])
    client = login(partner_admin)
    assert client.get(staff_url(campaign, suffix, org=org_b)).status_code == 404
    assert client.post(staff_url(campaign, suffix, org=org_b), {"title": "x"}).status_code == 404


def test_a_partner_no_longer_listed_loses_access(login, org_a, org_b, partner_admin):
    campaign = make_campaign(org_a, partners=[org_b])
    with scopes_disabled():
        campaign.partners.clear()
    assert login(partner_admin).get(staff_url(campaign, org=org_b)).status_code == 404


def test_an_outsider_gets_404(login, org_a, outsider):
    campaign = make_campaign(org_a)
    client = login(outsider)
    assert client.get(staff_url(campaign)).status_code == 404
    assert client.get(staff_url(campaign, org=Organization.objects.get(slug="org-b"))).status_code == 404


def test_a_viewer_sees_but_cannot_create(login, readonly_member, org_a):
    campaign = make_campaign(org_a)
    client = login(readonly_member)
    assert client.get(staff_url(campaign)).status_code == 200
    assert client.get("/staff/org-a/campaigns/new/").status_code == 403
    assert client.post(staff_url(campaign, "goals/new/"), {"title": "x"}).status_code == 403


def test_post_only_pages_refuse_get(login, owner, org_a):
    campaign = make_campaign(org_a)
    goal = make_goal(campaign)
    client = login(owner)
    assert client.get(staff_url(campaign, f"goals/{goal.pk}/progress/")).status_code == 405
    assert client.post(staff_url(campaign)).status_code == 405


# --- Allies outside the network ------------------------------------------------------------------


def test_an_ally_outside_the_network_is_a_name_and_a_link(login, owner, org_a):
    campaign = make_campaign(org_a)
    response = login(owner).post(staff_url(campaign, "allies/"), {"name": "Tenant Power", "url": "tenants.example.org"})
    assert response.status_code == 302
    with scope(organization=org_a):
        ally = Ally.objects.get()
        assert AuditEvent.objects.filter(action="campaigns.ally.added").count() == 1
    assert (ally.name, ally.url) == ("Tenant Power", "https://tenants.example.org")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://files.example.org/x", "not a link"])
def test_an_ally_link_must_be_a_web_address(login, owner, org_a, url):
    campaign = make_campaign(org_a)
    response = login(owner).post(staff_url(campaign, "allies/"), {"name": "Tenant Power", "url": url})
    assert response.status_code == 400
    with scope(organization=org_a):
        assert not Ally.objects.exists()


def test_the_same_ally_is_listed_once(org_a, owner):
    campaign = make_campaign(org_a)
    ally_add(campaign=campaign, actor=owner, name="Tenant Power")
    with pytest.raises(CampaignError, match="This ally is already listed"):
        ally_add(campaign=campaign, actor=owner, name="tenant power")


def test_removing_an_ally(login, owner, org_a):
    campaign = make_campaign(org_a)
    ally = make_ally(campaign)
    assert login(owner).post(staff_url(campaign, f"allies/{ally.pk}/remove/")).status_code == 302
    with scope(organization=org_a):
        assert not Ally.objects.exists()
        assert AuditEvent.objects.get(action="campaigns.ally.removed").data["name"] == ally.name


# --- Goals and milestones ------------------------------------------------------------------------


def test_a_numeric_goal_and_its_progress(login, member, org_a):
    campaign = make_campaign(org_a)
    client = login(member)
    response = client.post(
        staff_url(campaign, "goals/new/"), {"title": "10,000 signatures", "kind": "number", "target_value": "10000"}
    )
    assert response.status_code == 302
    with scope(organization=org_a):
        goal = Goal.objects.get()
    client.post(staff_url(campaign, f"goals/{goal.pk}/progress/"), {"current_value": "6420"})
    goal.refresh_from_db()
    assert (goal.current_value, goal.percent, goal.is_met) == (6420, 64, False)
    client.post(staff_url(campaign, f"goals/{goal.pk}/progress/"), {"current_value": "10500"})
    goal.refresh_from_db()
    assert (goal.percent, goal.is_met, goal.achieved_at is not None) == (100, True, True)
    content = client.get(staff_url(campaign)).content.decode()
    assert "10500 of 10000" in content


def test_a_numeric_goal_needs_its_number(login, member, org_a):
    campaign = make_campaign(org_a)
    response = login(member).post(staff_url(campaign, "goals/new/"), {"title": "Signatures", "kind": "number"})
    assert response.status_code == 400
    assert "Give the number to reach." in response.content.decode()


def test_a_yes_no_goal_is_reached_or_not(org_a, owner):
    goal = make_goal(make_campaign(org_a), title="Pass bill X", kind=Goal.Kind.YES_NO)
    goal = goal_record_progress(goal=goal, actor=owner, met=True)
    assert goal.is_met and goal.percent == 100
    goal = goal_record_progress(goal=goal, actor=owner, met=False)
    assert not goal.is_met and goal.achieved_at is None
    with scope(organization=org_a):
        assert AuditEvent.objects.filter(action="campaigns.goal.progressed").count() == 2


def test_milestones_are_marked_done_and_not_done(login, owner, org_a):
    campaign = make_campaign(org_a)
    client = login(owner)
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    assert client.post(staff_url(campaign, "milestones/new/"), {"title": "Hearing", "due_on": due}).status_code == 302
    with scope(organization=org_a):
        milestone = Milestone.objects.get()
    client.post(staff_url(campaign, f"milestones/{milestone.pk}/done/"), {"done": "on"})
    milestone.refresh_from_db()
    assert milestone.is_done
    client.post(staff_url(campaign, f"milestones/{milestone.pk}/done/"), {})
    milestone.refresh_from_db()
    assert not milestone.is_done
    with scope(organization=org_a):
        actions = sorted(
            AuditEvent.objects.filter(action__startswith="campaigns.milestone").values_list("action", flat=True)
        )
    assert actions == ["campaigns.milestone.created", "campaigns.milestone.done", "campaigns.milestone.reopened"]


def test_marking_a_done_milestone_done_again_changes_nothing(org_a, owner):
    milestone = make_milestone(make_campaign(org_a))
    first = milestone_set_done(milestone=milestone, actor=owner, done=True)
    again = milestone_set_done(milestone=milestone, actor=owner, done=True)
    assert first.done_at == again.done_at
    with scope(organization=org_a):
        assert AuditEvent.objects.filter(action="campaigns.milestone.done").count() == 1


def test_another_organizations_goal_cannot_be_reached_through_my_campaign(login, owner, org_a, org_b):
    mine = make_campaign(org_a)
    theirs = make_goal(make_campaign(org_b))
    response = login(owner).post(staff_url(mine, f"goals/{theirs.pk}/progress/"), {"current_value": "5"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.current_value == 0


def test_the_campaign_menu_item_shows_for_every_role(login, readonly_member, org_a):
    content = login(readonly_member).get("/staff/org-a/").content.decode()
    assert 'href="/staff/org-a/campaigns/"' in content
    assert 'href="/staff/org-a/campaigns/commitments/"' in content


def test_the_campaign_list_lists_own_campaigns(login, owner, org_a):
    make_campaign(org_a, title=LazyI18nString({"en": "Safe homes"}))
    content = login(owner).get("/staff/org-a/campaigns/").content.decode()
    assert "Safe homes" in content and "We lead it." in content


def test_a_made_organization_is_not_a_partner_until_listed(org_a, owner):
    other = make_organization(slug="org-c", name="Organization C")
    data = CampaignInput(title=LazyI18nString({"en": "A"}), slug="a", partners=[other])
    other.status = Organization.Status.SUSPENDED
    other.save()
    with pytest.raises(CampaignError, match="Choose partners among the organizations active in the network"):
        campaign_create(organization=org_a, actor=owner, data=data)


def test_an_operation_error_is_shown_in_the_staff_members_language(login, owner, org_a, org_b):
    make_campaign(org_b, slug="licenses")
    response = login(owner).post("/staff/org-a/campaigns/new/", campaign_post(), HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 400
    assert "Otra campaña ya usa esta dirección web: elige otra." in response.content.decode()
