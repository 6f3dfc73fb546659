"""What measures add to the ground floor's pages (see `strategy_portal.sections`)."""

from strategy_portal.sections import Section, register

from .forms import NotificationSettingsForm
from .models import Measure, NotificationSettings, SortOrder

HOME_COUNT = 3


def district_home(request, district):
    """The most supported and the newest measures of the district."""
    measures = (
        Measure.objects.for_district(district)
        .filter(is_hidden=False)
        .listed()
        .select_related("district", "action_field")
    )
    return {
        "top_measures": list(measures.sorted_by(SortOrder.MOST_SUPPORTED)[:HOME_COUNT]),
        "new_measures": list(measures.sorted_by(SortOrder.NEWEST)[:HOME_COUNT]),
    }


def profile(request, user):
    if not user.is_authenticated:
        return None
    frequency = NotificationSettings.frequency_of(user)
    return {"notification_form": NotificationSettingsForm(initial={"frequency": frequency})}


register(
    Section(
        key="measures",
        page="district_home",
        template="measures/sections/district_home.html",
        context=district_home,
        position=20,
    )
)
register(
    Section(
        key="measures",
        page="profile",
        template="measures/sections/profile.html",
        context=profile,
        position=20,
    )
)
