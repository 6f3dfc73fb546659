"""Writes of the newsletters app: subscribing, confirming, changing topics, unsubscribing, and the
housekeeping that keeps only what the proof of consent needs."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from strategy_portal.emails import send_templated_email
from strategy_portal.models import ActionField, District, ParticipantKind

from .models import (
    ConsentText,
    Subscription,
    SubscriptionSource,
    SubscriptionStatus,
    new_confirmation_key,
)

logger = logging.getLogger(__name__)

CONFIRM_SALT = "newsletters.subscription.confirm"


class TopicError(ValueError):
    """A topic that is not an action field of the subscription's district."""


# --- Tokens ---------------------------------------------------------------------------------------


def confirmation_token(subscription: Subscription) -> str:
    """A signed link token naming the subscription and its current confirmation key; it stops
    working when the subscription is confirmed (the key is cleared) or after the expiry."""
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    return signer.sign(f"{subscription.pk}.{subscription.confirmation_key}")


@dataclass(frozen=True)
class TokenCheck:
    """What a confirmation link says. `subscription` is set whenever the signature is genuine."""

    state: str  # "valid" | "expired" | "used" | "superseded" | "invalid"
    subscription: Subscription | None = None


def confirmation_check(token: str) -> TokenCheck:
    """Check a confirmation token: forged, expired, already used, or good for confirming."""
    signer = signing.TimestampSigner(salt=CONFIRM_SALT)
    max_age = timedelta(hours=settings.NEWSLETTER_CONFIRMATION_HOURS)
    expired = False
    try:
        value = signer.unsign(token, max_age=max_age)
    except signing.SignatureExpired:
        expired = True
        value = signer.unsign(token)  # genuine, only too old: say which district it was for
    except signing.BadSignature:
        return TokenCheck("invalid")
    pk, _sep, key = value.partition(".")
    subscription = (
        Subscription.objects.select_related("district").filter(pk=int(pk)).first()
        if pk.isdigit()
        else None
    )
    if subscription is None:
        return TokenCheck("invalid")
    if subscription.status == SubscriptionStatus.CONFIRMED and subscription.confirmation_key == "":
        return TokenCheck("used", subscription)
    if expired:
        return TokenCheck("expired", subscription)
    if subscription.status != SubscriptionStatus.PENDING or subscription.confirmation_key != key:
        return TokenCheck("superseded", subscription)
    return TokenCheck("valid", subscription)


def confirm_url(subscription: Subscription) -> str:
    path = reverse("newsletters:confirm", kwargs={"token": confirmation_token(subscription)})
    return f"{settings.SITE_URL}{path}"


def manage_url(subscription: Subscription) -> str:
    path = reverse("newsletters:manage", kwargs={"token": subscription.manage_token})
    return f"{settings.SITE_URL}{path}"


# --- Subscribing ----------------------------------------------------------------------------------


def _checked_topics(district: District, topics) -> list[ActionField]:
    topics = list(topics)
    if any(topic.district_id != district.pk for topic in topics):
        raise TopicError("A topic does not belong to the district of the subscription.")
    return topics


def _cooling_down(subscription: Subscription, now) -> bool:
    if subscription.confirmation_sent_at is None:
        return False
    cooldown = timedelta(minutes=settings.NEWSLETTER_CONFIRMATION_COOLDOWN_MINUTES)
    return subscription.confirmation_sent_at > now - cooldown


def _send_confirmation(subscription: Subscription, now) -> None:
    send_templated_email(
        template_prefix="newsletters/email/confirm",
        to=subscription.email,
        district=subscription.district,
        context={
            "subscription": subscription,
            "confirm_url": confirm_url(subscription),
            "valid_hours": settings.NEWSLETTER_CONFIRMATION_HOURS,
            "pending_days": settings.NEWSLETTER_PENDING_DAYS,
            "topics": list(subscription.topics.all()),
        },
    )
    subscription.confirmation_sent_at = now


def _send_already_subscribed(subscription: Subscription, now) -> None:
    send_templated_email(
        template_prefix="newsletters/email/already_subscribed",
        to=subscription.email,
        district=subscription.district,
        context={"subscription": subscription, "manage_url": manage_url(subscription)},
    )
    subscription.confirmation_sent_at = now


@transaction.atomic
def subscription_request(
    *,
    district: District,
    email: str,
    consent_text: ConsentText,
    name: str = "",
    topics=(),
    kind: str = ParticipantKind.CITIZEN,
    ip: str | None = None,
    source: str = SubscriptionSource.FORM,
    source_path: str = "",
    user=None,
) -> Subscription:
    """Ask for a subscription (double opt-in): store the request and mail a confirmation link.

    Whatever the state of the address, the caller shows the same answer, so that the form tells
    nobody whether an address is subscribed. Within the cooldown after the last mail to the
    address, nothing is changed or sent. After it, a pending (or unsubscribed) request is renewed
    and its link sent again; a confirmed subscription is left unchanged, and its owner receives a
    note with the link to change topics or unsubscribe.
    """
    topics = _checked_topics(district, topics)
    now = timezone.now()
    email = BaseUserManager.normalize_email(email.strip())
    subscription = (
        Subscription.objects.select_for_update().for_district(district).for_address(email).first()
    )
    if subscription is not None and _cooling_down(subscription, now):
        return subscription
    if subscription is not None and subscription.status == SubscriptionStatus.CONFIRMED:
        _send_already_subscribed(subscription, now)
        subscription.save(update_fields=["confirmation_sent_at", "modified"])
        return subscription
    if subscription is None:
        subscription = Subscription(district=district, email=email)
    elif subscription.status == SubscriptionStatus.UNSUBSCRIBED:
        # A new consent: the earlier one ended with the unsubscribe.
        subscription.confirmation_key = new_confirmation_key()
        subscription.confirmed_at = subscription.confirm_ip = subscription.unsubscribed_at = None
    subscription.status = SubscriptionStatus.PENDING
    subscription.name = name
    subscription.kind = kind
    subscription.requested_at = now
    subscription.request_ip = ip
    subscription.consent_text = consent_text
    subscription.source = source
    subscription.source_path = source_path[:200]
    if user is not None:
        subscription.user = user
    try:
        with transaction.atomic():
            subscription.save()
    except IntegrityError:
        # The same new address from two requests at once: the other one has just sent the mail,
        # so this one is within the cooldown.
        return Subscription.objects.for_district(district).for_address(email).get()
    subscription.topics.set(topics)
    _send_confirmation(subscription, now)
    subscription.save(update_fields=["confirmation_sent_at", "modified"])
    return subscription


