"""Addresses of the measures app, included once at the district root (`/<district>/…`): the
public pages under `massnahmen/`, the facilitators' pages under `verwaltung/`."""

from .evaluation_views import evaluation_urlpatterns
from .steckbrief_views import steckbrief_urlpatterns
from .workspace_views import workspace_urlpatterns

app_name = "measures"

urlpatterns = [*workspace_urlpatterns, *evaluation_urlpatterns, *steckbrief_urlpatterns]
