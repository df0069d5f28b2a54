"""The site's URLs plus one view that fails, for tests of what an error leaves behind."""

from django.urls import path

from fanwiki.urls import urlpatterns as site_urlpatterns


def broken_view(request):
    raise RuntimeError("boom: a test of error logging")


urlpatterns = [path("broken/", broken_view), *site_urlpatterns]
