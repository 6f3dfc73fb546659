"""The one way the platform sends e-mail.

`send_templated_email` renders subject, plain text and HTML from a template prefix (allauth's
naming: `<prefix>_subject.txt`, `<prefix>_message.txt`, `<prefix>_message.html`), in German unless
told otherwise and in the district's branding, stores the message in the outbox and hands it to a
Celery task once the surrounding transaction has committed.
"""

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.defaultfilters import linebreaks_filter, urlize
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import District, EmailStatus, OutgoingEmail

logger = logging.getLogger(__name__)

# Mails whose body carries a secret (a confirmation or password-reset link): once sent, only the
# record that they were sent is kept.
ONE_TIME_LINK_PREFIXES = ("account/email/",)


def render_email(template_prefix: str, context: dict, *, request=None) -> tuple[str, str, str]:
    """Render (subject, text, html) for a template prefix; the HTML part is optional."""
    subject = render_to_string(f"{template_prefix}_subject.txt", context, request=request)
    subject = " ".join(subject.splitlines()).strip()
    text = render_to_string(f"{template_prefix}_message.txt", context, request=request).strip()
    try:
        html = render_to_string(f"{template_prefix}_message.html", context, request=request)
    except TemplateDoesNotExist:
        # Most mails are plain text at heart; the HTML part is that text in the branded frame.
        html = render_to_string(
            "emails/base_message.html",
            {
                **context,
                "subject": subject,
                "body": linebreaks_filter(urlize(text, autoescape=True)),
            },
            request=request,
        )
    return subject, text, html.strip()


def sender_for(district: District | None) -> str:
    if district and district.newsletter_sender_email:
        name = district.newsletter_sender_name or district.name
        return f"{name} <{district.newsletter_sender_email}>"
    return settings.DEFAULT_FROM_EMAIL


def send_templated_email(
    *,
    template_prefix: str,
    to: str,
    context: dict | None = None,
    district: District | None = None,
    request=None,
    language: str | None = None,
    subject_prefix: str = "",
    headers: dict | None = None,
) -> OutgoingEmail:
    """Render an e-mail, store it in the outbox and enqueue its delivery after commit."""
    ctx = {
        "district": district,
        "site_url": settings.SITE_URL,
        "email": to,
        **(context or {}),
    }
    with translation.override(language or settings.LANGUAGE_CODE):
        subject, text, html = render_email(template_prefix, ctx, request=request)
    email = OutgoingEmail.objects.create(
        to=to,
        from_email=sender_for(district),
        subject=f"{subject_prefix}{subject}"[:300],
        text_body=text,
        html_body=html,
        headers=headers or {},
        template_prefix=template_prefix,
        district=district,
    )
    transaction.on_commit(lambda: enqueue_email(email.pk))
    return email


def enqueue_email(email_id: int) -> None:
    """Hand one stored e-mail to the task queue; if the broker is down it stays queued."""
    # By name, so that this module does not import the tasks that import it (apps.py registers
    # them at start-up).
    from .celery import app

    try:
        app.tasks["strategy_portal.tasks.send_email"].delay(email_id)
    except Exception:  # the broker may be unreachable: the periodic task sends it later
        logger.exception("Could not enqueue e-mail %s; it stays queued.", email_id)


def deliver_email(email_id: int) -> bool:
    """Send a stored e-mail once. Returns True if it was sent by this call.

    Locks the row so that two workers running the same task cannot both send it.
    """
    with transaction.atomic():
        email = OutgoingEmail.objects.select_for_update().filter(pk=email_id).first()
        if email is None or email.status != EmailStatus.QUEUED:
            return False
        email.attempts += 1
        message = EmailMultiAlternatives(
            subject=email.subject,
            body=email.text_body,
            from_email=email.from_email,
            to=[email.to],
            headers=email.headers or None,
        )
        if email.html_body:
            message.attach_alternative(email.html_body, "text/html")
        error = None
        try:
            message.send()
        except Exception as exc:
            error = exc
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= OutgoingEmail.MAX_ATTEMPTS:
                email.status = EmailStatus.FAILED
        else:
            email.status = EmailStatus.SENT
            email.sent_at = timezone.now()
            email.last_error = ""
            if email.template_prefix.startswith(ONE_TIME_LINK_PREFIXES):
                # Confirmation and password links must not outlive the mail in the database.
                email.text_body = email.html_body = ""
        email.save(
            update_fields=[
                "attempts",
                "last_error",
                "status",
                "sent_at",
                "text_body",
                "html_body",
                "modified",
            ]
        )
    if error is not None:
        # Raised outside the transaction, so that the attempt is recorded.
        raise error
    return True
