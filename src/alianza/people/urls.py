from django.urls import path

from . import views_import, views_staff

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
    path("staff/<slug:org>/people/import/", views_import.import_upload, name="import_upload"),
    path("staff/<slug:org>/people/import/<int:job_id>/", views_import.import_detail, name="import_detail"),
    path("staff/<slug:org>/people/import/<int:job_id>/progress/", views_import.import_progress, name="import_progress"),
    path(
        "staff/<slug:org>/people/import/<int:job_id>/rejected.csv",
        views_import.import_rejections,
        name="import_rejections",
    ),
]
