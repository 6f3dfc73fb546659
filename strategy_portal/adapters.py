from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse
from django.utils import translation

from .emails import send_templated_email


class AccountAdapter(DefaultAccountAdapter):
    """Routes allauth's mails (verification, password reset, notices) through the e-mail helper,
    so they are stored, sent by a worker after commit and drawn in the site's branding."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = getattr(allauth_context, "request", None)
        ctx = {"current_site": get_current_site(request) if request else None, **context}
        send_templated_email(
            template_prefix=template_prefix,
            to=email,
            context=ctx,
            request=request,
            language=translation.get_language() or settings.LANGUAGE_CODE,
            subject_prefix=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX,
        )

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
