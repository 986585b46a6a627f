"""Fixtures of the network tests: organization A is the coalition hub, with its values and
principles published (version 1)."""

import pytest

from alianza.core.models import Organization
from alianza.network.models import PrinciplesVersion
from alianza.network.tests.factories import make_hub, make_principles


@pytest.fixture
def hub(org_a: Organization) -> Organization:
    return make_hub(org_a)


@pytest.fixture
def principles(hub: Organization) -> PrinciplesVersion:
    return make_principles(hub)
