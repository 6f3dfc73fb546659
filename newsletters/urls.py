"""Addresses of the newsletter, included once at the top level (before the district catch-all)."""

from django.urls import path

from . import views

app_name = "newsletters"

urlpatterns = [
    # Before the district pattern, which would take "konto" for a district.
    path("konto/newsletter/", views.MySubscriptionsView.as_view(), name="mine"),
    path("<slug:district>/newsletter/", views.SubscribeView.as_view(), name="subscribe"),
    path(
        "<slug:district>/newsletter/angefordert/",
        views.RequestedView.as_view(),
        name="requested",
    ),
    path("newsletter/bestaetigen/<str:token>/", views.confirm, name="confirm"),
    path("newsletter/abmelden/<str:token>/", views.manage, name="manage"),
]
