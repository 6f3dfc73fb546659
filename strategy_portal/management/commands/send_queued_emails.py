from django.core.management.base import BaseCommand
from django.utils import timezone

from strategy_portal.models import OutgoingEmail, SendStatus
from strategy_portal.tasks import send_queued_emails


class Command(BaseCommand):
    help = (
        "Sends every e-mail that is still queued, whatever its age (e.g. after the mail relay or "
        "the broker was down), and puts back in line mails whose sender stopped mid-send. With a "
        "broker, Celery beat does this every minute."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--failed",
            action="store_true",
            help="Also try once more the mails that failed for good (e.g. after a long outage).",
        )

    def handle(self, *args, failed=False, **options):
        if failed:
            retried = OutgoingEmail.objects.filter(status=SendStatus.FAILED).update(
                status=SendStatus.QUEUED,
                attempts=OutgoingEmail.MAX_ATTEMPTS - 1,
                retry_at=None,
                modified=timezone.now(),
            )
            self.stdout.write(f"{retried} failed e-mail(s) put back in line.")
        count = send_queued_emails(now=True)
        self.stdout.write(f"{count} queued e-mail(s) handed on for sending.")
