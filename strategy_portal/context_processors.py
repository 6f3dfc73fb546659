def site(request):
    """What every page needs: the district in view (set by the district views), if any."""
    return {
        "current_district": getattr(request, "district", None),
        "SITE_NAME": "Strategieportal",
    }
