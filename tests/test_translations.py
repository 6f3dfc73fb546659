"""Message catalogues: German complete and well-formed, .mo files current, both languages served.

German is the language users see (LANGUAGE_CODE "de"); English msgids double as the English
interface, so the English catalogue may stay empty but must compile.

django-allauth's own German catalogue addresses people informally ("Du hast bereits ein Konto?").
locale/_allauth/de holds Sie-form overrides of the strings on the account pages and in its mails;
makemessages does not touch it, so it is maintained by hand and checked here against allauth.
"""

import re
from collections import Counter
from pathlib import Path

import allauth
import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"
ALLAUTH_OVERRIDES = LOCALE / "_allauth"
# (locale directory, language) of every catalogue kept in the repository.
CATALOGUES = [(LOCALE, "de"), (LOCALE, "en"), (ALLAUTH_OVERRIDES, "de")]
CATALOGUE_IDS = ["de", "en", "allauth-de"]
GERMAN_CATALOGUES = [(LOCALE, "de"), (ALLAUTH_OVERRIDES, "de")]
GERMAN_IDS = ["de", "allauth-de"]

PLACEHOLDER = re.compile(r"%\((\w+)\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|%[ds]|\{\w+\}")
HTML_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)[^>]*>")
# Generic masculine or feminine-only forms of person nouns; the gender star is used instead.
UNSTARRED_PERSON = re.compile(
    r"\b(?:Bürger|Teilnehmer|Moderator|Administrator|Nutzer|Benutzer|Empfänger|Absender|"
    r"Betreiber|Mitarbeiter)(?:innen|in|n)?\b(?!\*)"
)
INFORMAL_ADDRESS = re.compile(
    r"\b(?:du|dich|dir|dein|deine|deinen|deinem|deiner|deines|hast|bist|kannst|musst|möchtest|"
    r"solltest|erhältst|gib|klicke|erstelle|kontaktiere|bestätige|versuche es|wähle|lass)\b",
    re.IGNORECASE,
)
ALLAUTH_CATALOGUE = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"
# allauth sources whose strings reach people here: the account pages, messages and mails.
ALLAUTH_IN_USE = ("account/", "templates/account/", "templates/allauth/")


def catalogue(language: str, locale_dir: Path = LOCALE) -> polib.POFile:
    return polib.pofile(str(locale_dir / language / "LC_MESSAGES" / "django.po"))


def compiled(language: str, locale_dir: Path = LOCALE) -> polib.MOFile:
    return polib.mofile(str(locale_dir / language / "LC_MESSAGES" / "django.mo"))


def live_entries(po: polib.POFile) -> list[polib.POEntry]:
    return [entry for entry in po if not entry.obsolete]


def translations(entry: polib.POEntry) -> list[tuple[str, str]]:
    """(source, translation) pairs: the singular, or each plural form against its source."""
    if entry.msgid_plural:
        return [
            (entry.msgid if index == 0 else entry.msgid_plural, text)
            for index, text in sorted(entry.msgstr_plural.items())
        ]
    return [(entry.msgid, entry.msgstr)]


