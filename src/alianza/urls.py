from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("alianza.core.urls")),
    path("", include("alianza.network.urls")),
    path("", include("alianza.people.urls")),
    path("", include("alianza.board.urls")),
    path("", include("alianza.campaigns.urls")),
    path("", include("alianza.actions.urls")),
]
