"""The newsletter's rows of the permission matrix (the contract is in tests/matrix.py)."""

from datetime import timedelta

from django.utils import timezone

from newsletters.models import (
    ConsentText,
    Delivery,
    Newsletter,
    NewsletterStatus,
    Subscription,
    SubscriptionStatus,
)

from ..matrix import (
    POST_ONLY,
    PUBLIC,
    SIGNED_IN,
    TO_ADMIN_LOGIN,
    TO_LOGIN,
    WORKSPACE_ADMIN,
    PostCase,
    everyone,
    roles,
)

# Links from mails carry a token; the matrix requests forged ones.
EXPECTED = {
    "newsletters:subscribe": PUBLIC,
    "newsletters:requested": PUBLIC,
    "newsletters:confirm": everyone(404),
    "newsletters:manage": everyone(404),
    "newsletters:mine": SIGNED_IN,
    # Subscriptions come from the double opt-in only.
    "admin:newsletters_subscription_add": roles(TO_ADMIN_LOGIN, site_admin=403),
    # Deliveries are the record of a send: read-only in the admin.
    "admin:newsletters_delivery_add": roles(TO_ADMIN_LOGIN, site_admin=403),
    "admin:newsletters_delivery_delete": roles(TO_ADMIN_LOGIN, site_admin=403),
    # The archive: sent newsletters, public.
    "newsletters:archive": PUBLIC,
    "newsletters:archive_detail": PUBLIC,
    # Composing and sending: the district's admins (and site admins); facilitators may not.
    "newsletters:workspace": WORKSPACE_ADMIN,
    "newsletters:create": WORKSPACE_ADMIN,
    "newsletters:recipient_count": WORKSPACE_ADMIN,
    "newsletters:detail": WORKSPACE_ADMIN,
    "newsletters:edit": WORKSPACE_ADMIN,
    "newsletters:recipients": WORKSPACE_ADMIN,
    "newsletters:preview": WORKSPACE_ADMIN,
    "newsletters:preview_html": WORKSPACE_ADMIN,
    "newsletters:progress": WORKSPACE_ADMIN,
    "newsletters:test_send": POST_ONLY,
    "newsletters:send": POST_ONLY,
    "newsletters:cancel": POST_ONLY,
}

# The provider webhooks exist only when ANYMAIL_WEBHOOK_SECRET is set.
OPTIONAL_KEYS = {"newsletters:anymail:*"}

WORKSPACE_KEYS = {
    "newsletters:detail",
    "newsletters:edit",
    "newsletters:recipients",
    "newsletters:preview",
    "newsletters:preview_html",
    "newsletters:progress",
    "newsletters:test_send",
    "newsletters:send",
}


def kwarg_value(name, endpoint, world):
    if name == "token" and endpoint.key.startswith("newsletters:"):
        return "erfundenes-token"
    if name == "pk" and endpoint.key == "newsletters:archive_detail":
        return str(world.objects["sent_newsletter"].pk)
    if name == "pk" and endpoint.key == "newsletters:cancel":
        return str(world.objects["scheduled_newsletter"].pk)
    if name == "pk" and endpoint.key in WORKSPACE_KEYS:
        return str(world.objects["newsletter"].pk)
    return None


def populate(world, request):
    district = world.district
    now = timezone.now()
    Subscription.objects.create(
        district=district,
        email="abonnentin@example.org",
        status=SubscriptionStatus.CONFIRMED,
        requested_at=now,
        confirmed_at=now,
        consent_text=ConsentText.objects.in_force(district),
        confirmation_key="",
    )
    world.objects["newsletter"] = Newsletter.objects.create(
        district=district, subject="Entwurf", body="Text des Entwurfs"
    )
    world.objects["scheduled_newsletter"] = Newsletter.objects.create(
        district=district,
        subject="Geplant",
        body="Text",
        status=NewsletterStatus.SCHEDULED,
        scheduled_for=now + timedelta(days=1),
    )
    world.objects["sent_newsletter"] = Newsletter.objects.create(
        district=district,
        subject="Versendet",
        body="Text",
        status=NewsletterStatus.SENT,
        finished_at=now,
    )


def _subscriptions(world):
    return list(Subscription.objects.values_list("email", "status"))


def _newsletters(world):
    return list(Newsletter.objects.order_by("pk").values_list("subject", "status"))


def _sending(world):
    newsletter = Newsletter.objects.get(pk=world.objects["newsletter"].pk)
    return newsletter.status, Delivery.objects.count()


def _scheduled(world):
    return Newsletter.objects.get(pk=world.objects["scheduled_newsletter"].pk).status


def _test_mails(world):
    from strategy_portal.models import OutgoingEmail

    return OutgoingEmail.objects.filter(template_prefix="newsletters/test").count()


ADMINS = frozenset({"district_admin", "site_admin"})
# Anonymous visitors are sent to the login; everyone else without the role gets 403.
ADMIN_POST = roles(403, anonymous=TO_LOGIN, district_admin=302, site_admin=302)

POST = {
    # An empty form answers with its errors and stores nothing.
    "newsletters:subscribe": PostCase(expected=PUBLIC, state=_subscriptions),
    "newsletters:confirm": PostCase(expected=everyone(404), state=_subscriptions),
    "newsletters:manage": PostCase(expected=everyone(404), state=_subscriptions),
    "newsletters:create": PostCase(
        expected=ADMIN_POST,
        state=_newsletters,
        changes=ADMINS,
        data={"subject": "Neu", "body": "Text", "recipients": "all"},
    ),
    "newsletters:edit": PostCase(
        expected=ADMIN_POST,
        state=_newsletters,
        changes=ADMINS,
        data={"subject": "Geändert", "body": "Text", "recipients": "all"},
    ),
    "newsletters:send": PostCase(
        expected=ADMIN_POST,
        state=_sending,
        changes=ADMINS,
        data={"mode": "now", "confirmed": "1"},
    ),
    "newsletters:cancel": PostCase(expected=ADMIN_POST, state=_scheduled, changes=ADMINS),
    "newsletters:test_send": PostCase(expected=ADMIN_POST, state=_test_mails, changes=ADMINS),
}
