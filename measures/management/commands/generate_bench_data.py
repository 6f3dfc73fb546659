import time

from django.core.management.base import BaseCommand, CommandError

from measures.bench_data import Sizes, generate


class Command(BaseCommand):
    help = (
        "Create a district at benchmark scale: action fields, missions, measures with threads of "
        "comments, supports by participants of all three kinds, scores and an open "
        "participation phase (for `python -m bench --measures`)."
    )

    def add_arguments(self, parser):
        defaults = Sizes()
        parser.add_argument("--slug", default="bench-landkreis", help="the new district's slug")
        for name in (
            "action_fields",
            "missions",
            "measures",
            "comments",
            "supports",
            "participants",
            "facilitators",
            "debated_comments",
            "seed",
        ):
            parser.add_argument(
                f"--{name.replace('_', '-')}",
                type=int,
                default=getattr(defaults, name),
                help=f"default {getattr(defaults, name)}",
            )

    def handle(self, *args, slug, **options):
        sizes = Sizes(**{k: options[k] for k in Sizes.__dataclass_fields__ if k in options})
        if min(sizes.action_fields, sizes.missions, sizes.measures, sizes.comments) < 0:
            raise CommandError("Sizes cannot be negative.")
        if sizes.participants <= 0 and (sizes.measures or sizes.supports):
            raise CommandError("Measures and supports need --participants.")
        started = time.monotonic()

        def progress(message):
            self.stdout.write(f"  {message} ({time.monotonic() - started:.0f} s)")

        try:
            report = generate(slug=slug, sizes=sizes, progress=progress)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"District „{report.district.slug}“: "
            + ", ".join(f"{n} {what.replace('_', ' ')}" for what, n in report.counts.items())
            + f" in {time.monotonic() - started:.0f} s."
        )
        if report.debated is not None:
            self.stdout.write(f"Most debated measure: {report.debated.get_absolute_url()}")
