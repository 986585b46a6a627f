from django.urls import path

from . import views_api_tokens, views_legal, views_lockdown, views_public, views_retention, views_sessions, views_staff

app_name = "core"

urlpatterns = [
    path("", views_public.home, name="home"),
    path("health", views_public.health, name="health"),
    path("invite/<str:token>/", views_public.invitation_accept_view, name="invitation_accept"),
    path("staff/", views_staff.dashboard, name="dashboard"),
    path("staff/<slug:org>/", views_staff.organization_home, name="organization_home"),
    path("staff/<slug:org>/profile/", views_staff.organization_edit, name="organization_edit"),
    path("staff/<slug:org>/members/", views_staff.member_list, name="member_list"),
    path("staff/<slug:org>/members/invite/", views_staff.member_invite, name="member_invite"),
    path(
        "staff/<slug:org>/members/<int:membership_id>/role/", views_staff.member_change_role, name="member_change_role"
    ),
    path("staff/<slug:org>/members/<int:membership_id>/remove/", views_staff.member_remove, name="member_remove"),
    path(
        "staff/<slug:org>/invitations/<int:invitation_id>/revoke/",
        views_staff.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path("staff/<slug:org>/audit/", views_staff.audit_list, name="audit_list"),
    path("staff/<slug:org>/audit/<int:event_id>/", views_staff.audit_detail, name="audit_detail"),
    path("staff/<slug:org>/legal/", views_legal.legal_request_list, name="legal_request_list"),
    path("staff/<slug:org>/legal/new/", views_legal.legal_request_create_view, name="legal_request_create"),
    path(
        "staff/<slug:org>/legal/<int:legal_request_id>/",
        views_legal.legal_request_edit,
        name="legal_request_edit",
    ),
    path("staff/<slug:org>/legal/transparency/", views_legal.transparency, name="legal_transparency"),
    path("staff/<slug:org>/legal/transparency.csv", views_legal.transparency_csv, name="legal_transparency_csv"),
    # Active sessions (the user's own, under the account area) and the emergency lockdown.
    path("accounts/sessions/", views_sessions.session_list, name="session_list"),
    path("accounts/sessions/<int:user_session_id>/end/", views_sessions.session_end, name="session_end"),
    path("accounts/sessions/end-others/", views_sessions.sessions_end_others, name="sessions_end_others"),
    path("staff/<slug:org>/lockdown/", views_lockdown.lockdown_page, name="lockdown"),
    path("staff/<slug:org>/lockdown/lift/request/", views_lockdown.lift_request, name="lockdown_lift_request"),
    path("staff/<slug:org>/lockdown/lift/approve/", views_lockdown.lift_approve, name="lockdown_lift_approve"),
    path("staff/<slug:org>/lockdown/hub-approve/", views_lockdown.hub_approve, name="lockdown_hub_approve"),
    path("staff/<slug:org>/settings/api-tokens/", views_api_tokens.api_token_list, name="api_token_list"),
    path(
        "staff/<slug:org>/settings/api-tokens/<int:api_token_id>/revoke/",
        views_api_tokens.api_token_revoke_view,
        name="api_token_revoke",
    ),
    path("staff/<slug:org>/settings/retention/", views_retention.retention_settings, name="retention_settings"),
    path("staff/<slug:org>/settings/retention/limits/", views_retention.retention_limits, name="retention_limits"),
]
