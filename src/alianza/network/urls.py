from django.urls import path

from . import views_public, views_staff

app_name = "network"

urlpatterns = [
    path("join/", views_public.join, name="join"),
    path("join/thanks/", views_public.join_thanks, name="join_thanks"),
    path("members/", views_public.member_list, name="member_list"),
    path("members/<slug:slug>/", views_public.member_detail, name="member_detail"),
    path("staff/<slug:org>/network/principles/", views_staff.principles, name="principles"),
    path("staff/<slug:org>/network/applications/", views_staff.application_list, name="application_list"),
    path(
        "staff/<slug:org>/network/applications/<int:application_id>/",
        views_staff.application_detail,
        name="application_detail",
    ),
    path(
        "staff/<slug:org>/network/applications/<int:application_id>/approve/",
        views_staff.application_approve_view,
        name="application_approve",
    ),
    path(
        "staff/<slug:org>/network/applications/<int:application_id>/decline/",
        views_staff.application_decline_view,
        name="application_decline",
    ),
    path(
        "staff/<slug:org>/network/applications/<int:application_id>/request-info/",
        views_staff.application_request_info_view,
        name="application_request_info",
    ),
    path("staff/<slug:org>/network/signups/", views_staff.signup_list, name="signup_list"),
]
