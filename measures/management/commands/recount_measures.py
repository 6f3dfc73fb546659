from django.core.management.base import BaseCommand

from measures import services


class Command(BaseCommand):
    help = "Rebuild the stored counters and the search index of measures."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="only these measures (default: all)")

    def handle(self, *args, ids, **options):
        measure_ids = ids or None
        counted = services.recount(measure_ids=measure_ids)
        indexed = services.search_index_update(measure_ids=measure_ids)
        self.stdout.write(f"{counted} measures recounted, {indexed} search entries rebuilt.")
