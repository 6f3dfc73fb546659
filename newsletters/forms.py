import unicodedata

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from strategy_portal.models import ActionField, District, ParticipantKind

from .models import ConsentText, Newsletter, NewsletterStatus


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


# --- Composing ------------------------------------------------------------------------------------


def recipient_choices(district: District) -> list:
    """One select field for every segment, grouped: `key` or `key:value`. Works without
    JavaScript; htmx only updates the count beside it."""
    from .segments import all_segments

    choices = []
    for segment in all_segments():
        if segment.choices is None:
            choices.append((segment.key, segment.label))
        else:
            options = [
                (f"{segment.key}:{value}", label) for value, label in segment.choices(district)
            ]
            if options:
                choices.append((segment.label, options))
    return choices


class NewsletterForm(forms.ModelForm):
    recipients = forms.ChoiceField(label=_("Recipients"))

    class Meta:
        model = Newsletter
        fields = ["subject", "preheader", "body", "image", "image_alt"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}
        help_texts = {
            "body": _(
                "Markdown: **bold**, *italic*, lists with “-”, links as [text](https://…), "
                "headings with “##”."
            ),
        }

    def __init__(self, *args, district: District, **kwargs):
        super().__init__(*args, **kwargs)
        self.district = district
        self.fields["recipients"].choices = recipient_choices(district)
        instance = self.instance
        if instance.pk:
            self.initial["recipients"] = (
                f"{instance.segment}:{instance.segment_value}"
                if instance.segment_value
                else instance.segment
            )

    def clean(self):
        data = super().clean()
        image = data.get("image")
        if image and not data.get("image_alt", "").strip():
            self.add_error(
                "image_alt",
                _("Please describe the image for people who cannot see it."),
            )
        return data

    def save(self, commit=True):
        segment, _sep, value = self.cleaned_data["recipients"].partition(":")
        self.instance.segment = segment
        self.instance.segment_value = value
        self.instance.district = self.district
        if self.instance.status == NewsletterStatus.CANCELLED:
            self.instance.status = NewsletterStatus.DRAFT
        return super().save(commit)


class ScheduleForm(forms.Form):
    """Send now, or at a date and time (in the site's time zone)."""

    when = forms.DateTimeField(
        label=_("Send at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        help_text=_("Leave empty and choose “Send now” to send at once."),
    )
    mode = forms.ChoiceField(
        choices=[("now", "now"), ("schedule", "schedule")], widget=forms.HiddenInput
    )

    def clean(self):
        data = super().clean()
        if data.get("mode") == "schedule":
            when = data.get("when")
            if when is None:
                self.add_error("when", _("Please enter the date and time of sending."))
            elif when <= timezone.now():
                self.add_error(
                    "when", _("The time of sending lies in the past. Please choose a later time.")
                )
        return data
