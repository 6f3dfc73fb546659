"""Addresses of measures below `/<district>/`: the public pages under "massnahmen/…" and the
workspace pages under "verwaltung/…" (from `measures.workspace_views`), one namespace."""

from .workspace_views import workspace_urlpatterns

app_name = "measures"

urlpatterns: list = []

urlpatterns += workspace_urlpatterns
