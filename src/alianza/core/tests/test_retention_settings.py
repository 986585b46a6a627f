"""The retention settings page: an admin sees each kind of record, its period in plain words and
what the next run would remove, and changes periods within the hub's limits."""

from datetime import timedelta

from django.utils import timezone
from django_scopes import scope, scopes_disabled

from alianza.core.models import AuditEvent, Invitation, RetentionSetting
from alianza.core.retention import period_days, rules_for
from alianza.core.tests.factories import make_invitation

URL = "/staff/org-a/settings/retention/"


def _form(org, **changes):  # type: ignore[no-untyped-def]
    values = {rule.code: period_days(organization=org, rule=rule) for rule in rules_for(org)}
    return values | changes


def test_an_admin_sees_every_kind_with_its_period_and_what_would_go(login, owner, org_a):
    expired = make_invitation(org_a, invited_by=owner)
    with scopes_disabled():
        Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=100))
    response = login(owner).get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Closed invitations" in page
    assert "Deleted 90 days after the date they count from" in page
    assert "1 record goes at the next run." in page
    assert "Inactive people who gave no consent" in page
    assert "Individual sign-ups" not in page  # only the hub holds them


def test_an_admin_changes_a_period(login, owner, org_a):
    response = login(owner).post(URL, _form(org_a, **{"core.invitations_closed": "30"}))
    assert response.status_code == 302
    with scope(organization=org_a):
        assert list(RetentionSetting.objects.values_list("kind", "days", "updated_by")) == [
            ("core.invitations_closed", 30, owner.pk)
        ]
        assert AuditEvent.objects.filter(action="core.retention_setting.updated").count() == 1


def test_a_period_outside_the_limits_is_shown_as_an_error_and_nothing_is_saved(login, owner, org_a):
    response = login(owner).post(URL, _form(org_a, **{"core.invitations_closed": "3", "core.audit_details": "100"}))
    assert response.status_code == 400
    assert "Choose between 7 and 730 days: the limits the coalition&#x27;s hub set." in response.content.decode()
    with scopes_disabled():
        assert RetentionSetting.objects.count() == 0


def test_an_organizer_may_not_see_it(login, member):
    assert login(member).get(URL).status_code == 403
    assert login(member).post(URL, {}).status_code == 403


def test_a_viewer_may_not_see_it(login, readonly_member):
    assert login(readonly_member).get(URL).status_code == 403


def test_an_outsider_gets_404(login, outsider, org_a):
    assert login(outsider).get(URL).status_code == 404
    assert login(outsider).post(URL, _form(org_a, **{"core.invitations_closed": "30"})).status_code == 404


def test_other_methods_are_refused(login, owner):
    assert login(owner).put(URL).status_code == 405
    assert login(owner).delete(URL).status_code == 405


def test_anonymous_visitors_are_sent_to_sign_in(login, org_a):
    response = login(None).get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
