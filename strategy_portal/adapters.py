"""How django-allauth works on this site: its mails go through the e-mail helper, and an e-mail
address belongs to an account only once it has been confirmed there.

An address added at /konto/e-mail/ and not (yet) confirmed is a claim, not the account's address:
no password reset and no notice is mailed to it, nobody logs in with it, and it blocks nobody
else's sign-up. Whoever confirms the address first owns it; the other accounts' claims of it are
then removed. Until an account has confirmed any address, its sign-up address counts as its own
(so that a forgotten password or a lost confirmation mail can be recovered).
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.auth_backends import AuthenticationBackend as AllauthAuthenticationBackend
from allauth.account.internal.flows.signup import send_unknown_account_mail
from allauth.account.internal.userkit import filter_users_by_email
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from .emails import send_templated_email, site_url


def owns_address(user, email: str) -> bool:
    """Whether `email` is this account's address: confirmed on it, or the sign-up address of an
    account that has not confirmed any address yet."""
    addresses = EmailAddress.objects.filter(user_id=user.pk)
    if addresses.filter(email__iexact=email, verified=True).exists():
        return True
    return user.email.lower() == email.lower() and not addresses.filter(verified=True).exists()


def address_taken(email: str) -> bool:
    """Whether an account owns `email` (an unconfirmed claim added at /konto/e-mail/ does not)."""
    return (
        EmailAddress.objects.filter(email__iexact=email, verified=True).exists()
        or get_user_model().objects.filter(email__iexact=email).exists()
    )


class AuthenticationBackend(AllauthAuthenticationBackend):
    """allauth's login by e-mail, but only with an address the account owns."""

    def _authenticate_by_email(self, email, password):
        if not email:
            return None
        users = filter_users_by_email(email, prefer_verified=True, for_login=True)
        for user in users:
            if owns_address(user, email) and self._check_password(user, password):
                return user
        return None


class AccountAdapter(DefaultAccountAdapter):
    """Routes allauth's mails (verification, password reset, notices) through the e-mail helper,
    so they are stored, sent by a worker after commit and drawn in the site's branding; and keeps
    unconfirmed addresses from acting as the account's."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = getattr(allauth_context, "request", None)
        ctx = {"current_site": get_current_site(request) if request else None, **context}
        # allauth builds its links from the request's host; mails link to SITE_URL only.
        ctx.update(
            {
                k: site_url(v)
                for k, v in context.items()
                if k.endswith("_url") and isinstance(v, str) and v
            }
        )
        send_templated_email(
            template_prefix=template_prefix,
            to=email,
            context=ctx,
            request=request,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            subject_prefix=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX,
        )

    def send_password_reset_mail(self, user, email: str, context: dict) -> None:
        if owns_address(user, email):
            super().send_password_reset_mail(user, email, context)
        elif not address_taken(email) and not getattr(self, "_told_unknown", False):
            # Only an unconfirmed claim: the address's owner learns what anyone would for an
            # address without an account – the reset link would hand them someone else's account.
            self._told_unknown = True
            send_unknown_account_mail(self.request, email)

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        email = email or EmailAddress.objects.get_primary_email(user) or ""
        confirmed = EmailAddress.objects.filter(user_id=user.pk, email__iexact=email, verified=True)
        if email and confirmed.exists():
            super().send_notification_mail(template_prefix, user, context=context, email=email)

    def confirm_email(self, request, email_address) -> bool:
        """Whoever confirms an address first owns it: the other accounts' claims of it go, and so
        do accounts that signed up with it and never confirmed anything."""
        if not email_address.can_set_verified():
            return super().confirm_email(request, email_address)
        User = get_user_model()
        email = email_address.email
        with transaction.atomic():
            others = User.objects.filter(email__iexact=email).exclude(pk=email_address.user_id)
            unconfirmed_signups = others.filter(last_login__isnull=True).exclude(
                emailaddress__verified=True
            )
            if others.exclude(pk__in=unconfirmed_signups).exists():
                # An account created without allauth (e.g. in the admin) has this address.
                self.add_message(
                    request,
                    messages.ERROR,
                    "account/messages/email_confirmation_failed.txt",
                    {"email": email},
                )
                return False
            EmailAddress.objects.filter(email__iexact=email, verified=False).exclude(
                user_id=email_address.user_id
            ).delete()
            unconfirmed_signups.delete()
            return super().confirm_email(request, email_address)

    def get_login_redirect_url(self, request):
        """Where a login without `next` leads: facilitators and district admins to the workspace
        of their first district, everyone else to the profile (which links site admins to the
        Django admin). A `next` address (the page the login link was on) wins for everyone."""
        from .models import Membership

        membership = (
            Membership.objects.filter(user=request.user, district__is_active=True)
            .select_related("district")
            .order_by("created", "pk")
            .first()
        )
        if membership is not None:
            return reverse("workspace", kwargs={"district": membership.district.slug})
        return super().get_login_redirect_url(request)
