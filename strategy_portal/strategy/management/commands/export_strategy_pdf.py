"""`python manage.py export_strategy_pdf <district-slug> --output <file>`: the strategy PDF of a
district, rendered in this process (no worker needed), the same file an export in the workspace
stores. Nothing is recorded as a version."""

import os
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from strategy_portal import documents
from strategy_portal.models import District

from ...documents import KIND


class Command(BaseCommand):
    help = "Render the strategy PDF of a district into a file."

    def add_arguments(self, parser):
        parser.add_argument("district", help="the district's address (slug)")
        parser.add_argument(
            "--output", "-o", required=True, type=Path, help="the PDF file to write"
        )

    def handle(self, *args, district, output, **options):
        found = District.objects.filter(slug=district).first()
        if found is None:
            raise CommandError(f"No district with the address „{district}“.")
        output = output.expanduser()
        if not output.parent.is_dir():
            raise CommandError(f"The folder {output.parent} does not exist.")
        # Written beside the target and moved into place: a failed render leaves no partial file.
        handle, partial = tempfile.mkstemp(dir=output.parent, suffix=".pdf.part")
        try:
            with os.fdopen(handle, "wb") as target:
                source, pages = documents.document_write(kind=KIND, obj=found, target=target)
            os.replace(partial, output)
        except documents.DocumentUnavailable as exc:
            raise CommandError(str(exc)) from exc
        finally:
            if os.path.exists(partial):
                os.unlink(partial)
        self.stdout.write(f"{output}: {pages} pages, „{source.title}“")
