"""Addresses of the site. German, readable paths; the same whatever the interface language."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from . import views

# The admin's own login form has no rate limit; allauth's login (with its limits) serves it instead.
admin.site.login = secure_admin_login(admin.site.login)

district_patterns = [
    path("", views.DistrictHomeView.as_view(), name="district_home"),
    path("impressum/", views.DistrictLegalPageView.as_view(page="imprint"), name="imprint"),
    path(
        "datenschutz/",
        views.DistrictLegalPageView.as_view(page="privacy_policy"),
        name="privacy_policy",
    ),
    path(
        "barrierefreiheit/",
        views.DistrictLegalPageView.as_view(page="accessibility_statement"),
        name="accessibility_statement",
    ),
    path("verwaltung/", views.WorkspaceView.as_view(), name="workspace"),
    path(
        "verwaltung/einstellungen/",
        views.DistrictSettingsView.as_view(),
        name="workspace_settings",
    ),
    path("verwaltung/team/", views.TeamView.as_view(), name="workspace_team"),
    path(
        "verwaltung/team/<int:pk>/entfernen/",
        views.team_remove,
        name="workspace_team_remove",
    ),
]

urlpatterns = [
    path("", views.LandingView.as_view(), name="landing"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("konto/profil/", views.ProfileView.as_view(), name="profile"),
    path("konto/daten/", views.PersonalDataView.as_view(), name="personal_data"),
    path("konto/daten/export/", views.personal_data_export, name="personal_data_export"),
    path("konto/", include("strategy_portal.account_urls")),
    path("impressum/", views.LegalPageView.as_view(page="imprint"), name="site_imprint"),
    path(
        "datenschutz/",
        views.LegalPageView.as_view(page="privacy_policy"),
        name="site_privacy_policy",
    ),
    path(
        "barrierefreiheit/",
        views.LegalPageView.as_view(page="accessibility_statement"),
        name="site_accessibility_statement",
    ),
    path("<slug:district>/", include(district_patterns)),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    # Small installations without an object store let Django serve the uploaded images.
    urlpatterns.insert(
        0, re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )

handler400 = "strategy_portal.views.bad_request"
handler500 = "strategy_portal.views.server_error"
