"""`manage.py load_demo`: a realistic coalition, loaded twice without duplicates."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.utils.translation import override
from django_scopes import scopes_disabled

from alianza.core.models import Membership, Organization, User
from alianza.core.permissions import Role


@pytest.fixture
def loaded(db, settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def test_it_loads_a_hub_and_members_of_every_kind(loaded):
    assert Organization.objects.filter(tier="hub").count() == 1
    kinds = {k for org in Organization.objects.filter(tier="member") for k in org.kinds}
    assert {"base_building", "legal", "faith", "labor", "youth"} <= kinds
    assert Organization.objects.filter(tier="member").count() >= 5


def test_every_role_has_a_staff_account(loaded):
    with scopes_disabled():
        assert {m.role for m in Membership.objects.all()} == set(Role.values)


def test_content_is_in_english_and_spanish(loaded):
    hub = Organization.objects.get(slug="hub")
    with override("es"):
        assert str(hub.tagline).startswith("Muchas organizaciones")
    with override("en"):
        assert str(hub.tagline).startswith("Many organizations")


def test_running_it_again_duplicates_nothing(loaded):
    counts = (Organization.objects.count(), User.objects.count())
    with scopes_disabled():
        memberships = Membership.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert (Organization.objects.count(), User.objects.count()) == counts
    with scopes_disabled():
        assert Membership.objects.count() == memberships


def test_it_prints_how_to_sign_in(loaded):
    assert "admin@hub.alianza.example" in loaded
    assert "alianza-demo-2026" in loaded
    assert "make demo-otp" in loaded


def test_demo_accounts_can_sign_in_with_the_printed_secret(loaded, client):
    from alianza.core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
    from alianza.core.two_factor import totp_code

    client.post("/accounts/login/", {"login": "maria@comunidad-unida.alianza.example", "password": DEMO_PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(DEMO_TOTP_SECRET)})
    dashboard = client.get("/staff/")
    assert dashboard.status_code == 200  # two organizations: she chooses
    assert b"/staff/hub/" in dashboard.content and b"/staff/comunidad-unida/" in dashboard.content


def test_it_refuses_to_run_outside_the_demo(db, settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG=true"):
        call_command("load_demo", stdout=StringIO())
    assert Organization.objects.count() == 0
