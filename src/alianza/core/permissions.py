"""The one registry of permissions: ``"<area>:<action>"`` strings mapped to roles.

Apps register their own permissions at import time of their ``permissions`` module (loaded
from ``AppConfig.ready()``); views declare the one they need with
``alianza.core.tenancy.require_permission``.
"""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    ORGANIZER = "organizer", _("Organizer")
    ADVOCATE = "advocate", _("Advocate")
    VIEWER = "viewer", _("Viewer")


ALL_ROLES = frozenset(Role)


@dataclass(frozen=True)
class Permission:
    code: str
    roles: frozenset[Role]
    label: str


_registry: dict[str, Permission] = {}


def register(code: str, *, roles: set[Role] | frozenset[Role], label: str) -> None:
    """Declare a permission and the roles that hold it. Registering twice is an error."""
    area, sep, action = code.partition(":")
    if not (sep and area and action) or code != code.lower():
        raise ValueError(f"Permission codes look like 'area:action', not {code!r}")
    if code in _registry:
        raise ValueError(f"Permission {code!r} is already registered")
    _registry[code] = Permission(code=code, roles=frozenset(roles), label=label)


def get(code: str) -> Permission:
    try:
        return _registry[code]
    except KeyError:
        raise LookupError(f"Unknown permission {code!r}: register it in its app's permissions.py") from None


def role_has(role: str, code: str) -> bool:
    return role in get(code).roles


def all_permissions() -> list[Permission]:
    return sorted(_registry.values(), key=lambda p: p.code)


# Core permissions.
register("organization:view", roles=ALL_ROLES, label="See the organization's staff pages")
register("organization:edit", roles={Role.ADMIN}, label="Edit the organization's profile")
register("members:view", roles={Role.ADMIN, Role.ORGANIZER, Role.ADVOCATE}, label="See who has access")
register("members:manage", roles={Role.ADMIN}, label="Invite colleagues, change roles, remove access")
register("audit:view", roles={Role.ADMIN}, label="Browse the audit trail")
register("legal:manage", roles={Role.ADMIN}, label="Record legal requests and publish the transparency report (hub)")
register(
    "lockdown:manage",
    roles={Role.ADMIN},
    label="Lock the organization down in an emergency; ask for or approve lifting it",
)
register("api_tokens:manage", roles={Role.ADMIN}, label="Make and revoke API tokens for programs")
register("retention:manage", roles={Role.ADMIN}, label="See and change how long records are kept")
register(
    "retention:limits",
    roles={Role.ADMIN},
    label="In the hub: set the shortest and longest periods every organization may choose",
)
