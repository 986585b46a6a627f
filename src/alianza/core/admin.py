"""The operators' admin site (superusers with two-factor only). Scoped models are not
registered here: tenant data is reached through the staff app, where scopes apply."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from .models import Organization, User

# The admin's own login form would skip two-factor and the rate limits: use allauth's.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "tier", "status"]
    list_filter = ["tier", "status"]
    search_fields = ["name", "slug"]
    # Multilingual profile text and the encrypted notes are edited by the organization's admins
    # in the staff app, where each language has its own field.
    exclude = ["private_notes", "tagline", "description"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "name"]
    exclude = ["password", "user_permissions", "groups"]
    readonly_fields = ["last_login", "date_joined"]

    def has_delete_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        # Accounts are deactivated, never deleted: the audit trail keeps pointing at them.
        return False
