import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from strategy_portal.models import ActionField, District, ParticipantKind

from .models import ConsentText


def reject_control_characters(value: str) -> None:
    """Line breaks and other control characters have no place in a name (nor in a mail header)."""
    if any(unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} for char in value):
        raise forms.ValidationError(
            _("The name may not contain line breaks or other control characters."),
            code="control_characters",
        )


class TopicsField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.title


def topics_field(district: District) -> TopicsField:
    return TopicsField(
        label=_("Topics"),
        queryset=ActionField.objects.for_district(district),
        required=False,
        help_text=_(
            "Newsletters to all subscribers reach you in any case. Choose topics to also "
            "receive the issues about them."
        ),
    )


class SubscriptionForm(forms.Form):
    """The sign-up form of a district's newsletter. Signed-in users get it without the address:
    the address of their account is used."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        required=False,
        validators=[reject_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("Used only to address you in the newsletter."),
    )
    kind = forms.ChoiceField(
        label=_("I am interested as"),
        choices=ParticipantKind.choices,
        initial=ParticipantKind.CITIZEN,
        widget=forms.RadioSelect,
    )
    consent = forms.BooleanField(
        label=_("Yes, I agree to the consent text above."),
        error_messages={
            "required": _("Please agree to the consent text to subscribe to the newsletter.")
        },
    )

    def __init__(self, *args, district: District, consent_text: ConsentText, with_email=True, **kw):
        self.district = district
        self.consent_text = consent_text
        super().__init__(*args, **kw)
        if not with_email:
            del self.fields["email"]
        # Topics after name, before kind: the order in which the page asks.
        fields = list(self.fields.items())
        fields.insert(2 if with_email else 1, ("topics", topics_field(district)))
        self.fields = dict(fields)

    def clean(self):
        cleaned = super().clean()
        # The proof must name the text that was on the screen, and that must be the one in force.
        # The template sends its id along (`consent_version`).
        if cleaned.get("consent") and self.data.get("consent_version") != str(self.consent_text.pk):
            self.add_error(
                "consent",
                forms.ValidationError(
                    _("The consent text has changed meanwhile. Please read it again and agree."),
                    code="consent_changed",
                ),
            )
        return cleaned


class TopicsForm(forms.Form):
    """Change the topics of a subscription (on the page behind the unsubscribe link)."""

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"] = topics_field(district)
