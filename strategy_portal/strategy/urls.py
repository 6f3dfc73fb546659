"""Addresses of the roof: `/<district>/strategie/…`, `/<district>/statistik/` (included under
`/<slug:district>/` as namespace "strategy") and `/gute-beispiele/` (`site_urlpatterns`)."""

from django.urls import path

from strategy_portal.sections import Section
from strategy_portal.sections import register as register_section

from . import views

app_name = "strategy"

urlpatterns = [
    path("strategie/", views.overview, name="overview"),
    path("strategie/<slug:field>/", views.action_field, name="action_field"),
    path("strategie/<slug:field>/<slug:mission>/", views.mission, name="mission"),
    path("statistik/", views.statistics, name="statistics"),
]

site_urlpatterns = [
    path("gute-beispiele/", views.good_examples, name="good_examples"),
]

# The teaser of good examples on the landing page.
register_section(
    Section(
        key="good-examples",
        page="landing",
        template="strategy_portal/strategy/_landing_teaser.html",
        position=50,
        context=views.landing_teaser,
    ),
)
