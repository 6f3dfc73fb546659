"""The ground floor: users, districts, memberships, action fields, the e-mail outbox."""

import hashlib
import re
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .headers import validate_header_value
from .images import ImageModelField
from .validators import (
    LONG_TEXT_MAX_LENGTH,
    MEDIUM_TEXT_MAX_LENGTH,
    SHORT_TEXT_MAX_LENGTH,
    MaxTextLengthValidator,
)
from .videos import VideoModelField

# Top-level path segments that belong to the site itself; a district slug may not take one.
RESERVED_SLUGS = frozenset(
    {
        "konto",
        "api",
        "admin",
        "gute-beispiele",
        "newsletter",
        "healthz",
        "static",
        "media",
        "i18n",
        "impressum",
        "datenschutz",
        "barrierefreiheit",
        "leichte-sprache",
        "gebaerdensprache",
        "verwaltung",
        "suche",
        "robots.txt",
        "favicon.ico",
    }
)

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class TimeStampedModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    modified = models.DateTimeField(_("modified"), auto_now=True)

    class Meta:
        abstract = True


# --- Users ----------------------------------------------------------------------------------------


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class ParticipantKind(models.TextChoices):
    CITIZEN = "citizen", _("Citizen")
    COMPANY = "company", _("Company")
    INSTITUTION = "institution", _("Institution")


# Which profile fields a participant of each kind fills in: the forms require and keep exactly
# these, and static/js/participant-kind.js shows exactly these (it reads them from the form).
PARTICIPANT_KIND_FIELDS: dict[str, tuple[str, ...]] = {
    ParticipantKind.CITIZEN: (),
    ParticipantKind.COMPANY: ("organisation_name", "sector", "company_size"),
    ParticipantKind.INSTITUTION: ("organisation_name", "institution_type"),
}
KIND_SPECIFIC_FIELDS = tuple(
    dict.fromkeys(name for names in PARTICIPANT_KIND_FIELDS.values() for name in names)
)


class CompanySize(models.TextChoices):
    MICRO = "micro", _("Micro enterprise (up to 9 employees)")
    SMALL = "small", _("Small enterprise (10 to 49 employees)")
    MEDIUM = "medium", _("Medium-sized enterprise (50 to 249 employees)")
    LARGE = "large", _("Large enterprise (250 employees or more)")


class Sector(models.TextChoices):
    RETAIL = "retail", _("Retail and wholesale")
    CRAFT = "craft", _("Skilled crafts")
    MANUFACTURING = "manufacturing", _("Manufacturing and industry")
    IT = "it", _("Information technology and communication")
    SERVICES = "services", _("Business services")
    HEALTH = "health", _("Health and social care")
    AGRICULTURE = "agriculture", _("Agriculture and forestry")
    TOURISM = "tourism", _("Tourism and hospitality")
    CONSTRUCTION = "construction", _("Construction and real estate")
    LOGISTICS = "logistics", _("Transport and logistics")
    ENERGY = "energy", _("Energy and environment")
    FINANCE = "finance", _("Finance and insurance")
    CREATIVE = "creative", _("Culture and creative industries")
    OTHER = "other", _("Other sector")


class InstitutionType(models.TextChoices):
    SCHOOL = "school", _("School")
    UNIVERSITY = "university", _("University or research institute")
    ASSOCIATION = "association", _("Association or club")
    CHAMBER = "chamber", _("Chamber (e.g. IHK, Handwerkskammer)")
    PUBLIC_BODY = "public_body", _("Municipality or public authority")
    SOCIAL = "social", _("Church, welfare or social organisation")
    OTHER = "other", _("Other institution")


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. Logs in by e-mail; the participant kind says who they speak for."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("public name"),
        max_length=80,
        blank=True,
        help_text=_(
            "Shown next to your contributions as a citizen; leave it empty to appear as "
            "“Participant”. Companies and institutions appear under their own name."
        ),
    )
    kind = models.CharField(
        _("I take part as"),
        max_length=20,
        choices=ParticipantKind.choices,
        default=ParticipantKind.CITIZEN,
    )
    organisation_name = models.CharField(
        _("name of the company or institution"), max_length=200, blank=True
    )
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices, blank=True)
    company_size = models.CharField(
        _("company size"), max_length=20, choices=CompanySize.choices, blank=True
    )
    institution_type = models.CharField(
        _("type of institution"), max_length=30, choices=InstitutionType.choices, blank=True
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Designates whether the user can log into the Django admin."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
            models.CheckConstraint(
                condition=~models.Q(kind="company") | ~models.Q(organisation_name=""),
                name="user_company_has_name",
            ),
        ]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)

    @property
    def public_name(self) -> str:
        if self.kind != ParticipantKind.CITIZEN and self.organisation_name:
            return self.organisation_name
        return self.display_name or str(_("Participant"))

    def get_full_name(self):
        return self.display_name or self.email

    def get_short_name(self):
        return self.display_name or self.email


