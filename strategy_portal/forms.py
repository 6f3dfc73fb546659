"""Forms of the ground floor, and the renderer that draws every form in KERN UX markup."""

import re

from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.db.models import Q
from django.forms import Script
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .adapters import address_taken
from .easy_language import EasyLanguageFormMixin
from .models import (
    KIND_SPECIFIC_FIELDS,
    PARTICIPANT_KIND_FIELDS,
    District,
    Membership,
    ParticipantKind,
    Role,
    User,
)
from .uploads import ReplacedFilesCleanupMixin


def kern_widget_class(widget, has_errors: bool) -> str:
    # CheckboxSelectMultiple is a subclass of RadioSelect: it must be asked first.
    if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
        base = "kern-form-check__checkbox"
    elif isinstance(widget, forms.RadioSelect):
        base = "kern-form-check__radio"
    elif isinstance(widget, forms.Select):
        base = "kern-form-input__select"
    else:
        base = "kern-form-input__input"
    return f"{base} {base}--error" if has_errors else base


class KernBoundField(BoundField):
    """Adds KERN classes and ties hint and error text to the input (aria-describedby)."""

    @property
    def widget_type(self):
        # A project's subclass of a built-in widget is drawn like the built-in one.
        for widget_class in type(self.field.widget).__mro__:
            if widget_class.__module__ == "django.forms.widgets":
                return re.sub(r"widget$|input$", "", widget_class.__name__.lower())
        return super().widget_type

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        css = kern_widget_class(widget, bool(self.errors))
        attrs["class"] = f"{attrs.get('class', '')} {css}".strip()
        if self.auto_id and "aria-describedby" not in widget.attrs:
            described = []
            if self.help_text:
                described.append(f"{self.auto_id}_helptext")
            if self.errors:
                described.append(f"{self.auto_id}_error")
            if described:
                attrs["aria-describedby"] = " ".join(described)
            else:
                attrs.pop("aria-describedby", None)
        if self.errors:
            attrs["aria-invalid"] = "true"
        return attrs


class KernFormRenderer(TemplatesSetting):
    """Every Django form on the site (allauth's included) renders through these templates."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = KernBoundField


PARTICIPANT_FIELDS = [
    "kind",
    "display_name",
    "organisation_name",
    "sector",
    "company_size",
    "institution_type",
]


# What a participant of a kind is told when one of the kind's fields is missing.
MISSING_FIELD_MESSAGES = {
    ParticipantKind.COMPANY: {
        "organisation_name": _("Please enter the name of your company."),
        "sector": _("Please choose the sector of your company."),
        "company_size": _("Please choose the size of your company."),
    },
    ParticipantKind.INSTITUTION: {
        "organisation_name": _("Please enter the name of your institution."),
        "institution_type": _("Please choose the type of your institution."),
    },
}


class ParticipantFieldsMixin:
    """Who a participant speaks for: the fields of `PARTICIPANT_KIND_FIELDS` for the chosen kind
    are required; the others are cleared rather than kept hidden."""

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind not in PARTICIPANT_KIND_FIELDS:
            return cleaned  # the kind field carries its own error
        own = PARTICIPANT_KIND_FIELDS[kind]
        for field in own:
            if not cleaned.get(field):
                self.add_error(field, MISSING_FIELD_MESSAGES[kind][field])
        for field in KIND_SPECIFIC_FIELDS:
            if field not in own:
                cleaned[field] = ""
        return cleaned


class ParticipantKindSelect(forms.RadioSelect):
    """The kinds as radio buttons; each names the fields it needs (`data-fields`), from which
    participant-kind.js shows only those. Without JavaScript every field stays visible."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"]["data-fields"] = " ".join(PARTICIPANT_KIND_FIELDS.get(str(value), ()))
        return option

    @property
    def media(self):
        return forms.Media(js=[Script("js/participant-kind.js", defer=True)])


def _participant_form_fields():
    fields = forms.fields_for_model(User, fields=PARTICIPANT_FIELDS)
    fields["kind"].widget = ParticipantKindSelect(choices=ParticipantKind.choices)
    for name in ("sector", "company_size", "institution_type"):
        fields[name].choices = [("", _("Please choose")), *fields[name].choices[1:]]
    conditional = {
        "organisation_name": _("Required for companies and institutions."),
        "sector": _("Required for companies."),
        "company_size": _("Required for companies."),
        "institution_type": _("Required for institutions."),
    }
    for name, help_text in conditional.items():
        fields[name].help_text = help_text
        # Not "optional": ParticipantFieldsMixin requires them for the kinds they belong to.
        fields[name].conditionally_required = True
    return fields


