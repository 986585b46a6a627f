from typing import Any

from django.conf import settings
from django.http import HttpRequest

from .tenancy import has_permission, memberships_for_user


def alianza(request: HttpRequest) -> dict[str, Any]:
    organization = getattr(request, "organization", None)
    user = getattr(request, "user", None)
    return {
        "current_organization": organization,
        "current_membership": getattr(request, "membership", None),
        "user_memberships": memberships_for_user(user) if user is not None and user.is_authenticated else [],
        # Template-friendly: can.members_view, can.audit_view, ...
        "can": {
            code.replace(":", "_"): has_permission(request, code)
            for code in ("members:view", "members:manage", "audit:view", "organization:edit")
        }
        if organization is not None
        else {},
        "ALIANZA_LANGUAGES": settings.LANGUAGES,
    }
