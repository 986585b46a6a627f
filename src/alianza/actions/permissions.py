"""Permissions of the actions app (registered in core's one registry)."""

from alianza.core.permissions import ALL_ROLES, Role, register

register("actions:view", roles=ALL_ROLES, label="See the organization's events, shifts and RSVPs")
register("actions:edit", roles={Role.ADMIN, Role.ORGANIZER}, label="Create, publish and cancel events and shifts")
register(
    "actions:checkin",
    roles={Role.ADMIN, Role.ORGANIZER, Role.ADVOCATE},
    label="Check people in at an event, and add walk-ins",
)
register(
    "actions:conduct",
    roles={Role.ADMIN},
    label="Publish the coalition's code of conduct (hub only)",
)
register(
    "actions:export",
    roles={Role.ADMIN, Role.ORGANIZER},
    label="Export the answers people sent to the organization's forms (CSV, Excel)",
)
