"""Writes of the workshops app: keyword-only and atomic. The views check permissions, except for
the measure-table import, which checks its own (it is also called from the demo and the shell)."""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from measures.models import Measure, Origin
from measures.services import measure_create
from strategy_portal.models import ActionField

from . import permissions  # noqa: F401  (registers the rules checked here)
from .models import Attachment, Figure, GroupMeasure, Workshop, WorkshopGroup, WorkshopStatus
from .signals import workshop_published
from .tables import FIELD_LABELS, ImportRow, split_feasibility

# Children whose order a facilitator changes with the up/down buttons.
ORDERED_PARENT = "workshop"


def mark_substantive_change(*, workshop: Workshop) -> None:
    """Record „Stand“: a published workshop's content changed."""
    if workshop.is_published:
        now = timezone.now()
        Workshop.objects.filter(pk=workshop.pk).update(substantive_change_at=now)
        workshop.substantive_change_at = now


def next_position(queryset) -> int:
    current = queryset.aggregate(top=Max("position"))["top"]
    return 0 if current is None else current + 1


@transaction.atomic
def item_save(*, item, workshop: Workshop):
    """Save a part of a workshop (agenda item, section, figure …); a new one goes to the end."""
    item.workshop = workshop
    if item.pk is None and hasattr(item, "position"):
        manager = type(item)._default_manager
        siblings = manager.filter(workshop=workshop)
        if hasattr(item, "parent_id"):
            siblings = siblings.filter(parent_id=item.parent_id)
        item.position = next_position(siblings)
    if isinstance(item, Figure) and (item.pk is None or not item.thumbnail):
        item.save()
        item.make_thumbnail()
    item.save()
    mark_substantive_change(workshop=workshop)
    return item


@transaction.atomic
def item_delete(*, item) -> None:
    """Delete a part of a workshop with its files (after the commit)."""
    workshop = item.workshop
    files = []
    for name in ("image", "thumbnail", "file"):
        field_file = getattr(item, name, None)
        if field_file:
            files.append((field_file.storage, field_file.name))
    item.delete()
    for storage, name in files:
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    mark_substantive_change(workshop=workshop)


@transaction.atomic
def item_move(*, item, direction: str) -> bool:
    """Swap an item with its neighbour above ("up") or below ("down"). False at either end."""
    manager = type(item)._default_manager
    siblings = manager.select_for_update().filter(workshop_id=item.workshop_id)
    if hasattr(item, "parent_id"):
        siblings = siblings.filter(parent_id=item.parent_id)
    ordered = list(siblings.order_by("position", "pk"))
    index = next(i for i, sibling in enumerate(ordered) if sibling.pk == item.pk)
    other = index - 1 if direction == "up" else index + 1
    if other < 0 or other >= len(ordered):
        return False
    ordered[index], ordered[other] = ordered[other], ordered[index]
    # Renumber all: positions may have gaps or ties from earlier deletions.
    for position, sibling in enumerate(ordered):
        if sibling.position != position:
            manager.filter(pk=sibling.pk).update(position=position)
    mark_substantive_change(workshop=item.workshop)
    return True


@transaction.atomic
def attachment_add(*, workshop: Workshop, upload, title: str, kind: str) -> Attachment:
    """Store an attachment whose type the form checked by its content."""
    attachment = Attachment(workshop=workshop, title=title, kind=kind, size=upload.size or 0)
    attachment.file.save(upload.name, upload, save=False)
    return item_save(item=attachment, workshop=workshop)


@transaction.atomic
def workshop_publish(*, workshop: Workshop, user=None) -> bool:
    """Publish a draft and send `workshop_published` after the commit. False if it was already
    published (a second click sends nothing)."""
    now = timezone.now()
    changed = (
        Workshop.objects.filter(pk=workshop.pk)
        .exclude(status=WorkshopStatus.PUBLISHED)
        .update(status=WorkshopStatus.PUBLISHED, published_at=now, modified=now)
    )
    if not changed:
        return False
    workshop.refresh_from_db()
    if workshop.substantive_change_at is None:
        Workshop.objects.filter(pk=workshop.pk).update(substantive_change_at=now)
        workshop.substantive_change_at = now
    transaction.on_commit(
        lambda: workshop_published.send(sender=Workshop, workshop=workshop, user=user)
    )
    return True


