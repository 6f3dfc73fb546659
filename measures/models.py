"""Measures (Maßnahmen) and what people do with them: support, comment, follow, flag.

Counters (`support_count`, the per-kind support counts, `comment_count`, `follower_count`) are
stored on `Measure` and kept right by `measures.services` with `F()` updates;
`manage.py recount_measures` rebuilds them from the rows. `save()` only normalises.

Seams for later features:
- Mission: the strategy structure adds `Mission` to `strategy_portal`; it then adds
  `mission = ForeignKey("strategy_portal.Mission", null=True, blank=True, on_delete=SET_NULL,
  related_name="measures")` to `Measure` in a migration of this app.
- Evaluation, tier thresholds and the Steckbrief build on `Measure.tier` and live in this app.
- Workshop provenance (origin "workshop") is recorded by `workshops` in a link model of its own.
"""

from django.conf import settings
from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorField,
)
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import Tag, TaggedItemBase

from strategy_portal.models import (
    District,
    DistrictOwned,
    DistrictOwnedQuerySet,
    ParticipantKind,
    TimeStampedModel,
)
from strategy_portal.permissions import district_roles
from strategy_portal.validators import MaxTextLengthValidator

# Marks around the matched words in search snippets. Control characters cannot occur in user text
# that passed a form, so a template can escape the snippet and then turn these into <mark>.
HIGHLIGHT_START = "\x02"
HIGHLIGHT_STOP = "\x03"

_UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


# The query parameter of the measure page that names the page of its comment threads.
COMMENTS_PAGE_PARAM = "kommentare"


def german_slug(text: str, max_length: int = 80) -> str:
    """An ASCII slug that spells umlauts out („Ärztehaus“ → „aerztehaus“)."""
    slug = slugify(text.translate(_UMLAUTS))[:max_length].strip("-")
    return slug or "massnahme"


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


class Origin(models.TextChoices):
    ONLINE = "online", _("Online proposal")
    WORKSHOP = "workshop", _("Workshop group")
    SURVEY = "survey", _("Survey")
    PHONE = "phone", _("Phone")
    PAPER = "paper", _("Paper")
    EXPERT_INTERVIEW = "expert_interview", _("Expert interview")


# Origins a facilitator may choose when recording on someone's behalf.
RECORDED_ORIGINS = (Origin.PHONE, Origin.PAPER, Origin.EXPERT_INTERVIEW, Origin.SURVEY)


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Submitted")
    UNDER_EVALUATION = "under_evaluation", _("Under review")
    PRIORITISED = "prioritised", _("Prioritised")
    IN_IMPLEMENTATION = "in_implementation", _("In implementation")
    IMPLEMENTED = "implemented", _("Implemented")
    NOT_PURSUED = "not_pursued", _("Not pursued")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# Statuses in which a measure takes no more supports or comments.
CLOSED_STATUSES = (Status.WITHDRAWN, Status.NOT_PURSUED)


class Tier(models.TextChoices):
    PREMIUM_PLUS = "premium_plus", _("Premium+")
    PREMIUM = "premium", _("Premium")
    FURTHER = "further", _("Further idea")


class TimeHorizon(models.TextChoices):
    SHORT = "short", _("Short term (within a year)")
    MEDIUM = "medium", _("Medium term (one to three years)")
    LONG = "long", _("Long term (more than three years)")


class SortOrder(models.TextChoices):
    NEWEST = "newest", _("Newest")
    MOST_SUPPORTED = "supported", _("Most supported")
    MOST_DISCUSSED = "discussed", _("Most discussed")
    BEST_EVALUATED = "evaluated", _("Best evaluated")


SORT_ORDERING = {
    SortOrder.NEWEST: ("-created", "-pk"),
    SortOrder.MOST_SUPPORTED: ("-support_count", "-created", "-pk"),
    SortOrder.MOST_DISCUSSED: ("-comment_count", "-created", "-pk"),
    # Measures nobody has scored yet come last, newest first among them.
    SortOrder.BEST_EVALUATED: (F("evaluation_score").desc(nulls_last=True), "-created", "-pk"),
}


