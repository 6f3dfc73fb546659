"""Bounces and complaints reported by a provider through django-anymail's tracking webhook.

The webhook itself is anymail's (`/newsletter/anymail/<provider>/tracking/`, protected by
ANYMAIL_WEBHOOK_SECRET); it sends the `tracking` signal received here. A permanent bounce or a
complaint marks the subscriptions of the address, which later sends skip until the address is
confirmed again.
"""

from anymail.signals import tracking
from django.dispatch import receiver

from . import services
from .models import DeliveryProblem

PROBLEMS = {
    "bounced": DeliveryProblem.BOUNCE,
    "rejected": DeliveryProblem.BOUNCE,
    "complained": DeliveryProblem.COMPLAINT,
}


@receiver(tracking, dispatch_uid="newsletters.provider_tracking")
def provider_tracking(sender, event, esp_name, **kwargs):
    problem = PROBLEMS.get(event.event_type)
    if problem is None or not event.recipient:
        return 0
    return services.subscription_mark_problem(email=event.recipient, problem=problem)
