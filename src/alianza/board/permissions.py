"""Permissions of the advisory board (registered in core's one registry)."""

from alianza.core.permissions import Role, register

register(
    "board:manage",
    roles={Role.ADMIN, Role.ORGANIZER},
    label="See and change the advisory board (hub only): seats, roles and terms",
)
register(
    "board:honoraria",
    roles={Role.ADMIN},
    label="See, record and export the advisory board's honoraria (hub only)",
)