class TaggedMeasure(TaggedItemBase):
    """Tags of measures, with a real foreign key so that a district's tags are one join away."""

    content_object = models.ForeignKey(
        "Measure", verbose_name=_("measure"), on_delete=models.CASCADE
    )

    class Meta:
        verbose_name = _("tag of a measure")
        verbose_name_plural = _("tags of measures")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="taggedmeasure_unique")
        ]


def tags_in_use(district: District):
    """Tags of the district's measures, most used first: the suggestions for the tag field."""
    return (
        Tag.objects.filter(measures_taggedmeasure_items__content_object__district=district)
        .annotate(uses=models.Count("measures_taggedmeasure_items"))
        .order_by("-uses", "name")
    )


class MeasureQuerySet(DistrictOwnedQuerySet):
    def visible_to(self, user):
        """Hidden measures only for their author, the district's team and site admins."""
        if user and user.is_authenticated:
            if user.is_superuser:
                return self
            staff_districts = list(district_roles(user))
            return self.filter(
                Q(is_hidden=False) | Q(author=user) | Q(district_id__in=staff_districts)
            )
        return self.filter(is_hidden=False)

    def listed(self):
        """Without duplicates merged into another measure (their page redirects)."""
        return self.filter(merged_into__isnull=True)

    def for_list(self, user=None):
        """What a list row shows, in a constant number of queries: author, action field, tags,
        and whether `user` supports or follows each measure."""
        qs = self.listed().select_related("author", "action_field", "district")
        qs = qs.prefetch_related("tags")
        if user is not None and user.is_authenticated:
            qs = qs.annotate(
                user_supports=Exists(Support.objects.filter(measure=OuterRef("pk"), user=user)),
                user_follows=Exists(Follow.objects.filter(measure=OuterRef("pk"), user=user)),
            )
        return qs

    def sorted_by(self, order: str):
        """One of `SortOrder`; an unknown value sorts by newest."""
        try:
            key = SortOrder(order)
        except ValueError:
            key = SortOrder.NEWEST
        return self.order_by(*SORT_ORDERING[key])

    def in_tier(self, tier: str):
        """Measures of one `Tier`; an unknown or empty value filters nothing."""
        if tier in Tier.values:
            return self.filter(tier=tier)
        return self

    def search(self, query: str):
        """Full-text search. On PostgreSQL: German `websearch` syntax, `rank` and a `headline`
        snippet (matches between HIGHLIGHT_START/STOP, see `measures.search.highlight`), ordered
        by rank. Elsewhere: words matched with `icontains`, `rank` and `headline` are None."""
        query = (query or "").strip()[:200]
        if not query:
            return self
        if on_postgres():
            search_query = SearchQuery(query, config="german", search_type="websearch")
            return (
                self.filter(search_vector=search_query)
                .annotate(
                    rank=SearchRank(F("search_vector"), search_query),
                    headline=SearchHeadline(
                        "description",
                        search_query,
                        config="german",
                        start_sel=HIGHLIGHT_START,
                        stop_sel=HIGHLIGHT_STOP,
                        max_words=35,
                        min_words=15,
                    ),
                )
                .order_by("-rank", "-created", "-pk")
            )
        condition = Q()
        for word in query.split()[:10]:
            word = word.strip("\"'+-")
            if word:
                condition &= (
                    Q(title__icontains=word)
                    | Q(description__icontains=word)
                    | Q(added_value__icontains=word)
                    | Q(feasibility__icontains=word)
                )
        return self.filter(condition).annotate(
            rank=models.Value(None, output_field=models.FloatField()),
            headline=models.Value(None, output_field=models.TextField()),
        )

    def moderation_queue(self):
        """Measures with open flags, most flagged first, with `open_flag_count`."""
        return (
            self.annotate(
                open_flag_count=models.Count("flags", filter=Q(flags__status=FlagStatus.OPEN))
            )
            .filter(open_flag_count__gt=0)
            .order_by("-open_flag_count", "-pk")
        )


