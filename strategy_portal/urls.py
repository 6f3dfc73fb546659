"""Addresses of the site. German, readable paths; the same whatever the interface language.

Each app brings its district pages in its own `urls.py` with `app_name` (its URL namespace, e.g.
`app_name = "measures"`, reversed as `{% url "measures:list" district.slug %}`) and is included
once, in APP_DISTRICT_URLS below, under `/<slug:district>/`: its views receive the `district`
slug and resolve it with `strategy_portal.districts`. Addresses outside a district (e.g. the
newsletter's confirmation links) go into `urlpatterns` before the district catch-all.
"""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from . import views, workspace_strategy
from .strategy import urls as strategy_urls

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
    path(
        "leichte-sprache/",
        views.DistrictLegalPageView.as_view(page="easy_language"),
        name="easy_language",
    ),
    path(
        "gebaerdensprache/",
        views.DistrictSignLanguagePageView.as_view(),
        name="sign_language",
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
    path("verwaltung/team/<int:pk>/rolle/", views.team_role, name="workspace_team_role"),
    path(
        "verwaltung/team/einladungen/<int:pk>/zurueckziehen/",
        views.invitation_withdraw,
        name="workspace_invitation_withdraw",
    ),
    *workspace_strategy.urlpatterns,
]

# One include per app, below the ground floor's district pages (a floor's address never hides
# another's): path("massnahmen/", include("measures.urls")), path("workshops/", include(...)), …
APP_DISTRICT_URLS: list = [
    path("", include("measures.urls")),
    path("", include("workshops.urls")),
    # The roof: the public strategy pages and the statistics.
    path("", include("strategy_portal.strategy.urls")),
]

urlpatterns = [
    path("", views.LandingView.as_view(), name="landing"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("konto/profil/", views.ProfileView.as_view(), name="profile"),
    path(
        "konto/profil/rollen/<int:pk>/abgeben/",
        views.membership_leave,
        name="membership_leave",
    ),
    path("konto/einladungen/<str:token>/", views.invitation, name="invitation"),
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
    path(
        "leichte-sprache/",
        views.LegalPageView.as_view(page="easy_language"),
        name="site_easy_language",
    ),
    path("gebaerdensprache/", views.SignLanguagePageView.as_view(), name="site_sign_language"),
    *strategy_urls.site_urlpatterns,
    # The apps' own addresses, including their parts below /<district>/, before the catch-all.
    path("", include("newsletters.urls")),
    path("", include("measures.account_urls")),
    path("<slug:district>/", include(district_patterns + APP_DISTRICT_URLS)),
]

if settings.DEBUG or settings.SERVE_MEDIA:
    # Small installations without an object store let Django serve the uploaded images.
    urlpatterns.insert(
        0, re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})
    )

handler400 = "strategy_portal.views.bad_request"
handler404 = "strategy_portal.views.page_not_found"
handler500 = "strategy_portal.views.server_error"
