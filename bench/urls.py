"""The project's URLs plus the baseline page the benchmark compares everything to."""

from django.conf import urls as django_defaults
from django.template.response import TemplateResponse
from django.urls import include, path

from strategy_portal import urls as project_urls


def baseline(request):
    """The floor of any page: the middleware and the base layout, nothing of its own."""
    return TemplateResponse(request, "base.html", {})


urlpatterns = [
    # Before the project's URLs: `<slug:district>/` would otherwise take "__bench__".
    path("__bench__/baseline/", baseline, name="bench_baseline"),
    path("", include(project_urls)),
]

# The error views are looked up on the root URLConf, so the project's own are handed on.
handler400 = getattr(project_urls, "handler400", django_defaults.handler400)
handler403 = getattr(project_urls, "handler403", django_defaults.handler403)
handler404 = getattr(project_urls, "handler404", django_defaults.handler404)
handler500 = getattr(project_urls, "handler500", django_defaults.handler500)
