"""Demo content of the newsletter: a few confirmed subscribers and one sent newsletter in the
archive of Landkreis Meißen. Idempotent: subscriptions by address, the newsletter by its origin."""

from django.utils import timezone

from strategy_portal.demo import register
from strategy_portal.models import ActionField, District, User

from .models import (
    ConsentText,
    Delivery,
    DeliveryStatus,
    Newsletter,
    NewsletterStatus,
    Subscription,
    SubscriptionStatus,
)

SUBSCRIBERS = [
    ("anna.leser@example.org", "Anna Leser"),
    ("handwerk.riesa@example.org", "Handwerksbetrieb Riesa"),
    ("schule.grossenhain@example.org", "Oberschule Großenhain"),
]

BODY = """Liebe Leser*innen,

die Digitalstrategie des Landkreises Meißen nimmt Gestalt an. In den Workshops der letzten
Wochen haben Bürger*innen, Unternehmen und Institutionen mehr als 60 Maßnahmen gesammelt.

## Was als Nächstes kommt

- Die Ergebnisse der Workshops stehen als Dokumentation online.
- Bis Ende des Monats können Sie Maßnahmen unterstützen und kommentieren.
- Danach bewertet die Steuerungsgruppe die Vorschläge.

Wir freuen uns auf Ihre Ideen – "gemeinsam digital" ist unser Motto.
"""


@register
def load_newsletters() -> dict[str, int]:
    district = District.objects.filter(slug="landkreis-meissen").first()
    consent = ConsentText.objects.in_force(district) if district else None
    if district is None or consent is None:
        return {}
    now = timezone.now()
    created = {"subscriptions": 0, "newsletters": 0}
    first_field = ActionField.objects.for_district(district).order_by("pk").first()
    subscriptions = []
    for email, name in SUBSCRIBERS:
        subscription, new = Subscription.objects.get_or_create(
            district=district,
            email=email,
            defaults={
                "name": name,
                "status": SubscriptionStatus.CONFIRMED,
                "requested_at": now,
                "confirmed_at": now,
                "consent_text": consent,
                "confirmation_key": "",
                "source_path": "/landkreis-meissen/newsletter/",
            },
        )
        created["subscriptions"] += new
        if new and first_field:
            subscription.topics.add(first_field)
        subscriptions.append(subscription)
    newsletter, new = Newsletter.objects.get_or_create(
        district=district,
        origin="demo:first-issue",
        defaults={
            "subject": "Digitalstrategie: die Ergebnisse der ersten Workshops",
            "preheader": "Mehr als 60 Maßnahmen – jetzt unterstützen und kommentieren",
            "body": BODY,
            "status": NewsletterStatus.SENT,
            "started_at": now,
            "finished_at": now,
            "created_by": User.objects.filter(
                email="kreisverwaltung@landkreis-meissen.example"
            ).first(),
        },
    )
    created["newsletters"] += new
    if new:
        Delivery.objects.bulk_create(
            [
                Delivery(
                    newsletter=newsletter,
                    subscription=s,
                    email=s.email,
                    status=DeliveryStatus.SENT,
                    attempts=1,
                    sent_at=now,
                )
                for s in subscriptions
            ],
            ignore_conflicts=True,
        )
        Newsletter.objects.filter(pk=newsletter.pk).update(
            recipient_count=len(subscriptions), sent_count=len(subscriptions)
        )
    return created
