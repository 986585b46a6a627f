"""The permission registry and the roles that hold each permission."""

import pytest

from alianza.core import permissions
from alianza.core.permissions import Role


def test_admin_holds_every_core_permission():
    for perm in permissions.all_permissions():
        assert permissions.role_has(Role.ADMIN, perm.code), perm.code


@pytest.mark.parametrize(
    ("role", "code", "expected"),
    [
        (Role.VIEWER, "organization:view", True),
        (Role.VIEWER, "members:view", False),
        (Role.ORGANIZER, "members:view", True),
        (Role.ORGANIZER, "members:manage", False),
        (Role.ADVOCATE, "audit:view", False),
        (Role.ADVOCATE, "members:view", True),
        (Role.ADMIN, "audit:view", True),
    ],
)
def test_roles(role, code, expected):
    assert permissions.role_has(role, code) is expected


def test_unknown_permission_is_an_error():
    with pytest.raises(LookupError, match="register"):
        permissions.get("people:teleport")


@pytest.mark.parametrize("code", ["people", "People:view", ":view", "people:", "organization:view"])
def test_bad_or_duplicate_codes_are_refused(code):
    with pytest.raises(ValueError):
        permissions.register(code, roles={Role.ADMIN}, label="x")


def test_require_permission_refuses_an_unknown_permission_at_import_time():
    from alianza.core.tenancy import require_permission

    with pytest.raises(LookupError):
        require_permission("nothing:here")