class Measure(DistrictOwned):
    """A Maßnahme: proposed online, recorded on someone's behalf, or from a workshop table."""

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address"), max_length=80, allow_unicode=False)
    description = models.TextField(
        _("description"),
        help_text=_("What should be done? Describe the idea so that anyone can understand it."),
    )
    added_value = models.TextField(
        _("added value"),
        blank=True,
        help_text=_("What does the measure achieve, and for whom?"),
    )
    feasibility = models.TextField(
        _("feasibility"),
        blank=True,
        help_text=_("What is needed to carry it out, and who could do it?"),
    )
    time_horizon = models.CharField(
        _("time horizon"), max_length=10, choices=TimeHorizon.choices, blank=True
    )
    success_criteria = models.TextField(
        _("success criteria"), blank=True, help_text=_("How would we know that it worked?")
    )
    funding_idea = models.TextField(
        _("funding idea"), blank=True, help_text=_("How could it be paid for, e.g. a programme?")
    )
    action_field = models.ForeignKey(
        "strategy_portal.ActionField",
        verbose_name=_("action field"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="measures",
    )
    mission = models.ForeignKey(
        "strategy_portal.Mission",
        verbose_name=_("mission"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measures",
    )
    tags = TaggableManager(verbose_name=_("tags"), through=TaggedMeasure, blank=True)
    origin = models.CharField(
        _("origin"), max_length=20, choices=Origin.choices, default=Origin.ONLINE
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authored_measures",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recorded_measures",
    )
    on_behalf_of = models.CharField(
        _("on behalf of"),
        max_length=200,
        blank=True,
        help_text=_("Name of the person or organisation; leave empty for “anonymous”."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED
    )
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, blank=True)
    # Evaluation (measures.evaluation_services keeps the score right; `tiers_apply` the tier).
    evaluation_score = models.DecimalField(
        _("evaluation score"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    tier_overridden = models.BooleanField(_("tier set by hand"), default=False)
    tier_reason = models.TextField(
        _("reason for the tier"), blank=True, validators=[MaxTextLengthValidator(2000)]
    )
    tier_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tier set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    tier_overridden_at = models.DateTimeField(_("tier set on"), null=True, blank=True)
    priority = models.PositiveSmallIntegerField(
        _("priority within its group"), null=True, blank=True
    )
    official_answer = models.TextField(_("official answer"), blank=True)
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_duplicates",
    )
    is_hidden = models.BooleanField(_("hidden by moderation"), default=False)
    support_count = models.PositiveIntegerField(_("supports"), default=0)
    support_count_citizen = models.PositiveIntegerField(_("supports by citizens"), default=0)
    support_count_company = models.PositiveIntegerField(_("supports by companies"), default=0)
    support_count_institution = models.PositiveIntegerField(
        _("supports by institutions"), default=0
    )
    comment_count = models.PositiveIntegerField(_("comments"), default=0)
    follower_count = models.PositiveIntegerField(_("followers"), default=0)
    # PostgreSQL only (GIN index created by migration 0001 there); NULL on SQLite.
    search_vector = SearchVectorField(_("search index"), null=True, blank=True, editable=False)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["district", "-created"], name="measure_district_created"),
            models.Index(fields=["district", "-support_count"], name="measure_district_support"),
            models.Index(fields=["district", "-comment_count"], name="measure_district_comments"),
            models.Index(fields=["district", "status"], name="measure_district_status"),
            # Counts of the listed measures (pages of the list, the ranking) from the index alone,
            # without reading the wide rows.
            models.Index(
                fields=["district", "status"],
                condition=Q(is_hidden=False, merged_into__isnull=True),
                name="measure_district_listed",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    support_count=F("support_count_citizen")
                    + F("support_count_company")
                    + F("support_count_institution")
                ),
                name="measure_support_count_sum",
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=F("pk")),
                name="measure_not_merged_into_itself",
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.mission_id is not None:
            mission = self.mission
            if self.district_id is not None and mission.district_id != self.district_id:
                raise ValidationError(
                    {"mission": _("Please choose a mission of this district.")},
                    code="other_district",
                )
            if self.action_field_id is not None and mission.action_field_id != self.action_field_id:
                raise ValidationError(
                    {"mission": _("Please choose a mission of the measure's action field.")},
                    code="other_action_field",
                )

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = german_slug(self.title)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        # The measure page of DESIGN.md: /<district>/massnahmen/<id>-<slug>/
        return f"/{self.district.slug}/massnahmen/{self.pk}-{self.slug}/"

    def get_full_url(self):
        return f"{settings.SITE_URL}{self.get_absolute_url()}"

    def comments_url(self, page: int = 1) -> str:
        """The measure page showing the given page of its comment threads."""
        if page <= 1:
            return self.get_absolute_url()
        return f"{self.get_absolute_url()}?{COMMENTS_PAGE_PARAM}={page}"

    @property
    def is_recorded(self) -> bool:
        """Recorded by a facilitator on someone's behalf („erfasst von … im Auftrag von …“)."""
        return self.recorded_by_id is not None or (self.author_id is None and self.on_behalf_of)

    @property
    def on_behalf_of_label(self) -> str:
        return self.on_behalf_of or str(_("anonymous"))

    @property
    def is_open(self) -> bool:
        """Takes supports and comments."""
        return (
            not self.is_hidden
            and self.merged_into_id is None
            and (self.status not in CLOSED_STATUSES)
        )

    @property
    def has_responses(self) -> bool:
        """Someone supported or commented: the author can no longer edit it."""
        return self.support_count > 0 or self.comment_count > 0

    def supports_by_kind(self) -> dict[str, int]:
        return {
            ParticipantKind.CITIZEN: self.support_count_citizen,
            ParticipantKind.COMPANY: self.support_count_company,
            ParticipantKind.INSTITUTION: self.support_count_institution,
        }


class StatusChange(TimeStampedModel):
    """One step of a measure's public status timeline, with its reason."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(
        _("previous status"), max_length=20, choices=Status.choices, blank=True
    )
    to_status = models.CharField(_("new status"), max_length=20, choices=Status.choices)
    reason = models.TextField(_("public reason"), blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["measure", "created", "pk"]

    def __str__(self):
        return f"{self.measure}: {self.from_status} → {self.to_status}"


class Support(TimeStampedModel):
    """One participant supports one measure. The kind is kept as it was when they supported, and
    stays when the account is deleted (the support then counts anonymously)."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="supports"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("supporter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measure_supports",
    )
    kind = models.CharField(_("took part as"), max_length=20, choices=ParticipantKind.choices)

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            models.UniqueConstraint(fields=["measure", "user"], name="support_once_per_user")
        ]

    def __str__(self):
        return f"{self.user} → {self.measure}"


