"""An admin browses the audit trail of their organization, filtered by who, action, record, date."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from alianza.core.audit import log_action
from alianza.core.models import AuditEvent


@pytest.fixture
def events(org_a, org_b, owner, member, outsider):
    with scopes_disabled():
        invite = log_action(actor=member, organization=org_a, action="core.invitation.created", obj=org_a)
    # An event from ten days ago (the audit trail refuses updates, so it is inserted with that date).
    old_event = AuditEvent(
        organization=org_a,
        actor=member,
        actor_label=member.email,
        action="core.membership.created",
        object_type="core.membership",
        object_id="7",
        created_at=timezone.now() - timedelta(days=10),
    )
    old_event.save()
    new = log_action(actor=owner, organization=org_a, action="core.membership.role_changed", obj=org_a)
    foreign = log_action(actor=outsider, organization=org_b, action="core.membership.removed", obj=org_b)
    return {"old": old_event, "new": new, "invite": invite, "foreign": foreign}


def ids(response):
    """Events on the page, leaving out the sign-in that the test's own login wrote."""
    return [e.pk for e in response.context["page"] if e.action != "core.user.signed_in"]


def test_it_lists_this_organizations_events_newest_first(login, owner, events):
    response = login(owner).get("/staff/org-a/audit/")
    assert response.status_code == 200
    assert ids(response) == [events["new"].pk, events["invite"].pk, events["old"].pk]


def test_filter_by_who(login, owner, member, events):
    response = login(owner).get("/staff/org-a/audit/", {"actor": member.pk})
    assert ids(response) == [events["invite"].pk, events["old"].pk]


def test_filter_by_action_prefix(login, owner, events):
    response = login(owner).get("/staff/org-a/audit/", {"action": "core.membership"})
    assert ids(response) == [events["new"].pk, events["old"].pk]


def test_filter_by_record(login, owner, events):
    response = login(owner).get("/staff/org-a/audit/", {"record": "core.membership:7"})
    assert ids(response) == [events["old"].pk]


def test_filter_by_date(login, owner, events):
    today = timezone.localdate().isoformat()
    response = login(owner).get("/staff/org-a/audit/", {"date_from": today, "date_to": today})
    assert ids(response) == [events["new"].pk, events["invite"].pk]


def test_a_bad_filter_is_explained(login, owner, events):
    response = login(owner).get("/staff/org-a/audit/", {"date_from": "2026-02-01", "date_to": "2026-01-01"})
    assert response.status_code == 400
    assert b"The end date is before the start date." in response.content


def test_the_detail_page_shows_the_data(login, owner, events):
    response = login(owner).get(f"/staff/org-a/audit/{events['new'].pk}/")
    assert response.status_code == 200
    assert b"core.membership.role_changed" in response.content


def test_another_organizations_event_is_not_found(login, owner, events):
    assert login(owner).get(f"/staff/org-a/audit/{events['foreign'].pk}/").status_code == 404


@pytest.mark.parametrize("fixture", ["member", "readonly_member", "advocate"])
def test_only_admins_browse_the_trail(login, request, fixture, events):
    assert login(request.getfixturevalue(fixture)).get("/staff/org-a/audit/").status_code == 403


def test_outsiders_get_404(login, outsider, events):
    assert login(outsider).get("/staff/org-a/audit/").status_code == 404


def test_it_refuses_post(login, owner, events):
    assert login(owner).post("/staff/org-a/audit/").status_code == 405


def test_query_count_does_not_grow_with_events(login, owner, org_a, django_assert_max_num_queries):
    client = login(owner)
    log_action(actor=owner, organization=org_a, action="core.test.one")
    client.get("/staff/org-a/audit/")
    with django_assert_max_num_queries(20) as one:
        client.get("/staff/org-a/audit/")
    for _ in range(3):
        log_action(actor=owner, organization=org_a, action="core.test.more")
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get("/staff/org-a/audit/")
