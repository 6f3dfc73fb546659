"""What the current phase allows: `{% phase_status district "participation" as status %}`."""

from django import template
from django.utils import timezone

from ..models import Phase, PhaseKind

register = template.Library()


@register.simple_tag
def phase_status(district, kind: str = PhaseKind.PARTICIPATION) -> dict:
    """`open` (the district is in a phase of `kind`, or has no phases), `current` (today's
    phase or None), `label` (the name of `kind`), `next` (the next phase of `kind`, if any)."""
    if district is None:
        return {"open": True}
    phases = list(Phase.objects.for_district(district))
    today = timezone.localdate()
    current = next((p for p in phases if p.start <= today <= p.end), None)
    upcoming = next((p for p in phases if p.kind == kind and p.start > today), None)
    return {
        "open": not phases or (current is not None and current.kind == kind),
        "current": current,
        "label": PhaseKind(kind).label,
        "next": upcoming,
    }
