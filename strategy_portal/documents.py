"""Generated documents (PDFs): a registry of builders, and the services that request and render.

An app registers a builder for each kind of document in its own module `documents.py`:

    from strategy_portal import documents

    @documents.register("workshop", keep_versions=1)
    def workshop_document(workshop):
        return documents.DocumentSource(
            template_name="workshops/pdf/workshop.html",   # extends "pdf/base.html"
            context={"workshop": workshop, "district": workshop.district},
            title=f"Dokumentation: {workshop.title}",
            filename=f"Dokumentation {workshop.title}",
        )

A view calls `document_request(kind=..., obj=..., user=...)`; the Celery task
`render_document` then calls `document_render`, which records progress on the
`GeneratedDocument`, writes the file through the storage API and only then marks it done. The
object must have a `district` (or be a District). `document_write` renders the same file straight
into a file, without a record or a worker (a management command).

A builder (or the `check` given to `register`) raises `DocumentUnavailable` with a message for
the user when there is nothing to put into the document yet: no record is made, no empty PDF.
"""

import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from .models import District, DocumentStatus, GeneratedDocument

logger = logging.getLogger(__name__)

# A render that has not reported for this long is taken to have died with its worker.
RENDER_LEASE = timedelta(minutes=15)
# A request nobody picked up (no worker running) for this long may be replaced by a new one.
PENDING_TIMEOUT = timedelta(minutes=30)


class DocumentUnavailable(Exception):
    """The document cannot be made (yet); the message says why, in the user's language."""


class DocumentSource(NamedTuple):
    """What a builder returns: the template (extending `pdf/base.html`), its context, the
    document title (PDF metadata and cover) and the download name (German, without `.pdf`)."""

    template_name: str
    context: dict[str, Any]
    title: str
    filename: str


@dataclass(frozen=True)
class Builder:
    kind: str
    build: Callable[[Any], DocumentSource]
    # How many finished versions keep their file; None keeps all (e.g. adopted strategies).
    keep_versions: int | None = None
    # `check(obj)` raises DocumentUnavailable before a render is requested.
    check: Callable[[Any], None] | None = None


_builders: dict[str, Builder] = {}
_discovered = False


def register(
    kind: str,
    *,
    keep_versions: int | None = None,
    check: Callable[[Any], None] | None = None,
):
    """Decorator: register `build(obj) -> DocumentSource` for documents of `kind`; `check(obj)`
    raises DocumentUnavailable when there is nothing to render yet."""

    def decorator(build):
        _builders[kind] = Builder(kind=kind, build=build, keep_versions=keep_versions, check=check)
        return build

    return decorator


def builder(kind: str) -> Builder:
    global _discovered
    if not _discovered:
        autodiscover_modules("documents")
        _discovered = True
    try:
        return _builders[kind]
    except KeyError:
        raise LookupError(f"No document builder registered for {kind!r}") from None


def district_of(obj) -> District:
    return obj if isinstance(obj, District) else obj.district


# --- Reads ----------------------------------------------------------------------------------------


def latest_document(*, kind: str, obj) -> GeneratedDocument | None:
    """The newest finished version, the one a download link offers."""
    return GeneratedDocument.objects.of(kind, obj).done().order_by("-version").first()


def active_document(*, kind: str, obj) -> GeneratedDocument | None:
    return GeneratedDocument.objects.of(kind, obj).active().first()


# --- Writes ---------------------------------------------------------------------------------------


def _expire_stale(*, kind: str, obj) -> None:
    """Mark a render whose worker died (or that no worker took) as failed, so it can be retried."""
    now = timezone.now()
    stale = GeneratedDocument.objects.of(kind, obj).filter(
        status=DocumentStatus.RUNNING, modified__lt=now - RENDER_LEASE
    ) | GeneratedDocument.objects.of(kind, obj).filter(
        status=DocumentStatus.PENDING, modified__lt=now - PENDING_TIMEOUT
    )
    stale.update(
        status=DocumentStatus.FAILED,
        error_message="Abandoned: no progress within the lease.",
        finished_at=now,
        modified=now,
    )


def document_request(*, kind: str, obj, user=None) -> tuple[GeneratedDocument, bool]:
    """Ask for a new render of the document `kind` of `obj`.

    Returns (document, created). If a render of the same document is already waiting or
    running, no second one is started: that render is returned with created=False. Raises
    DocumentUnavailable (and records nothing) if the builder's check finds nothing to render.
    """
    spec = builder(kind)  # fail early for an unknown kind
    if spec.check is not None:
        spec.check(obj)
    _expire_stale(kind=kind, obj=obj)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                document = GeneratedDocument.objects.create(
                    district=district_of(obj),
                    kind=kind,
                    content_type=ContentType.objects.get_for_model(obj),
                    object_id=obj.pk,
                    created_by=user if user is not None and user.is_authenticated else None,
                    progress_label=_("Waiting for a free worker"),
                )
            break
        except IntegrityError:
            # The partial unique constraint: another request got there first.
            running = active_document(kind=kind, obj=obj)
            if running is not None:
                return running, False
            # It finished between our insert and this read: try again.
    else:
        raise RuntimeError(f"Could not request document {kind!r} of {obj!r}")
    transaction.on_commit(lambda: enqueue_render(document.pk))
    return document, True


