"""The measure-table import of a workshop group, in the workspace:

    /<district>/verwaltung/workshops/<slug>/gruppen/<number>/import/

GET shows the form (paste or upload). A POST of the form reads the table and shows the preview:
the measures that will be created, rows the group already has, the column mapping and every
problem by row and column. The preview carries the table itself (signed), so that „Vorschau
aktualisieren“ (after changing the mapping) and „anlegen“ need no server-side state. Creating is
all or nothing (`services.group_measures_import`). No JavaScript needed anywhere.
"""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from strategy_portal.districts import district_view
from strategy_portal.models import ActionField

from . import (
    permissions,  # noqa: F401  (registers the rules checked here)
    tables,
)
from .import_forms import MappingForm, TableForm, sign_table, unsign_table
from .models import GroupMeasure, WorkshopGroup
from .services import existing_source_keys, group_measures_import


def _group(request, district, slug, number):
    if getattr(request, "workshop_group", None) is None:
        request.workshop_group = get_object_or_404(
            WorkshopGroup.objects.select_related("workshop__district"),
            workshop__district=district,
            workshop__slug=slug,
            number=number,
        )
    return request.workshop_group


def _action_field_titles(district) -> list[str]:
    return list(ActionField.objects.for_district(district).values_list("title", flat=True))


def _group_measures(group):
    links = GroupMeasure.objects.filter(group=group).select_related("measure__district")
    return [link.measure for link in links.order_by("position", "pk")]


def _render_form(request, district, group, form, notice=""):
    return render(
        request,
        "workshops/import/form.html",
        {
            "district": district,
            "group": group,
            "form": form,
            "notice": notice,
            "measures": _group_measures(group),
        },
    )


def preview_state(mapping: dict[int, str], has_header) -> str:
    """What a preview showed: confirming creates only if the form still says the same."""
    return json.dumps({"mapping": sorted(mapping.items()), "has_header": has_header})


@require_http_methods(["GET", "POST"])
@district_view("workshops.import_measures", fn=_group)
def group_import(request, district, slug, number):
    group = _group(request, district, slug, number)
    if request.method == "GET":
        return _render_form(request, district, group, TableForm())
    if "table" not in request.POST:
        form = TableForm(request.POST, request.FILES)
        if not form.is_valid():
            return _render_form(request, district, group, form)
        return _preview(request, district, group, form.cleaned_data["raw"], bound=False)
    raw = unsign_table(request.POST["table"], group_pk=group.pk)
    if raw is None:
        notice = _(
            "The preview is out of date or incomplete. Please paste or upload the table again."
        )
        return _render_form(request, district, group, TableForm(), notice=notice)
    return _preview(request, district, group, raw, bound=True)


def _preview(request, district, group, raw, *, bound):
    action_fields = _action_field_titles(district)
    header_row, recognised = tables.recognise(raw)
    ask_header = header_row is None
    has_header = tables.looks_like_header(raw.rows[0][1]) if ask_header else True
    table = tables.build_table(raw, action_fields=action_fields)
    form_kwargs = {
        "headers": table.headers,
        "mapping": recognised,
        "ask_header": ask_header,
        "has_header": has_header,
    }
    mapping_form = MappingForm(request.POST if bound else None, **form_kwargs)
    changed = False
    if bound and mapping_form.is_valid():
        mapping = mapping_form.mapping()
        if ask_header:
            has_header = mapping_form.cleaned_data.get("has_header", False)
        table = tables.build_table(
            raw, action_fields=action_fields, mapping=mapping, has_header=has_header
        )
        changed = request.POST.get("previewed") != preview_state(mapping, has_header)
        if not changed and request.POST.get("action") == "confirm" and table.is_valid:
            try:
                result = group_measures_import(group=group, rows=table.rows, user=request.user)
            except ValidationError as error:
                table.errors.extend(error.messages)
            else:
                _report(request, result)
                return redirect(request.path)
        # The headings shown follow the chosen header row.
        mapping_form = MappingForm(request.POST, **{**form_kwargs, "headers": table.headers})
        mapping_form.is_valid()
    existing = existing_source_keys(group)
    # The description is shown below the title, in the measure's cell.
    shown_fields = [
        name
        for name in tables.FIELDS
        if name in table.mapping.values() and name != tables.DESCRIPTION
    ]
    rows = [
        {
            "row": row,
            "exists": row.source_key in existing,
            "errors": [str(error) for error in row.errors],
            # What will be stored; where a cell has a problem, what it says.
            "cells": [(name, getattr(row, name) or row.raw.get(name, "")) for name in shown_fields],
        }
        for row in table.rows
    ]
    new_count = sum(
        1 for entry in rows if not entry["exists"] and entry["row"].duplicate_of is None
    )
    can_confirm = table.is_valid and new_count > 0 and (not bound or mapping_form.is_valid())
    return render(
        request,
        "workshops/import/preview.html",
        {
            "district": district,
            "group": group,
            "table": table,
            "rows": rows,
            "new_count": new_count,
            "existing_count": sum(1 for entry in rows if entry["exists"]),
            "mapping_form": mapping_form,
            "signed_table": sign_table(raw, group_pk=group.pk),
            "previewed": preview_state(table.mapping, has_header if ask_header else True),
            "changed": changed,
            "can_confirm": can_confirm,
            "shown_headers": [tables.FIELD_LABELS[name] for name in shown_fields],
        },
    )


def _report(request, result):
    created, skipped = len(result.created), len(result.skipped)
    message = ngettext(
        "%(count)d measure was created.", "%(count)d measures were created.", created
    ) % {"count": created}
    if skipped:
        message += " " + ngettext(
            "%(count)d row was skipped because the group already has its measure.",
            "%(count)d rows were skipped because the group already has their measures.",
            skipped,
        ) % {"count": skipped}
    messages.success(request, message)


import_urlpatterns = [
    path(
        "verwaltung/workshops/<slug:slug>/gruppen/<int:number>/import/",
        group_import,
        name="group_import",
    ),
]
