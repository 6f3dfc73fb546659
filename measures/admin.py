"""Django admin for site admins. Counters are read-only here: they are kept by the services and
rebuilt with `manage.py recount_measures`."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import (
    AnswerTemplate,
    Comment,
    DigestRun,
    Flag,
    Measure,
    MeasureMerge,
    Milestone,
    ModerationAction,
    NotificationEvent,
    NotificationSettings,
    StatusChange,
    Steckbrief,
    Support,
    UserBlock,
)

COUNTERS = [
    "support_count",
    "support_count_citizen",
    "support_count_company",
    "support_count_institution",
    "comment_count",
    "follower_count",
]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    fields = ["created", "from_status", "to_status", "reason", "changed_by"]
    readonly_fields = fields
    can_delete = False


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["title", "district", "status", "tier", "origin", "support_count", "is_hidden"]
    list_filter = ["district", "status", "tier", "origin", "is_hidden"]
    search_fields = ["title", "description"]
    raw_id_fields = ["author", "recorded_by", "answered_by", "merged_into", "action_field"]
    readonly_fields = [*COUNTERS, "created", "modified"]
    inlines = [StatusChangeInline]
    actions = ["recount"]

    @admin.action(description=_("Recount supports, comments and followers"))
    def recount(self, request, queryset):
        count = services.recount(measure_ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%d measure recounted.", "%d measures recounted.", count) % count,
            messages.SUCCESS,
        )


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "author", "created", "is_deleted", "is_hidden"]
    list_filter = ["is_deleted", "is_hidden", "measure__district"]
    search_fields = ["body"]
    raw_id_fields = ["measure", "parent", "reply_to", "author"]


@admin.register(Support)
class SupportAdmin(admin.ModelAdmin):
    list_display = ["measure", "user", "kind", "created"]
    list_filter = ["kind"]
    raw_id_fields = ["measure", "user"]


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ["__str__", "district", "status", "user", "created"]
    list_filter = ["district", "status"]
    raw_id_fields = ["measure", "comment", "user"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Logs: readable, never changed by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModerationAction)
class ModerationActionAdmin(ReadOnlyAdmin):
    list_display = ["created", "district", "kind", "moderator", "target_user", "reason"]
    list_filter = ["district", "kind"]


@admin.register(MeasureMerge)
class MeasureMergeAdmin(ReadOnlyAdmin):
    list_display = ["created", "district", "duplicate", "target", "merged_by", "moved_supports"]
    list_filter = ["district"]


@admin.register(NotificationEvent)
class NotificationEventAdmin(ReadOnlyAdmin):
    list_display = ["created", "kind", "measure", "dispatched_at"]
    list_filter = ["kind"]


@admin.register(DigestRun)
class DigestRunAdmin(ReadOnlyAdmin):
    list_display = ["day", "user", "item_count"]


@admin.register(AnswerTemplate)
class AnswerTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "district"]
    list_filter = ["district"]


@admin.register(NotificationSettings)
class NotificationSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "frequency"]
    list_filter = ["frequency"]
    raw_id_fields = ["user"]


@admin.register(UserBlock)
class UserBlockAdmin(admin.ModelAdmin):
    """Blocks are made in a district's moderation queue; here a site admin lifts them."""

    list_display = ["user", "district", "blocked_by", "created", "reason"]
    raw_id_fields = ["user", "blocked_by"]
    actions = ["unblock"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting the row alone would leave the account inactive; use the action.
        return False

    @admin.action(description=_("Unblock: let these people log in again"))
    def unblock(self, request, queryset):
        count = 0
        for block in queryset.select_related("user"):
            if services.unblock_author(admin=request.user, user=block.user):
                count += 1
        self.message_user(
            request,
            ngettext("%d person unblocked.", "%d people unblocked.", count) % count,
            messages.SUCCESS,
        )


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(Steckbrief)
class SteckbriefAdmin(admin.ModelAdmin):
    """Edited by the district's team on the Steckbrief page, where the status follows the
    milestones; here only for the record."""

    list_display = ["measure", "responsible_body", "start", "end"]
    list_select_related = ["measure"]
    raw_id_fields = ["measure"]
    inlines = [MilestoneInline]
