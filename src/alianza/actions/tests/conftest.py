"""Fixtures of the actions tests: organization A is the coalition hub with a published code of
conduct; ``event`` is a published public event of A with a hidden address."""

import pytest

from alianza.actions.models import CodeOfConductVersion, Event
from alianza.actions.tests.factories import make_conduct, make_event
from alianza.core.models import Organization
from alianza.network.tests.factories import make_hub


@pytest.fixture
def hub(org_a: Organization) -> Organization:
    return make_hub(org_a)


@pytest.fixture
def conduct(hub: Organization) -> CodeOfConductVersion:
    return make_conduct(hub)


@pytest.fixture
def event(org_a: Organization) -> Event:
    return make_event(org_a, address="1100 Congress Ave, south steps", hide_address=True)
