"""Workshops: what a workshop was (metadata, agenda, participants) and what it produced
(documentation, group results with their measure tables, figures, attachments, outlook).

Provenance of measures: `GroupMeasure` links a workshop group to the measures its table became.
`measures` knows nothing of this app; the measure page learns about it through a registry
(see `workshops.provenance`).

`save()` only normalises. Writes that touch several rows or send signals live in
`workshops.services`.
"""

import io
import zipfile
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from measures.models import german_slug
from strategy_portal.images import ImageModelField
from strategy_portal.models import DistrictOwned, DistrictOwnedQuerySet, TimeStampedModel
from strategy_portal.validators import (
    LONG_TEXT_MAX_LENGTH,
    MEDIUM_TEXT_MAX_LENGTH,
    SHORT_TEXT_MAX_LENGTH,
    MaxTextLengthValidator,
)

LONG_TEXT = [MaxTextLengthValidator(LONG_TEXT_MAX_LENGTH)]
MEDIUM_TEXT = [MaxTextLengthValidator(MEDIUM_TEXT_MAX_LENGTH)]
SHORT_TEXT = [MaxTextLengthValidator(SHORT_TEXT_MAX_LENGTH)]

MAX_FIGURE_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
THUMBNAIL_SIZE = (480, 480)


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    HYBRID = "hybrid", _("Hybrid")


class WorkshopStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Method(DistrictOwned):
    """A participation method of the district's small vocabulary (Brainwriting, Gallery Walk …)."""

    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True, validators=MEDIUM_TEXT)

    class Meta:
        verbose_name = _("method")
        verbose_name_plural = _("methods")
        ordering = ["district", "name"]
        constraints = [
            models.UniqueConstraint(fields=["district", "name"], name="method_district_name")
        ]

    def __str__(self):
        return self.name


class WorkshopQuerySet(DistrictOwnedQuerySet):
    def published(self):
        return self.filter(status=WorkshopStatus.PUBLISHED)

    def upcoming(self, now=None):
        return self.filter(end__gte=now or timezone.now()).order_by("start", "pk")

    def past(self, now=None):
        return self.filter(end__lt=now or timezone.now()).order_by("-start", "-pk")

    def for_list(self):
        return self.select_related("district").prefetch_related("action_fields")


