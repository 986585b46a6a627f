"""Permissions of the network app (registered in core's one registry)."""

from alianza.core.permissions import Role, register

register(
    "network:manage",
    roles={Role.ADMIN},
    label="Run the network (hub only): values and principles, membership applications, sign-ups",
)
register(
    "network:groups",
    roles={Role.ADMIN, Role.ORGANIZER},
    label="Run working groups, committees and task forces (hub only): create them, seat and remove members",
)
register(
    "network:groups_view",
    roles={Role.ADMIN, Role.ORGANIZER},
    label="See the working groups and committees the organization sits on (read-only)",
)
