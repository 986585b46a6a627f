"""The network's demo data, and its menu entries shown in the hub only."""

from io import StringIO

from django.core.management import call_command
from django_scopes import scopes_disabled

from alianza.network.models import OrganizationApplication, PrinciplesVersion


def test_the_demo_publishes_principles_and_an_application(db, settings):
    settings.DEBUG = True
    call_command("load_demo", stdout=StringIO())
    call_command("load_demo", stdout=StringIO())  # again: nothing doubled
    with scopes_disabled():
        principles = PrinciplesVersion.objects.get()
        assert str(principles.title.localize("es")) == "Nuestros valores y principios"
        assert OrganizationApplication.objects.count() == 1


def test_the_network_menu_is_shown_in_the_hub_only(login, owner, hub, outsider):
    menu = [label for label, _url in login(owner).get("/staff/org-a/").context["staff_menu"]]
    assert "Applications" in menu and "Values and principles" in menu
    other = [label for label, _url in login(outsider).get("/staff/org-b/").context["staff_menu"]]
    assert "Applications" not in other
