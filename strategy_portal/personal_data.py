"""What the platform holds about a person, collected from every app (DSGVO Art. 15, 17, 20).

Each app contributes its own part in a module `personal_data.py` that registers a section:

    @personal_data.register
    class MeasuresSection:
        key = "measures"
        def export(self, user): return [...]      # JSON-serialisable
        def erase(self, user): ...                 # anonymise or delete before the user row goes

`export_personal_data` and `erase_personal_data` find these modules in every installed app.
Public contributions are kept on erase: their author becomes "gelöschtes Konto" (apps point the
author foreign key at the user with `on_delete=SET_NULL` and show `author_label`).
"""

from typing import Protocol

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .discovery import app_modules

DELETED_ACCOUNT_LABEL = _("deleted account")


class Section(Protocol):
    key: str

    def export(self, user): ...

    def erase(self, user) -> None: ...


_sections: dict[str, Section] = {}


def register(section_class):
    """Class decorator: register an app's part of the personal-data export and erasure."""
    section = section_class()
    _sections[section.key] = section
    return section_class


def sections() -> list[Section]:
    app_modules("{app}.personal_data")
    return list(_sections.values())


def author_label(user) -> str:
    """How an author is shown; an erased account is "gelöschtes Konto"."""
    return str(DELETED_ACCOUNT_LABEL) if user is None else user.public_name


def addresses_of(user) -> set[str]:
    """Every e-mail address of the account, confirmed or not: mail may have gone to each."""
    from allauth.account.models import EmailAddress

    addresses = {
        user.email,
        *EmailAddress.objects.filter(user=user).values_list("email", flat=True),
    }
    return {address for address in addresses if address}


def sent_to(user) -> Q:
    """Mails to any address of the account, whatever the case of its letters."""
    condition = Q(pk__in=[])
    for address in addresses_of(user):
        condition |= Q(to__iexact=address)
    return condition


def invited_to(user) -> Q:
    """Invitations to any address of the account, whatever the case of its letters."""
    condition = Q(pk__in=[])
    for address in addresses_of(user):
        condition |= Q(email__iexact=address)
    return condition


def export_personal_data(user) -> dict:
    return {section.key: section.export(user) for section in sections()}


def erase_personal_data(user) -> None:
    for section in sections():
        section.erase(user)


@register
class AccountSection:
    """The account itself: profile, e-mail addresses, roles in districts, invitations to its
    addresses, outgoing mail."""

    key = "account"

    def export(self, user):
        from allauth.account.models import EmailAddress

        from .models import Invitation, Membership, OutgoingEmail

        return {
            "email": user.email,
            "public_name": user.display_name,
            "kind": user.kind,
            "organisation_name": user.organisation_name,
            "sector": user.sector,
            "company_size": user.company_size,
            "institution_type": user.institution_type,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in EmailAddress.objects.filter(user=user)
            ],
            "roles": [
                {"district": m.district.name, "role": m.role, "since": m.created.isoformat()}
                for m in Membership.objects.filter(user=user).select_related("district")
            ],
            "invitations": [
                {
                    "district": i.district.name,
                    "email": i.email,
                    "role": i.role,
                    "created": i.created.isoformat(),
                    "status": i.status.value,
                }
                for i in Invitation.objects.filter(invited_to(user)).select_related("district")
            ],
            "emails_sent_to_you": [
                {
                    "to": e.to,
                    "subject": e.subject,
                    "status": e.status,
                    "created": e.created.isoformat(),
                }
                for e in OutgoingEmail.objects.filter(sent_to(user))
            ],
        }

    def erase(self, user):
        from .models import Invitation, OutgoingEmail

        OutgoingEmail.objects.filter(sent_to(user)).delete()
        Invitation.objects.filter(invited_to(user)).delete()