@transaction.atomic
def workshop_unpublish(*, workshop: Workshop) -> bool:
    """Take a workshop back to draft; its page disappears from the public."""
    changed = Workshop.objects.filter(pk=workshop.pk, status=WorkshopStatus.PUBLISHED).update(
        status=WorkshopStatus.DRAFT, modified=timezone.now()
    )
    workshop.refresh_from_db()
    return bool(changed)


# --- Measure-table import -----------------------------------------------------------------------

ON_BEHALF_OF_MAX_LENGTH = 200  # Measure.on_behalf_of


@dataclass
class ImportResult:
    created: list[Measure] = field(default_factory=list)
    skipped: list[ImportRow] = field(default_factory=list)  # already in the group, or twice


def existing_source_keys(group: WorkshopGroup) -> set[str]:
    """The rows of tables imported into the group before (see `tables.source_key`)."""
    return set(GroupMeasure.objects.filter(group=group).values_list("source_key", flat=True))


def _on_behalf_of(group: WorkshopGroup) -> str:
    label = _("Workshop “%(workshop)s”, group %(number)d") % {
        "workshop": group.workshop.title,
        "number": group.number,
    }
    if len(label) > ON_BEHALF_OF_MAX_LENGTH:
        label = label[: ON_BEHALF_OF_MAX_LENGTH - 1] + "…"
    return label


@transaction.atomic
def group_measures_import(*, group: WorkshopGroup, rows: list[ImportRow], user) -> ImportResult:
    """Create a measure for every row of a group's measure table (`tables.build_table(...).rows`)
    and link it to the group, in the table's order: origin „workshop“, the workshop's district,
    the row's priority, action field, Mehrwert and Machbarkeit (time horizon and labelled success
    criteria split off). Rows whose measure the group already has (same `source_key`) and
    repeats within the table are skipped and returned as such.

    All or nothing: a row with errors, or a measure the measures app refuses, raises
    `ValidationError` (messages by row and column) and nothing is created.
    """
    if not user or not user.has_perm("workshops.import_measures", group):
        raise PermissionDenied("workshops.import_measures")
    errors = [str(error) for row in rows for error in row.errors]
    if errors:
        raise ValidationError(errors, code="invalid_rows")
    # One import per group at a time: a second one waits and then finds these rows present.
    group = (
        WorkshopGroup.objects.select_for_update()
        .select_related("workshop__district")
        .get(pk=group.pk)
    )
    district = group.workshop.district
    action_fields = {field.title: field for field in ActionField.objects.for_district(district)}
    existing = existing_source_keys(group)
    last = GroupMeasure.objects.filter(group=group).order_by("-position").first()
    position = last.position + 1 if last else 1
    on_behalf_of = _on_behalf_of(group)
    result = ImportResult()
    for row in rows:
        if row.duplicate_of is not None or row.source_key in existing:
            result.skipped.append(row)
            continue
        horizon, criteria, feasibility = split_feasibility(row.feasibility)
        try:
            measure = measure_create(
                district=district,
                title=row.title,
                description=row.description or row.title,
                added_value=row.added_value,
                feasibility=feasibility,
                time_horizon=horizon,
                success_criteria=criteria,
                action_field=action_fields.get(row.action_field) if row.action_field else None,
                tags=[row.mission] if row.mission else None,
                origin=Origin.WORKSHOP,
                recorded_by=user,
                on_behalf_of=on_behalf_of,
                priority=row.priority,
            )
        except ValidationError as error:
            raise ValidationError(_row_messages(row, error), code="invalid_rows") from error
        GroupMeasure.objects.create(
            group=group, measure=measure, position=position, source_key=row.source_key
        )
        existing.add(row.source_key)
        position += 1
        result.created.append(measure)
    return result


_MEASURE_FIELD_TO_COLUMN = {
    "title": "title",
    "description": "title",
    "added_value": "added_value",
    "feasibility": "feasibility",
    "success_criteria": "feasibility",
    "action_field": "action_field",
    "tags": "mission",
    "priority": "priority",
}


def _row_messages(row: ImportRow, error: ValidationError) -> list[str]:
    messages = []
    for name, field_messages in getattr(error, "message_dict", {"": error.messages}).items():
        column = _MEASURE_FIELD_TO_COLUMN.get(name)
        for message in field_messages:
            if column:
                messages.append(
                    _("Row %(row)d, column “%(column)s”: %(message)s")
                    % {"row": row.number, "column": FIELD_LABELS[column], "message": message}
                )
            else:
                messages.append(
                    _("Row %(row)d: %(message)s") % {"row": row.number, "message": message}
                )
    return messages
