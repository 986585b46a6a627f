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
