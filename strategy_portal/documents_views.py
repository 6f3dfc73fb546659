"""The pages around a generated document: request a render, watch its progress, download it.

An app mounts them for one kind of document with its own permissions and object lookup:

    class WorkshopDocument(DocumentViewMixin):
        kind = "workshop"
        permission_required = "workshops.change_workshop"      # request a render, see progress
        download_permission_required = "workshops.view_workshop"  # None: anyone may download

        def get_document_object(self):
            return get_object_or_404(
                Workshop.objects.for_district(self.district), slug=self.kwargs["slug"]
            )

    # in the district URL patterns:
    path("workshops/<slug:slug>/pdf/", include(document_urlpatterns(WorkshopDocument,
                                                                    name="workshop_pdf"))),

which gives `workshop_pdf` (GET: the latest version), `workshop_pdf_request` (POST),
`workshop_pdf_status` and `workshop_pdf_version` (both with `document_id`).
"""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from .documents import DocumentUnavailable, document_request, latest_document
from .models import GeneratedDocument
from .views import DistrictMixin

# htmx stops polling when an answer carries this status.
HTMX_STOP_POLLING = 286


class _LoginRequired(Exception):
    pass


class DocumentViewMixin(DistrictMixin):
    kind = ""
    permission_required: str | None = None
    download_permission_required: str | None = None
    url_name = ""

    def get_document_object(self):
        """The object the document belongs to, scoped to `self.district`; the district by
        default (e.g. for its strategy)."""
        return self.district

    def get_back_url(self) -> str:
        obj = self.document_object
        return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "/"

    def check_permission(self, permission: str | None) -> None:
        if permission is None:
            return
        if not self.request.user.has_perm(permission, self.document_object):
            if not self.request.user.is_authenticated:
                raise _LoginRequired
            raise PermissionDenied

    def document_url(self, suffix: str = "", **extra) -> str:
        # The object's own URL arguments; the document's id only where the address takes one.
        kwargs = {key: value for key, value in self.kwargs.items() if key != "document_id"}
        kwargs.update(extra)
        return reverse(f"{self.url_name}{suffix}", kwargs=kwargs)

    def dispatch(self, request, *args, **kwargs):
        # A wrong method is answered before the district is resolved, so that the site's 405
        # page (rendered late, by a middleware) does not draw the district's branding.
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def get_document(self) -> GeneratedDocument:
        return get_object_or_404(
            GeneratedDocument.objects.of(self.kind, self.document_object),
            pk=self.kwargs["document_id"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            document_object=self.document_object,
            back_url=self.get_back_url(),
            request_url=self.document_url("_request"),
        )
        return context


def _guarded(handler):
    """Resolve the object, then turn a missing login into the login page (as the class-based
    pages of the workspace do) and a missing role into 403."""

    def wrapped(self, request, *args, **kwargs):
        self.document_object = self.get_document_object()
        try:
            return handler(self, request, *args, **kwargs)
        except _LoginRequired:
            return redirect_to_login(request.get_full_path())

    return wrapped


class DocumentRequestView(DocumentViewMixin, View):
    """POST: start a render (or join the one already running) and go to its progress page."""

    http_method_names = ["post"]

    @_guarded
    def post(self, request, *args, **kwargs):
        self.check_permission(self.permission_required)
        try:
            document, created = document_request(
                kind=self.kind, obj=self.document_object, user=request.user
            )
        except DocumentUnavailable as exc:
            messages.error(request, str(exc))
            return redirect(self.get_back_url())
        if not created:
            messages.info(
                request,
                _(
                    "This document is already being created. "
                    "You can follow its progress here; it will not be created twice."
                ),
            )
        return redirect(self.document_url("_status", document_id=document.pk))


@method_decorator(never_cache, name="dispatch")
class DocumentStatusView(DocumentViewMixin, TemplateView):
    """The progress of one render; htmx polls it every two seconds, without JavaScript the page
    reloads itself while the render runs."""

    template_name = "pdf/status.html"
    partial_template_name = "pdf/_status.html"

    @_guarded
    def get(self, request, *args, **kwargs):
        self.check_permission(self.permission_required)
        self.document = self.get_document()
        if request.htmx:
            response = self.response_class(
                request=request,
                template=[self.partial_template_name],
                context=self.get_context_data(**kwargs),
            )
            if not self.document.is_active:
                response.status_code = HTMX_STOP_POLLING
            return response
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        document = self.document
        context.update(
            document=document,
            status_url=self.document_url("_status", document_id=document.pk),
            download_url=(
                self.document_url("_version", document_id=document.pk) if document.is_done else ""
            ),
        )
        return context


class DocumentDownloadView(DocumentViewMixin, View):
    """The file of the latest finished version (or of `document_id`), through the storage."""

    http_method_names = ["get", "head"]
    as_attachment = True

    @_guarded
    def get(self, request, *args, **kwargs):
        self.check_permission(self.download_permission_required)
        if "document_id" in self.kwargs:
            document = self.get_document()
        else:
            document = latest_document(kind=self.kind, obj=self.document_object)
        if document is None or not document.is_done:
            raise Http404(_("This document has not been created yet."))
        try:
            handle = document.file.storage.open(document.file.name, "rb")
        except FileNotFoundError as exc:
            raise Http404(_("This document has not been created yet.")) from exc
        return FileResponse(
            handle,
            as_attachment=self.as_attachment,
            filename=document.filename or "Dokument.pdf",
            content_type="application/pdf",
        )


def document_urlpatterns(mixin: type[DocumentViewMixin], *, name: str) -> list:
    """The four addresses of a kind of document, for `include()` below the object's address."""

    def view(base):
        return type(f"{mixin.__name__}{base.__name__}", (mixin, base), {"url_name": name})

    return [
        path("", view(DocumentDownloadView).as_view(), name=name),
        path("erstellen/", view(DocumentRequestView).as_view(), name=f"{name}_request"),
        path("<int:document_id>/", view(DocumentStatusView).as_view(), name=f"{name}_status"),
        path(
            "<int:document_id>/datei/",
            view(DocumentDownloadView).as_view(),
            name=f"{name}_version",
        ),
    ]
