"""Permissions of the campaigns app (registered in core's one registry)."""

from alianza.core.permissions import ALL_ROLES, Role, register

register(
    "campaigns:view",
    roles=ALL_ROLES,
    label="See the campaigns the organization leads or partners in, their goals, victories and commitments",
)
register(
    "campaigns:edit",
    roles={Role.ADMIN, Role.ORGANIZER},
    label="Run the campaigns the organization leads: goals, milestones, victories, partners and commitments",
)
