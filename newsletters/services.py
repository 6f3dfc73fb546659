"""Writes of the newsletters app: subscribing, confirming, changing topics, unsubscribing, the
housekeeping that keeps only what the proof of consent needs; composing, scheduling and sending
newsletters (claim → send → mark in chunks, see `newsletter_send_chunk`)."""

import logging
import re
import smtplib
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from email.utils import make_msgid, parseaddr
from urllib.parse import quote, urlsplit

from allauth.account.models import EmailAddress
from celery import current_app
from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.core import signing
from django.core.cache import cache
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from strategy_portal.emails import (
    build_message,
    enqueue_email,
    send_templated_email,
    sender_for,
    site_url,
)
from strategy_portal.headers import check_header_value, one_line
from strategy_portal.markdown import render_markdown
from strategy_portal.models import ActionField, District, OutgoingEmail, ParticipantKind

from . import segments
from .models import (
    ConsentText,
    Delivery,
    DeliveryProblem,
    DeliveryStatus,
    Newsletter,
    NewsletterStatus,
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


# --- Composing ------------------------------------------------------------------------------------


class SendError(ValueError):
    """A newsletter that cannot be sent or scheduled; the message says why, in German."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def recipient_count(newsletter: Newsletter) -> int:
    try:
        return segments.recipients(
            district=newsletter.district,
            segment=newsletter.segment,
            value=newsletter.segment_value,
        ).count()
    except segments.SegmentError:
        return 0


def check_sendable(newsletter: Newsletter) -> None:
    if newsletter.status not in (NewsletterStatus.DRAFT, NewsletterStatus.CANCELLED):
        raise SendError(_("This newsletter has already been scheduled or sent."))
    try:
        segments.get_segment(newsletter.segment)
    except segments.SegmentError:
        raise SendError(_("Please choose the recipients again.")) from None
    if recipient_count(newsletter) == 0:
        raise SendError(
            _(
                "Nobody would receive this newsletter: the chosen recipients have no confirmed "
                "subscription. Choose other recipients or wait for subscriptions."
            )
        )


@transaction.atomic
def newsletter_schedule(*, newsletter: Newsletter, when) -> Newsletter:
    """Schedule a draft for `when` (not in the past); beat sends it when it is due."""
    newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
    if when <= timezone.now():
        raise SendError(_("The time of sending lies in the past. Please choose a later time."))
    check_sendable(newsletter)
    newsletter.status = NewsletterStatus.SCHEDULED
    newsletter.scheduled_for = when
    newsletter.save(update_fields=["status", "scheduled_for", "modified"])
    return newsletter


@transaction.atomic
def newsletter_cancel(*, newsletter: Newsletter) -> bool:
    """Cancel a scheduled send before it began; returns False if it had begun already."""
    cancelled = Newsletter.objects.filter(
        pk=newsletter.pk, status=NewsletterStatus.SCHEDULED
    ).update(status=NewsletterStatus.CANCELLED, modified=timezone.now())
    newsletter.refresh_from_db()
    return bool(cancelled)


@transaction.atomic
def newsletter_send_now(*, newsletter: Newsletter) -> Newsletter:
    """Start sending a draft at once: its deliveries are recorded, the workers enqueued after
    the commit."""
    newsletter = Newsletter.objects.select_for_update().get(pk=newsletter.pk)
    check_sendable(newsletter)
    newsletter.status = NewsletterStatus.SCHEDULED
    newsletter.scheduled_for = timezone.now()
    newsletter.save(update_fields=["status", "scheduled_for", "modified"])
    newsletter_start(newsletter_id=newsletter.pk)
    newsletter.refresh_from_db()
    return newsletter


def deliveries_create(*, newsletter: Newsletter) -> int:
    """Record one delivery per recipient. Idempotent: a rerun adds only what is missing (the
    unique newsletter + address lets the database ignore the rest). Returns the total."""
    recipients = segments.recipients(
        district=newsletter.district, segment=newsletter.segment, value=newsletter.segment_value
    ).values_list("pk", "email")
    batch = []
    for subscription_id, email in recipients.iterator(chunk_size=2000):
        batch.append(
            Delivery(newsletter=newsletter, subscription_id=subscription_id, email=email.lower())
        )
        if len(batch) >= 2000:
            Delivery.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    if batch:
        Delivery.objects.bulk_create(batch, ignore_conflicts=True)
    return Delivery.objects.filter(newsletter=newsletter).count()


@transaction.atomic
def newsletter_start(*, newsletter_id: int, now=None) -> bool:
    """A scheduled newsletter whose time has come: record its deliveries and hand it to the
    workers. Returns False if it was not due (cancelled, started by another worker)."""
    now = now or timezone.now()
    started = (
        Newsletter.objects.filter(pk=newsletter_id)
        .due(now=now)
        .update(status=NewsletterStatus.SENDING, started_at=now, modified=now)
    )
    if not started:
        return False
    newsletter = Newsletter.objects.select_related("district").get(pk=newsletter_id)
    total = deliveries_create(newsletter=newsletter)
    Newsletter.objects.filter(pk=newsletter_id).update(recipient_count=total)
    transaction.on_commit(lambda: enqueue_chunks(newsletter_id))
    return True


def enqueue_chunks(newsletter_id: int, count: int | None = None) -> None:
    """Hand a sending newsletter to the workers: NEWSLETTER_PARALLEL_CHUNKS tasks, each of which
    enqueues its successor while work is left. If the broker is down, beat picks it up."""
    count = settings.NEWSLETTER_PARALLEL_CHUNKS if count is None else count
    try:
        task = current_app.tasks[SEND_CHUNK_TASK]
        for _i in range(count):
            task.delay(newsletter_id)
    except Exception:
        logger.exception("Could not enqueue newsletter %s; beat will pick it up.", newsletter_id)


# --- Announcements --------------------------------------------------------------------------------


def announcement_draft(*, district: District, origin: str, subject: str, body: str) -> Newsletter:
    """Prepare a draft announcing something (a workshop, a participation phase) for the
    district's administrators to review. Never sends; a second call for the same origin returns
    the existing draft."""
    newsletter, _created = Newsletter.objects.get_or_create(
        district=district,
        origin=origin[:100],
        defaults={"subject": one_line(subject)[:200], "body": body},
    )
    return newsletter


# --- Rendering ------------------------------------------------------------------------------------

QUOTES = re.compile(r'"([^"\n]+)"')


def german_typography(text: str) -> str:
    """Straight double quotes as „…“, three dots as an ellipsis, a spaced hyphen as a dash.
    Code spans and link targets in Markdown are left alone."""
    parts = re.split(r"(`[^`]*`|\]\([^)]*\)|<[^>\s]+>)", text)
    for index in range(0, len(parts), 2):
        part = QUOTES.sub("„\\1“", parts[index])
        part = part.replace("...", "…").replace(" - ", " – ")
        parts[index] = part
    return "".join(parts)


@dataclass(frozen=True)
class RenderedNewsletter:
    subject: str
    text: str
    html: str
    headers: dict


def _site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def unsubscribe_mailto(district: District) -> str:
    address = district.newsletter_sender_email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address


class NewsletterRenderer:
    """Renders one newsletter for many recipients in the branding of the ground floor's e-mail
    helper (`emails/base_message.html`). The templates are rendered once, with a slot for each
    recipient's address and link; per recipient only the slots are filled in."""

    def __init__(self, newsletter: Newsletter):
        self.newsletter = newsletter
        self.district = newsletter.district
        self.subject = one_line(german_typography(newsletter.subject))
        self.preheader = one_line(german_typography(newsletter.preheader))
        self.body = german_typography(newsletter.body)
        self.body_html = render_markdown(self.body)
        self.image_url = site_url(newsletter.image.url) if newsletter.image else ""
        self.archive_url = site_url(
            reverse(
                "newsletters:archive_detail",
                kwargs={"district": self.district.slug, "pk": newsletter.pk},
            )
        )
        self.sender = sender_for(self.district)
        self.mailto = unsubscribe_mailto(self.district)
        self.list_id = f"{one_line(self.district.name)} <{self.district.slug}.{_site_host()}>"
        # Random per renderer, letters and digits only: no user text can contain them, and
        # neither escaping nor line wrapping changes them.
        self._slot_email = f"nlslot{uuid.uuid4().hex}e"
        self._slot_link = f"nlslot{uuid.uuid4().hex}l"
        self._frame: tuple[str, str] | None = None

    def _render_frame(self) -> tuple[str, str]:
        context = {
            "district": self.district,
            "site_url": settings.SITE_URL,
            "email": self._slot_email,
            "newsletter": self.newsletter,
            "subject": self.subject,
            "preheader": self.preheader,
            "body": self.body,
            "body_html": self.body_html,
            "image_url": self.image_url,
            "manage_url": self._slot_link,
            "archive_url": self.archive_url,
        }
        with translation.override(settings.LANGUAGE_CODE):
            text = render_to_string("newsletters/email/newsletter_message.txt", context).strip()
            inner = render_to_string("newsletters/email/_newsletter_body.html", context)
            html = render_to_string(
                "emails/base_message.html",
                {**context, "body": mark_safe(inner)},  # noqa: S308
            ).strip()
        return text, html

    def render(self, *, email: str, manage_link: str, token: str = "") -> RenderedNewsletter:
        if self._frame is None:
            self._frame = self._render_frame()
        text, html = self._frame
        text = text.replace(self._slot_email, email).replace(self._slot_link, manage_link)
        html = html.replace(self._slot_email, escape(email)).replace(
            self._slot_link, escape(manage_link)
        )
        mailto_subject = quote(f"Abmelden {token}".strip())
        headers = {
            "List-Unsubscribe": (
                f"<{manage_link}>, <mailto:{self.mailto}?subject={mailto_subject}>"
            ),
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": self.list_id,
            "Precedence": "bulk",
        }
        return RenderedNewsletter(self.subject, text, html, headers)

    def for_delivery(self, delivery: Delivery) -> RenderedNewsletter:
        subscription = delivery.subscription
        return self.render(
            email=delivery.email,
            manage_link=manage_url(subscription),
            token=subscription.manage_token,
        )

    def message(self, *, to: str, rendered: RenderedNewsletter, message_id: str):
        """The multipart message, built by the ground floor's helper from an unsaved outbox row."""
        headers = {**rendered.headers, "Message-ID": message_id}
        return build_message(
            OutgoingEmail(
                to=check_header_value("To", to),
                from_email=self.sender,
                subject=rendered.subject,
                text_body=rendered.text,
                html_body=rendered.html,
                headers={k: check_header_value(k, v) for k, v in headers.items()},
            )
        )


def preview_link(district: District) -> str:
    """Where the unsubscribe link of a preview or test mail points: the district's sign-up."""
    return site_url(reverse("newsletters:subscribe", kwargs={"district": district.slug}))


def newsletter_test_send(*, newsletter: Newsletter, to: str) -> OutgoingEmail:
    """„Testversand an mich“: the newsletter exactly as a recipient gets it, to one address,
    through the ground floor's outbox (so the web request does not wait for the relay)."""
    renderer = NewsletterRenderer(newsletter)
    rendered = renderer.render(email=to, manage_link=preview_link(newsletter.district))
    headers = {**rendered.headers, "Message-ID": make_msgid(domain=_site_host())}
    email = OutgoingEmail.objects.create(
        to=check_header_value("To", to),
        from_email=renderer.sender,
        subject=f"[Test] {rendered.subject}"[:300],
        text_body=rendered.text,
        html_body=rendered.html,
        headers={k: check_header_value(k, v) for k, v in headers.items()},
        template_prefix="newsletters/test",
        district=newsletter.district,
    )
    transaction.on_commit(lambda: enqueue_email(email.pk))
    return email


# --- Sending: claim → send → mark, in chunks ------------------------------------------------------

SEND_CHUNK_TASK = "newsletters.tasks.send_newsletter_chunk"


def chunk_lease() -> timedelta:
    """A claim covers a whole chunk: the SMTP timeout plus the chunk at the configured rate."""
    rate = settings.NEWSLETTER_RATE_PER_SECOND
    pacing = settings.NEWSLETTER_CHUNK_SIZE / rate if rate > 0 else 0
    return timedelta(seconds=settings.EMAIL_SEND_LEASE + pacing)


class _Pace:
    """At most NEWSLETTER_RATE_PER_SECOND mails per second and district, counted in the cache
    (shared by all workers when the cache is Redis). 0 switches the limit off."""

    def __init__(self, district_id: int):
        self.district_id = district_id
        self.rate = settings.NEWSLETTER_RATE_PER_SECOND

    def wait(self) -> None:
        if self.rate <= 0:
            return
        while True:
            second = int(time.time())
            key = f"newsletters:rate:{self.district_id}:{second}"
            try:
                cache.add(key, 0, timeout=5)
                used = cache.incr(key)
            except Exception:  # no cache: pace this worker alone
                time.sleep(1 / self.rate)
                return
            if used <= self.rate:
                return
            time.sleep(max(0.0, second + 1 - time.time()))


class _Claim:
    """Keeps a chunk's claim. Nobody takes a delivery over before its lease runs out, so while
    the lease is far from its end a send needs no query; near it, the leases of the rest of the
    chunk are renewed on condition that they are still this worker's (one UPDATE), so a worker
    that was slower than its lease never sends what another has taken over meanwhile. The
    margin also covers clocks of worker machines that differ by a little."""

    def __init__(self, token: str, lease: timedelta):
        self.token = token
        self.lease = lease
        self.margin = max(lease / 3, timedelta(seconds=1))
        self.until = timezone.now() + lease
        self.held: set[int] | None = None  # None: all claimed rows, as claimed

    def hold(self, delivery: Delivery) -> bool:
        now = timezone.now()
        if now + self.margin >= self.until:
            mine = Delivery.objects.filter(claimed_by=self.token, status=DeliveryStatus.SENDING)
            # Only rows whose lease has not run out: an expired one may be another's already.
            mine = mine.filter(lease_until__gt=now)
            self.held = set(mine.values_list("pk", flat=True))
            mine.filter(pk__in=self.held).update(lease_until=now + self.lease)
            self.until = now + self.lease
        return self.held is None or delivery.pk in self.held


def _smtp_code(error: BaseException) -> int | None:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return codes[0] if codes else None
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code
    return None


def _mark_permanent(delivery: Delivery, error: BaseException) -> None:
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.FAILED,
            lease_until=None,
            retry_at=None,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            modified=now,
        )
        if delivery.subscription_id:
            subscription_mark_problem(
                subscription_id=delivery.subscription_id, problem=DeliveryProblem.BOUNCE
            )