def label(entry: polib.POEntry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    return f"{entry.msgid!r} ({where})"


def tags(text: str) -> Counter:
    return Counter(slash + name.lower() for slash, name in HTML_TAG.findall(text))


@pytest.mark.parametrize(("locale_dir", "language"), GERMAN_CATALOGUES, ids=GERMAN_IDS)
def test_german_catalogue_is_complete(locale_dir, language):
    po = catalogue(language, locale_dir)
    assert not po.metadata_is_fuzzy
    assert po.metadata["Language"] == "de"
    assert po.metadata["Plural-Forms"].startswith("nplurals=2;")
    entries = live_entries(po)
    assert len(entries) > 50
    untranslated = [label(e) for e in entries if any(not text for _, text in translations(e))]
    fuzzy = [label(e) for e in entries if "fuzzy" in e.flags]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize(("locale_dir", "language"), CATALOGUES, ids=CATALOGUE_IDS)
def test_translations_keep_placeholders_and_html(locale_dir, language):
    mismatched = []
    for entry in live_entries(catalogue(language, locale_dir)):
        for source, text in translations(entry):
            if not text:
                continue  # falls back to the msgid
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                mismatched.append(f"placeholders of {label(entry)}")
            if tags(source) != tags(text):
                mismatched.append(f"HTML tags of {label(entry)}")
    assert mismatched == []


@pytest.mark.parametrize(("locale_dir", "language"), GERMAN_CATALOGUES, ids=GERMAN_IDS)
def test_german_typography(locale_dir, language):
    problems = []
    for entry in live_entries(catalogue(language, locale_dir)):
        for source, text in translations(entry):
            if text.count('"') > source.count('"') or "”" in text:
                problems.append(f"English quotation marks in {label(entry)}")
            if text.count("„") != text.count("“"):
                problems.append(f"unbalanced „…“ in {label(entry)}")
            if re.search(r"\S - \S", text):
                problems.append(f"hyphen instead of en dash in {label(entry)}")
            if UNSTARRED_PERSON.search(text):
                problems.append(f"person noun without gender star in {label(entry)}")
            if INFORMAL_ADDRESS.search(text):
                problems.append(f"informal address in {label(entry)}")
    assert problems == []


@pytest.mark.parametrize(("locale_dir", "language"), CATALOGUES, ids=CATALOGUE_IDS)
def test_compiled_catalogue_is_up_to_date(locale_dir, language):
    """`make messages` was run after the last change to the .po file."""

    def key(entry):
        return (entry.msgctxt or "", entry.msgid, entry.msgid_plural or "")

    def value(entry):
        if entry.msgid_plural:
            return tuple(text for _, text in sorted(entry.msgstr_plural.items()))
        return entry.msgstr

    expected = {
        key(e): value(e)
        for e in live_entries(catalogue(language, locale_dir))
        if e.translated() and "fuzzy" not in e.flags
    }
    actual = {key(e): value(e) for e in compiled(language, locale_dir) if e.msgid}
    assert actual == expected


def test_allauth_overrides_match_allauth_msgids():
    """After an allauth upgrade, an override whose msgid changed would silently stop applying."""
    known = {(e.msgctxt, e.msgid) for e in polib.pofile(str(ALLAUTH_CATALOGUE))}
    stale = [
        label(e)
        for e in live_entries(catalogue("de", ALLAUTH_OVERRIDES))
        if (e.msgctxt, e.msgid) not in known
    ]
    assert stale == []


def test_allauth_strings_in_use_address_people_formally():
    """What the account pages and mails actually show in German uses „Sie“, not „du“."""
    informal = []
    with translation.override("de"):
        for entry in polib.pofile(str(ALLAUTH_CATALOGUE)):
            if entry.obsolete or entry.msgid_plural:
                continue
            if not any(path.startswith(ALLAUTH_IN_USE) for path, _line in entry.occurrences):
                continue
            if entry.msgctxt:
                shown = translation.pgettext(entry.msgctxt, entry.msgid)
            else:
                shown = translation.gettext(entry.msgid)
            if INFORMAL_ADDRESS.search(shown):
                informal.append(f"{entry.msgid!r} → {shown!r}")
    assert informal == [], (
        "allauth's informal German shows through: is BASE_DIR / 'locale' / '_allauth' listed in "
        "settings.LOCALE_PATHS, and does locale/_allauth/de override these msgids?"
    )


def test_landing_page_is_german_by_default(client, db):
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'lang="de"' in content
    assert "Zum Inhalt springen" in content
    assert "Digitalstrategien von Landkreisen und Kommunen" in content


def test_landing_page_in_english_when_chosen(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'lang="en"' in content
    assert "Skip to content" in content
    assert "Zum Inhalt springen" not in content


def test_sign_up_page_in_german(client, db):
    response = client.get(reverse("account_signup"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Registrieren" in content
    assert "E-Mail-Adresse" in content
    assert "Ich beteilige mich als" in content