# --- Districts ------------------------------------------------------------------------------------


def validate_district_slug(value: str) -> None:
    if value.lower() in RESERVED_SLUGS:
        raise ValidationError(
            _("“%(slug)s” is reserved for the site itself. Please choose another address."),
            code="reserved",
            params={"slug": value},
        )


def relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(colour_a: str, colour_b: str) -> float:
    lighter, darker = sorted((relative_luminance(colour_a), relative_luminance(colour_b)))[::-1]
    return (lighter + 0.05) / (darker + 0.05)


def validate_theme_colour(value: str) -> None:
    if not HEX_COLOUR.match(value or ""):
        raise ValidationError(
            _("Enter the colour as a hex code with six digits, e.g. #1b4f8a."), code="format"
        )
    ratio = contrast_ratio(value, "#ffffff")
    if ratio < 4.5:
        raise ValidationError(
            _(
                "This colour is too light: white text on it reaches a contrast of only "
                "%(ratio)s:1, WCAG requires 4.5:1. Please choose a darker shade."
            ),
            code="contrast",
            params={"ratio": number_format(ratio, 1)},
        )


LONG_TEXT = [MaxTextLengthValidator(LONG_TEXT_MAX_LENGTH)]
MEDIUM_TEXT = [MaxTextLengthValidator(MEDIUM_TEXT_MAX_LENGTH)]
EASY_LANGUAGE_HELP = _(
    "Explains in Leichte Sprache what the site offers, how to find one's way and what the "
    "accessibility statement says (BITV 2.0 § 4). It starts with a standard text; as long as you "
    "leave it unchanged, it follows changes of the name and contact details."
)
SIGN_LANGUAGE_VIDEO_HELP = _(
    "MP4 or WebM, at most 200 MB. The site shows it itself, without an external player. Remove "
    "location data from the video before uploading it."
)
SIGN_LANGUAGE_DESCRIPTION_HELP = _(
    "Says in writing what the video explains, for everybody who cannot watch it."
)


def require_video_description(owner) -> None:
    if owner.sign_language_video and not owner.sign_language_video_description.strip():
        raise ValidationError(
            {
                "sign_language_video_description": _(
                    "Please say in a few sentences what the video explains."
                )
            },
            code="required",
        )


class DistrictKind(models.TextChoices):
    LANDKREIS = "landkreis", _("District (Landkreis)")
    KREISFREIE_STADT = "kreisfreie_stadt", _("District-free city")
    GEMEINDE = "gemeinde", _("Municipality")


class DistrictQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def get_by_slug_or_404(self, slug: str) -> "District":
        return get_object_or_404(self.active(), slug=slug)

    def sole_admin_of(self, user) -> list["District"]:
        """Districts in which `user` is the only administrator."""
        own = Membership.objects.filter(user=user, role=Role.ADMIN).values("district_id")
        return list(
            self.filter(pk__in=own)
            .annotate(
                admin_count=models.Count(
                    "memberships", filter=models.Q(memberships__role=Role.ADMIN)
                )
            )
            .filter(admin_count=1)
        )


