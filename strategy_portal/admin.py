from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import services
from .easy_language import EasyLanguageFormMixin
from .models import (
    ActionField,
    District,
    Invitation,
    Membership,
    Mission,
    OutgoingEmail,
    Phase,
    ProjectGoal,
    Role,
    SiteProfile,
    Strategy,
    StrategyValue,
    User,
)
from .uploads import ReplacedFilesCleanupMixin


class TeamRuleAdminMixin:
    """A change that would leave a district without its last administrator is refused with a
    message, also when it is only found under the team lock (two site admins at once)."""

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except services.LastAdminError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


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

    # Deleting an account here is the same erasure as on the person's own data page.
    def delete_model(self, request, obj):
        services.account_delete(user=obj)

    def delete_queryset(self, request, queryset):
        for user in queryset:
            services.account_delete(user=user)


class MembershipInlineFormSet(BaseInlineFormSet):
    """The team of a district as one form: the change as a whole must leave an administrator."""

    def team_change(self) -> tuple[list[int], int]:
        """(ids of memberships that stop being administrators, number of new administrators)."""
        leaving, joining = [], 0
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data:
                continue
            existing = form.instance.pk is not None
            deleted = self.can_delete and self._should_delete_form(form)
            is_admin = form.cleaned_data.get("role") == Role.ADMIN
            was_admin = existing and form.initial.get("role") == Role.ADMIN
            if existing and (deleted or not is_admin):
                leaving.append(form.instance.pk)
            elif is_admin and not deleted and not was_admin:
                joining += 1
        return leaving, joining

    def clean(self):
        super().clean()
        if self.instance.pk is None or any(self.errors):
            return
        leaving, joining = self.team_change()
        try:
            services.check_admin_remains(district=self.instance, leaving=leaving, joining=joining)
        except services.LastAdminError as error:
            raise ValidationError(error.message, code="last_admin") from error


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipInlineFormSet
    extra = 1
    autocomplete_fields = ["user"]


class ActionFieldInline(admin.TabularInline):
    model = ActionField
    extra = 1
    prepopulated_fields = {"slug": ["title"]}


@admin.register(District)
class DistrictAdmin(TeamRuleAdminMixin, admin.ModelAdmin):
    form = OwnerAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["name", "slug", "kind", "state", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, ActionFieldInline]

    def save_formset(self, request, form, formset, change):
        if isinstance(formset, MembershipInlineFormSet) and change:
            leaving, joining = formset.team_change()
            services.team_change(
                district=form.instance, leaving=leaving, joining=joining, apply=formset.save
            )
        else:
            super().save_formset(request, form, formset, change)


class MembershipAdminForm(ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "district", "role", "organisation"]

    def team_change(self) -> tuple[District | None, list[int]]:
        """(the district a membership leaves as administrator, [its id]) or (None, [])."""
        if self.instance.pk is None or self.initial.get("role") != Role.ADMIN:
            return None, []
        district = District.objects.get(pk=self.initial["district"])
        new_district = self.cleaned_data.get("district")
        if self.cleaned_data.get("role") != Role.ADMIN or new_district != district:
            return district, [self.instance.pk]
        return None, []

    def clean(self):
        cleaned = super().clean()
        district, leaving = self.team_change()
        if district is not None:
            try:
                services.check_admin_remains(district=district, leaving=leaving)
            except services.LastAdminError as error:
                raise ValidationError(error.message, code="last_admin") from error
        return cleaned


@admin.action(permissions=["delete"], description=delete_selected.short_description)
def delete_selected_memberships(modeladmin, request, queryset):
    """Django's "delete selected", refused up front when it would take a last administrator."""
    try:
        services.check_memberships_removable(memberships=queryset.select_related("district"))
    except services.LastAdminError as error:
        modeladmin.message_user(request, error.message, messages.ERROR)
        return None
    return delete_selected(modeladmin, request, queryset)


delete_selected_memberships.__name__ = "delete_selected"


@admin.register(Membership)
class MembershipAdmin(TeamRuleAdminMixin, admin.ModelAdmin):
    form = MembershipAdminForm
    actions = [delete_selected_memberships]
    list_display = ["user", "district", "role", "organisation"]
    list_filter = ["role", "district"]
    search_fields = ["user__email", "district__name"]
    autocomplete_fields = ["user", "district"]

    def save_model(self, request, obj, form, change):
        district, leaving = form.team_change()
        if district is None:
            obj.save()
        else:
            services.team_change(district=district, leaving=leaving, apply=obj.save)

    def delete_view(self, request, object_id, extra_context=None):
        membership = self.get_object(request, unquote(object_id))
        if membership is not None:
            try:
                services.check_memberships_removable(memberships=[membership])
            except services.LastAdminError as error:
                self.message_user(request, error.message, messages.ERROR)
                return HttpResponseRedirect(
                    reverse("admin:strategy_portal_membership_change", args=[membership.pk])
                )
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        services.membership_remove(membership=obj)

    def delete_queryset(self, request, queryset):
        services.memberships_remove(memberships=queryset.select_related("district"))


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Invitations are sent from a district's team page; here they can be looked at or
    withdrawn (deleted)."""

    list_display = [
        "email",
        "district",
        "role",
        "invited_by",
        "created",
        "expires_at",
        "status_label",
    ]
    list_filter = ["role", "district"]
    search_fields = ["email", "district__name"]
    readonly_fields = [
        "district",
        "email",
        "role",
        "organisation",
        "invited_by",
        "expires_at",
        "accepted_at",
        "declined_at",
        "created",
    ]
    exclude = ["token_hash"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("status"))
    def status_label(self, obj):
        return obj.status.label


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


# --- The strategy's structure and the phases (district admins edit them in the workspace) ---------


class StrategyValueInline(admin.TabularInline):
    model = StrategyValue
    extra = 0


class ProjectGoalInline(admin.TabularInline):
    model = ProjectGoal
    extra = 0


@admin.register(Strategy)
class StrategyAdmin(admin.ModelAdmin):
    list_display = ["title", "district", "version", "as_of", "is_current"]
    list_filter = ["district", "is_current"]
    inlines = [StrategyValueInline, ProjectGoalInline]


@admin.register(Mission)
class MissionAdmin(admin.ModelAdmin):
    list_display = ["title", "action_field", "district", "position"]
    list_filter = ["district"]
    list_select_related = ["action_field", "district"]


@admin.register(Phase)
class PhaseAdmin(admin.ModelAdmin):
    list_display = ["kind", "district", "start", "end", "opened_signal_sent_at"]
    list_filter = ["district", "kind"]
    readonly_fields = ["opened_signal_sent_at"]
