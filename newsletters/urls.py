"""Addresses of the newsletter, included once at the top level (before the district catch-all)."""

from django.conf import settings
from django.urls import include, path

from . import views

app_name = "newsletters"

WORKSPACE = "<slug:district>/verwaltung/newsletter/"

urlpatterns = [
    # Before the district pattern, which would take "konto" for a district.
    path("konto/newsletter/", views.MySubscriptionsView.as_view(), name="mine"),
    path("<slug:district>/newsletter/", views.SubscribeView.as_view(), name="subscribe"),
    path(
        "<slug:district>/newsletter/angefordert/",
        views.RequestedView.as_view(),
        name="requested",
    ),
    path("<slug:district>/newsletter/archiv/", views.ArchiveView.as_view(), name="archive"),
    path(
        "<slug:district>/newsletter/archiv/<int:pk>/",
        views.ArchiveDetailView.as_view(),
        name="archive_detail",
    ),
    path("newsletter/bestaetigen/<str:token>/", views.confirm, name="confirm"),
    path("newsletter/abmelden/<str:token>/", views.manage, name="manage"),
    # The workspace of the district's administrators.
    path(WORKSPACE, views.NewsletterListView.as_view(), name="workspace"),
    path(f"{WORKSPACE}neu/", views.NewsletterCreateView.as_view(), name="create"),
    path(f"{WORKSPACE}empfaenger-anzahl/", views.recipient_count, name="recipient_count"),
    path(f"{WORKSPACE}<int:pk>/", views.NewsletterDetailView.as_view(), name="detail"),
    path(f"{WORKSPACE}<int:pk>/bearbeiten/", views.NewsletterUpdateView.as_view(), name="edit"),
    path(f"{WORKSPACE}<int:pk>/empfaenger/", views.recipient_list, name="recipients"),
    path(f"{WORKSPACE}<int:pk>/vorschau/", views.preview, name="preview"),
    path(f"{WORKSPACE}<int:pk>/vorschau.html", views.preview_html, name="preview_html"),
    path(f"{WORKSPACE}<int:pk>/testversand/", views.test_send, name="test_send"),
    path(f"{WORKSPACE}<int:pk>/versand/", views.send, name="send"),
    path(f"{WORKSPACE}<int:pk>/abbrechen/", views.cancel, name="cancel"),
    path(f"{WORKSPACE}<int:pk>/fortschritt/", views.progress, name="progress"),
]

if settings.ANYMAIL.get("WEBHOOK_SECRET"):
    # Bounces and complaints from a provider (django-anymail's tracking webhooks), only where a
    # provider is configured: without a secret anymail refuses every call.
    urlpatterns.append(path("newsletter/anymail/", include("anymail.urls")))
