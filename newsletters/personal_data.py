"""The newsletters' part of the personal-data export and erasure (strategy_portal.personal_data).

Subscriptions are found by the account and by every address of it: a person may have subscribed
without being signed in. Erasure deletes them with their proof of consent; there is nothing left
to prove once no newsletter can be sent. (Deliveries join both in round two.)
"""

from strategy_portal import personal_data
from strategy_portal.personal_data import addresses_of

from .models import Subscription


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
        subscriptions_of(user).delete()
