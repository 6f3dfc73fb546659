"""Background work of generated documents: rendering a requested PDF."""

from celery import shared_task

from .documents import document_render


@shared_task(acks_late=True)
def render_document(document_id: int) -> bool:
    """Render the requested document `document_id`; a rerun after it is done does nothing."""
    return document_render(document_id=document_id)
