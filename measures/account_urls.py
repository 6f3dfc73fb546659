"""Account pages of measures, outside a district: included once in the site's URLs."""

from django.urls import path

from . import views

app_name = "measures_account"

urlpatterns = [
    path(
        "konto/benachrichtigungen/",
        views.notification_settings,
        name="notification_settings",
    ),
    path(
        "konto/benachrichtigungen/aus/<str:token>/",
        views.notifications_off,
        name="notifications_off",
    ),
]