def enqueue_render(document_id: int) -> None:
    """Hand the render to the task queue; if the broker is down, the record says so."""
    from .document_tasks import render_document

    try:
        render_document.delay(document_id)
    except Exception:
        logger.exception("Could not enqueue the render of document %s", document_id)
        GeneratedDocument.objects.filter(pk=document_id, status=DocumentStatus.PENDING).update(
            status=DocumentStatus.FAILED,
            error_message="The task queue could not be reached.",
            finished_at=timezone.now(),
        )


def _report(document_id: int, percent: int, label: str) -> None:
    # Outside any transaction: the progress page of another request sees it at once.
    GeneratedDocument.objects.filter(pk=document_id, status=DocumentStatus.RUNNING).update(
        progress=percent, progress_label=label, modified=timezone.now()
    )


def _claim(document_id: int) -> GeneratedDocument | None:
    """Take a waiting render (or one whose worker died) for this worker."""
    with transaction.atomic():
        document = GeneratedDocument.objects.select_for_update().filter(pk=document_id).first()
        if document is None:
            return None
        abandoned = (
            document.status == DocumentStatus.RUNNING
            and document.modified < timezone.now() - RENDER_LEASE
        )
        if document.status != DocumentStatus.PENDING and not abandoned:
            return None
        document.status = DocumentStatus.RUNNING
        document.started_at = timezone.now()
        document.progress = 5
        document.progress_label = _("Collecting the content")
        document.save(
            update_fields=["status", "started_at", "progress", "progress_label", "modified"]
        )
    return document


def document_render(*, document_id: int) -> bool:
    """Render a requested document. Returns True if this call produced the file.

    A rerun after the document was finished (or while another worker holds it) does nothing.
    The file is written through the storage API under a new name before the record points to
    it, so a download never sees a half-written file, and the previous version stays in place
    until this one is done.
    """
    from . import pdf  # WeasyPrint loads Pango: only where documents are rendered

    document = _claim(document_id)
    if document is None:
        return False
    stored_name = ""
    try:
        spec = builder(document.kind)
        obj = document.content_type.get_object_for_this_type(pk=document.object_id)
        labels = {"layout": _("Laying out the pages"), "write": _("Writing the PDF")}
        with tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024) as buffer:
            source, rendered = _render(
                spec,
                obj,
                target=buffer,
                progress=lambda percent, step: _report(document.pk, percent, labels[step]),
            )
            _report(document.pk, 90, _("Saving the file"))
            size = buffer.tell()
            buffer.seek(0)
            filename = pdf.safe_filename(source.filename)
            stored_name = document.file.storage.save(
                document.file.field.generate_filename(document, f"{document.pk}-{filename}"),
                File(buffer, name=filename),
            )
        with transaction.atomic():
            previous = GeneratedDocument.objects.of(document.kind, obj).aggregate(Max("version"))
            document.version = (previous["version__max"] or 0) + 1
            document.file.name = stored_name
            document.title = source.title[:500]
            document.filename = filename
            document.page_count = rendered.page_count
            document.byte_size = size
            document.status = DocumentStatus.DONE
            document.progress = 100
            document.progress_label = _("Done")
            document.error_message = ""
            document.finished_at = timezone.now()
            document.save()
            transaction.on_commit(lambda: _prune(document, spec.keep_versions))
    except Exception as exc:
        logger.exception("Rendering document %s failed", document_id)
        if stored_name:
            document.file.storage.delete(stored_name)
        GeneratedDocument.objects.filter(pk=document_id).update(
            status=DocumentStatus.FAILED,
            error_message=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
            modified=timezone.now(),
        )
        return False
    return True


def _render(spec: Builder, obj, *, target, progress=None):
    from . import pdf  # WeasyPrint loads Pango: only where documents are rendered

    if spec.check is not None:
        spec.check(obj)
    source = DocumentSource(*spec.build(obj))
    rendered = pdf.render_template(
        source.template_name,
        source.context,
        title=source.title,
        author=district_of(obj).name,
        progress=progress,
        target=target,
    )
    return source, rendered


def document_write(*, kind: str, obj, target) -> tuple[DocumentSource, int]:
    """Render the document `kind` of `obj` into the binary file `target`, in this process and
    without a record (the same file a worker stores). Returns the source and the page count;
    raises DocumentUnavailable when there is nothing to render."""
    source, rendered = _render(builder(kind), obj, target=target)
    return source, rendered.page_count


def _prune(document: GeneratedDocument, keep: int | None) -> None:
    """Remove the files of older versions beyond `keep`; the records stay as history."""
    if keep is None:
        return
    siblings = GeneratedDocument.objects.filter(
        kind=document.kind, content_type_id=document.content_type_id, object_id=document.object_id
    )
    for old in siblings.done().order_by("-version")[keep:]:
        name = old.file.name
        GeneratedDocument.objects.filter(pk=old.pk).update(file="")
        old.file.storage.delete(name)
