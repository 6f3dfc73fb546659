"""Addresses of workshops below `/<district>/`: the public pages ("workshops/…", "termine/…") and
the facilitators' screens ("verwaltung/workshops/…"), one namespace."""

from django.urls import include, path

from strategy_portal.documents_views import document_urlpatterns

from . import views, workspace_views
from .documents import WorkshopDocument
from .import_views import import_urlpatterns

app_name = "workshops"

urlpatterns = [
    path("workshops/", views.workshop_list, name="list"),
    path("workshops/feed/", views.WorkshopFeed(), name="feed"),
    path("workshops/<slug:slug>/", views.workshop_detail, name="detail"),
    path(
        "workshops/<slug:slug>/anlagen/<int:pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "workshops/<slug:slug>/pdf/",
        include(document_urlpatterns(WorkshopDocument, name="pdf")),
    ),
    path("termine/", views.dates, name="dates"),
    path("termine.ics", views.dates_ics, name="dates_ics"),
    path("verwaltung/workshops/", workspace_views.workspace_list, name="ws_list"),
    path("verwaltung/workshops/neu/", workspace_views.workspace_create, name="ws_create"),
    path("verwaltung/workshops/<int:pk>/", workspace_views.workspace_edit, name="ws_edit"),
    path(
        "verwaltung/workshops/<int:pk>/vorschau/",
        workspace_views.workspace_preview,
        name="ws_preview",
    ),
    path(
        "verwaltung/workshops/<int:pk>/veroeffentlichen/",
        workspace_views.workspace_publish,
        name="ws_publish",
    ),
    path(
        "verwaltung/workshops/<int:pk>/zurueckziehen/",
        workspace_views.workspace_unpublish,
        name="ws_unpublish",
    ),
    path(
        "verwaltung/workshops/<int:pk>/<slug:part>/",
        workspace_views.workspace_part,
        name="ws_part",
    ),
    path(
        "verwaltung/workshops/<int:pk>/<slug:part>/<int:item>/",
        workspace_views.workspace_item,
        name="ws_item",
    ),
    path(
        "verwaltung/workshops/<int:pk>/<slug:part>/<int:item>/loeschen/",
        workspace_views.workspace_item_delete,
        name="ws_item_delete",
    ),
    path(
        "verwaltung/workshops/<int:pk>/<slug:part>/<int:item>/verschieben/",
        workspace_views.workspace_item_move,
        name="ws_item_move",
    ),
]

urlpatterns += import_urlpatterns
