"""Filters of the measure list, as query strings that can be bookmarked.

Unknown values (an action field of another district, a status that does not exist) are dropped
with a message on their field; the list then shows what the other filters select.

Seam for upper floors: filters whose data lives above this app (the mission once missions
exist, the workshop a measure came from) are added from the app's own `filters.py`:

    # workshops/filters.py
    import django_filters

    from measures.filters import register_filter

    @register_filter("workshop")
    def workshop_filter(district):
        return django_filters.ModelChoiceFilter(
            label="Workshop",
            queryset=Workshop.objects.for_district(district).published(),
            field_name="workshop_links__workshop",
        )

The function gets the district and returns a `django_filters.Filter`; its name is the query
parameter. Registered filters follow the built-in ones.
"""

from collections.abc import Callable

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from strategy_portal.discovery import app_modules
from strategy_portal.models import ActionField, ParticipantKind

from .models import Measure, Origin, SortOrder, Status, TaggedMeasure, Tier

_extra: dict[str, Callable] = {}


def register_filter(name: str):
    def decorator(function):
        _extra[name] = function
        return function

    return decorator


class MeasureFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"), method="filter_search", widget=forms.TextInput(attrs={"type": "search"})
    )
    action_field = django_filters.ModelChoiceFilter(
        label=_("Action field"), queryset=ActionField.objects.none(), empty_label=_("All")
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Status.choices, empty_label=_("All")
    )
    tier = django_filters.ChoiceFilter(label=_("Tier"), choices=Tier.choices, empty_label=_("All"))
    origin = django_filters.ChoiceFilter(
        label=_("Origin"), choices=Origin.choices, empty_label=_("All")
    )
    tag = django_filters.CharFilter(label=_("Tag"), method="filter_tag", max_length=100)
    kind = django_filters.ChoiceFilter(
        label=_("Proposed by"),
        choices=ParticipantKind.choices,
        empty_label=_("All"),
        field_name="author__kind",
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"),
        choices=SortOrder.choices,
        empty_label=_("Best match or newest"),
        method="filter_sort",
    )

    class Meta:
        model = Measure
        fields: list = []

    def __init__(self, data=None, *args, district, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.district = district
        self.filters["action_field"].queryset = ActionField.objects.for_district(district)
        app_modules("{app}.filters")
        for name, function in _extra.items():
            self.filters[name] = function(district)
        self.form.fields["tag"].widget.attrs.update({"list": "tag-suggestions"})
        for field in self.form.fields.values():
            # Every filter is optional; the form renderer's "optional" hint would be noise here.
            field.conditionally_required = True

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_tag(self, queryset, name, value):
        value = " ".join(value.split())
        if not value:
            return queryset
        tagged = TaggedMeasure.objects.filter(tag__name__iexact=value).values("content_object")
        return queryset.filter(pk__in=tagged)

    def filter_sort(self, queryset, name, value):
        return queryset  # applied by `sorted_qs`, after the search's own ranking

    def sorted_qs(self):
        """The filtered measures in the chosen order; a search without a chosen order keeps the
        ranking of the search (PostgreSQL)."""
        queryset = self.qs  # validates the form: `cleaned_data` holds the valid values only
        data = getattr(self.form, "cleaned_data", {})
        sort = data.get("sort")
        if data.get("q") and not sort:
            return queryset
        return queryset.sorted_by(sort or SortOrder.NEWEST)

    MAIN_FIELDS = ("q", "sort")

    @property
    def more_fields(self):
        """The bound fields behind "More filters" (all but search and sort)."""
        return [self.form[name] for name in self.form.fields if name not in self.MAIN_FIELDS]

    @property
    def has_more_filters(self) -> bool:
        """A filter behind "More filters" is set (or wrong): the section starts open."""
        return any(self.form.data.get(field.name) for field in self.more_fields)

    @property
    def is_filtered(self) -> bool:
        return any(
            value for key, value in getattr(self.form, "cleaned_data", {}).items() if key != "sort"
        )
