"""The site-wide consent text, version 1, for districts that have not written their own."""

from django.db import migrations

from newsletters.models import DEFAULT_CONSENT_TEXT as TEXT


def create(apps, schema_editor):
    ConsentText = apps.get_model("newsletters", "ConsentText")
    ConsentText.objects.get_or_create(district=None, version=1, defaults={"text": TEXT})


def remove(apps, schema_editor):
    ConsentText = apps.get_model("newsletters", "ConsentText")
    ConsentText.objects.filter(district=None, version=1, subscriptions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("newsletters", "0001_subscriptions_with_proof_of_consent")]

    operations = [migrations.RunPython(create, remove)]
