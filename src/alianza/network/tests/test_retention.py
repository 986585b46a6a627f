"""Retention of what reaches the hub from the public "Join us" page: declined applications and
individual sign-ups are anonymised (contact details and free text go, counts stay)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from alianza.core.retention import retention_apply
from alianza.network.models import ApplicationMessage, IndividualSignup, OrganizationApplication
from alianza.network.tests.factories import make_application, make_hub, make_signup

LATER = timezone.now() + timedelta(days=366)


def test_declined_applications_lose_their_contact_and_keep_the_decision(org_a):
    hub = make_hub(org_a)
    declined = make_application(
        hub, status=OrganizationApplication.Status.DECLINED, decided_at=timezone.now(), contact_phone="+15125550100"
    )
    approved = make_application(hub, status=OrganizationApplication.Status.APPROVED, decided_at=timezone.now())
    with scopes_disabled():
        ApplicationMessage.objects.create(organization=hub, application=declined, body="Tell us about your funding")
    result = retention_apply(organization=hub, kind="network.applications_declined", dry_run=False, now=LATER)
    assert result.count == 1
    with scopes_disabled():
        after = OrganizationApplication.objects.get(pk=declined.pk)
        assert (after.contact_name, after.contact_email, after.contact_phone, after.mission) == ("", "", "", "")
        assert (after.name, after.status, after.counties) == (declined.name, "declined", ["Travis"])
        assert ApplicationMessage.objects.count() == 0
        assert OrganizationApplication.objects.get(pk=approved.pk).contact_email == approved.contact_email
        assert OrganizationApplication.objects.count() == 2


def test_sign_ups_lose_name_and_contact_and_keep_county_and_language(org_a):
    hub = make_hub(org_a)
    signup = make_signup(hub, phone="+15125550100", county="Travis", preferred_language="es")
    recent = make_signup(hub, created_at=LATER - timedelta(days=10))
    result = retention_apply(organization=hub, kind="network.signups", dry_run=False, now=LATER)
    assert result.count == 1
    with scopes_disabled():
        after = IndividualSignup.objects.get(pk=signup.pk)
        assert (after.name, after.email, after.phone) == ("", "", "")
        assert (after.county, after.preferred_language, after.joins_as) == ("Travis", "es", "member")
        assert IndividualSignup.objects.get(pk=recent.pk).name == recent.name
    assert retention_apply(organization=hub, kind="network.signups", dry_run=False, now=LATER).count == 0


def test_a_member_organization_has_no_sign_up_rule(org_a):
    with pytest.raises(ValueError, match="does not apply"):
        retention_apply(organization=org_a, kind="network.signups", dry_run=True)
