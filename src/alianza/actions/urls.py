from django.urls import path

from . import views_public, views_public_forms, views_staff, views_staff_forms

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
    # Forms built by staff (volunteer sign-ups, surveys): public page, then the staff pages.
    path("forms/<slug:slug>/<str:token>/", views_public_forms.form_public, name="form_public"),
    path("forms/<slug:slug>/<str:token>/thanks/", views_public_forms.form_thanks, name="form_thanks"),
    path("staff/<slug:org>/forms/", views_staff_forms.form_list, name="form_list"),
    path("staff/<slug:org>/forms/new/", views_staff_forms.form_new, name="form_new"),
    path("staff/<slug:org>/forms/<int:form_id>/", views_staff_forms.form_detail, name="form_detail"),
    path("staff/<slug:org>/forms/<int:form_id>/edit/", views_staff_forms.form_edit, name="form_edit"),
    path("staff/<slug:org>/forms/<int:form_id>/status/", views_staff_forms.form_status, name="form_status"),
    path("staff/<slug:org>/forms/<int:form_id>/fields/", views_staff_forms.form_field_new, name="form_field_new"),
    path(
        "staff/<slug:org>/forms/<int:form_id>/fields/<int:question_id>/edit/",
        views_staff_forms.form_field_edit,
        name="form_field_edit",
    ),
    path(
        "staff/<slug:org>/forms/<int:form_id>/fields/<int:question_id>/remove/",
        views_staff_forms.form_field_remove,
        name="form_field_remove",
    ),
    path(
        "staff/<slug:org>/forms/<int:form_id>/fields/<int:question_id>/move/",
        views_staff_forms.form_field_move_view,
        name="form_field_move",
    ),
    path(
        "staff/<slug:org>/forms/<int:form_id>/submissions/",
        views_staff_forms.form_submissions,
        name="form_submissions",
    ),
    path(
        "staff/<slug:org>/forms/<int:form_id>/submissions/export/",
        views_staff_forms.form_export,
        name="form_export",
    ),
]
