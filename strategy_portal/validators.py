"""Limits for text that people write into the site.

Django's `TextField(max_length=…)` limits only the form, so every long text field carries
`MaxTextLengthValidator` instead: model validation runs it in every ModelForm (the district
settings, the Django admin, the apps' forms) and in `full_clean()`. The limits are generous for
what the text is for and small enough that no page becomes a multi-megabyte download.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

# Imprint, privacy policy, accessibility statement, the easy-language page: long legal texts.
LONG_TEXT_MAX_LENGTH = 50_000
# Summaries, descriptions of a picture or a video: a few paragraphs.
MEDIUM_TEXT_MAX_LENGTH = 5_000
# A postal address, a short note.
SHORT_TEXT_MAX_LENGTH = 500


@deconstructible
class MaxTextLengthValidator(MaxLengthValidator):
    """At most `limit_value` characters, with a message that gives both numbers (as „50.000“)."""

    message = _(
        "This text is too long: it has %(show_value)s characters, at most %(limit_value)s are "
        "allowed. Please shorten it."
    )

    def __call__(self, value):
        length = len(value or "")
        if length > self.limit_value:
            raise ValidationError(
                self.message,
                code=self.code,
                params={
                    "limit_value": number_format(self.limit_value, force_grouping=True),
                    "show_value": number_format(length, force_grouping=True),
                },
            )
