"""URLs of the events benchmark: every URL of the application, plus a bare view that returns a
small response without touching the database. It runs behind the same middleware, in the same
gunicorn workers, so it is the floor the event page is compared with."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from alianza.urls import urlpatterns as application_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *application_urlpatterns]