class District(TimeStampedModel):
    """A Landkreis, a district-free city or a municipality that runs its strategy process here."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(
        _("address"),
        max_length=60,
        unique=True,
        validators=[validate_district_slug],
        help_text=_("Lower-case letters, digits and hyphens; appears in every address."),
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=DistrictKind.choices, default=DistrictKind.LANDKREIS
    )
    state = models.CharField(_("federal state"), max_length=60, blank=True)
    tagline = models.CharField(_("short description"), max_length=300, blank=True)
    logo = ImageModelField(
        _("logo"), upload_to="districts/logos/", blank=True, max_bytes=5 * 1024 * 1024
    )
    logo_alt = models.CharField(
        _("alternative text of the logo"),
        max_length=200,
        blank=True,
        help_text=_("Describes the logo for people who cannot see it."),
    )
    theme_colour = models.CharField(
        _("theme colour"),
        max_length=7,
        default="#1b4f8a",
        validators=[validate_theme_colour],
        help_text=_("Hex code; must be dark enough for white text (contrast 4.5:1)."),
    )
    contact_name = models.CharField(_("contact office"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    contact_address = models.TextField(
        _("postal address"), blank=True, validators=[MaxTextLengthValidator(SHORT_TEXT_MAX_LENGTH)]
    )
    website = models.URLField(_("website"), blank=True)
    imprint = models.TextField(_("imprint (Markdown)"), blank=True, validators=LONG_TEXT)
    privacy_policy = models.TextField(
        _("privacy policy (Markdown)"), blank=True, validators=LONG_TEXT
    )
    accessibility_statement = models.TextField(
        _("accessibility statement (Markdown)"), blank=True, validators=LONG_TEXT
    )
    easy_language = models.TextField(
        _("explanation in easy language (Markdown)"),
        blank=True,
        validators=LONG_TEXT,
        help_text=EASY_LANGUAGE_HELP,
    )
    sign_language_video = VideoModelField(
        _("video in German Sign Language"),
        upload_to="districts/videos/",
        blank=True,
        help_text=SIGN_LANGUAGE_VIDEO_HELP,
    )
    sign_language_video_description = models.TextField(
        _("content of the sign-language video (Markdown)"),
        blank=True,
        validators=MEDIUM_TEXT,
        help_text=SIGN_LANGUAGE_DESCRIPTION_HELP,
    )
    newsletter_sender_name = models.CharField(
        _("newsletter sender name"),
        max_length=150,
        blank=True,
        validators=[validate_header_value],
    )
    newsletter_sender_email = models.EmailField(_("newsletter sender address"), blank=True)
    is_active = models.BooleanField(
        _("published"), default=True, help_text=_("Unpublished districts are not reachable.")
    )

    objects = DistrictQuerySet.as_manager()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(theme_colour__regex=r"^#[0-9a-fA-F]{6}$"),
                name="district_theme_colour_hex",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("district_home", kwargs={"district": self.slug})

    def clean(self):
        super().clean()
        if self.slug:
            self.slug = self.slug.lower()
        require_video_description(self)


class DistrictOwnedQuerySet(models.QuerySet):
    def for_district(self, district: District):
        return self.filter(district=district)


class DistrictOwned(TimeStampedModel):
    """Base for everything that belongs to a district; read it through `for_district()`."""

    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        on_delete=models.CASCADE,
        # Unique across apps (two apps may both have a `Report`): `district.measures_measure_set`,
        # `District.objects.filter(measures_measure__status=...)`.
        related_name="%(app_label)s_%(class)s_set",
        related_query_name="%(app_label)s_%(class)s",
    )

    objects = DistrictOwnedQuerySet.as_manager()

    class Meta:
        abstract = True


class Role(models.TextChoices):
    ADMIN = "admin", _("District administrator")
    FACILITATOR = "facilitator", _("Facilitator")


class Membership(TimeStampedModel):
    """Gives a user a role in one district."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.CharField(
        _("organisation"),
        max_length=200,
        blank=True,
        help_text=_("E.g. the consultancy or the economic-development office."),
    )

    objects = DistrictOwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["district", "role", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "district"], name="membership_user_district")
        ]

    def __str__(self):
        return f"{self.user} – {self.district} ({self.get_role_display()})"


