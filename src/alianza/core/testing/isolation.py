"""The registry behind the generic isolation test (``core/tests/test_isolation.py``).

The test walks every URL pattern of the project. For each keyword a staff URL takes besides
``org``, an app registers a factory that creates an object of the given organization and
returns the value for that keyword. A URL whose keyword nobody registered fails the test, so a
new app cannot add an object URL without being covered.

Register from the app's ``tests/factories.py`` (imported by the root conftest).
"""

from collections.abc import Callable
from typing import Any

# (organization=..., actor=..., values=...) -> the URL keyword's value. ``values`` holds the
# keywords already filled for the same URL (left to right), so a nested object can belong to
# its parent, e.g. a grant of the person in ``values["person_id"]``.
Factory = Callable[..., Any]

_factories: dict[str, Factory] = {}
_expected_permissions: dict[str, str] = {}
_preparations: dict[str, Callable[[Any], Any]] = {}


def register(kwarg: str, factory: Factory) -> None:
    if kwarg in _factories and _factories[kwarg] is not factory:
        raise ValueError(f"An isolation factory for {kwarg!r} is already registered")
    _factories[kwarg] = factory


def factory_for(kwarg: str) -> Factory | None:
    return _factories.get(kwarg)


def registered() -> dict[str, Factory]:
    return dict(_factories)


def expect_permission(url_name: str, code: str) -> None:
    """State, independently of the view, which permission a staff URL must require (e.g.
    ``expect_permission("core:member_remove", "members:manage")``). The isolation test checks
    the view declares exactly that, and that every role without it gets 403."""
    _expected_permissions[url_name] = code


def expected_permission(url_name: str) -> str | None:
    return _expected_permissions.get(url_name)


def prepare_organizations(url_name_prefix: str, prepare: Callable[[Any], Any]) -> None:
    """Some staff pages exist only in one kind of organization (the network pages only in the
    hub; elsewhere they answer 404). ``prepare(organization)`` makes a test organization such an
    organization: the isolation test calls it for both of its organizations before it requests
    a URL whose name starts with ``url_name_prefix``, e.g. ``prepare_organizations("network:", make_hub)``."""
    if url_name_prefix in _preparations and _preparations[url_name_prefix] is not prepare:
        raise ValueError(f"Organizations for {url_name_prefix!r} are already prepared by another function")
    _preparations[url_name_prefix] = prepare


def preparations_for(url_name: str) -> list[Callable[[Any], Any]]:
    return [prepare for prefix, prepare in _preparations.items() if url_name.startswith(prefix)]
