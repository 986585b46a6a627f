from django.urls import path

from . import (
    views_public,
    views_public_forms,
    views_public_petitions,
    views_staff,
    views_staff_forms,
    views_staff_petitions,
)

app_name = "actions"

urlpatterns = [
    # Public: no account needed.
    path("events/propose/", views_public.propose, name="propose"),
    path("events/propose/thanks/", views_public.propose_thanks, name="propose_thanks"),
    path("events/<slug:slug>/", views_public.organization_events, name="organization_events"),
    path("events/<slug:slug>/calendar.ics", views_public.organization_feed, name="organization_feed"),
    path("events/<slug:slug>/<str:token>/", views_public.event_public, name="event_public_page"),
    path("events/<slug:slug>/<str:token>/thanks/", views_public.event_thanks, name="event_thanks"),
    path("events/<slug:slug>/<str:token>/answer/<str:receipt>/", views_public.event_answer, name="event_answer"),
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
    # Petitions and letters to officials (public, then staff).
    path("petitions/<slug:slug>/<str:token>/", views_public_petitions.petition_public, name="petition_public"),
    path("petitions/<slug:slug>/<str:token>/thanks/", views_public_petitions.petition_thanks, name="petition_thanks"),
    path("letters/<slug:slug>/<str:token>/", views_public_petitions.letter_public, name="letter_public"),
    path("letters/<slug:slug>/<str:token>/thanks/", views_public_petitions.letter_thanks, name="letter_thanks"),
    path("staff/<slug:org>/petitions/", views_staff_petitions.petition_list, name="petition_list"),
    path("staff/<slug:org>/petitions/new/", views_staff_petitions.petition_new, name="petition_new"),
    path(
        "staff/<slug:org>/petitions/<int:petition_pk>/", views_staff_petitions.petition_detail, name="petition_detail"
    ),
    path(
        "staff/<slug:org>/petitions/<int:petition_pk>/edit/", views_staff_petitions.petition_edit, name="petition_edit"
    ),
    path(
        "staff/<slug:org>/petitions/<int:petition_pk>/status/",
        views_staff_petitions.petition_status,
        name="petition_status",
    ),
    path(
        "staff/<slug:org>/petitions/<int:petition_pk>/signers.pdf",
        views_staff_petitions.petition_export_view,
        {"file_format": "pdf"},
        name="petition_export_pdf",
    ),
    path(
        "staff/<slug:org>/petitions/<int:petition_pk>/signers.csv",
        views_staff_petitions.petition_export_view,
        {"file_format": "csv"},
        name="petition_export_csv",
    ),
    path("staff/<slug:org>/letters/new/", views_staff_petitions.letter_new, name="letter_new"),
    path("staff/<slug:org>/letters/<int:letter_pk>/", views_staff_petitions.letter_detail, name="letter_detail"),
    path("staff/<slug:org>/letters/<int:letter_pk>/edit/", views_staff_petitions.letter_edit, name="letter_edit"),
    path("staff/<slug:org>/letters/<int:letter_pk>/status/", views_staff_petitions.letter_status, name="letter_status"),
    path(
        "staff/<slug:org>/letters/<int:letter_pk>/letters.pdf",
        views_staff_petitions.letter_export_view,
        {"file_format": "pdf"},
        name="letter_export_pdf",
    ),
    path(
        "staff/<slug:org>/letters/<int:letter_pk>/letters.csv",
        views_staff_petitions.letter_export_view,
        {"file_format": "csv"},
        name="letter_export_csv",
    ),
]