class SignupForm(ParticipantFieldsMixin, AllauthSignupForm):
    """allauth's sign-up (e-mail and password) plus who the participant speaks for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_participant_form_fields())
        self.fields["email"].label = _("E-mail address")
        self.fields["email"].widget.attrs.pop("placeholder", None)
        for name in ("password1", "password2"):
            self.fields[name].widget.attrs.pop("placeholder", None)
        self.fields["password1"].label = _("Password")
        self.fields["password2"].label = _("Password (again)")
        self.fields[
            "password1"
        ].help_text = password_validation.password_validators_help_text_html()
        self.fields["privacy_consent"] = forms.BooleanField(
            label=_("I have read the privacy policy and agree that my details are processed."),
            error_messages={"required": _("Please agree to the privacy policy to sign up.")},
            help_text=format_html(
                '<a class="kern-link" href="{}">{}</a>',
                reverse("site_privacy_policy"),
                _("Read the privacy policy"),
            ),
        )

    def validate_unique_email(self, value):
        # Only an account's own address makes this a sign-up with a taken address; someone else's
        # unconfirmed claim of it does not (see adapters.py).
        self.account_already_exists = address_taken(value)
        return get_adapter().validate_unique_email(value)

    def try_save(self, request):
        if self.account_already_exists:
            # As costly as creating the account, so the answer's timing does not tell that the
            # address is registered.
            make_password(self.cleaned_data.get("password1"))
        return super().try_save(request)

    def custom_signup(self, request, user):
        for name in PARTICIPANT_FIELDS:
            setattr(user, name, self.cleaned_data.get(name, ""))
        user.save(update_fields=PARTICIPANT_FIELDS)


class ProfileForm(ParticipantFieldsMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = PARTICIPANT_FIELDS
        widgets = {"kind": ParticipantKindSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_participant_form_fields())


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account is deleted and cannot be restored."),
        error_messages={"required": _("Please confirm that you want to delete your account.")},
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."), code="password")
        return password


class DistrictSettingsForm(ReplacedFilesCleanupMixin, EasyLanguageFormMixin, forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = District
        fields = [
            "name",
            "tagline",
            "theme_colour",
            "logo",
            "logo_alt",
            "contact_name",
            "contact_email",
            "contact_phone",
            "contact_address",
            "website",
            "newsletter_sender_name",
            "newsletter_sender_email",
            "imprint",
            "privacy_policy",
            "accessibility_statement",
            "easy_language",
            "sign_language_video",
            "sign_language_video_description",
        ]
        widgets = {
            "theme_colour": forms.TextInput(attrs={"type": "color"}),
            "contact_address": forms.Textarea(attrs={"rows": 3}),
            "imprint": forms.Textarea(attrs={"rows": 10}),
            "privacy_policy": forms.Textarea(attrs={"rows": 10}),
            "accessibility_statement": forms.Textarea(attrs={"rows": 10}),
            "easy_language": forms.Textarea(attrs={"rows": 20}),
            "sign_language_video_description": forms.Textarea(attrs={"rows": 5}),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("logo") and not cleaned.get("logo_alt"):
            self.add_error("logo_alt", _("Please describe the logo for people who cannot see it."))
        return cleaned


class InvitationForm(forms.Form):
    """Invite a person into a district's team. Whether the address has an account is neither
    checked nor told: the person accepts (and signs up, if need be) through the mailed link."""

    email = forms.EmailField(
        label=_("E-mail address of the person"),
        help_text=_(
            "The person receives an invitation by e-mail and joins the team once they accept it. "
            "Without an account they can sign up with this address."
        ),
    )
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.FACILITATOR)
    organisation = forms.CharField(
        label=_("Organisation"),
        required=False,
        max_length=200,
        help_text=_("E.g. the consultancy or the economic-development office."),
    )

    def __init__(self, *args, district, **kwargs):
        self.district = district
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"]
        # The team page lists its members anyway: saying so tells nothing new.
        if Membership.objects.filter(
            Q(user__email__iexact=email)
            | Q(user__emailaddress__email__iexact=email, user__emailaddress__verified=True),
            district=self.district,
        ).exists():
            raise forms.ValidationError(
                _("This person already belongs to the team of %(district)s."),
                code="exists",
                params={"district": self.district.name},
            )
        return email


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
