"""The newsletters' part of the personal-data export and erasure (strategy_portal.personal_data).

Subscriptions are found by the account and by every address of it: a person may have subscribed
without being signed in. Erasure deletes them with their proof of consent; there is nothing left
to prove once no newsletter can be sent. Deliveries (which newsletter went to which address,
when) are found by the same addresses and erased with them.
"""

from django.db.models import Q

from strategy_portal import personal_data
from strategy_portal.personal_data import addresses_of

from .models import Delivery, Subscription


def subscriptions_of(user):
    return Subscription.objects.of_user(user, addresses_of(user))


def _iso(moment):
    return moment.isoformat() if moment else None


@personal_data.register
class NewsletterSection:
    key = "newsletter_subscriptions"

    def export(self, user):
        subscriptions = (
            subscriptions_of(user)
            .select_related("district", "consent_text")
            .prefetch_related("topics")
            .order_by("district__name")
        )
        return [
            {
                "district": s.district.name,
                "email": s.email,
                "name": s.name,
                "kind": s.kind,
                "topics": [topic.title for topic in s.topics.all()],
                "status": s.status,
                "requested_at": _iso(s.requested_at),
                "confirmed_at": _iso(s.confirmed_at),
                "unsubscribed_at": _iso(s.unsubscribed_at),
                "consent_text_version": s.consent_text.version,
                "consent_text": s.consent_text.render_for(s.district),
                "source": s.source,
                "request_ip": s.request_ip,
                "confirm_ip": s.confirm_ip,
                "delivery_problem": s.delivery_problem,
            }
            for s in subscriptions
        ]

    def erase(self, user):
        # Deliveries first: once the subscriptions are gone, those sent to a former address of
        # the account could not be found any more.
        deliveries_of(user).delete()
        subscriptions_of(user).delete()


def deliveries_of(user):
    condition = Q(subscription__in=subscriptions_of(user))
    for address in addresses_of(user):
        condition |= Q(email__iexact=address)
    return Delivery.objects.filter(condition)


@personal_data.register
class NewsletterDeliverySection:
    key = "newsletter_deliveries"

    def export(self, user):
        deliveries = (
            deliveries_of(user)
            .select_related("newsletter__district")
            .order_by("newsletter__district__name", "pk")
        )
        return [
            {
                "district": d.newsletter.district.name,
                "newsletter": d.newsletter.subject,
                "email": d.email,
                "status": d.status,
                "sent_at": _iso(d.sent_at),
                "last_error": d.last_error,
            }
            for d in deliveries
        ]

    def erase(self, user):
        deliveries_of(user).delete()
