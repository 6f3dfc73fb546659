from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ConsentText, Delivery, Newsletter, Subscription


@admin.register(ConsentText)
class ConsentTextAdmin(admin.ModelAdmin):
    list_display = ["__str__", "district", "version", "created"]
    list_filter = ["district"]

    def get_readonly_fields(self, request, obj=None):
        # What someone agreed to is never rewritten: publish a new version instead.
        if obj is not None and obj.subscriptions.exists():
            return ["district", "version", "text"]
        return []


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "district", "status", "requested_at", "confirmed_at"]
    list_filter = ["status", "district", "source"]
    search_fields = ["email", "name"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["topics"]
    # The proof of consent is recorded by the code, never typed in.
    readonly_fields = [
        "requested_at",
        "confirmed_at",
        "unsubscribed_at",
        "consent_text",
        "source",
        "source_path",
        "request_ip",
        "confirm_ip",
        "confirmation_sent_at",
        "manage_token",
        "confirmation_key",
    ]
    fieldsets = [
        (None, {"fields": ["district", "email", "name", "kind", "topics", "user", "status"]}),
        (
            _("Proof of consent"),
            {
                "fields": [
                    "requested_at",
                    "confirmed_at",
                    "unsubscribed_at",
                    "consent_text",
                    "source",
                    "source_path",
                    "request_ip",
                    "confirm_ip",
                ]
            },
        ),
        (
            _("Sending"),
            {
                "fields": [
                    "confirmation_sent_at",
                    "delivery_problem",
                    "delivery_problem_at",
                    "manage_token",
                    "confirmation_key",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        # Subscriptions come from the double opt-in only.
        return False


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    """For site admins; districts compose and send in their workspace."""

    list_display = ["subject", "district", "status", "scheduled_for", "finished_at", "sent_count"]
    list_filter = ["status", "district"]
    search_fields = ["subject"]
    readonly_fields = [
        "status",
        "started_at",
        "finished_at",
        "created_by",
        "origin",
        "recipient_count",
        "sent_count",
        "failed_count",
        "skipped_count",
    ]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The record of what was sent: read-only; the send writes it."""

    list_display = ["email", "newsletter", "status", "attempts", "sent_at"]
    list_filter = ["status", "newsletter__district"]
    search_fields = ["email", "message_id"]
    list_select_related = ["newsletter"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
