"""The content of a workshop page, read in a constant number of queries and arranged like a
protocol: agenda, participants, documentation per TOP with its figures, groups with their measure
tables, attachments, outlook. The public page, the preview and the PDF all use `workshop_content`.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Prefetch

from .models import AgendaItem, GroupMeasure, Workshop


@dataclass
class Block:
    """One documentation section and the figures shown after it."""

    section: object
    figures: list = field(default_factory=list)


@dataclass
class WorkshopContent:
    workshop: Workshop
    agenda: list
    speakers: list
    named_participants: list
    organisations: list  # (organisation, number attended), for everyone
    attended_count: int
    blocks: list
    loose_figures: list
    figures: list  # in the order they appear, each with `.number`
    groups: list
    attachments: list
    next_dates: list
    methods: list
    action_fields: list


def workshop_queryset():
    return Workshop.objects.select_related("district").prefetch_related(
        "action_fields",
        "methods",
        "speakers",
        Prefetch(
            "agenda_items",
            queryset=AgendaItem.objects.filter(parent__isnull=True).prefetch_related("children"),
            to_attr="top_items",
        ),
        "participants",
        Prefetch("sections", queryset=_sections()),
        "figures",
        Prefetch(
            "groups__measures",
            queryset=GroupMeasure.objects.select_related("measure__district").filter(
                measure__is_hidden=False
            ),
        ),
        "attachments",
        "next_dates",
    )


def _sections():
    from .models import DocumentationSection

    return DocumentationSection.objects.select_related("agenda_item")


def workshop_content(workshop: Workshop) -> WorkshopContent:
    """Arrange a workshop fetched through `workshop_queryset()`."""
    participants = list(workshop.participants.all())
    attended = [p for p in participants if p.attended]
    organisations = Counter(p.organisation or "" for p in attended)
    sections = list(workshop.sections.all())
    figures = list(workshop.figures.all())
    last_section_of_item = {}
    for section in sections:
        if section.agenda_item_id:
            last_section_of_item[section.agenda_item_id] = section.pk
    blocks = []
    placed = set()
    for section in sections:
        block = Block(section=section)
        if section.agenda_item_id and last_section_of_item[section.agenda_item_id] == section.pk:
            block.figures = [f for f in figures if f.agenda_item_id == section.agenda_item_id]
            placed.update(f.pk for f in block.figures)
        blocks.append(block)
    loose = [f for f in figures if f.pk not in placed]
    ordered = [f for block in blocks for f in block.figures] + loose
    for number, figure in enumerate(ordered, start=1):
        figure.number = number
    attachments = list(workshop.attachments.all())
    for number, attachment in enumerate(attachments, start=1):
        attachment.number = number
    return WorkshopContent(
        workshop=workshop,
        agenda=list(workshop.top_items),
        speakers=list(workshop.speakers.all()),
        named_participants=[p for p in attended if p.consent_to_publish_name],
        organisations=sorted(
            ((name, count) for name, count in organisations.items() if name),
            key=lambda pair: (-pair[1], pair[0]),
        ),
        attended_count=len(attended),
        blocks=blocks,
        loose_figures=loose,
        figures=ordered,
        groups=list(workshop.groups.all()),
        attachments=attachments,
        next_dates=list(workshop.next_dates.all()),
        methods=list(workshop.methods.all()),
        action_fields=list(workshop.action_fields.all()),
    )
