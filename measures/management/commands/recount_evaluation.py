from django.core.management.base import BaseCommand

from measures import evaluation_services
from strategy_portal.models import District


class Command(BaseCommand):
    help = "Rebuild the evaluation scores of measures from the scores given, and apply the tiers."

    def add_arguments(self, parser):
        parser.add_argument("--district", help="slug of one district (default: all)")

    def handle(self, *args, district=None, **options):
        scope = District.objects.get(slug=district) if district else None
        changed = evaluation_services.evaluation_recount(district=scope)
        self.stdout.write(f"{changed} evaluation scores changed.")
