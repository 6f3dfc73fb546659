from django.utils.functional import SimpleLazyObject

from . import navigation


def site(request):
    """What every page needs: the district in view (set by `strategy_portal.districts`), if any,
    and its navigation, computed only when a template draws it."""
    district = getattr(request, "district", None)
    return {
        "current_district": district,
        "district_nav": SimpleLazyObject(lambda: navigation.items_for(request, district)),
        "SITE_NAME": "Strategieportal",
    }
