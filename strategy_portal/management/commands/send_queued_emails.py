from django.core.management.base import BaseCommand

from strategy_portal.tasks import send_queued_emails


class Command(BaseCommand):
    help = (
        "Sends e-mails that are still queued (e.g. after the mail relay or the broker was down). "
        "With a broker, Celery beat does this every five minutes."
    )

    def handle(self, *args, **options):
        count = send_queued_emails()
        self.stdout.write(f"{count} queued e-mail(s) handed on for sending.")
