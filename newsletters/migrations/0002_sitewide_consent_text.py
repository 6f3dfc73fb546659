"""The site-wide consent text, version 1, for districts that have not written their own."""

from django.db import migrations

TEXT = """Ich möchte den Newsletter von {district} per E-Mail erhalten: Informationen zur \
Digitalstrategie, zu neuen Workshop-Dokumentationen, Maßnahmen und Beteiligungsphasen, bei \
gewählten Themen auch zu diesen.

Dafür werden meine E-Mail-Adresse, die freiwillige Angabe meines Namens, die gewählten Themen \
sowie als Nachweis meiner Einwilligung die Zeitpunkte von Anmeldung und Bestätigung, diese \
Fassung des Einwilligungstextes und die IP-Adressen bei beiden Schritten gespeichert. Die \
IP-Adressen werden nach 90 Tagen gelöscht, unbestätigte Anmeldungen nach 30 Tagen.

Meine Einwilligung kann ich jederzeit mit Wirkung für die Zukunft widerrufen, über den Link zur \
Abmeldung in jedem Newsletter. Näheres steht in der Datenschutzerklärung."""


def create(apps, schema_editor):
    ConsentText = apps.get_model("newsletters", "ConsentText")
    ConsentText.objects.get_or_create(district=None, version=1, defaults={"text": TEXT})


def remove(apps, schema_editor):
    ConsentText = apps.get_model("newsletters", "ConsentText")
    ConsentText.objects.filter(district=None, version=1, subscriptions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("newsletters", "0001_subscriptions_with_proof_of_consent")]

    operations = [migrations.RunPython(create, remove)]
