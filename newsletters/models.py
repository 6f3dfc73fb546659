"""Newsletter subscriptions with proof of consent.

A `Subscription` belongs to one district and one address (unique per district, whatever the case
of its letters). It is created *pending* by the sign-up form and becomes *confirmed* only through
the link of the confirmation mail (double opt-in), or at once when a signed-in user with a verified
address opts in from the account pages. What the person agreed to is kept with it: when they asked
and confirmed, the `ConsentText` in force (versioned), the source, and the IP address at both steps.

Retention (documented in README.md and in the privacy texts):
- unconfirmed requests are deleted `NEWSLETTER_PENDING_DAYS` (30) days after the request;
- the IP addresses are erased `NEWSLETTER_IP_RETENTION_DAYS` (90) days after the step they
  belong to; times, consent version and source stay as proof as long as the subscription exists.
Both run daily from beat (`newsletters.tasks`).

`Newsletter` is one issue of a district's newsletter (subject, preheader, Markdown body, image,
segment, schedule, status, report); `Delivery` is one mail of it to one address (unique per
newsletter and address), an `OutboxItem`: claimed with a lease and committed before the SMTP
call, marked sent right after it (see `services.py`).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strategy_portal.headers import validate_header_value
from strategy_portal.images import ImageModelField
from strategy_portal.models import (
    ActionField,
    District,
    DistrictOwned,
    DistrictOwnedQuerySet,
    OutboxItem,
    OutboxQuerySet,
    ParticipantKind,
    SendStatus,
    TimeStampedModel,
)
from strategy_portal.validators import (
    LONG_TEXT_MAX_LENGTH,
    SHORT_TEXT_MAX_LENGTH,
    MaxTextLengthValidator,
)


def new_manage_token() -> str:
    return secrets.token_urlsafe(32)


def new_confirmation_key() -> str:
    return secrets.token_urlsafe(16)


# The site-wide consent text, version 1, for districts that have not written their own.
DEFAULT_CONSENT_TEXT = """\
Ich möchte den Newsletter von {district} per E-Mail erhalten: Informationen zur \
Digitalstrategie, zu neuen Workshop-Dokumentationen, Maßnahmen und Beteiligungsphasen, bei \
gewählten Themen auch zu diesen.

Dafür werden meine E-Mail-Adresse, die freiwillige Angabe meines Namens, die gewählten Themen \
sowie als Nachweis meiner Einwilligung die Zeitpunkte von Anmeldung und Bestätigung, diese \
Fassung des Einwilligungstextes und die IP-Adressen bei beiden Schritten gespeichert. Die \
IP-Adressen werden nach 90 Tagen gelöscht, unbestätigte Anmeldungen nach 30 Tagen.

Meine Einwilligung kann ich jederzeit mit Wirkung für die Zukunft widerrufen, über den Link zur \
Abmeldung in jedem Newsletter. Näheres steht in der Datenschutzerklärung."""


class ConsentTextQuerySet(models.QuerySet):
    def applicable_to(self, district: District):
        """The district's own texts and the site-wide ones."""
        return self.filter(models.Q(district=district) | models.Q(district__isnull=True))

    def in_force(self, district: District) -> "ConsentText | None":
        """The highest version of the district's own texts, else the highest site-wide one."""
        own = self.filter(district=district).order_by("-version").first()
        sitewide = self.filter(district__isnull=True).order_by("-version").first()
        if own or sitewide:
            return own or sitewide
        # The migrations install the site-wide text; should it be gone (a flushed database), it
        # is written again rather than leaving the sign-up without a text to agree to.
        return self.get_or_create(
            district=None, version=1, defaults={"text": DEFAULT_CONSENT_TEXT}
        )[0]


class ConsentText(TimeStampedModel):
    """The text a person agrees to when subscribing. Never changed once used: a new wording is a
    new version, and every subscription keeps the version that was shown."""

    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="newsletter_consent_texts",
        help_text=_("Empty for the site-wide text used by districts without their own."),
    )
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(
        _("text (Markdown)"),
        help_text=_("“{district}” is replaced by the name of the district."),
    )

    objects = ConsentTextQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["district__name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "version"],
                condition=models.Q(district__isnull=False),
                name="consenttext_district_version",
            ),
            models.UniqueConstraint(
                fields=["version"],
                condition=models.Q(district__isnull=True),
                name="consenttext_sitewide_version",
            ),
        ]

    def __str__(self):
        owner = self.district.name if self.district_id else _("site-wide")
        return f"{owner} v{self.version}"

    def render_for(self, district: District) -> str:
        """The Markdown as shown to a visitor of `district`."""
        return self.text.replace("{district}", district.name)


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", _("waiting for confirmation")
    CONFIRMED = "confirmed", _("confirmed")
    UNSUBSCRIBED = "unsubscribed", _("unsubscribed")


