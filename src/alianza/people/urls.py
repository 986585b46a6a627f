from django.urls import path

from . import (
    views_duplicates,
    views_export,
    views_fields,
    views_import,
    views_lists,
    views_public,
    views_segments,
    views_staff,
    views_subject,
)

app_name = "people"

urlpatterns = [
    path("staff/<slug:org>/people/", views_staff.person_list, name="person_list"),
    path("staff/<slug:org>/people/new/", views_staff.person_new, name="person_new"),
    path("staff/<slug:org>/people/<int:person_id>/", views_staff.person_detail, name="person_detail"),
    path("staff/<slug:org>/people/<int:person_id>/edit/", views_staff.person_edit, name="person_edit"),
    path("staff/<slug:org>/people/<int:person_id>/share/", views_staff.person_share, name="person_share"),
    path(
        "staff/<slug:org>/people/<int:person_id>/sharing/<int:grant_id>/revoke/",
        views_staff.sharing_grant_revoke_view,
        name="sharing_grant_revoke",
    ),
    path("staff/<slug:org>/people/duplicates/", views_duplicates.duplicate_list, name="duplicate_list"),
    path("staff/<slug:org>/people/duplicates/scan/", views_duplicates.duplicate_scan, name="duplicate_scan"),
    path(
        "staff/<slug:org>/people/duplicates/<int:pair_id>/", views_duplicates.duplicate_review, name="duplicate_review"
    ),
    path("staff/<slug:org>/people/import/", views_import.import_upload, name="import_upload"),
    path("staff/<slug:org>/people/import/<int:job_id>/", views_import.import_detail, name="import_detail"),
    path("staff/<slug:org>/people/import/<int:job_id>/progress/", views_import.import_progress, name="import_progress"),
    path(
        "staff/<slug:org>/people/import/<int:job_id>/rejected.csv",
        views_import.import_rejections,
        name="import_rejections",
    ),
    # Static lists, saved segments, export.
    path("staff/<slug:org>/people/lists/", views_lists.list_index, name="list_index"),
    path("staff/<slug:org>/people/lists/new/", views_lists.list_new, name="list_new"),
    path("staff/<slug:org>/people/lists/add/", views_lists.list_add_people, name="list_add_people"),
    path("staff/<slug:org>/people/lists/<int:list_id>/", views_lists.list_detail, name="list_detail"),
    path("staff/<slug:org>/people/lists/<int:list_id>/remove/", views_lists.list_remove, name="list_remove"),
    path("staff/<slug:org>/people/lists/<int:list_id>/delete/", views_lists.list_delete, name="list_delete"),
    path("staff/<slug:org>/people/lists/<int:list_id>/export/", views_export.list_export, name="list_export"),
    path("staff/<slug:org>/people/segments/", views_segments.segment_list, name="segment_list"),
    path("staff/<slug:org>/people/segments/new/", views_segments.segment_new, name="segment_new"),
    path("staff/<slug:org>/people/segments/count/", views_segments.segment_count, name="segment_count"),
    path("staff/<slug:org>/people/segments/<int:segment_id>/", views_segments.segment_detail, name="segment_detail"),
    path("staff/<slug:org>/people/segments/<int:segment_id>/edit/", views_segments.segment_edit, name="segment_edit"),
    path(
        "staff/<slug:org>/people/segments/<int:segment_id>/delete/",
        views_segments.segment_delete_view,
        name="segment_delete",
    ),
    path(
        "staff/<slug:org>/people/segments/<int:segment_id>/export/",
        views_export.segment_export,
        name="segment_export",
    ),
    path("staff/<slug:org>/people/export/", views_export.search_export, name="search_export"),
    # Custom fields.
    path("staff/<slug:org>/people/fields/", views_fields.field_list, name="field_list"),
    path("staff/<slug:org>/people/fields/new/", views_fields.field_new, name="field_new"),
    path("staff/<slug:org>/people/fields/<int:field_id>/edit/", views_fields.field_edit, name="field_edit"),
    path("staff/<slug:org>/people/fields/<int:field_id>/archive/", views_fields.field_archive, name="field_archive"),
    path("staff/<slug:org>/people/fields/<int:field_id>/delete/", views_fields.field_delete, name="field_delete"),
    # A person's own data: export, erasure, and the requests people confirm from the public page.
    path(
        "staff/<slug:org>/people/<int:person_id>/data.zip",
        views_subject.person_data_export,
        name="person_data_export",
    ),
    path("staff/<slug:org>/people/<int:person_id>/erase/", views_subject.person_erase_view, name="person_erase"),
    path("staff/<slug:org>/people/requests/", views_subject.subject_request_list, name="subject_request_list"),
    path(
        "staff/<slug:org>/people/requests/<int:request_id>/",
        views_subject.subject_request_detail,
        name="subject_request_detail",
    ),
    path(
        "staff/<slug:org>/people/requests/<int:request_id>/export/",
        views_subject.subject_request_export_view,
        name="subject_request_export",
    ),
    path(
        "staff/<slug:org>/people/requests/<int:request_id>/erase/",
        views_subject.subject_request_erase_view,
        name="subject_request_erase",
    ),
    path(
        "staff/<slug:org>/people/requests/<int:request_id>/decline/",
        views_subject.subject_request_decline_view,
        name="subject_request_decline",
    ),
    path("privacy/request/", views_public.subject_request, name="subject_request"),
    path("privacy/request/sent/", views_public.subject_request_sent, name="subject_request_sent"),
    path("privacy/confirm/<str:token>/", views_public.subject_request_confirm_view, name="subject_request_confirm"),
]
