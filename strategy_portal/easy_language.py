"""The explanation in Leichte Sprache (BITV 2.0 § 4) of a district or of the whole site.

Every district and the site start with a standard text, written in Leichte Sprache: what the site
offers, how to find one's way, the accessibility statement, whom to ask. It is built from the
current name and contact details, so it stays right until somebody writes their own text; a form
shows it for editing, and saving it unchanged keeps following the standard.
"""

from django.template.loader import render_to_string
from django.urls import reverse

from .models import District, SiteProfile

SITE_NAME = "Strategieportal"


def default_text(owner: District | SiteProfile) -> str:
    """The standard explanation in Leichte Sprache (Markdown) for a district or the site."""
    if isinstance(owner, District):
        if not owner.slug:
            return ""  # a district that is being created has no addresses yet
        context = {
            "district": owner,
            "accessibility_url": reverse("accessibility_statement", args=[owner.slug]),
            "imprint_url": reverse("imprint", args=[owner.slug]),
        }
        template = "strategy_portal/easy_language/district.md"
    else:
        context = {
            "profile": owner,
            "site_name": SITE_NAME,
            "accessibility_url": reverse("site_accessibility_statement"),
            "imprint_url": reverse("site_imprint"),
        }
        template = "strategy_portal/easy_language/site.md"
    return render_to_string(template, context).strip() + "\n"


def page_text(owner: District | SiteProfile) -> str:
    return owner.easy_language or default_text(owner)


def _normalised(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().splitlines())


class EasyLanguageFormMixin:
    """For a ModelForm with `easy_language`: the field starts with the standard text, and a text
    saved unchanged is stored empty, so that it keeps following the standard."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "easy_language" in self.fields and not self.instance.easy_language:
            self.initial["easy_language"] = default_text(self.instance)

    def clean_easy_language(self):
        text = self.cleaned_data.get("easy_language", "")
        if _normalised(text) == _normalised(default_text(self.instance)):
            return ""
        return text