def subscription_mark_problem(*, subscription_id=None, email=None, district=None, problem) -> int:
    """Record a permanent failure or a complaint: later sends skip the address until it is
    confirmed again. By id, or by address (a provider's webhook: every district's subscription
    of the address, or those of `district`). Returns the number of subscriptions marked."""
    subscriptions = Subscription.objects.all()
    if subscription_id is not None:
        subscriptions = subscriptions.filter(pk=subscription_id)
    elif email:
        subscriptions = subscriptions.for_address(email)
        if district is not None:
            subscriptions = subscriptions.for_district(district)
    else:
        return 0
    return subscriptions.update(
        delivery_problem=problem, delivery_problem_at=timezone.now(), modified=timezone.now()
    )


def _still_wanted(delivery: Delivery) -> bool:
    subscription = delivery.subscription
    return (
        subscription is not None
        and subscription.status == SubscriptionStatus.CONFIRMED
        and not subscription.delivery_problem
    )


def newsletter_send_chunk(*, newsletter_id: int, size: int | None = None) -> int:
    """Send one chunk of a newsletter's deliveries over one SMTP connection.

    Claims expired by a dead worker go back in line first; then up to `size` due deliveries are
    claimed (a committed UPDATE), sent one by one and each marked right after its send. Nothing
    holds a transaction while the relay answers. Temporary failures (SMTP 4xx, a lost connection)
    go back in line with a back-off; permanent ones (5xx) are recorded and the subscription is
    marked bounced. Returns the number of deliveries claimed (0: nothing left to do now).
    """
    size = size or settings.NEWSLETTER_CHUNK_SIZE
    newsletter = (
        Newsletter.objects.select_related("district")
        .filter(pk=newsletter_id, status=NewsletterStatus.SENDING)
        .first()
    )
    if newsletter is None:
        return 0
    Delivery.objects.filter(newsletter_id=newsletter_id).requeue_expired()
    token, lease = uuid.uuid4().hex, chunk_lease()
    chunk = Delivery.objects.claim_chunk(
        newsletter_id=newsletter_id, size=size, lease=lease, token=token
    )
    if not chunk:
        newsletter_finish_if_done(newsletter_id=newsletter_id)
        return 0
    renderer = NewsletterRenderer(newsletter)
    pace = _Pace(newsletter.district_id)
    claim = _Claim(token, lease)
    connection = None
    try:
        for delivery in chunk:
            if not claim.hold(delivery):
                continue  # the lease ran out and another worker has taken it over
            if not _still_wanted(delivery):
                Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING).update(
                    status=DeliveryStatus.SKIPPED, lease_until=None, modified=timezone.now()
                )
                continue
            message_id = make_msgid(domain=_site_host())
            try:
                message = renderer.message(
                    to=delivery.email,
                    rendered=renderer.for_delivery(delivery),
                    message_id=message_id,
                )
                if connection is None:
                    connection = get_connection()
                    connection.open()
                message.connection = connection
                pace.wait()
                message.send()
            except Exception as error:
                code = _smtp_code(error)
                if code is not None and 500 <= code < 600:
                    _mark_permanent(delivery, error)
                else:
                    delivery.mark_failed(error)
                    logger.warning("Newsletter delivery %s failed: %s", delivery.pk, error)
                if code is None and connection is not None:
                    # The connection may be broken: the next mail opens a new one.
                    _close(connection)
                    connection = None
                continue
            delivery.mark_sent(message_id=message_id[:250], claimed_by="")
    finally:
        if connection is not None:
            _close(connection)
    return len(chunk)


