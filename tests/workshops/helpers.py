"""Workshops with their parts, for the tests of this app."""

import io
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from PIL import Image

from measures.models import Origin
from measures.services import measure_create
from workshops.models import (
    AgendaItem,
    Attachment,
    DocumentationSection,
    Figure,
    GroupMeasure,
    NextDate,
    Participant,
    Workshop,
    WorkshopGroup,
    WorkshopStatus,
)

BERLIN = ZoneInfo("Europe/Berlin")


def at(*args):
    return datetime(*args, tzinfo=BERLIN)


def png_bytes(size=(40, 30), colour="red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def ooxml_bytes(main_part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<x/>")
    return buffer.getvalue()


def make_workshop(district, *, title="Expertenworkshop", status=WorkshopStatus.PUBLISHED, **extra):
    fields = {
        "title": title,
        "venue": "Großenhain",
        "start": at(2023, 6, 13, 13),
        "end": at(2023, 6, 13, 17),
        "status": status,
        "published_at": at(2023, 6, 20, 10) if status == WorkshopStatus.PUBLISHED else None,
        **extra,
    }
    return Workshop.objects.create(district=district, **fields)


def add_parts(workshop, *, agenda=3, participants=4, figures=2, groups=2, measures=2):
    """Add numbered parts; calling it again adds more."""
    start = workshop.agenda_items.count()
    for n in range(start, start + agenda):
        item = AgendaItem.objects.create(
            workshop=workshop, number=f"TOP {n + 1}", title=f"Punkt {n + 1}", position=n
        )
        DocumentationSection.objects.create(
            workshop=workshop,
            agenda_item=item,
            title=f"Bericht {n + 1}",
            text="**Text**",
            position=n,
        )
    for n in range(participants):
        Participant.objects.create(
            workshop=workshop,
            name=f"Person {workshop.participants.count()}",
            organisation=f"Organisation {n % 3}",
            consent_to_publish_name=(n % 2 == 0),
        )
    for n in range(figures):
        figure = Figure(
            workshop=workshop,
            caption=f"Bild {n}",
            alt_text="Ein rotes Rechteck",
            position=workshop.figures.count(),
        )
        figure.image.save("bild.png", ContentFile(png_bytes()), save=False)
        figure.save()
        figure.make_thumbnail()
        figure.save()
    for _ in range(groups):
        number = workshop.groups.count() + 1
        group = WorkshopGroup.objects.create(
            workshop=workshop, number=number, topic=f"Thema {number}"
        )
        for row in range(measures):
            measure = measure_create(
                district=workshop.district,
                title=f"Maßnahme {number}.{row}",
                description="Beschreibung",
                added_value="Mehrwert",
                feasibility="Machbar",
                origin=Origin.WORKSHOP,
                priority=row + 1,
            )
            GroupMeasure.objects.create(
                group=group, measure=measure, position=row, source_key=f"k{row}"
            )
    return workshop


def add_attachment(workshop, title="Präsentation"):
    attachment = Attachment(workshop=workshop, title=title, kind="pdf", size=20)
    attachment.file.save("a.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    attachment.save()
    return attachment


def add_next_date(workshop, start, title="Folgetermin"):
    return NextDate.objects.create(workshop=workshop, title=title, start=start, venue="Friedberg")
