"""Addresses of the roof: `/<district>/strategie/…`, `/<district>/statistik/` (included under
`/<slug:district>/` as namespace "strategy") and `/gute-beispiele/` (`site_urlpatterns`)."""

from django.urls import include, path

from strategy_portal.documents_views import document_urlpatterns
from strategy_portal.sections import Section
from strategy_portal.sections import register as register_section

from . import export_views, views
from .documents import StrategyDocument

app_name = "strategy"

urlpatterns = [
    path("strategie/", views.overview, name="overview"),
    # Before the action fields: „pdf“ is not a field's address (see RESERVED_FIELD_SLUGS).
    path("strategie/pdf/", include(document_urlpatterns(StrategyDocument, name="pdf"))),
    path("verwaltung/strategie/pdf/", export_views.workspace_pdf, name="workspace_pdf"),
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
