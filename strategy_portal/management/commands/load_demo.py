from django.core.management.base import BaseCommand

from strategy_portal.demo import DEMO_LOGINS, DEMO_PASSWORD, load_all


class Command(BaseCommand):
    help = "Loads the demo: districts, action fields and users, then every app's part (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--domain", default="127.0.0.1:8000", help="Domain of the site.")
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print logins.")

    def handle(self, *args, domain, quiet_logins, **options):
        for app_label, created in load_all(site_domain=domain):
            summary = ", ".join(f"{count} {name}" for name, count in created.items())
            self.stdout.write(
                self.style.SUCCESS(f"Demo of {app_label} loaded (newly created: {summary}).")
            )
        if not quiet_logins:
            self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
            for label, email in DEMO_LOGINS:
                self.stdout.write(f"  {label:<32} {email}")
