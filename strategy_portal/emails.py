"""The one way the platform sends e-mail.

`send_templated_email` renders subject, plain text and HTML from a template prefix (allauth's
naming: `<prefix>_subject.txt`, `<prefix>_message.txt`, `<prefix>_message.html`), in German unless
told otherwise and in the district's branding, stores the message in the outbox and hands it to a
Celery task once the surrounding transaction has committed. Every absolute link in a mail is built
from `settings.SITE_URL` (`site_url()`), whatever host the request came in on.

Sending: claim → send → mark
-----------------------------
Nothing holds a transaction or a row lock while another server (the SMTP relay) answers:

1. claim: `OutgoingEmail.objects.claim(pk, lease=…)` moves a queued row to SENDING („wird
   gesendet“) with `lease_until` and attempts + 1 in one conditional UPDATE, committed at once.
   Of two workers running the same task, only one gets the row; a sent or failed row is not
   claimed, so a rerun of a task does nothing.
2. send, outside any transaction.
3. mark: `mark_sent()` (one-time-link bodies are emptied) or `mark_failed(error)` (back in line
   after a back-off, FAILED after MAX_ATTEMPTS).

A worker killed between 1 and 3 leaves the row SENDING; once the lease has run out, the sweep
(`tasks.send_queued_emails`, run by beat every minute and by `manage.py send_queued_emails`)
puts it back in line and enqueues it again. So a crash re-sends at most the one mail in flight.

Any other outbox (the newsletters' deliveries) reuses the shape: its model inherits
`strategy_portal.models.OutboxItem` (status, attempts, lease_until, retry_at, last_error,
sent_at and `OutboxQuerySet` with `claim`, `due`, `requeue_expired`), and its task does
`item = Model.objects.claim(pk, lease=…)`; if item: send, then `item.mark_sent()` /
`item.mark_failed(exc)`, with its own sweep calling `requeue_expired()`.

This module imports no task: it enqueues by the task's registered name, so `tasks` imports
`emails` and never the other way round.
"""

import logging
from datetime import timedelta
from email.header import Header
from email.headerregistry import Address
from urllib.parse import urlsplit

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.defaultfilters import linebreaks_filter, urlize
from django.template.loader import render_to_string
from django.utils import translation

from .headers import check_header_value, one_line
from .models import District, OutgoingEmail

logger = logging.getLogger(__name__)

SEND_EMAIL_TASK = "strategy_portal.tasks.send_email"

# Mails whose body carries a secret (a confirmation or password-reset link): once sent, only the
# record that they were sent is kept.
ONE_TIME_LINK_PREFIXES = ("account/email/", "newsletters/email/")


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


def site_url(path_or_url: str = "") -> str:
    """The absolute address of a page of this site, on `settings.SITE_URL`.

    A path (`/konto/…`) is put under SITE_URL; an absolute URL built from a request (allauth's
    links) is moved there, keeping its path, query and fragment, so that every link and footer
    of a mail points to the same, configured address."""
    bits = urlsplit(path_or_url)
    path = bits.path or "/"
    query = f"?{bits.query}" if bits.query else ""
    fragment = f"#{bits.fragment}" if bits.fragment else ""
    return f"{settings.SITE_URL}{path}{query}{fragment}"


def sender_for(district: District | None) -> str:
    if district and district.newsletter_sender_email:
        # The form refuses line breaks in the name; rows from before that are made one line.
        name = one_line(district.newsletter_sender_name or district.name)
        return str(Address(display_name=name, addr_spec=district.newsletter_sender_email))
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
    # A header never gets a line break from the data: the subject is made one line, anything
    # else that would carry one is refused before it is stored.
    headers = {
        check_header_value("header name", str(name)): check_header_value(name, str(value))
        for name, value in (headers or {}).items()
    }
    email = OutgoingEmail.objects.create(
        to=check_header_value("To", to),
        from_email=check_header_value("From", sender_for(district)),
        subject=one_line(f"{subject_prefix}{subject}")[:300],
        text_body=text,
        html_body=html,
        headers=headers,
        template_prefix=template_prefix,
        district=district,
    )
    transaction.on_commit(lambda: enqueue_email(email.pk))
    return email


def enqueue_email(email_id: int) -> None:
    """Hand one stored e-mail to the task queue; if the broker is down it stays queued."""
    try:
        current_app.tasks[SEND_EMAIL_TASK].delay(email_id)
    except Exception:  # the broker may be unreachable: the periodic sweep sends it later
        logger.exception("Could not enqueue e-mail %s; it stays queued.", email_id)


def send_lease() -> timedelta:
    """How long a claim holds: longer than any one send may take (see EMAIL_SEND_LEASE)."""
    return timedelta(seconds=settings.EMAIL_SEND_LEASE)


class _OutgoingMessage(EmailMultiAlternatives):
    def message(self):
        msg = super().message()
        # Django encodes the subject without knowing the header's name, so the mail library
        # folds it with an empty first line ("Subject: \r\n =?utf-8?q?…"). A Header that
        # knows its name folds as RFC 5322 expects.
        charset = "us-ascii" if self.subject.isascii() else "utf-8"
        msg.replace_header("Subject", Header(self.subject, charset, header_name="Subject"))
        return msg


def build_message(email: OutgoingEmail) -> EmailMultiAlternatives:
    message = _OutgoingMessage(
        subject=email.subject,
        body=email.text_body,
        from_email=email.from_email,
        to=[email.to],
        headers=email.headers or None,
    )
    if email.html_body:
        message.attach_alternative(email.html_body, "text/html")
    return message


def deliver_email(email_id: int) -> bool:
    """Send a stored e-mail once: claim → send → mark. Returns True if this call sent it.

    No transaction is open while the relay answers; a failed attempt is recorded and re-raised.
    """
    email = OutgoingEmail.objects.claim(email_id, lease=send_lease())
    if email is None:  # sent, failed for good, or another worker holds it
        return False
    try:
        build_message(email).send()
    except Exception as exc:
        email.mark_failed(exc)
        raise
    if email.template_prefix.startswith(ONE_TIME_LINK_PREFIXES):
        # Confirmation and password links must not outlive the mail in the database.
        email.mark_sent(text_body="", html_body="")
    else:
        email.mark_sent()
    return True
