"""Where a measure came from, as the measure page shows it: „aus dem Workshop …, Gruppe n“.

`measures` must not import this app: the measure page asks `measures.provenance`, where
`from_workshop` below is registered.
"""

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.translation import gettext as _

from measures.provenance import register

from .models import GroupMeasure, WorkshopStatus


@dataclass(frozen=True)
class Provenance:
    label: str  # „aus dem Workshop „…“, Gruppe 2“
    url: str  # the workshop page, at the group
    workshop_title: str
    group_number: int


def for_measure(measure) -> Provenance | None:
    """The published workshop group whose table this measure came from, or None."""
    link = (
        GroupMeasure.objects.filter(
            measure_id=measure.pk, group__workshop__status=WorkshopStatus.PUBLISHED
        )
        .select_related("group__workshop__district")
        .first()
    )
    if link is None:
        return None
    group, workshop = link.group, link.group.workshop
    return Provenance(
        label=_("from the workshop „%(title)s“, group %(number)s")
        % {"title": workshop.title, "number": group.number},
        url=f"{workshop.get_absolute_url()}#gruppe-{group.number}",
        workshop_title=workshop.title,
        group_number=group.number,
    )


def for_measures(measures) -> dict[int, Provenance]:
    """`for_measure` for many measures at once (a list page), in one query."""
    links = GroupMeasure.objects.filter(
        measure_id__in=[m.pk for m in measures],
        group__workshop__status=WorkshopStatus.PUBLISHED,
    ).select_related("group__workshop__district")
    result = {}
    for link in links:
        group, workshop = link.group, link.group.workshop
        result[link.measure_id] = Provenance(
            label=_("from the workshop „%(title)s“, group %(number)s")
            % {"title": workshop.title, "number": group.number},
            url=f"{workshop.get_absolute_url()}#gruppe-{group.number}",
            workshop_title=workshop.title,
            group_number=group.number,
        )
    return result


@register
def from_workshop(measure):
    """The measure page's provenance line: a link to the workshop group, or None."""
    found = for_measure(measure)
    if found is None:
        return None
    return format_html('<a class="kern-link" href="{}">{}</a>', found.url, found.label)