class SubscriptionSource(models.TextChoices):
    FORM = "form", _("sign-up form of the district")
    PROFILE = "profile", _("opt-in of a signed-in user")


class DeliveryProblem(models.TextChoices):
    BOUNCE = "bounce", _("permanent delivery failure")
    COMPLAINT = "complaint", _("spam complaint")


class SubscriptionQuerySet(DistrictOwnedQuerySet):
    def for_address(self, email: str):
        return self.filter(email__iexact=email.strip())

    def of_user(self, user, addresses):
        """Subscriptions linked to the account or to any of its addresses."""
        condition = models.Q(user=user)
        for address in addresses:
            condition |= models.Q(email__iexact=address)
        return self.filter(condition)

    def pending(self):
        return self.filter(status=SubscriptionStatus.PENDING)

    def confirmed(self):
        return self.filter(status=SubscriptionStatus.CONFIRMED)

    def deliverable(self):
        """Confirmed and without a recorded bounce or complaint."""
        return self.confirmed().filter(delivery_problem="")


class Subscription(DistrictOwned):
    """One address subscribed to the newsletter of one district, with the proof of consent."""

    email = models.EmailField(_("e-mail address"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    topics = models.ManyToManyField(
        ActionField,
        verbose_name=_("topics"),
        blank=True,
        related_name="newsletter_subscriptions",
    )
    kind = models.CharField(
        _("takes part as"),
        max_length=20,
        choices=ParticipantKind.choices,
        default=ParticipantKind.CITIZEN,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="newsletter_subscriptions",
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.PENDING,
    )
    # --- proof of consent
    requested_at = models.DateTimeField(_("requested at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    consent_text = models.ForeignKey(
        ConsentText,
        verbose_name=_("consent text agreed to"),
        on_delete=models.PROTECT,
        related_name="subscriptions",
    )
    source = models.CharField(
        _("source"), max_length=20, choices=SubscriptionSource.choices, default="form"
    )
    source_path = models.CharField(_("form address"), max_length=200, blank=True)
    request_ip = models.GenericIPAddressField(
        _("IP address at the request"),
        null=True,
        blank=True,
        help_text=_("Erased automatically after the retention period."),
    )
    confirm_ip = models.GenericIPAddressField(
        _("IP address at the confirmation"),
        null=True,
        blank=True,
        help_text=_("Erased automatically after the retention period."),
    )
    # --- sending
    confirmation_key = models.CharField(
        _("confirmation key"), max_length=40, blank=True, default=new_confirmation_key
    )
    confirmation_sent_at = models.DateTimeField(
        _("last confirmation mail sent at"), null=True, blank=True
    )
    manage_token = models.CharField(
        _("unsubscribe token"), max_length=64, unique=True, default=new_manage_token
    )
    delivery_problem = models.CharField(
        _("delivery problem"), max_length=20, choices=DeliveryProblem.choices, blank=True
    )
    delivery_problem_at = models.DateTimeField(
        _("delivery problem noted at"), null=True, blank=True
    )

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["district", "email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), "district", name="subscription_email_ci_district"
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self):
        return f"{self.email} ({self.district})"


# --- Issues of a newsletter and their deliveries -------------------------------------------------


class NewsletterStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SCHEDULED = "scheduled", _("scheduled")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    CANCELLED = "cancelled", _("cancelled")


class NewsletterQuerySet(DistrictOwnedQuerySet):
    def sent(self):
        return self.filter(status=NewsletterStatus.SENT)

    def due(self, *, now=None):
        """Scheduled issues whose time has come."""
        return self.filter(
            status=NewsletterStatus.SCHEDULED, scheduled_for__lte=now or timezone.now()
        )

    def with_delivery_counts(self):
        """Each issue with `sent_total`, `failed_total`, `pending_total` of its deliveries."""
        return self.annotate(
            sent_total=models.Count(
                "deliveries", filter=models.Q(deliveries__status=DeliveryStatus.SENT)
            ),
            failed_total=models.Count(
                "deliveries", filter=models.Q(deliveries__status=DeliveryStatus.FAILED)
            ),
            pending_total=models.Count(
                "deliveries",
                filter=models.Q(
                    deliveries__status__in=[DeliveryStatus.QUEUED, DeliveryStatus.SENDING]
                ),
            ),
        )


def newsletter_image_path(instance, filename):
    return f"newsletters/{instance.district_id}/{filename}"


class Newsletter(DistrictOwned):
    """One issue of a district's newsletter, from the draft to the report of its send."""

    subject = models.CharField(_("subject"), max_length=200, validators=[validate_header_value])
    preheader = models.CharField(
        _("preheader"),
        max_length=200,
        blank=True,
        validators=[validate_header_value],
        help_text=_("A short line that many mail programs show after the subject."),
    )
    body = models.TextField(
        _("text (Markdown)"), validators=[MaxTextLengthValidator(LONG_TEXT_MAX_LENGTH)]
    )
    image = ImageModelField(_("image"), upload_to=newsletter_image_path, blank=True)
    image_alt = models.CharField(
        _("description of the image (alternative text)"),
        max_length=SHORT_TEXT_MAX_LENGTH,
        blank=True,
    )
    segment = models.CharField(_("recipients"), max_length=40, default="all")
    segment_value = models.CharField(_("selection of the recipients"), max_length=100, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=NewsletterStatus.choices,
        default=NewsletterStatus.DRAFT,
    )
    scheduled_for = models.DateTimeField(_("send at"), null=True, blank=True)
    started_at = models.DateTimeField(_("sending started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("sending finished at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    origin = models.CharField(
        _("prepared from"),
        max_length=100,
        blank=True,
        help_text=_("What an automatically prepared draft announces (a workshop, a phase)."),
    )
    # --- the report, written when the send is finished
    recipient_count = models.PositiveIntegerField(_("recipients"), default=0)
    sent_count = models.PositiveIntegerField(_("sent"), default=0)
    failed_count = models.PositiveIntegerField(_("failed"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)

    objects = NewsletterQuerySet.as_manager()

    class Meta:
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "origin"],
                condition=~models.Q(origin=""),
                name="newsletter_one_draft_per_origin",
            ),
        ]
        indexes = [models.Index(fields=["status", "scheduled_for"])]

    def __str__(self):
        return self.subject

    @property
    def is_editable(self) -> bool:
        return self.status == NewsletterStatus.DRAFT

    def get_absolute_url(self):
        return reverse(
            "newsletters:archive_detail", kwargs={"district": self.district.slug, "pk": self.pk}
        )


class DeliveryStatus(models.TextChoices):
    QUEUED = SendStatus.QUEUED.value, SendStatus.QUEUED.label
    SENDING = SendStatus.SENDING.value, SendStatus.SENDING.label
    SENT = SendStatus.SENT.value, SendStatus.SENT.label
    FAILED = SendStatus.FAILED.value, SendStatus.FAILED.label
    # Unsubscribed, bounced or complained after the send began: never sent.
    SKIPPED = "skipped", _("skipped")


class DeliveryQuerySet(OutboxQuerySet):
    def claim_chunk(self, *, newsletter_id: int, size: int, lease, token: str, now=None):
        """Claim up to `size` due deliveries of one newsletter for the caller, in one committed
        UPDATE each; returns the claimed rows. Two workers may pick the same candidates: the
        conditional UPDATE gives each row to one of them, and `token` says which."""
        now = now or timezone.now()
        candidates = list(
            self.filter(newsletter_id=newsletter_id)
            .due(now=now)
            .order_by("pk")
            .values_list("pk", flat=True)[:size]
        )
        if not candidates:
            return []
        self.filter(pk__in=candidates, status=DeliveryStatus.QUEUED).update(
            status=DeliveryStatus.SENDING,
            lease_until=now + lease,
            attempts=models.F("attempts") + 1,
            claimed_by=token,
            modified=now,
        )
        return list(
            self.filter(pk__in=candidates, status=DeliveryStatus.SENDING, claimed_by=token)
            .select_related("subscription")
            .order_by("pk")
        )


class Delivery(OutboxItem):
    """One mail of a newsletter to one address: claim → send → mark (see `services.py`)."""

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.QUEUED,
    )
    newsletter = models.ForeignKey(
        Newsletter,
        verbose_name=_("newsletter"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    subscription = models.ForeignKey(
        Subscription,
        verbose_name=_("subscription"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliveries",
    )
    email = models.EmailField(_("e-mail address"))
    claimed_by = models.CharField(_("claimed by"), max_length=40, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=250, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "email"], name="delivery_one_per_newsletter_and_address"
            ),
        ]
        indexes = [models.Index(fields=["newsletter", "status"])]

    def __str__(self):
        return f"{self.newsletter} → {self.email}"
