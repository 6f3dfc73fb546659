"""The measure list's filter by the workshop a measure came from.

`measures` knows nothing of workshops: `measures.filters` discovers this module and adds the
filter after its own. Only the district's published workshops can be chosen; another value (a
workshop of another district, a draft, a number that does not exist) is dropped with a message
on the field, and the list shows what the other filters select.
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from measures.filters import register_filter

from .models import Workshop


@register_filter("workshop")
def workshop_filter(district):
    return django_filters.ModelChoiceFilter(
        label=_("Workshop"),
        queryset=Workshop.objects.for_district(district).published().order_by("-start", "pk"),
        field_name="workshop_link__group__workshop",
        empty_label=_("All"),
        error_messages={
            "invalid_choice": _("Please choose a published workshop of this district.")
        },
    )
