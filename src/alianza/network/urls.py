from django.urls import path

from . import views_groups, views_public, views_staff

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

urlpatterns += [
    path("staff/<slug:org>/network/groups/", views_groups.group_list, name="group_list"),
    path("staff/<slug:org>/network/groups/new/", views_groups.group_new, name="group_new"),
    path("staff/<slug:org>/network/groups/<int:group_id>/", views_groups.group_detail, name="group_detail"),
    path("staff/<slug:org>/network/groups/<int:group_id>/edit/", views_groups.group_edit, name="group_edit"),
    path(
        "staff/<slug:org>/network/groups/<int:group_id>/members/add/",
        views_groups.group_member_add_view,
        name="group_member_add",
    ),
    path(
        "staff/<slug:org>/network/groups/<int:group_id>/members/<int:member_id>/leave/",
        views_groups.group_member_remove_view,
        name="group_member_remove",
    ),
    path("staff/<slug:org>/our-groups/", views_groups.our_groups, name="our_groups"),
]
