"""The operators' admin site (superusers with two-factor only). Scoped models are not
registered here: tenant data is reached through the staff app, where scopes apply."""

from django.contrib import admin

from .models import Organization, User


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "tier", "status"]
    list_filter = ["tier", "status"]
    search_fields = ["name", "slug"]
    exclude = ["private_notes"]


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "name"]
    exclude = ["password", "user_permissions", "groups"]
    readonly_fields = ["last_login", "date_joined"]
