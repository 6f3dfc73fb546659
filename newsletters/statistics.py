"""The newsletters' part of the participation statistics (see `strategy_portal.statistics`)."""

from django.utils.translation import gettext_lazy as _

from strategy_portal.statistics import Chart, monthly, register

from .models import Subscription, SubscriptionStatus


@register(key="subscribers-by-month", position=60)
def subscribers_by_month(district):
    confirmed = Subscription.objects.for_district(district).filter(
        status=SubscriptionStatus.CONFIRMED
    )
    return Chart(
        title=_("Newsletter subscribers, by month of confirmation"),
        description=_("Addresses that confirmed their subscription and are still subscribed."),
        section=_("Newsletter"),
        rows=monthly(confirmed, "confirmed_at"),
        kind="months",
        value_label=_("Subscribers"),
    )
