from .workspace_views import workspace_urlpatterns

app_name = "measures"

urlpatterns = [*workspace_urlpatterns]