class Workshop(DistrictOwned):
    """One workshop (Termin) and its documentation."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80)
    motto = models.CharField(_("motto"), max_length=300, blank=True)
    summary = models.TextField(
        _("short description"),
        blank=True,
        validators=MEDIUM_TEXT,
        help_text=_("A few sentences for the list of workshops and the feed (Markdown)."),
    )
    action_fields = models.ManyToManyField(
        "strategy_portal.ActionField",
        verbose_name=_("action fields"),
        blank=True,
        related_name="workshops",
    )
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.IN_PERSON
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.TextField(_("address"), blank=True, validators=SHORT_TEXT)
    online_tool = models.CharField(
        _("online tool"), max_length=200, blank=True, help_text=_("E.g. the video platform.")
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    organisers = models.TextField(_("organisers"), blank=True, validators=SHORT_TEXT)
    partner_organisations = models.TextField(
        _("partner organisations"), blank=True, validators=SHORT_TEXT
    )
    funding_note = models.TextField(
        _("funding note"),
        blank=True,
        validators=SHORT_TEXT,
        help_text=_(
            "E.g. „Gefördert durch … aufgrund eines Beschlusses des Deutschen Bundestages“."
        ),
    )
    participant_count = models.PositiveIntegerField(
        _("number of participants"), null=True, blank=True
    )
    methods = models.ManyToManyField(
        Method, verbose_name=_("methods"), blank=True, related_name="workshops"
    )
    outlook = models.TextField(_("outlook (Markdown)"), blank=True, validators=LONG_TEXT)
    status = models.CharField(
        _("status"), max_length=20, choices=WorkshopStatus.choices, default=WorkshopStatus.DRAFT
    )
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    substantive_change_at = models.DateTimeField(
        _("as of"), null=True, blank=True, help_text=_("Last substantive change („Stand“).")
    )

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        ordering = ["-start", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["district", "slug"], name="workshop_district_slug"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="workshop_end"),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = german_slug(self.title) or "workshop"
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("The end must not be before the start.")})

    def get_absolute_url(self):
        return reverse(
            "workshops:detail", kwargs={"district": self.district.slug, "slug": self.slug}
        )

    def get_full_url(self):
        return f"{settings.SITE_URL}{self.get_absolute_url()}"

    @property
    def is_published(self) -> bool:
        return self.status == WorkshopStatus.PUBLISHED

    @property
    def as_of(self):
        """The „Stand“: the last substantive change, else the publication, else the last edit."""
        return self.substantive_change_at or self.published_at or self.modified

    @property
    def place(self) -> str:
        """Where it takes place, in one line."""
        if self.format == Format.ONLINE:
            return self.online_tool or str(Format.ONLINE.label)
        parts = [self.venue, " ".join(self.address.split())]
        if self.format == Format.HYBRID and self.online_tool:
            parts.append(self.online_tool)
        return ", ".join(p for p in parts if p)


class Speaker(TimeStampedModel):
    workshop = models.ForeignKey(
        Workshop, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="speakers"
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    topic = models.CharField(_("topic"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("speaker")
        verbose_name_plural = _("speakers")
        ordering = ["workshop", "position", "pk"]

    def __str__(self):
        return self.name


class AgendaItem(TimeStampedModel):
    """A TOP of the agenda; sub-items have a parent (one level)."""

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    number = models.CharField(_("number"), max_length=20, blank=True, help_text=_("E.g. „TOP 3“."))
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("short text"), blank=True, validators=MEDIUM_TEXT)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["workshop", "position", "pk"]

    def __str__(self):
        return f"{self.number}: {self.title}" if self.number else self.title

    def clean(self):
        super().clean()
        if self.parent_id:
            if self.parent.parent_id:
                raise ValidationError({"parent": _("Sub-items cannot have sub-items.")})
            if self.parent.workshop_id != self.workshop_id or self.parent_id == self.pk:
                raise ValidationError({"parent": _("Choose an item of the same workshop.")})


class Participant(TimeStampedModel):
    workshop = models.ForeignKey(
        Workshop, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="participants"
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    attended = models.BooleanField(_("attended"), default=True)
    consent_to_publish_name = models.BooleanField(
        _("agreed to the publication of the name"),
        default=False,
        help_text=_("Without recorded consent only the organisation is shown publicly."),
    )

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["workshop", "organisation", "name", "pk"]

    def __str__(self):
        return self.name


class DocumentationSection(TimeStampedModel):
    workshop = models.ForeignKey(
        Workshop, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="sections"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sections",
    )
    title = models.CharField(_("heading"), max_length=300)
    text = models.TextField(_("text (Markdown)"), blank=True, validators=LONG_TEXT)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("documentation section")
        verbose_name_plural = _("documentation sections")
        ordering = ["workshop", "position", "pk"]

    def __str__(self):
        return self.title


class WorkshopGroup(TimeStampedModel):
    """A small group of the workshop and its results."""

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="groups"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    topic = models.CharField(_("topic"), max_length=300)
    vision = models.TextField(_("vision (Markdown)"), blank=True, validators=MEDIUM_TEXT)
    values = models.TextField(_("values (Markdown)"), blank=True, validators=MEDIUM_TEXT)
    goals = models.TextField(_("goals (Markdown)"), blank=True, validators=MEDIUM_TEXT)
    results = models.TextField(_("further results (Markdown)"), blank=True, validators=LONG_TEXT)

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["workshop", "number", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "number"], name="workshopgroup_number")
        ]

    def __str__(self):
        return _("Group %(number)s: %(topic)s") % {"number": self.number, "topic": self.topic}

    @property
    def district(self):
        return self.workshop.district


class GroupMeasure(TimeStampedModel):
    """A row of a group's measure table, and the measure it became (provenance)."""

    group = models.ForeignKey(
        WorkshopGroup, verbose_name=_("group"), on_delete=models.CASCADE, related_name="measures"
    )
    measure = models.OneToOneField(
        "measures.Measure",
        verbose_name=_("measure"),
        on_delete=models.CASCADE,
        related_name="workshop_link",
    )
    position = models.PositiveSmallIntegerField(_("row"), default=0)
    source_key = models.CharField(
        _("source key"),
        max_length=64,
        help_text=_("Identifies the table row, so that importing it again creates no duplicate."),
    )

    class Meta:
        verbose_name = _("measure of a group")
        verbose_name_plural = _("measures of groups")
        ordering = ["group", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "source_key"], name="groupmeasure_group_source_key"
            )
        ]

    def __str__(self):
        return f"{self.group} – {self.measure}"


