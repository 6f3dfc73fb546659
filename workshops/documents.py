"""The workshop PDF „Dokumentation des Termins“, on the ground floor's document renderer."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from strategy_portal import documents
from strategy_portal.documents_views import DocumentViewMixin

from .content import workshop_content, workshop_queryset
from .models import Workshop

KIND = "workshop"


@documents.register(KIND, keep_versions=1)
def workshop_document(workshop: Workshop) -> documents.DocumentSource:
    workshop = workshop_queryset().get(pk=workshop.pk)
    start = timezone.localtime(workshop.start)
    end = timezone.localtime(workshop.end)
    if start.date() == end.date():
        when = f"{start:%d.%m.%Y}, {start:%H:%M}–{end:%H:%M} Uhr"
    else:
        when = f"{start:%d.%m.%Y} – {end:%d.%m.%Y}"
    return documents.DocumentSource(
        template_name="workshops/pdf/workshop.html",
        context={
            "district": workshop.district,
            "workshop": workshop,
            "content": workshop_content(workshop),
            "document_preline": "Dokumentation des Termins",
            "document_subtitle": workshop.motto,
            "when": when,
            # „Stand“ on the cover and in the footer: the last substantive change.
            "document_date": timezone.localdate(workshop.as_of),
        },
        title=workshop.title,
        filename=f"Dokumentation {workshop.title} {start:%Y-%m-%d}",
    )


class WorkshopDocument(DocumentViewMixin):
    kind = KIND
    permission_required = "workshops.change_workshop"
    download_permission_required = "workshops.view_workshop"

    def get_document_object(self):
        return get_object_or_404(
            Workshop.objects.for_district(self.district).select_related("district"),
            slug=self.kwargs["slug"],
        )

    def document_url(self, suffix: str = "", **extra) -> str:
        # The pages live in the app's namespace.
        kwargs = {key: value for key, value in self.kwargs.items() if key != "document_id"}
        kwargs.update(extra)
        return reverse(f"workshops:{self.url_name}{suffix}", kwargs=kwargs)
