"""Small helpers shared by the tests (fixtures live in tests/conftest.py)."""

from django.utils import translation
from django.utils.translation import gettext


def de(msgid: str) -> str:
    """The German text the site shows for an (English) msgid of the project or of allauth; fails
    if no German catalogue translates it."""
    with translation.override("de"):
        text = gettext(msgid)
    assert text != msgid, f"locale/de has no German text for {msgid!r}"
    return text