class CommentQuerySet(models.QuerySet):
    def counted(self):
        """The comments that `Measure.comment_count` counts: not deleted, not hidden."""
        return self.filter(is_deleted=False, is_hidden=False)

    def for_thread(self):
        return self.select_related("author").order_by("created", "pk")

    def threads(self):
        """The top-level comments, which start the threads, in the order the page shows them."""
        return self.filter(parent__isnull=True).order_by("created", "pk")

    def in_threads(self, root_ids):
        """Every comment of the threads that start with `root_ids` (three levels deep)."""
        return self.filter(
            Q(pk__in=root_ids) | Q(parent_id__in=root_ids) | Q(parent__parent_id__in=root_ids)
        )

    def with_thread_page(self):
        """Annotate `threads_before`: how many threads of the measure come before the comment's
        own thread, which gives the page of the measure's comments that shows it."""
        root_created = Coalesce("parent__parent__created", "parent__created", "created")
        root_id = Coalesce("parent__parent_id", "parent_id", "pk")
        before = (
            Comment.objects.filter(measure_id=OuterRef("measure_id"), parent__isnull=True)
            .filter(
                Q(created__lt=OuterRef("thread_created"))
                | Q(created=OuterRef("thread_created"), pk__lt=OuterRef("thread_id"))
            )
            .order_by()
            .values("measure_id")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return self.annotate(thread_created=root_created, thread_id=root_id).annotate(
            threads_before=Coalesce(Subquery(before), 0)
        )

    def moderation_queue(self):
        return (
            self.annotate(
                open_flag_count=models.Count("flags", filter=Q(flags__status=FlagStatus.OPEN))
            )
            .filter(open_flag_count__gt=0)
            .select_related("measure", "author")
            .order_by("-open_flag_count", "-pk")
        )


class Comment(TimeStampedModel):
    """A comment or reply. Three levels are shown (depth 0–2); a reply to a third-level comment
    attaches to that comment's parent and names the comment it answers in `reply_to`."""

    MAX_DEPTH = 2
    EDIT_WINDOW_MINUTES = 15
    # Threads (a top-level comment with its replies) per page of the measure page's comments.
    THREADS_PER_PAGE = 25

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent comment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    reply_to = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    depth = models.PositiveSmallIntegerField(_("depth"), default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measure_comments",
    )
    body = models.TextField(_("comment"))
    edited_at = models.DateTimeField(_("edited on"), null=True, blank=True)
    is_deleted = models.BooleanField(_("deleted"), default=False)
    is_hidden = models.BooleanField(_("hidden by moderation"), default=False)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created", "pk"]
        indexes = [models.Index(fields=["measure", "created"], name="comment_measure_created")]
        constraints = [
            models.CheckConstraint(condition=Q(depth__lte=2), name="comment_depth_max_2"),
            models.CheckConstraint(
                condition=Q(parent__isnull=True, depth=0) | Q(parent__isnull=False, depth__gt=0),
                name="comment_depth_matches_parent",
            ),
        ]

    def __str__(self):
        return f"{self.measure}: {self.body[:40]}"

    @property
    def district(self):
        return self.measure.district

    @property
    def anchor(self) -> str:
        return f"kommentar-{self.pk}"

    @property
    def thread_page(self) -> int:
        """The page of the measure's comments that shows this comment: the page of its thread.
        Read from `with_thread_page()` where a list annotated it, else asked in one query."""
        before = getattr(self, "threads_before", None)
        if before is None:
            before = (
                Comment.objects.filter(pk=self.pk)
                .with_thread_page()
                .values_list("threads_before", flat=True)
                .first()
            ) or 0
        return before // self.THREADS_PER_PAGE + 1

    def get_absolute_url(self):
        return f"{self.measure.comments_url(self.thread_page)}#{self.anchor}"

    def editable_until(self):
        return self.created + timezone.timedelta(minutes=self.EDIT_WINDOW_MINUTES)


class Follow(TimeStampedModel):
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="follows"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("follower"),
        on_delete=models.CASCADE,
        related_name="measure_follows",
    )

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["measure", "user"], name="follow_once_per_user")
        ]

    def __str__(self):
        return f"{self.user} → {self.measure}"


