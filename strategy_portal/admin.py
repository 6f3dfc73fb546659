from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _

from .easy_language import EasyLanguageFormMixin
from .models import ActionField, District, Membership, OutgoingEmail, SiteProfile, User
from .uploads import ReplacedFilesCleanupMixin


class OwnerAdminForm(ReplacedFilesCleanupMixin, EasyLanguageFormMixin, forms.ModelForm):
    """District and site profile: the standard easy-language text, no orphaned uploads."""


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "kind", "organisation_name", "is_staff", "is_active"]
    list_filter = ["kind", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "display_name", "organisation_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Participant"),
            {
                "fields": [
                    "display_name",
                    "kind",
                    "organisation_name",
                    "sector",
                    "company_size",
                    "institution_type",
                ]
            },
        ),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


class ActionFieldInline(admin.TabularInline):
    model = ActionField
    extra = 1
    prepopulated_fields = {"slug": ["title"]}


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    form = OwnerAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "slug", "kind", "state", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, ActionFieldInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "district", "role", "organisation"]
    list_filter = ["role", "district"]
    search_fields = ["user__email", "district__name"]
    autocomplete_fields = ["user", "district"]


@admin.register(SiteProfile)
class SiteProfileAdmin(admin.ModelAdmin):
    form = OwnerAdminForm

    def has_add_permission(self, request):
        return not SiteProfile.objects.exists()


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "status", "attempts", "created", "sent_at"]
    list_filter = ["status"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]

    def has_add_permission(self, request):
        return False