@transaction.atomic
def subscription_confirm(*, subscription: Subscription, ip: str | None = None) -> bool:
    """Confirm a pending subscription (the POST behind the link of the confirmation mail).

    The confirmation key is cleared, so the link works once. Returns False if the subscription
    was not pending any more (confirmed meanwhile, or unsubscribed).
    """
    locked = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if locked.status != SubscriptionStatus.PENDING:
        return False
    now = timezone.now()
    locked.status = SubscriptionStatus.CONFIRMED
    locked.confirmed_at = now
    locked.confirm_ip = ip
    locked.confirmation_key = ""
    # Confirming again is the address owner's word that mail reaches them.
    locked.delivery_problem = ""
    locked.delivery_problem_at = None
    locked.save()
    subscription.refresh_from_db()
    return True


@transaction.atomic
def subscription_update_topics(*, subscription: Subscription, topics) -> Subscription:
    """Replace the topics of a subscription with action fields of its district."""
    subscription.topics.set(_checked_topics(subscription.district, topics))
    subscription.save(update_fields=["modified"])
    return subscription


@transaction.atomic
def unsubscribe(*, subscription: Subscription) -> bool:
    """End a subscription at once. Returns False if it had already ended."""
    updated = (
        Subscription.objects.filter(pk=subscription.pk)
        .exclude(status=SubscriptionStatus.UNSUBSCRIBED)
        .update(
            status=SubscriptionStatus.UNSUBSCRIBED,
            unsubscribed_at=timezone.now(),
            confirmation_key="",
            modified=timezone.now(),
        )
    )
    subscription.refresh_from_db()
    return bool(updated)


def verified_address(user) -> str | None:
    """The account's primary address if allauth has verified it."""
    address = EmailAddress.objects.filter(user=user, primary=True, verified=True).first()
    return address.email if address else None


@transaction.atomic
def subscription_opt_in(
    *,
    district: District,
    user,
    consent_text: ConsentText,
    name: str = "",
    topics=(),
    kind: str | None = None,
    ip: str | None = None,
    source_path: str = "",
) -> Subscription:
    """A signed-in user subscribes with the address of their account.

    A verified address needs no confirmation mail: the account already proved that it reaches
    its owner, and the owner asked while signed in. Otherwise this is an ordinary request with
    double opt-in.
    """
    kind = kind or user.kind
    address = verified_address(user)
    if address is None:
        return subscription_request(
            district=district,
            email=user.email,
            consent_text=consent_text,
            name=name,
            topics=topics,
            kind=kind,
            ip=ip,
            source=SubscriptionSource.PROFILE,
            source_path=source_path,
            user=user,
        )
    topics = _checked_topics(district, topics)
    now = timezone.now()
    subscription = (
        Subscription.objects.select_for_update().for_district(district).for_address(address).first()
    )
    if subscription is None:
        subscription = Subscription(district=district, email=address)
    if subscription.status != SubscriptionStatus.CONFIRMED:
        subscription.requested_at = subscription.confirmed_at = now
        subscription.request_ip = subscription.confirm_ip = ip
        subscription.consent_text = consent_text
        subscription.source = SubscriptionSource.PROFILE
        subscription.source_path = source_path[:200]
        subscription.unsubscribed_at = None
        subscription.confirmation_key = ""
        subscription.delivery_problem = ""
        subscription.delivery_problem_at = None
    subscription.status = SubscriptionStatus.CONFIRMED
    subscription.user = user
    subscription.name = name
    subscription.kind = kind
    subscription.save()
    subscription.topics.set(topics)
    return subscription


# --- Housekeeping ---------------------------------------------------------------------------------


def subscriptions_purge_unconfirmed(*, now=None) -> int:
    """Delete requests that were not confirmed within NEWSLETTER_PENDING_DAYS. Returns the count."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.NEWSLETTER_PENDING_DAYS)
    stale = Subscription.objects.pending().filter(requested_at__lt=cutoff)
    deleted, _by_model = stale.delete()
    count = _by_model.get(Subscription._meta.label, 0)
    if count:
        logger.info("Deleted %s unconfirmed newsletter requests", count)
    return count


def subscriptions_erase_old_ips(*, now=None) -> int:
    """Erase IP addresses older than NEWSLETTER_IP_RETENTION_DAYS. Returns the number of
    addresses erased."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.NEWSLETTER_IP_RETENTION_DAYS)
    with transaction.atomic():
        erased = Subscription.objects.filter(
            request_ip__isnull=False, requested_at__lt=cutoff
        ).update(request_ip=None)
        erased += Subscription.objects.filter(
            confirm_ip__isnull=False, confirmed_at__lt=cutoff
        ).update(confirm_ip=None)
    return erased