# --- Moderation -----------------------------------------------------------------------------------


class FlagStatus(models.TextChoices):
    OPEN = "open", _("open")
    DISMISSED = "dismissed", _("dismissed")
    ACTED = "acted", _("content hidden")


class Flag(DistrictOwned):
    """Someone reports a measure or a comment (exactly one of the two), once per person and item."""

    measure = models.ForeignKey(
        Measure,
        verbose_name=_("measure"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="flags",
    )
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("comment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="flags",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="measure_flags",
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    # Set when the hourly summary to the district's moderators has included this flag.
    notified_at = models.DateTimeField(_("moderators notified"), null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(measure__isnull=False, comment__isnull=True)
                | Q(measure__isnull=True, comment__isnull=False),
                name="flag_exactly_one_item",
            ),
            models.UniqueConstraint(
                fields=["user", "measure"],
                condition=Q(measure__isnull=False),
                name="flag_once_per_user_measure",
            ),
            models.UniqueConstraint(
                fields=["user", "comment"],
                condition=Q(comment__isnull=False),
                name="flag_once_per_user_comment",
            ),
        ]
        indexes = [models.Index(fields=["district", "status"], name="flag_district_status")]

    def __str__(self):
        return f"{self.item}: {self.reason[:40]}"

    @property
    def item(self):
        return self.measure if self.measure_id else self.comment


class ModerationActionKind(models.TextChoices):
    HIDE = "hide", _("hidden")
    RESTORE = "restore", _("restored")
    DISMISS = "dismiss", _("flags dismissed")
    BLOCK = "block", _("author blocked")
    UNBLOCK = "unblock", _("author unblocked")


class ModerationAction(DistrictOwned):
    """The log of moderation: who did what to which item or person, when and why."""

    kind = models.CharField(_("action"), max_length=10, choices=ModerationActionKind.choices)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderator"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), null=True, blank=True, on_delete=models.SET_NULL
    )
    comment = models.ForeignKey(
        Comment, verbose_name=_("comment"), null=True, blank=True, on_delete=models.SET_NULL
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("affected person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created:%Y-%m-%d %H:%M})"


class UserBlock(TimeStampedModel):
    """Marks a person blocked by moderation. Their account is inactive, so they cannot log in;
    only site admins lift a block (Django admin)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="measures_block",
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("blocked in district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    blocked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("blocked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("blocked person")
        verbose_name_plural = _("blocked people")

    def __str__(self):
        return str(self.user)


class ModerationSummary(DistrictOwned):
    """One summary mail of new flags to a district's moderators per hour; the unique hour is
    claimed in the same transaction that queues the mails, so a rerun sends nothing twice."""

    hour = models.DateTimeField(_("hour"))
    flag_count = models.PositiveIntegerField(_("flags"), default=0)

    class Meta:
        verbose_name = _("moderation summary")
        verbose_name_plural = _("moderation summaries")
        constraints = [
            models.UniqueConstraint(fields=["district", "hour"], name="moderationsummary_hour")
        ]


# --- Answers, merges ------------------------------------------------------------------------------


class AnswerTemplate(DistrictOwned):
    """A reusable official answer or status reason of a district."""

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))

    class Meta:
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")
        ordering = ["district", "title"]

    def __str__(self):
        return self.title


class MeasureMerge(DistrictOwned):
    """The log of a merge: which duplicate went into which measure, who did it, what moved."""

    duplicate = models.ForeignKey(
        Measure, verbose_name=_("duplicate"), on_delete=models.CASCADE, related_name="+"
    )
    target = models.ForeignKey(
        Measure, verbose_name=_("merged into"), on_delete=models.CASCADE, related_name="+"
    )
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True)
    moved_supports = models.PositiveIntegerField(_("supports moved"), default=0)
    dropped_supports = models.PositiveIntegerField(
        _("supports already given to the target"), default=0
    )
    moved_comments = models.PositiveIntegerField(_("comments moved"), default=0)
    moved_followers = models.PositiveIntegerField(_("followers moved"), default=0)

    class Meta:
        verbose_name = _("merge of measures")
        verbose_name_plural = _("merges of measures")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.duplicate_id} → {self.target_id}"


# --- Notifications --------------------------------------------------------------------------------


class NotificationFrequency(models.TextChoices):
    INSTANT = "instant", _("Immediately, one e-mail each")
    DAILY = "daily", _("Once a day, as a digest")
    OFF = "off", _("No e-mails")


class NotificationSettings(TimeStampedModel):
    """How a person wants to hear about measures they follow and replies to their comments.
    No row means the default, instant mails."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="measure_notification_settings",
    )
    frequency = models.CharField(
        _("e-mail notifications"),
        max_length=10,
        choices=NotificationFrequency.choices,
        default=NotificationFrequency.INSTANT,
    )

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")

    def __str__(self):
        return f"{self.user}: {self.frequency}"

    @classmethod
    def frequency_of(cls, user) -> str:
        row = cls.objects.filter(user=user).values_list("frequency", flat=True).first()
        return row or NotificationFrequency.INSTANT


class EventKind(models.TextChoices):
    STATUS_CHANGED = "status_changed", _("status changed")
    ANSWER_PUBLISHED = "answer_published", _("official answer published")
    COMMENT_REPLY = "comment_reply", _("reply to a comment")
    MERGED = "merged", _("merged into another measure")


class NotificationEvent(TimeStampedModel):
    """Something people are told about. Stored with the change that caused it; fanned out to
    mails and digest entries once, by `services.notification_dispatch` (after commit, and again
    by a periodic sweep if the broker was down)."""

    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="+"
    )
    status_change = models.ForeignKey(
        StatusChange, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    merge = models.ForeignKey(
        MeasureMerge, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # User ids fixed at the time of the event (e.g. supporters of a duplicate before the merge).
    recipient_ids = models.JSONField(_("recipients"), default=list, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification event")
        verbose_name_plural = _("notification events")
        indexes = [models.Index(fields=["dispatched_at", "created"], name="event_pending")]

    def __str__(self):
        return f"{self.kind}: {self.measure_id}"


class DigestRun(TimeStampedModel):
    """The one daily digest of one person on one day; claimed before its mail is queued."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE
    )
    day = models.DateField(_("day"))
    item_count = models.PositiveIntegerField(_("entries"), default=0)

    class Meta:
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digestrun_once_per_day")
        ]


class PendingNotification(TimeStampedModel):
    """An event waiting for a person's daily digest."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="pending_measure_notifications",
    )
    event = models.ForeignKey(NotificationEvent, verbose_name=_("event"), on_delete=models.CASCADE)
    digest = models.ForeignKey(
        DigestRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )

    class Meta:
        verbose_name = _("notification for the digest")
        verbose_name_plural = _("notifications for the digest")
        constraints = [
            models.UniqueConstraint(fields=["user", "event"], name="pending_once_per_event")
        ]


# --- Evaluation -----------------------------------------------------------------------------------
# Criteria, scores and tier thresholds; the writes are in `measures.evaluation_services`, the
# forms and reads of the evaluation pages in `measures.evaluation`.

SCORE_MIN = 0
SCORE_MAX = 5


class Criterion(DistrictOwned):
    """A Bewertungskriterium of a district, e.g. „zeitnahe Umsetzbarkeit“, with its weight."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("What evaluators should look at when they score this criterion."),
        validators=[MaxTextLengthValidator(2000)],
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=4,
        decimal_places=1,
        default=1,
        help_text=_("How much the criterion counts compared with the others, e.g. 1 or 2.5."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("evaluation criterion")
        verbose_name_plural = _("evaluation criteria")
        ordering = ["district", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.UniqueConstraint(fields=["district", "title"], name="criterion_unique_title"),
        ]

    def __str__(self):
        return self.title


class Score(TimeStampedModel):
    """One evaluator's score (0–5) of one measure against one criterion, with a comment."""

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="scores"
    )
    # A deleted account's scores keep counting, without a name.
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("evaluator"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="measure_scores",
    )
    value = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True, validators=[MaxTextLengthValidator(2000)])

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["measure", "criterion__position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=SCORE_MIN, value__lte=SCORE_MAX), name="score_value_0_to_5"
            ),
            models.UniqueConstraint(
                fields=["measure", "criterion", "evaluator"], name="score_once_per_evaluator"
            ),
        ]

    def __str__(self):
        return f"{self.measure_id} / {self.criterion}: {self.value}"


