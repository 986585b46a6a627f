"""Commitments and the accountability dashboards: who may commit, status changes, late = open
after the due date, and the counts per campaign and per organization."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope

from alianza.campaigns.commitments import (
    CampaignError,
    accountability,
    commitment_create,
    commitment_set_status,
    organization_commitments,
)
from alianza.campaigns.models import Commitment
from alianza.campaigns.tests.factories import make_campaign, make_commitment
from alianza.core.models import AuditEvent
from alianza.core.tests.factories import make_organization
from alianza.people.tests.factories import make_person

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int):  # type: ignore[no-untyped-def]
    return TODAY + timedelta(days=n)


def test_an_organizer_records_a_partners_commitment(login, member, org_a, org_b):
    campaign = make_campaign(org_a, partners=[org_b])
    response = login(member).post(
        f"/staff/org-a/campaigns/{campaign.pk}/commitments/new/",
        {
            "committed_organization": str(org_b.pk),
            "task": "Bring 40 people to the vigil",
            "due_on": days(5).isoformat(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/staff/org-a/campaigns/{campaign.pk}/commitments/"
    with scope(organization=org_a):
        commitment = Commitment.objects.get()
        event = AuditEvent.objects.get(action="campaigns.commitment.created")
    assert (commitment.committed_organization, commitment.status, commitment.due_on) == (org_b, "open", days(5))
    assert event.data == {"campaign": campaign.pk, "by": "org-b", "due": days(5).isoformat()}


def test_a_person_commits_found_by_their_email(login, member, org_a):
    campaign = make_campaign(org_a)
    rosa = make_person(org_a, email="rosa@example.org", given_name="Rosa")
    response = login(member).post(
        f"/staff/org-a/campaigns/{campaign.pk}/commitments/new/",
        {"person_email": "ROSA@example.org", "task": "Call 20 neighbors", "due_on": days(2).isoformat()},
    )
    assert response.status_code == 302
    with scope(organization=org_a):
        assert Commitment.objects.get().person == rosa
        assert AuditEvent.objects.get(action="campaigns.commitment.created").data["by"] == f"person:{rosa.pk}"


def test_an_unknown_email_is_refused_and_what_was_typed_stays(login, member, org_a, org_b):
    campaign = make_campaign(org_a)
    make_person(org_b, email="rosa@example.org")  # another organization's contact: not found here
    response = login(member).post(
        f"/staff/org-a/campaigns/{campaign.pk}/commitments/new/",
        {"person_email": "rosa@example.org", "task": "Call 20 neighbors", "due_on": days(2).isoformat()},
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Nobody in your contacts has this e-mail address." in content
    assert 'value="Call 20 neighbors"' in content


def test_an_organization_or_a_person_not_both(login, member, org_a):
    campaign = make_campaign(org_a)
    make_person(org_a, email="rosa@example.org")
    response = login(member).post(
        f"/staff/org-a/campaigns/{campaign.pk}/commitments/new/",
        {
            "committed_organization": str(org_a.pk),
            "person_email": "rosa@example.org",
            "task": "x",
            "due_on": days(2).isoformat(),
        },
    )
    assert response.status_code == 400
    assert (
        "Choose an organization, or give a person&#x27;s e-mail address: one of the two." in response.content.decode()
    )


def test_only_the_lead_and_its_partners_can_commit(org_a, org_b, owner):
    campaign = make_campaign(org_a)
    with pytest.raises(CampaignError, match="Only the lead organization and the campaign's partners can commit to it"):
        commitment_create(campaign=campaign, actor=owner, task="x", due_on=days(1), committed_organization=org_b)


def test_a_person_of_another_organization_cannot_commit(org_a, org_b, owner):
    campaign = make_campaign(org_a)
    with pytest.raises(CampaignError, match="Choose one of your organization's people"):
        commitment_create(campaign=campaign, actor=owner, task="x", due_on=days(1), person=make_person(org_b))


def test_status_changes_are_audited(login, owner, org_a):
    campaign = make_campaign(org_a)
    commitment = make_commitment(campaign)
    url = f"/staff/org-a/campaigns/{campaign.pk}/commitments/{commitment.pk}/status/"
    assert login(owner).post(url, {"status": "kept"}).status_code == 302
    commitment.refresh_from_db()
    assert commitment.status == "kept" and commitment.status_changed_at is not None
    with scope(organization=org_a):
        event = AuditEvent.objects.get(action="campaigns.commitment.status_changed")
    assert event.data == {"changes": {"status": ["open", "kept"]}}
    assert login(owner).post(url, {"status": "lost"}).status_code == 302  # not a status: nothing changes
    commitment.refresh_from_db()
    assert commitment.status == "kept"


def test_setting_the_same_status_changes_nothing(org_a, owner):
    commitment = make_commitment(make_campaign(org_a))
    commitment_set_status(commitment=commitment, actor=owner, status="open")
    with scope(organization=org_a):
        assert not AuditEvent.objects.filter(action="campaigns.commitment.status_changed").exists()


def test_late_is_open_after_the_due_date():
    assert Commitment(status="open", due_on=days(-1)).is_late
    assert not Commitment(status="open", due_on=TODAY).is_late
    assert not Commitment(status="kept", due_on=days(-1)).is_late
    assert Commitment(status="open", due_on=days(-1)).state == "late"


@pytest.fixture
def campaign_with_commitments(org_a, org_b):
    campaign = make_campaign(org_a, partners=[org_b])
    rosa = make_person(org_a, given_name="Rosa", family_name="Martínez")
    make_commitment(campaign, committed_organization=org_b, task="Vigil: 40 people", due_on=days(5))  # open
    make_commitment(campaign, committed_organization=org_b, task="Teach-in", due_on=days(-3))  # late
    make_commitment(campaign, committed_organization=org_a, task="1,000 signatures", due_on=days(-10), status="kept")
    make_commitment(campaign, person=rosa, task="Call 20 neighbors", due_on=days(-1), status="kept")
    make_commitment(campaign, committed_organization=org_a, task="Press conference", due_on=days(-2), status="missed")
    make_commitment(campaign, committed_organization=org_b, task="Banner", due_on=days(3), status="withdrawn")
    return campaign


def test_the_counts(campaign_with_commitments, org_a):
    with scope(organization=org_a):
        commitments = list(Commitment.objects.all())
    assert accountability(commitments).counts == {"kept": 2, "late": 1, "open": 1, "missed": 1, "withdrawn": 1}


def test_the_campaign_dashboard(login, owner, campaign_with_commitments):
    response = login(owner).get(f"/staff/org-a/campaigns/{campaign_with_commitments.pk}/commitments/")
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.counts == {"kept": 2, "late": 1, "open": 1, "missed": 1, "withdrawn": 1}
    assert [c.task for c in summary.late] == ["Teach-in"]
    assert [c.task for c in summary.open] == ["Vigil: 40 people"]
    by_maker = {name: counts.counts for name, counts in response.context["by_maker"]}
    assert by_maker == {
        "Organization A": {"kept": 1, "late": 0, "open": 0, "missed": 1, "withdrawn": 0},
        "Organization B": {"kept": 0, "late": 1, "open": 1, "missed": 0, "withdrawn": 1},
        "People": {"kept": 1, "late": 0, "open": 0, "missed": 0, "withdrawn": 0},
    }
    content = response.content.decode()
    assert "Rosa Martínez" in content
    assert 'name="status"' in content  # the lead's staff can change a status here


def test_a_partner_sees_the_dashboard_without_the_leads_people(login, outsider, campaign_with_commitments):
    response = login(outsider).get(f"/staff/org-b/campaigns/{campaign_with_commitments.pk}/commitments/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Rosa" not in content
    assert "A person (name seen by the lead organization only)" in content
    assert 'name="status"' not in content
    assert response.context["summary"].counts["kept"] == 2


def test_the_campaign_page_shows_the_counts(login, owner, campaign_with_commitments):
    response = login(owner).get(f"/staff/org-a/campaigns/{campaign_with_commitments.pk}/")
    assert response.context["summary"].counts == {"kept": 2, "late": 1, "open": 1, "missed": 1, "withdrawn": 1}


def test_the_organization_dashboard_counts_what_it_committed_to(login, outsider, campaign_with_commitments, org_b):
    # Another campaign org_b is not a partner of: a commitment there does not count.
    other_lead = make_organization(slug="org-c", name="Organization C")
    make_commitment(make_campaign(other_lead, partners=[]), committed_organization=org_b, task="Old promise")
    own = make_campaign(org_b)
    make_commitment(own, committed_organization=org_b, task="Our own promise", due_on=days(-4), status="kept")
    response = login(outsider).get("/staff/org-b/campaigns/commitments/")
    assert response.status_code == 200
    summary = response.context["summary"]
    assert summary.counts == {"kept": 1, "late": 1, "open": 1, "missed": 0, "withdrawn": 1}
    assert sorted(c.task for c in organization_commitments(org_b)) == [
        "Banner", "Our own promise", "Teach-in", "Vigil: 40 people",
    ]  # fmt: skip
    assert "Old promise" not in response.content.decode()


def test_an_outsider_cannot_change_a_status(login, outsider, campaign_with_commitments, org_a):
    with scope(organization=org_a):
        commitment = Commitment.objects.filter(status="open").first()
    url = f"/staff/org-a/campaigns/{campaign_with_commitments.pk}/commitments/{commitment.pk}/status/"
    assert login(outsider).post(url, {"status": "kept"}).status_code == 404
    # Not as a partner through its own address either.
    assert login(outsider).post(url.replace("/org-a/", "/org-b/"), {"status": "kept"}).status_code == 404
    commitment.refresh_from_db()
    assert commitment.status == "open"