def figure_path(instance, filename):
    return f"workshops/{instance.workshop_id}/figures/{filename}"


def thumbnail_path(instance, filename):
    return f"workshops/{instance.workshop_id}/thumbnails/{filename}"


def attachment_path(instance, filename):
    return f"workshops/{instance.workshop_id}/attachments/{filename}"


class Figure(TimeStampedModel):
    """An image with caption; numbered „Abbildung n“ by its position."""

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="figures"
    )
    image = ImageModelField(_("image"), upload_to=figure_path, max_bytes=MAX_FIGURE_BYTES)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=thumbnail_path, blank=True)
    caption = models.CharField(_("caption"), max_length=500)
    alt_text = models.CharField(
        _("alternative text"),
        max_length=500,
        help_text=_("Describes what the image shows, for people who cannot see it."),
    )
    credit = models.CharField(_("credit"), max_length=200, blank=True, help_text=_("E.g. „© …“."))
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="figures",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        ordering = ["workshop", "position", "pk"]

    def __str__(self):
        return self.caption

    def make_thumbnail(self) -> None:
        """Store a small JPEG/PNG copy of the image (the image was cleaned on upload)."""
        from PIL import Image

        self.image.open("rb")
        try:
            with Image.open(self.image) as image:
                image.thumbnail(THUMBNAIL_SIZE)
                if image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                buffer = io.BytesIO()
                image.save(buffer, format="JPEG", quality=85)
        finally:
            self.image.close()
        name = f"{PurePath(self.image.name).stem}-vorschau.jpg"
        self.thumbnail.save(name, ContentFile(buffer.getvalue()), save=False)


class AttachmentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"
    XLSX = "xlsx", "Excel (XLSX)"
    PPTX = "pptx", "PowerPoint (PPTX)"
    ODT = "odt", "OpenDocument Text (ODT)"
    ODS = "ods", "OpenDocument Tabelle (ODS)"
    ODP = "odp", "OpenDocument Präsentation (ODP)"


CONTENT_TYPES = {
    AttachmentKind.PDF: "application/pdf",
    AttachmentKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    AttachmentKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    AttachmentKind.PPTX: (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    ),
    AttachmentKind.ODT: "application/vnd.oasis.opendocument.text",
    AttachmentKind.ODS: "application/vnd.oasis.opendocument.spreadsheet",
    AttachmentKind.ODP: "application/vnd.oasis.opendocument.presentation",
}
# The part of an OOXML package that only its kind of document has.
OOXML_MAIN_PARTS = {
    AttachmentKind.DOCX: "word/document.xml",
    AttachmentKind.XLSX: "xl/workbook.xml",
    AttachmentKind.PPTX: "ppt/presentation.xml",
}


def detect_attachment_kind(upload) -> str | None:
    """What the file really is, judged by its content; None for anything else."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return AttachmentKind.PDF
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                for kind in (AttachmentKind.ODT, AttachmentKind.ODS, AttachmentKind.ODP):
                    if mimetype == CONTENT_TYPES[kind]:
                        return kind
                return None
            if "[Content_Types].xml" not in names:
                return None
            for kind, part in OOXML_MAIN_PARTS.items():
                if part in names:
                    return kind
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return None
    finally:
        upload.seek(0)
    return None


class Attachment(TimeStampedModel):
    """A document handed out with the documentation; numbered „Anlage n“ by its position."""

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("type"), max_length=10, choices=AttachmentKind.choices)
    size = models.PositiveBigIntegerField(_("size in bytes"), default=0)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["workshop", "position", "pk"]

    def __str__(self):
        return self.title

    def number_in(self) -> int:
        """n of „Anlage n“: the place among the workshop's attachments."""
        earlier = Q(position__lt=self.position) | Q(position=self.position, pk__lt=self.pk)
        return Attachment.objects.filter(earlier, workshop_id=self.workshop_id).count() + 1

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES.get(self.kind, "application/octet-stream")


class NextDate(TimeStampedModel):
    """A follow-up date announced in the outlook; it also appears in the calendar."""

    workshop = models.ForeignKey(
        Workshop, verbose_name=_("workshop"), on_delete=models.CASCADE, related_name="next_dates"
    )
    title = models.CharField(_("title"), max_length=300)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"), null=True, blank=True)
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    link = models.URLField(_("link"), blank=True)

    class Meta:
        verbose_name = _("next date")
        verbose_name_plural = _("next dates")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="nextdate_end",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def district(self):
        return self.workshop.district