class TierThresholds(DistrictOwned):
    """From which score a measure is Premium+ or Premium; below both it is a „weitere Idee“."""

    DEFAULT_PREMIUM_PLUS_MIN = 4
    DEFAULT_PREMIUM_MIN = 3

    premium_plus_min = models.DecimalField(
        _("Premium+ from score"), max_digits=3, decimal_places=2, default=DEFAULT_PREMIUM_PLUS_MIN
    )
    premium_min = models.DecimalField(
        _("Premium from score"), max_digits=3, decimal_places=2, default=DEFAULT_PREMIUM_MIN
    )

    class Meta:
        verbose_name = _("tier thresholds")
        verbose_name_plural = _("tier thresholds")
        constraints = [
            models.UniqueConstraint(fields=["district"], name="tierthresholds_once_per_district"),
            models.CheckConstraint(
                condition=Q(premium_plus_min__gte=F("premium_min")),
                name="tierthresholds_premium_plus_above_premium",
            ),
            models.CheckConstraint(
                condition=Q(premium_min__gte=SCORE_MIN, premium_plus_min__lte=SCORE_MAX),
                name="tierthresholds_within_score_range",
            ),
        ]

    def __str__(self):
        return f"{self.district}: {self.premium_plus_min} / {self.premium_min}"

    @classmethod
    def of(cls, district: District) -> "TierThresholds":
        """The district's thresholds, or the defaults (unsaved) if it has set none."""
        return cls.objects.filter(district=district).first() or cls(district=district)

    def tier_for(self, score) -> str:
        if score is None:
            return ""
        if score >= self.premium_plus_min:
            return Tier.PREMIUM_PLUS
        if score >= self.premium_min:
            return Tier.PREMIUM
        return Tier.FURTHER


