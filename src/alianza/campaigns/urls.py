from django.urls import path

from . import views_public, views_staff

app_name = "campaigns"

C = "staff/<slug:org>/campaigns/<int:campaign_id>/"

urlpatterns = [
    path("campaigns/", views_public.public_campaign_list, name="public_campaign_list"),
    path("campaigns/<slug:slug>/", views_public.public_campaign_view, name="public_campaign"),
    path("victories/", views_public.public_victory_list, name="public_victories"),
    path("staff/<slug:org>/campaigns/", views_staff.campaign_list, name="campaign_list"),
    path("staff/<slug:org>/campaigns/new/", views_staff.campaign_new, name="campaign_new"),
    path(
        "staff/<slug:org>/campaigns/commitments/",
        views_staff.organization_commitments_view,
        name="organization_commitments",
    ),
    path("staff/<slug:org>/campaigns/victories/", views_staff.victory_list, name="victory_list"),
    path(C, views_staff.campaign_detail, name="campaign_detail"),
    path(C + "edit/", views_staff.campaign_edit, name="campaign_edit"),
    path(C + "allies/", views_staff.ally_new, name="ally_new"),
    path(C + "allies/<int:ally_id>/remove/", views_staff.ally_remove_view, name="ally_remove"),
    path(C + "goals/new/", views_staff.goal_new, name="goal_new"),
    path(C + "goals/<int:goal_id>/progress/", views_staff.goal_progress, name="goal_progress"),
    path(C + "milestones/new/", views_staff.milestone_new, name="milestone_new"),
    path(C + "milestones/<int:milestone_id>/done/", views_staff.milestone_done, name="milestone_done"),
    path(C + "victories/new/", views_staff.victory_new, name="victory_new"),
    path(C + "commitments/", views_staff.campaign_accountability, name="campaign_accountability"),
    path(C + "commitments/new/", views_staff.commitment_new, name="commitment_new"),
    path(C + "commitments/<int:commitment_id>/status/", views_staff.commitment_status, name="commitment_status"),
]