class InvitationStatus(models.TextChoices):
    OPEN = "open", _("open")
    ACCEPTED = "accepted", _("accepted")
    DECLINED = "declined", _("declined")
    EXPIRED = "expired", _("expired")


class InvitationQuerySet(DistrictOwnedQuerySet):
    def open(self):
        """Invitations that can still be accepted."""
        return self.filter(
            accepted_at__isnull=True, declined_at__isnull=True, expires_at__gt=timezone.now()
        )

    def for_token(self, token: str):
        return self.filter(token_hash=Invitation.hash_token(token))


class Invitation(DistrictOwned):
    """An offer to join a district's team, mailed to an address and accepted by its owner.

    Only a hash of the link's token is stored: whoever reads the database cannot accept."""

    VALID_FOR = timedelta(days=14)

    email = models.EmailField(_("e-mail address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    invited_by = models.ForeignKey(
        User,
        verbose_name=_("invited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    token_hash = models.CharField(_("token (hash)"), max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(declined_at__isnull=True),
                name="invitation_accepted_or_declined",
            ),
        ]

    def __str__(self):
        return f"{self.email} – {self.district} ({self.get_role_display()})"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def status(self) -> InvitationStatus:
        if self.accepted_at:
            return InvitationStatus.ACCEPTED
        if self.declined_at:
            return InvitationStatus.DECLINED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.OPEN


class ActionField(DistrictOwned):
    """A Handlungsfeld of a district's strategy, or a cross-cutting theme."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80)
    summary = models.TextField(
        _("description (Markdown)"),
        blank=True,
        validators=MEDIUM_TEXT,
        help_text=_("What the action field is about; shown on the strategy pages."),
    )
    colour = models.CharField(
        _("colour"),
        max_length=7,
        blank=True,
        validators=[validate_theme_colour],
        help_text=_(
            "Hex code, e.g. #1b4f8a; marks the action field on the strategy pages. It must be "
            "dark enough for white text (contrast 4.5:1). Empty: the district's theme colour."
        ),
    )
    is_cross_cutting = models.BooleanField(_("cross-cutting theme"), default=False)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("action field")
        verbose_name_plural = _("action fields")
        ordering = ["district", "is_cross_cutting", "position", "title"]
        constraints = [
            models.UniqueConstraint(fields=["district", "slug"], name="actionfield_district_slug")
        ]

    def __str__(self):
        return self.title


class SiteProfile(TimeStampedModel):
    """The operator's own legal pages, shown where no district is in view. One row."""

    operator_name = models.CharField(_("operator"), max_length=200, default="Strategieportal")
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    imprint = models.TextField(_("imprint (Markdown)"), blank=True, validators=LONG_TEXT)
    privacy_policy = models.TextField(
        _("privacy policy (Markdown)"), blank=True, validators=LONG_TEXT
    )
    accessibility_statement = models.TextField(
        _("accessibility statement (Markdown)"), blank=True, validators=LONG_TEXT
    )
    easy_language = models.TextField(
        _("explanation in easy language (Markdown)"),
        blank=True,
        validators=LONG_TEXT,
        help_text=EASY_LANGUAGE_HELP,
    )
    sign_language_video = VideoModelField(
        _("video in German Sign Language"),
        upload_to="site/videos/",
        blank=True,
        help_text=SIGN_LANGUAGE_VIDEO_HELP,
    )
    sign_language_video_description = models.TextField(
        _("content of the sign-language video (Markdown)"),
        blank=True,
        validators=MEDIUM_TEXT,
        help_text=SIGN_LANGUAGE_DESCRIPTION_HELP,
    )

    class Meta:
        verbose_name = _("site profile")
        verbose_name_plural = _("site profile")

    def __str__(self):
        return self.operator_name

    def clean(self):
        super().clean()
        require_video_description(self)

    @classmethod
    def load(cls) -> "SiteProfile":
        profile, _created = cls.objects.get_or_create(pk=1)
        return profile


# --- E-mail outbox --------------------------------------------------------------------------------


class SendStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENDING = "sending", _("being sent")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


EmailStatus = SendStatus


class OutboxQuerySet(models.QuerySet):
    """Reads and the claim of anything sent to the outside, one row at a time.

    claim → send → mark: `claim()` moves one due row to SENDING with a lease in a single
    conditional UPDATE and commits, the caller sends without any transaction or lock open, then
    calls `mark_sent()` or `mark_failed()` on the row. A worker that dies in between leaves the row
    SENDING until its lease runs out; `requeue_expired()` (the periodic sweep) puts it back.
    """

    def due(self, *, now=None):
        """Queued rows whose back-off after a failed attempt (if any) is over."""
        now = now or timezone.now()
        return self.filter(status=SendStatus.QUEUED).filter(
            models.Q(retry_at__isnull=True) | models.Q(retry_at__lte=now)
        )

    def lease_expired(self, *, now=None):
        return self.filter(status=SendStatus.SENDING, lease_until__lt=now or timezone.now())

    def claim(self, pk, *, lease: timedelta):
        """Claim row `pk` for sending if it is queued; return it, or None if someone else has it,
        it is sent or failed. The UPDATE is atomic on its own: of two workers, one gets the row.
        Call it outside a transaction, so that the claim is committed before the send begins."""
        now = timezone.now()
        claimed = self.filter(pk=pk, status=SendStatus.QUEUED).update(
            status=SendStatus.SENDING,
            lease_until=now + lease,
            attempts=models.F("attempts") + 1,
            modified=now,
        )
        return self.filter(pk=pk).first() if claimed else None

    def requeue_expired(self, *, now=None) -> int:
        """Put rows whose sender died mid-send back in the queue (or fail them for good once they
        used up their attempts). Returns how many rows were touched."""
        now = now or timezone.now()
        expired = self.lease_expired(now=now)
        max_attempts = self.model.MAX_ATTEMPTS
        failed = expired.filter(attempts__gte=max_attempts).update(
            status=SendStatus.FAILED,
            lease_until=None,
            last_error="Lease expired: the sender stopped while sending.",
            modified=now,
        )
        requeued = expired.filter(attempts__lt=max_attempts).update(
            status=SendStatus.QUEUED, lease_until=None, retry_at=None, modified=now
        )
        return failed + requeued


class OutboxItem(TimeStampedModel):
    """The fields of the claim → send → mark shape (see `OutboxQuerySet`), shared by the e-mail
    outbox and by the newsletters' deliveries."""

    MAX_ATTEMPTS = 5
    # Back-off after the n-th failed attempt: 1, 2, 4, 8 minutes.
    RETRY_BASE = timedelta(minutes=1)

    status = models.CharField(
        _("status"), max_length=10, choices=SendStatus.choices, default=SendStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    lease_until = models.DateTimeField(
        _("claimed until"),
        null=True,
        blank=True,
        help_text=_("While being sent: when the claim runs out and the item goes back in line."),
    )
    retry_at = models.DateTimeField(_("next attempt not before"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        abstract = True

    def mark_sent(self, **fields) -> None:
        """Record the send; `fields` are further columns to set (e.g. emptied bodies)."""
        now = timezone.now()
        type(self).objects.filter(pk=self.pk).update(
            status=SendStatus.SENT,
            sent_at=now,
            lease_until=None,
            retry_at=None,
            last_error="",
            modified=now,
            **fields,
        )

    def mark_failed(self, error: BaseException) -> None:
        """Record a failed attempt: back in line after a back-off, or failed for good after
        MAX_ATTEMPTS. A row that is no longer SENDING (sent by another worker after the lease ran
        out) is left as it is."""
        now = timezone.now()
        final = self.attempts >= self.MAX_ATTEMPTS
        type(self).objects.filter(pk=self.pk, status=SendStatus.SENDING).update(
            status=SendStatus.FAILED if final else SendStatus.QUEUED,
            lease_until=None,
            retry_at=None if final else now + self.RETRY_BASE * 2 ** (self.attempts - 1),
            last_error=f"{type(error).__name__}: {error}"[:2000],
            modified=now,
        )


class OutgoingEmail(OutboxItem):
    """One e-mail to one address, stored before it is handed to a worker, so none is lost."""

    to = models.EmailField(_("recipient"))
    from_email = models.CharField(_("sender"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300)
    text_body = models.TextField(_("text"))
    html_body = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    template_prefix = models.CharField(_("template"), max_length=200)
    district = models.ForeignKey(
        District, verbose_name=_("district"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created"]
        indexes = [models.Index(fields=["status", "created"])]

    def __str__(self):
        return f"{self.subject} → {self.to}"


# --- Generated documents --------------------------------------------------------------------------


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("waiting")
    RUNNING = "running", _("being created")
    DONE = "done", _("ready")
    FAILED = "failed", _("failed")


ACTIVE_DOCUMENT_STATUSES = (DocumentStatus.PENDING, DocumentStatus.RUNNING)


def generated_document_path(instance, filename):
    return f"documents/{instance.district_id}/{instance.kind}/{filename}"


class GeneratedDocumentQuerySet(DistrictOwnedQuerySet):
    def of(self, kind: str, obj):
        from django.contrib.contenttypes.models import ContentType

        return self.filter(
            kind=kind, content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        )

    def active(self):
        return self.filter(status__in=ACTIVE_DOCUMENT_STATUSES)

    def done(self):
        return self.filter(status=DocumentStatus.DONE).exclude(file="")


class GeneratedDocument(DistrictOwned):
    """One render of a PDF (a workshop's documentation, a strategy): its progress, then its file.

    Each render is a record with its own file, so the previous version stays downloadable until
    this one is done; at most one render of a document is active at a time.
    """

    kind = models.CharField(_("kind of document"), max_length=40)
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("type of object"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("object"))
    status = models.CharField(
        _("status"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (percent)"), default=0)
    progress_label = models.CharField(_("current step"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    file = models.FileField(
        _("file"), upload_to=generated_document_path, max_length=300, blank=True
    )
    version = models.PositiveIntegerField(_("version"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    byte_size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    error_message = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        User,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    objects = GeneratedDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        ordering = ["-created"]
        indexes = [models.Index(fields=["content_type", "object_id", "kind", "status"])]
        constraints = [
            # Two requests for the same document at once: the second one finds this and waits.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"],
                condition=models.Q(status__in=ACTIVE_DOCUMENT_STATUSES),
                name="generateddocument_one_active_render",
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind", "version"],
                name="generateddocument_unique_version",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="generateddocument_progress_range"
            ),
        ]

    def __str__(self):
        return f"{self.title or self.kind} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_DOCUMENT_STATUSES

    @property
    def is_done(self) -> bool:
        return self.status == DocumentStatus.DONE and bool(self.file)


# --- The strategy's structure ---------------------------------------------------------------------
# Vision → Werte → Projektziele → Handlungsfelder / Querschnittsthemen → Missionen → Maßnahmen.


class StrategyQuerySet(DistrictOwnedQuerySet):
    def current(self):
        return self.filter(is_current=True)


class Strategy(DistrictOwned):
    """A district's Digitalstrategie. One is current; earlier versions are kept as they were."""

    title = models.CharField(_("title"), max_length=200)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    as_of = models.DateField(_("as of („Stand“)"), null=True, blank=True)
    version = models.CharField(
        _("version"), max_length=40, blank=True, help_text=_("E.g. 1.0 or „Entwurf 2“.")
    )
    preamble = models.TextField(_("preamble (Markdown)"), blank=True, validators=LONG_TEXT)
    vision = models.TextField(
        _("vision (Markdown)"),
        blank=True,
        validators=LONG_TEXT,
        help_text=_("How does the district look in ten years? The frame of everything below."),
    )
    is_current = models.BooleanField(_("current version"), default=True)

    objects = StrategyQuerySet.as_manager()

    class Meta:
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")
        ordering = ["district", "-is_current", "-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["district"],
                condition=models.Q(is_current=True),
                name="strategy_one_current_per_district",
            )
        ]

    def __str__(self):
        return f"{self.title} ({self.version})" if self.version else self.title


class StrategyValue(TimeStampedModel):
    """A Wert: a principle the strategy follows on its way to the vision."""

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("strategy"), on_delete=models.CASCADE, related_name="values"
    )
    title = models.CharField(_("value"), max_length=200)
    explanation = models.TextField(_("explanation (Markdown)"), blank=True, validators=MEDIUM_TEXT)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("value")
        verbose_name_plural = _("values")
        ordering = ["strategy", "position", "pk"]

    def __str__(self):
        return self.title


class ProjectGoal(TimeStampedModel):
    """A Projektziel: brings vision and values together and can be checked later."""

    strategy = models.ForeignKey(
        Strategy, verbose_name=_("strategy"), on_delete=models.CASCADE, related_name="goals"
    )
    title = models.CharField(_("goal"), max_length=200)
    text = models.TextField(_("explanation (Markdown)"), blank=True, validators=MEDIUM_TEXT)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("project goal")
        verbose_name_plural = _("project goals")
        ordering = ["strategy", "position", "pk"]

    def __str__(self):
        return self.title


class Mission(DistrictOwned):
    """A Mission of an action field (e.g. „Coworking etablieren“); measures are assigned to it."""

    action_field = models.ForeignKey(
        ActionField,
        verbose_name=_("action field"),
        on_delete=models.CASCADE,
        related_name="missions",
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80)
    description = models.TextField(_("description (Markdown)"), blank=True, validators=MEDIUM_TEXT)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("mission")
        verbose_name_plural = _("missions")
        ordering = ["action_field", "position", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["action_field", "slug"], name="mission_action_field_slug"
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if (
            self.action_field_id
            and self.district_id
            and self.action_field.district_id != self.district_id
        ):
            raise ValidationError(
                {"action_field": _("Please choose an action field of this district.")},
                code="other_district",
            )


class PhaseKind(models.TextChoices):
    INFORMATION = "information", _("Information")
    PARTICIPATION = "participation", _("Participation")
    EVALUATION = "evaluation", _("Evaluation")
    ADOPTION = "adoption", _("Adoption")
    IMPLEMENTATION = "implementation", _("Implementation")


class PhaseQuerySet(DistrictOwnedQuerySet):
    def for_date(self, day):
        """Phases running on `day` (start and end are inclusive)."""
        return self.filter(start__lte=day, end__gte=day)

    def current(self):
        return self.for_date(timezone.localdate())

    def overlapping(self, start, end):
        return self.filter(start__lte=end, end__gte=start)


class Phase(DistrictOwned):
    """One step of the district's process timeline; the current phase decides what is open."""

    kind = models.CharField(_("phase"), max_length=20, choices=PhaseKind.choices)
    start = models.DateField(_("first day"))
    end = models.DateField(_("last day"))
    description = models.TextField(
        _("description (Markdown)"),
        blank=True,
        validators=MEDIUM_TEXT,
        help_text=_("What happens in this phase and how people can take part."),
    )
    opened_signal_sent_at = models.DateTimeField(
        _("opening announced at"), null=True, blank=True, editable=False
    )

    objects = PhaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["district", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")), name="phase_end_not_before_start"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.start:%d.%m.%Y}–{self.end:%d.%m.%Y})"

    @property
    def is_current(self) -> bool:
        return self.start <= timezone.localdate() <= self.end

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError(
                {"end": _("The last day cannot be before the first day.")}, code="reversed"
            )
        if self.start and self.end and self.district_id:
            clash = (
                Phase.objects.for_district(self.district)
                .overlapping(self.start, self.end)
                .exclude(pk=self.pk)
                .first()
            )
            if clash is not None:
                raise ValidationError(
                    {
                        "start": _(
                            "These dates overlap with the phase „%(phase)s“ "
                            "(%(start)s to %(end)s). Phases follow one another."
                        )
                        % {
                            "phase": clash.get_kind_display(),
                            "start": f"{clash.start:%d.%m.%Y}",
                            "end": f"{clash.end:%d.%m.%Y}",
                        }
                    },
                    code="overlap",
                )


def current_phase(district: District) -> Phase | None:
    """The phase running today in `district`, or None."""
    return Phase.objects.for_district(district).current().first()