# --- Steckbrief: implementation tracking ----------------------------------------------------------


class SteckbriefQuerySet(models.QuerySet):
    def with_progress(self):
        """`milestone_count` and `milestones_done` from one aggregate, for lists."""
        return self.annotate(
            milestone_count=models.Count("milestones", distinct=True),
            milestones_done=models.Count(
                "milestones", filter=Q(milestones__is_done=True), distinct=True
            ),
        )


class Steckbrief(TimeStampedModel):
    """The project profile of a measure on its way to implementation."""

    measure = models.OneToOneField(
        Measure, verbose_name=_("measure"), on_delete=models.CASCADE, related_name="steckbrief"
    )
    responsible_body = models.CharField(
        _("responsible body"),
        max_length=300,
        blank=True,
        help_text=_("Who leads the implementation, e.g. the economic-development office."),
    )
    partners = models.TextField(
        _("partners (Markdown)"), blank=True, validators=[MaxTextLengthValidator(5_000)]
    )
    budget_estimate = models.CharField(
        _("budget estimate"), max_length=200, blank=True, help_text=_("E.g. „ca. 40.000 € p. a.“")
    )
    funding_programme = models.CharField(_("funding programme"), max_length=300, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    indicators = models.TextField(
        _("indicators (Markdown)"),
        blank=True,
        validators=[MaxTextLengthValidator(5_000)],
        help_text=_("How success is measured, e.g. users per month."),
    )

    objects = SteckbriefQuerySet.as_manager()

    class Meta:
        verbose_name = _("Steckbrief")
        verbose_name_plural = _("Steckbriefe")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gte=F("start")),
                name="steckbrief_end_not_before_start",
            )
        ]

    def __str__(self):
        return str(self.measure)

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError(
                {"end": _("The end cannot be before the start.")}, code="reversed"
            )

    @property
    def progress(self) -> int:
        """Per cent of milestones done (0 without milestones). Uses the annotation of
        `with_progress()` when present, else the (prefetched) milestones."""
        total = getattr(self, "milestone_count", None)
        if total is None:
            milestones = list(self.milestones.all())
            total, done = len(milestones), sum(m.is_done for m in milestones)
        else:
            done = self.milestones_done
        return round(100 * done / total) if total else 0


class Milestone(TimeStampedModel):
    """A step of a Steckbrief; when all are done the measure counts as implemented."""

    steckbrief = models.ForeignKey(
        Steckbrief,
        verbose_name=_("Steckbrief"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    title = models.CharField(_("milestone"), max_length=300)
    due_date = models.DateField(_("due"), null=True, blank=True)
    is_done = models.BooleanField(_("done"), default=False)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["steckbrief", "position", "pk"]

    def __str__(self):
        return self.title
