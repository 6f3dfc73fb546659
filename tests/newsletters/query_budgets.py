"""The newsletter's page query budgets (contract: tests/strategy_portal/test_query_counts.py)."""

from django.utils import timezone

from newsletters.models import (
    ConsentText,
    Delivery,
    DeliveryStatus,
    Newsletter,
    NewsletterStatus,
    Subscription,
)

WORKSPACE = "/landkreis-meissen/verwaltung/newsletter/"


def _sent(district):
    return Newsletter.objects.filter(district=district, status=NewsletterStatus.SENT).first().pk


def _draft(district):
    return Newsletter.objects.filter(district=district, status=NewsletterStatus.DRAFT).first().pk


PAGES = [
    ("newsletter archive", "/landkreis-meissen/newsletter/archiv/", None, 6),
    (
        "newsletter in the archive",
        lambda d: f"/landkreis-meissen/newsletter/archiv/{_sent(d)}/",
        None,
        6,
    ),
    ("newsletter workspace", WORKSPACE, "district_admin", 8),
    ("newsletter compose", f"{WORKSPACE}neu/", "district_admin", 10),
    ("newsletter detail", lambda d: f"{WORKSPACE}{_draft(d)}/", "district_admin", 10),
    ("newsletter recipients", lambda d: f"{WORKSPACE}{_draft(d)}/empfaenger/", "district_admin", 8),
    ("newsletter progress", lambda d: f"{WORKSPACE}{_sent(d)}/fortschritt/", "district_admin", 8),
]


def _subscribe(district, count):
    now = timezone.now()
    consent = ConsentText.objects.in_force(district)
    start = Subscription.objects.filter(district=district).count()
    Subscription.objects.bulk_create(
        Subscription(
            district=district,
            email=f"budget{start + i}@example.org",
            status="confirmed",
            requested_at=now,
            confirmed_at=now,
            consent_text=consent,
            confirmation_key="",
        )
        for i in range(count)
    )


def _newsletters(district, count):
    now = timezone.now()
    for i in range(count):
        sent = Newsletter.objects.create(
            district=district,
            subject=f"Ausgabe {i}",
            body="Text",
            status=NewsletterStatus.SENT,
            finished_at=now,
        )
        Delivery.objects.bulk_create(
            Delivery(newsletter=sent, email=s.email, subscription=s, status=DeliveryStatus.SENT)
            for s in Subscription.objects.filter(district=district)[:5]
        )
    Newsletter.objects.create(district=district, subject=f"Entwurf {count}", body="Text")


def populate(district, request):
    _subscribe(district, 3)
    _newsletters(district, 2)


def grow(district, request, **sizes):
    _subscribe(district, 20)
    _newsletters(district, 20)
