"""Writes of the workshops app: keyword-only, atomic, no permission checks (views check them)."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from .models import Attachment, Figure, Workshop, WorkshopStatus
from .signals import workshop_published

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
