"""The hub's retention limits: hub admins set, per record kind, the shortest and longest period
every organization may choose (within the hard limits in code); organizations are held to them,
and periods chosen before the limits narrowed are clamped at run time and shown as such."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from alianza.core.models import AuditEvent, Invitation, RetentionLimit, RetentionSetting
from alianza.core.retention import (
    RetentionError,
    get,
    limits_for,
    period_days,
    retention_apply,
    retention_limit_update,
    retention_setting_update,
    rules,
    rules_for,
)
from alianza.core.tests.factories import make_hub_organization, make_invitation, make_membership, make_user

URL = "/staff/org-a/settings/retention/limits/"
ORG_URL = "/staff/org-b/settings/retention/"
KIND = "core.invitations_closed"  # 90 days by default, 7 to 730 in code


@pytest.fixture
def hub(org_a):  # type: ignore[no-untyped-def]
    return make_hub_organization(org_a)


@pytest.fixture
def org_b_admin(org_b):  # type: ignore[no-untyped-def]
    user = make_user("admin@b.alianza.example")
    make_membership(org_b, user, "admin")
    return user


def _limits_form(**changes):  # type: ignore[no-untyped-def]
    values = {}
    for rule in rules():
        if rule.per_organization:
            values[f"{rule.code}-min"] = limits_for(rule).min_days
            values[f"{rule.code}-max"] = limits_for(rule).max_days
    return values | changes


def _org_form(org, **changes):  # type: ignore[no-untyped-def]
    values = {rule.code: period_days(organization=org, rule=rule) for rule in rules_for(org)}
    return values | changes


def test_a_hub_admin_sets_limits_and_it_is_audited(login, owner, hub):
    response = login(owner).post(URL, _limits_form(**{f"{KIND}-min": "30", f"{KIND}-max": "180"}))
    assert response.status_code == 302
    assert list(RetentionLimit.objects.values_list("kind", "min_days", "max_days", "updated_by")) == [
        (KIND, 30, 180, owner.pk)
    ]
    with scope(organization=hub):
        event = AuditEvent.objects.get(action="core.retention_limit.updated")
    assert event.organization_id == hub.pk
    assert event.actor_id == owner.pk
    assert event.data == {"kind": KIND, "min_days": [7, 30], "max_days": [730, 180]}


def test_the_hub_page_shows_every_kind_organizations_choose(login, owner, hub):
    response = login(owner).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Closed invitations" in page
    assert f'name="{KIND}-min"' in page
    assert "Individual sign-ups" in page
    assert "core.sessions_expired-min" not in page  # installation-wide: no organization chooses it


def test_limits_beyond_the_hard_limits_in_code_are_refused(login, owner, hub):
    response = login(owner).post(URL, _limits_form(**{f"{KIND}-min": "3", f"{KIND}-max": "900"}))
    assert response.status_code == 400
    assert "Between 7 and 730 days (the limits in code)." in response.content.decode()
    assert RetentionLimit.objects.count() == 0


def test_a_shortest_period_longer_than_the_longest_is_refused(login, owner, hub):
    response = login(owner).post(URL, _limits_form(**{f"{KIND}-min": "200", f"{KIND}-max": "100"}))
    assert response.status_code == 400
    assert "The shortest period may not be longer than the longest." in response.content.decode()
    assert RetentionLimit.objects.count() == 0


def test_the_operation_refuses_a_member_organization_and_bad_ranges(owner, hub, org_b, org_b_admin):
    with pytest.raises(RetentionError, match="Only the coalition's hub"):
        retention_limit_update(organization=org_b, actor=org_b_admin, kind=KIND, min_days=30, max_days=60)
    with pytest.raises(RetentionError, match="between 7 and 730"):
        retention_limit_update(organization=hub, actor=owner, kind=KIND, min_days=60, max_days=30)
    with pytest.raises(RetentionError, match="do not choose"):
        retention_limit_update(organization=hub, actor=owner, kind="core.sessions_expired", min_days=1, max_days=2)
    assert RetentionLimit.objects.count() == 0


def test_an_organization_admin_outside_the_hub_limits_gets_the_range_in_the_error(
    login, owner, hub, org_b, org_b_admin
):
    retention_limit_update(organization=hub, actor=owner, kind=KIND, min_days=30, max_days=180)
    response = login(org_b_admin).post(ORG_URL, _org_form(org_b, **{KIND: "10"}))
    assert response.status_code == 400
    assert "Choose between 30 and 180 days: the limits the coalition&#x27;s hub set." in response.content.decode()
    with scopes_disabled():
        assert RetentionSetting.objects.count() == 0
    with pytest.raises(RetentionError, match="between 30 and 180"):
        retention_setting_update(organization=org_b, actor=org_b_admin, kind=KIND, days=200)
    retention_setting_update(organization=org_b, actor=org_b_admin, kind=KIND, days=180)
    assert period_days(organization=org_b, rule=get(KIND)) == 180


def test_a_period_chosen_before_the_limits_narrowed_is_clamped_by_retention_apply(owner, hub, org_b, org_b_admin):
    retention_setting_update(organization=org_b, actor=org_b_admin, kind=KIND, days=7)
    invitation = make_invitation(org_b, invited_by=org_b_admin)
    with scopes_disabled():
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(days=10))
    retention_limit_update(organization=hub, actor=owner, kind=KIND, min_days=30, max_days=180)
    result = retention_apply(organization=org_b, kind=KIND, dry_run=False)
    assert (result.days, result.count) == (30, 0)  # 7 days would have deleted it
    with scopes_disabled():
        assert Invitation.objects.filter(pk=invitation.pk).count() == 1
        assert RetentionSetting.objects.get(organization=org_b, kind=KIND).days == 7  # the choice stays stored
    retention_limit_update(organization=hub, actor=owner, kind=KIND, min_days=7, max_days=180)
    assert retention_apply(organization=org_b, kind=KIND, dry_run=False).count == 1


def test_a_default_outside_narrowed_limits_is_clamped_too(owner, hub, org_b):
    retention_limit_update(organization=hub, actor=owner, kind=KIND, min_days=7, max_days=60)
    assert period_days(organization=org_b, rule=get(KIND)) == 60


def test_the_organization_page_says_a_period_is_clamped(login, owner, hub, org_b, org_b_admin):
    retention_setting_update(organization=org_b, actor=org_b_admin, kind=KIND, days=7)
    retention_limit_update(organization=hub, actor=owner, kind=KIND, min_days=30, max_days=180)
    page = login(org_b_admin).get(ORG_URL).content.decode()
    assert "You chose 7 days, outside the limits the hub set (30 to 180 days): 30 days apply" in page
    assert "Between 30 and 180 days; 90 by default." in page
    assert "Set the limits for every organization" not in page  # only in the hub


def test_the_hub_retention_page_links_to_the_limits(login, owner, hub):
    page = login(owner).get("/staff/org-a/settings/retention/").content.decode()
    assert 'href="/staff/org-a/settings/retention/limits/"' in page


def test_an_admin_of_a_member_organization_gets_404(login, org_a, org_b, org_b_admin):
    assert login(org_b_admin).get("/staff/org-b/settings/retention/limits/").status_code == 404
    assert login(org_b_admin).post("/staff/org-b/settings/retention/limits/", {}).status_code == 404


def test_an_outsider_gets_404(login, hub, outsider):
    assert login(outsider).get(URL).status_code == 404
    assert login(outsider).post(URL, _limits_form(**{f"{KIND}-min": "30"})).status_code == 404
    assert RetentionLimit.objects.count() == 0


def test_a_viewer_and_an_organizer_of_the_hub_get_403(login, hub, readonly_member, member):
    assert login(readonly_member).get(URL).status_code == 403
    assert login(member).post(URL, _limits_form(**{f"{KIND}-min": "30"})).status_code == 403
    assert RetentionLimit.objects.count() == 0


def test_other_methods_are_refused(login, owner, hub):
    assert login(owner).put(URL).status_code == 405
    assert login(owner).delete(URL).status_code == 405


def test_anonymous_visitors_are_sent_to_sign_in(login, hub):
    response = login(None).get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
