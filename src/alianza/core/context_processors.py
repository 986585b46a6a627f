from typing import Any

from django.conf import settings
from django.http import HttpRequest

from . import navigation, permissions
from .tenancy import has_permission, memberships_for_user


def alianza(request: HttpRequest) -> dict[str, Any]:
    organization = getattr(request, "organization", None)
    membership = getattr(request, "membership", None)
    user = getattr(request, "user", None)
    return {
        "current_organization": organization,
        "current_membership": getattr(request, "membership", None),
        "user_memberships": memberships_for_user(user) if user is not None and user.is_authenticated else [],
        # Template-friendly: can.members_view, can.people_edit, ... for every registered permission.
        "can": {p.code.replace(":", "_"): has_permission(request, p.code) for p in permissions.all_permissions()}
        if organization is not None
        else {},
        "staff_menu": navigation.items_for(organization=organization, role=membership.role)
        if organization is not None and membership is not None
        else [],
        "ALIANZA_LANGUAGES": settings.LANGUAGES,
    }
