"""Permissions of the people app (registered in core's one registry)."""

from alianza.core.permissions import ALL_ROLES, Role, register

register("people:view", roles=ALL_ROLES, label="See the people the organization works with")
register("people:edit", roles={Role.ADMIN, Role.ORGANIZER, Role.ADVOCATE}, label="Add and change people")
register(
    "people:share",
    roles={Role.ADMIN, Role.ORGANIZER, Role.ADVOCATE},
    label="Share a person with another organization, with their consent",
)
register("people:import", roles={Role.ADMIN, Role.ORGANIZER}, label="Import people from a file")
register(
    "people:export",
    roles={Role.ADMIN, Role.ORGANIZER},
    label="Export people to a file (CSV, Excel): a segment, a list or a search",
)
register(
    "people:fields",
    roles={Role.ADMIN},
    label="Define the organization's custom fields on people (text, number, date, choice)",
)
register(
    "people:subject_requests",
    roles={Role.ADMIN, Role.ORGANIZER},
    label="Answer people's requests about their own data: export a person's data, erase a person",
)
