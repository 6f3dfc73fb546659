from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.utils import translation

from .emails import send_templated_email, site_url


class AccountAdapter(DefaultAccountAdapter):
    """Routes allauth's mails (verification, password reset, notices) through the e-mail helper,
    so they are stored, sent by a worker after commit and drawn in the site's branding."""

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
