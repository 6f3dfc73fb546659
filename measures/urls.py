"""Addresses of measures below `/<district>/`: the public pages under "massnahmen/…" and the
workspace pages under "verwaltung/…" (from `measures.workspace_views`), one namespace.
Account pages outside a district (notification settings, the signed "turn off" link from mails)
are in `measures/account_urls.py`."""

from django.urls import path

from . import views
from .evaluation_views import evaluation_urlpatterns
from .steckbrief_views import steckbrief_urlpatterns
from .workspace_views import workspace_urlpatterns

app_name = "measures"

urlpatterns = [
    path("massnahmen/", views.measure_list, name="list"),
    path("massnahmen/neu/", views.measure_propose, name="propose"),
    path("massnahmen/<int:pk>-<slug:slug>/", views.measure_detail, name="detail"),
    path("massnahmen/<int:pk>/bearbeiten/", views.measure_edit, name="edit"),
    path("massnahmen/<int:pk>/zurueckziehen/", views.measure_withdraw, name="withdraw"),
    path("massnahmen/<int:pk>/unterstuetzen/", views.support, name="support"),
    path("massnahmen/<int:pk>/folgen/", views.follow, name="follow"),
    path("massnahmen/<int:pk>/melden/", views.measure_flag, name="flag"),
    path("massnahmen/<int:pk>/kommentare/", views.comment_add, name="comment_add"),
    path("massnahmen/kommentare/<int:pk>/bearbeiten/", views.comment_edit, name="comment_edit"),
    path("massnahmen/kommentare/<int:pk>/loeschen/", views.comment_delete, name="comment_delete"),
    path("massnahmen/kommentare/<int:pk>/melden/", views.comment_flag, name="comment_flag"),
]

urlpatterns += [*workspace_urlpatterns, *evaluation_urlpatterns, *steckbrief_urlpatterns]
