"""Permissions of the network app (registered in core's one registry)."""

from alianza.core.permissions import Role, register

register(
    "network:manage",
    roles={Role.ADMIN},
    label="Run the network (hub only): values and principles, membership applications, sign-ups",
)
