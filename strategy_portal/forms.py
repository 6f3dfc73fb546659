"""Forms of the ground floor, and the renderer that draws every form in KERN UX markup."""

from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.hashers import make_password
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .adapters import address_taken
from .models import (
    District,
    Membership,
    ParticipantKind,
    Role,
    User,
)


def kern_widget_class(widget, has_errors: bool) -> str:
    if isinstance(widget, forms.CheckboxInput):
        base = "kern-form-check__checkbox"
    elif isinstance(widget, forms.RadioSelect):
        base = "kern-form-check__radio"
    elif isinstance(widget, forms.CheckboxSelectMultiple):
        base = "kern-form-check__checkbox"
    elif isinstance(widget, forms.Select):
        base = "kern-form-input__select"
    else:
        base = "kern-form-input__input"
    return f"{base} {base}--error" if has_errors else base


class KernBoundField(BoundField):
    """Adds KERN classes and ties hint and error text to the input (aria-describedby)."""

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


class ParticipantFieldsMixin:
    """Who a participant speaks for: a company needs name, sector and size; an institution name
    and type. Fields that do not apply to the chosen kind are cleared rather than kept hidden."""

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        required = {
            ParticipantKind.COMPANY: {
                "organisation_name": _("Please enter the name of your company."),
                "sector": _("Please choose the sector of your company."),
                "company_size": _("Please choose the size of your company."),
            },
            ParticipantKind.INSTITUTION: {
                "organisation_name": _("Please enter the name of your institution."),
                "institution_type": _("Please choose the type of your institution."),
            },
        }.get(kind, {})
        for field, message in required.items():
            if not cleaned.get(field):
                self.add_error(field, message)
        if kind == ParticipantKind.CITIZEN:
            for field in ("organisation_name", "sector", "company_size", "institution_type"):
                cleaned[field] = ""
        elif kind == ParticipantKind.COMPANY:
            cleaned["institution_type"] = ""
        elif kind == ParticipantKind.INSTITUTION:
            cleaned["sector"] = cleaned["company_size"] = ""
        return cleaned


def _participant_form_fields():
    fields = forms.fields_for_model(User, fields=PARTICIPANT_FIELDS)
    fields["kind"].widget = forms.RadioSelect(choices=ParticipantKind.choices)
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
        widgets = {"kind": forms.RadioSelect}

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

    def clean(self):
        cleaned = super().clean()
        sole = District.objects.sole_admin_of(self.user)
        if sole:
            raise forms.ValidationError(
                _(
                    "You are the only administrator of %(districts)s. Please make another person "
                    "administrator in the team settings first, so that the district is not left "
                    "without one."
                ),
                code="sole_admin",
                params={"districts": ", ".join(d.name for d in sole)},
            )
        return cleaned


class DistrictSettingsForm(forms.ModelForm):
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
        ]
        widgets = {
            "theme_colour": forms.TextInput(attrs={"type": "color"}),
            "contact_address": forms.Textarea(attrs={"rows": 3}),
            "imprint": forms.Textarea(attrs={"rows": 10}),
            "privacy_policy": forms.Textarea(attrs={"rows": 10}),
            "accessibility_statement": forms.Textarea(attrs={"rows": 10}),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("logo") and not cleaned.get("logo_alt"):
            self.add_error("logo_alt", _("Please describe the logo for people who cannot see it."))
        return cleaned


class MembershipAddForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address of the person"),
        help_text=_("The person needs a confirmed account on the platform."),
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
        user = (
            User.objects.filter(email__iexact=email, is_active=True)
            .filter(emailaddress__verified=True)
            .first()
        )
        if user is None:
            raise forms.ValidationError(
                _(
                    "There is no confirmed account with this address. Ask the person to sign up "
                    "first."
                ),
                code="unknown",
            )
        if Membership.objects.filter(user=user, district=self.district).exists():
            raise forms.ValidationError(
                _("This person already belongs to the team of %(district)s."),
                code="exists",
                params={"district": self.district.name},
            )
        self.user = user
        return email
