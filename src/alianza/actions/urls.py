from django.urls import path

from . import views_public, views_staff

app_name = "actions"

urlpatterns = [
    # Public: no account needed.
    path("events/propose/", views_public.propose, name="propose"),
    path("events/propose/thanks/", views_public.propose_thanks, name="propose_thanks"),
    path("events/<slug:slug>/", views_public.organization_events, name="organization_events"),
    path("events/<slug:slug>/calendar.ics", views_public.organization_feed, name="organization_feed"),
    path("events/<slug:slug>/<str:token>/", views_public.event_public, name="event_public_page"),
    path("events/<slug:slug>/<str:token>/thanks/", views_public.event_thanks, name="event_thanks"),
    path("events/<slug:slug>/<str:token>/event.ics", views_public.event_calendar, name="event_calendar"),
    path("rsvp/<str:token>/", views_public.rsvp_manage, name="rsvp_manage"),
    # Staff.
    path("staff/<slug:org>/events/", views_staff.event_list, name="event_list"),
    path("staff/<slug:org>/events/new/", views_staff.event_new, name="event_new"),
    path("staff/<slug:org>/events/code-of-conduct/", views_staff.conduct, name="conduct"),
    path("staff/<slug:org>/events/<int:event_pk>/", views_staff.event_detail, name="event_detail"),
    path("staff/<slug:org>/events/<int:event_pk>/edit/", views_staff.event_edit, name="event_edit"),
    path("staff/<slug:org>/events/<int:event_pk>/status/", views_staff.event_status, name="event_status"),
    path("staff/<slug:org>/events/<int:event_pk>/shifts/", views_staff.shift_new, name="shift_new"),
    path(
        "staff/<slug:org>/events/<int:event_pk>/shifts/<int:shift_id>/remove/",
        views_staff.shift_remove,
        name="shift_remove",
    ),
    path(
        "staff/<slug:org>/events/<int:event_pk>/rsvps/<int:rsvp_id>/cancel/",
        views_staff.rsvp_cancel_view,
        name="rsvp_cancel",
    ),
    path("staff/<slug:org>/events/<int:event_pk>/check-in/", views_staff.checkin, name="checkin"),
    path(
        "staff/<slug:org>/events/<int:event_pk>/check-in/<int:rsvp_id>/",
        views_staff.checkin_mark,
        name="checkin_mark",
    ),
    path("staff/<slug:org>/events/<int:event_pk>/check-in/walk-in/", views_staff.walk_in, name="walk_in"),
    path(
        "staff/<slug:org>/events/<int:event_pk>/sign-in-sheet.pdf",
        views_staff.sign_in_sheet,
        name="sign_in_sheet",
    ),
]
