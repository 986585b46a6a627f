from django.urls import path

from . import views_staff

app_name = "board"

urlpatterns = [
    path("staff/<slug:org>/board/", views_staff.board, name="board"),
    path("staff/<slug:org>/board/new/", views_staff.seat_new, name="seat_new"),
    path("staff/<slug:org>/board/honoraria.csv", views_staff.honoraria_csv, name="honoraria_csv"),
    path("staff/<slug:org>/board/<int:seat_id>/", views_staff.seat_edit, name="seat_edit"),
    path("staff/<slug:org>/board/<int:seat_id>/honoraria/", views_staff.honoraria, name="honoraria"),
    path(
        "staff/<slug:org>/board/<int:seat_id>/honoraria/<int:honorarium_id>/",
        views_staff.honorarium_edit,
        name="honorarium_edit",
    ),
]
