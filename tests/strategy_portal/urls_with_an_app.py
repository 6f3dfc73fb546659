"""The site's addresses plus an app included the way strategy_portal/urls.py documents it."""

from django.http import HttpResponse
from django.urls import include, path

from strategy_portal import urls as site_urls
from strategy_portal.districts import district_view


@district_view
def example_list(request, district):
    return HttpResponse(f"list of {district.name}")


example_patterns = ([path("", example_list, name="list")], "example")  # app_name "example"

urlpatterns = [
    *site_urls.urlpatterns[:-1],
    path(
        "<slug:district>/",
        include(
            site_urls.district_patterns
            + site_urls.APP_DISTRICT_URLS
            + [path("beispiele/", include(example_patterns))]
        ),
    ),
]
