"""Public pages: the list of workshops, a workshop's documentation, its attachments, the dates
(page and iCalendar subscription) and the Atom feed."""

from datetime import timedelta

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from strategy_portal.districts import district_from, district_view
from strategy_portal.documents import latest_document

from .calendar import calendar_ics
from .content import workshop_content, workshop_queryset
from .forms import FilterForm
from .models import Attachment, NextDate, Workshop


def visible_workshop(request, district, slug) -> Workshop:
    """The workshop of the URL with all its content; a draft only for the district's team."""
    workshop = get_object_or_404(workshop_queryset().for_district(district), slug=slug)
    if not request.user.has_perm("workshops.view_workshop", workshop):
        raise Http404(_("No workshop has this address."))
    return workshop


@require_safe
@district_view
def workshop_list(request, district):
    workshops = Workshop.objects.for_district(district).published().for_list()
    years = sorted({d.year for d in workshops.dates("start", "year", order="DESC")}, reverse=True)
    form = FilterForm(request.GET or None, district=district, years=years)
    if form.is_bound:
        form.is_valid()  # an unknown value drops only its own filter
        data = form.cleaned_data
        if data.get("action_field"):
            workshops = workshops.filter(action_fields__slug=data["action_field"])
        if data.get("format"):
            workshops = workshops.filter(format=data["format"])
        if data.get("year"):
            workshops = workshops.filter(start__year=int(data["year"]))
    now = timezone.now()
    return render(
        request,
        "workshops/list.html",
        {
            "district": district,
            "form": form,
            "upcoming": list(workshops.upcoming(now)),
            "past": list(workshops.past(now)),
            "filtered": form.is_bound,
        },
    )


@require_safe
@district_view
def workshop_detail(request, district, slug):
    workshop = visible_workshop(request, district, slug)
    return render(
        request,
        "workshops/detail.html",
        {
            "district": district,
            "workshop": workshop,
            "content": workshop_content(workshop),
            "preview": not workshop.is_published,
            "can_change": request.user.has_perm("workshops.change_workshop", workshop),
            "pdf_document": latest_document(kind="workshop", obj=workshop),
        },
    )


@require_safe
@district_view
def attachment_download(request, district, slug, pk):
    workshop = visible_workshop(request, district, slug)
    attachment = get_object_or_404(Attachment, workshop=workshop, pk=pk)
    try:
        handle = attachment.file.storage.open(attachment.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404(_("The file is missing.")) from exc
    extension = attachment.kind
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"Anlage {attachment.number_in()} – {attachment.title}.{extension}",
        content_type=attachment.content_type,
    )


def upcoming_dates(district, now=None):
    """Upcoming published workshops and the next dates they announced, by start."""
    now = now or timezone.now()
    workshops = list(
        Workshop.objects.for_district(district).published().upcoming(now).select_related("district")
    )
    next_dates = list(
        NextDate.objects.filter(
            workshop__district=district, workshop__status="published", start__gte=now
        ).select_related("workshop__district")
    )
    entries = [("workshop", w.start, w) for w in workshops] + [
        ("date", d.start, d) for d in next_dates
    ]
    entries.sort(key=lambda entry: entry[1])
    return entries


@require_safe
@district_view
def dates(request, district):
    ics_path = reverse("workshops:dates_ics", kwargs={"district": district.slug})
    site = settings.SITE_URL.split("://", 1)[-1]
    return render(
        request,
        "workshops/dates.html",
        {
            "district": district,
            "entries": upcoming_dates(district),
            "ics_url": f"{settings.SITE_URL}{ics_path}",
            "webcal_url": f"webcal://{site}{ics_path}",
        },
    )


@require_safe
@district_view
def dates_ics(request, district):
    # Past dates stay in a subscribed calendar for a while.
    since = timezone.now() - timedelta(days=365)
    workshops = (
        Workshop.objects.for_district(district)
        .published()
        .filter(end__gte=since)
        .select_related("district")
    )
    next_dates = NextDate.objects.filter(
        workshop__district=district, workshop__status="published", start__gte=since
    ).select_related("workshop__district")
    body = calendar_ics(district=district, workshops=workshops, next_dates=next_dates)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="termine-{district.slug}.ics"'
    return response


class WorkshopFeed(Feed):
    """Atom feed of a district's published workshop documentation."""

    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            from django.http import HttpResponseNotAllowed

            return HttpResponseNotAllowed(["GET", "HEAD"])
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, district):
        return district_from(request, district)

    def title(self, district):
        return _("Workshops – %(district)s") % {"district": district.name}

    def subtitle(self, district):
        return _("Documentation of the workshops of %(district)s") % {"district": district.name}

    def link(self, district):
        return reverse("workshops:list", kwargs={"district": district.slug})

    def items(self, district):
        return (
            Workshop.objects.for_district(district)
            .published()
            .select_related("district")
            .order_by("-published_at", "-pk")[:30]
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        parts = [
            timezone.localtime(item.start).strftime("%d.%m.%Y"),
            item.place,
            item.motto,
            item.summary,
        ]
        return " – ".join(p for p in parts if p)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.as_of
