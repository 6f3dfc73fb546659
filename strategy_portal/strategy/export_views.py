"""The district admins' page of the strategy PDF: `/<district>/verwaltung/strategie/pdf/` — start
an export, follow the one running, download any earlier version with its date and who made it."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from strategy_portal.districts import district_view
from strategy_portal.models import GeneratedDocument, Strategy

from .documents import KIND

VERSIONS_SHOWN = 50


@never_cache
@require_safe
@district_view("strategy_portal.change_strategy")
def workspace_pdf(request, district):
    exports = GeneratedDocument.objects.of(KIND, district)
    active = exports.active().first()
    versions = list(
        exports.done().select_related("created_by").order_by("-version")[:VERSIONS_SHOWN]
    )
    failed = exports.order_by("-created").first()
    return render(
        request,
        "strategy_portal/strategy/workspace_pdf.html",
        {
            "district": district,
            "strategy": Strategy.objects.for_district(district).current().first(),
            "active": active,
            "versions": versions,
            "last_failed": failed if failed and failed.status == "failed" else None,
        },
    )
