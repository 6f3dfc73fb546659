"""The facilitators' screens under `/<district>/verwaltung/workshops/`: create a workshop, edit it
section by section, reorder, upload, preview, publish and unpublish.

The parts of a workshop (agenda, speakers, participants, sections, groups, figures, attachments,
next dates) share one set of views, configured per part in `PARTS`. Every action is a normal
form POST followed by a redirect; with htmx the reorder buttons swap only the list.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from strategy_portal.districts import district_view

from . import services
from .content import workshop_content, workshop_queryset
from .forms import (
    AgendaItemForm,
    AttachmentForm,
    AttachmentTitleForm,
    FigureForm,
    GroupForm,
    NextDateForm,
    OutlookForm,
    ParticipantForm,
    SectionForm,
    SpeakerForm,
    WorkshopForm,
)
from .models import (
    AgendaItem,
    Attachment,
    DocumentationSection,
    Figure,
    NextDate,
    Participant,
    Speaker,
    Workshop,
    WorkshopGroup,
)


@dataclass(frozen=True)
class Part:
    key: str  # the address segment
    model: type
    form: type
    label: object
    add_label: object
    movable: bool = False
    add_form: type | None = None  # a different form for new items (attachments)
    multipart: bool = False


PARTS = {
    part.key: part
    for part in (
        Part(
            "tagesordnung",
            AgendaItem,
            AgendaItemForm,
            gettext_lazy("Agenda"),
            gettext_lazy("Add agenda item"),
            movable=True,
        ),
        Part(
            "referierende",
            Speaker,
            SpeakerForm,
            gettext_lazy("Speakers"),
            gettext_lazy("Add speaker"),
            movable=True,
        ),
        Part(
            "teilnehmende",
            Participant,
            ParticipantForm,
            gettext_lazy("Participants"),
            gettext_lazy("Add participant"),
        ),
        Part(
            "abschnitte",
            DocumentationSection,
            SectionForm,
            gettext_lazy("Documentation"),
            gettext_lazy("Add section"),
            movable=True,
        ),
        Part(
            "gruppen",
            WorkshopGroup,
            GroupForm,
            gettext_lazy("Groups and results"),
            gettext_lazy("Add group"),
        ),
        Part(
            "abbildungen",
            Figure,
            FigureForm,
            gettext_lazy("Figures"),
            gettext_lazy("Upload figure"),
            movable=True,
            multipart=True,
        ),
        Part(
            "anlagen",
            Attachment,
            AttachmentTitleForm,
            gettext_lazy("Attachments"),
            gettext_lazy("Upload attachment"),
            movable=True,
            add_form=AttachmentForm,
            multipart=True,
        ),
        Part(
            "ausblick",
            NextDate,
            NextDateForm,
            gettext_lazy("Outlook and next dates"),
            gettext_lazy("Add date"),
        ),
    )
}


def workshop_of(request, district, pk, **kwargs) -> Workshop:
    return get_object_or_404(
        Workshop.objects.for_district(district).select_related("district"), pk=pk
    )


def _part(key: str) -> Part:
    try:
        return PARTS[key]
    except KeyError:
        raise Http404(_("No such part of a workshop.")) from None


def _items(part: Part, workshop: Workshop):
    queryset = part.model._default_manager.filter(workshop=workshop)
    if part.model is AgendaItem:
        queryset = queryset.select_related("parent")
    if part.model in (DocumentationSection, Figure):
        queryset = queryset.select_related("agenda_item")
    return list(queryset)


def _item(part: Part, workshop: Workshop, item_pk: int):
    return get_object_or_404(part.model._default_manager.filter(workshop=workshop), pk=item_pk)


def _part_url(workshop: Workshop, part: Part) -> str:
    return reverse(
        "workshops:ws_part",
        kwargs={"district": workshop.district.slug, "pk": workshop.pk, "part": part.key},
    )


def _context(workshop, **extra):
    return {"district": workshop.district, "workshop": workshop, "parts": PARTS.values(), **extra}


@require_http_methods(["GET", "HEAD"])
@district_view("workshops.add_workshop")
def workspace_list(request, district):
    workshops = Workshop.objects.for_district(district).order_by("-start", "-pk")
    return render(
        request, "workshops/workspace/list.html", {"district": district, "workshops": workshops}
    )


@require_http_methods(["GET", "HEAD", "POST"])
@district_view("workshops.add_workshop")
def workspace_create(request, district):
    form = WorkshopForm(request.POST or None, district=district)
    if request.method == "POST" and form.is_valid():
        workshop = form.save()
        messages.success(request, _("The workshop was created as a draft."))
        return redirect("workshops:ws_edit", district=district.slug, pk=workshop.pk)
    return render(request, "workshops/workspace/create.html", {"district": district, "form": form})


@require_http_methods(["GET", "HEAD", "POST"])
@district_view("workshops.change_workshop", fn=workshop_of)
def workspace_edit(request, district, pk):
    workshop = workshop_of(request, district, pk)
    form = WorkshopForm(request.POST or None, instance=workshop, district=district)
    if request.method == "POST" and form.is_valid():
        form.save()
        services.mark_substantive_change(workshop=workshop)
        messages.success(request, _("The details were saved."))
        return redirect("workshops:ws_edit", district=district.slug, pk=workshop.pk)
    return render(request, "workshops/workspace/edit.html", _context(workshop, form=form))


@require_http_methods(["GET", "HEAD", "POST"])
@district_view("workshops.change_workshop", fn=workshop_of)
def workspace_part(request, district, pk, part):
    """The list of a part's items and the form to add one."""
    workshop = workshop_of(request, district, pk)
    part = _part(part)
    outlook_form = None
    if part.key == "ausblick":
        outlook_form = OutlookForm(
            request.POST if "save_outlook" in request.POST else None, instance=workshop
        )
        if outlook_form.is_bound and outlook_form.is_valid():
            outlook_form.save()
            services.mark_substantive_change(workshop=workshop)
            messages.success(request, _("The outlook was saved."))
            return redirect(_part_url(workshop, part))
    form_class = part.add_form or part.form
    posted = request.method == "POST" and "save_outlook" not in request.POST
    form = form_class(
        request.POST if posted else None,
        request.FILES if posted else None,
        workshop=workshop,
    )
    if posted and form.is_valid():
        try:
            if part.model is Attachment:
                services.attachment_add(
                    workshop=workshop,
                    upload=form.cleaned_data["file"],
                    title=form.cleaned_data["title"],
                    kind=form.kind,
                )
            else:
                services.item_save(item=form.save(commit=False), workshop=workshop)
                form.save_m2m()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Added."))
            return redirect(_part_url(workshop, part))
    return render(
        request,
        "workshops/workspace/part.html",
        _context(
            workshop,
            part=part,
            items=_items(part, workshop),
            form=form,
            outlook_form=outlook_form,
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@district_view("workshops.change_workshop", fn=workshop_of)
def workspace_item(request, district, pk, part, item):
    workshop = workshop_of(request, district, pk)
    part = _part(part)
    obj = _item(part, workshop, item)
    form = part.form(request.POST or None, request.FILES or None, instance=obj, workshop=workshop)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_save(item=form.save(commit=False), workshop=workshop)
            form.save_m2m()
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect(_part_url(workshop, part))
    return render(
        request,
        "workshops/workspace/item.html",
        _context(workshop, part=part, item=obj, form=form),
    )


@require_POST
@district_view("workshops.change_workshop", fn=workshop_of)
def workspace_item_delete(request, district, pk, part, item):
    workshop = workshop_of(request, district, pk)
    part = _part(part)
    services.item_delete(item=_item(part, workshop, item))
    messages.success(request, _("Deleted."))
    return redirect(_part_url(workshop, part))


@require_POST
@district_view("workshops.change_workshop", fn=workshop_of)
def workspace_item_move(request, district, pk, part, item):
    workshop = workshop_of(request, district, pk)
    part = _part(part)
    if not part.movable:
        raise Http404(_("These items have no order to change."))
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        services.item_move(item=_item(part, workshop, item), direction=direction)
    if request.htmx:
        return render(
            request,
            "workshops/workspace/_items.html",
            _context(workshop, part=part, items=_items(part, workshop)),
        )
    return redirect(_part_url(workshop, part))


@require_http_methods(["GET", "HEAD"])
@district_view("workshops.change_workshop", fn=workshop_of)
def workspace_preview(request, district, pk):
    workshop = get_object_or_404(workshop_queryset().for_district(district), pk=pk)
    return render(
        request,
        "workshops/detail.html",
        {
            "district": district,
            "workshop": workshop,
            "content": workshop_content(workshop),
            "preview": True,
            "can_change": True,
            "pdf_document": None,
        },
    )


@require_POST
@district_view("workshops.change_workshop", fn=workshop_of)
def workspace_publish(request, district, pk):
    workshop = workshop_of(request, district, pk)
    if services.workshop_publish(workshop=workshop, user=request.user):
        messages.success(request, _("The workshop is published."))
    else:
        messages.info(request, _("The workshop was already published."))
    return redirect("workshops:ws_edit", district=district.slug, pk=workshop.pk)


@require_POST
@district_view("workshops.change_workshop", fn=workshop_of)
def workspace_unpublish(request, district, pk):
    workshop = workshop_of(request, district, pk)
    if services.workshop_unpublish(workshop=workshop):
        messages.success(request, _("The workshop is a draft again and no longer public."))
    return redirect("workshops:ws_edit", district=district.slug, pk=workshop.pk)