def _close(connection) -> None:
    try:
        connection.close()
    except Exception:
        logger.debug("Closing the SMTP connection failed", exc_info=True)


def newsletter_finish_if_done(*, newsletter_id: int) -> bool:
    """Write the report and mark the newsletter sent once no delivery is queued or being sent."""
    deliveries = Delivery.objects.filter(newsletter_id=newsletter_id)
    if deliveries.filter(status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]).exists():
        return False
    counts = dict(
        deliveries.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    now = timezone.now()
    return bool(
        Newsletter.objects.filter(pk=newsletter_id, status=NewsletterStatus.SENDING).update(
            status=NewsletterStatus.SENT,
            finished_at=now,
            sent_count=counts.get(DeliveryStatus.SENT, 0),
            failed_count=counts.get(DeliveryStatus.FAILED, 0),
            skipped_count=counts.get(DeliveryStatus.SKIPPED, 0),
            recipient_count=sum(counts.values()),
            modified=now,
        )
    )


def newsletters_sweep(*, now=None) -> int:
    """Beat, every minute: start scheduled newsletters that are due, and pick up sends whose
    worker died or whose tasks were lost (a restarted broker). Returns the number handed on."""
    now = now or timezone.now()
    handed_on = 0
    for newsletter_id in Newsletter.objects.due(now=now).values_list("pk", flat=True):
        handed_on += newsletter_start(newsletter_id=newsletter_id, now=now)
    for newsletter_id in Newsletter.objects.filter(status=NewsletterStatus.SENDING).values_list(
        "pk", flat=True
    ):
        deliveries = Delivery.objects.filter(newsletter_id=newsletter_id)
        deliveries.requeue_expired(now=now)
        if deliveries.filter(status=DeliveryStatus.SENDING).exists():
            continue  # a worker holds a live claim: it is still at work
        if deliveries.due(now=now).exists():
            enqueue_chunks(newsletter_id)
            handed_on += 1
        else:
            newsletter_finish_if_done(newsletter_id=newsletter_id)
    return handed_on
