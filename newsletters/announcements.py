"""Drafts announcing what happened on another floor; never sent automatically.

The apps below announce by Django signals they define; `apps.NewslettersConfig.ready` connects
the receivers here to the signals that exist (looked up by name: `workshops.signals.
workshop_published`, `strategy_portal.signals.phase_opened`), so a floor that has not landed yet
is simply not listened to. Each receiver prepares one draft per announced object (`origin`), for
the district's administrators to review, complete and send in the workspace.

Expected arguments: `workshop_published(sender, workshop, **kwargs)` with a workshop that has
`district`, `title` and `get_absolute_url()`; `phase_opened(sender, phase, **kwargs)` with a
phase that has `district` and `title` (or `name`).
"""

import logging

from django.utils import translation
from django.utils.translation import gettext as _

from strategy_portal.emails import site_url

from . import services

logger = logging.getLogger(__name__)


def _title(obj) -> str:
    return str(getattr(obj, "title", None) or getattr(obj, "name", None) or obj)


def _url(obj) -> str:
    try:
        return site_url(obj.get_absolute_url())
    except Exception:  # an object without a page of its own
        return ""


def _draft(obj, origin: str, subject: str, intro: str):
    district = getattr(obj, "district", None)
    if district is None:
        logger.warning("Announcement %s has no district; no draft prepared.", origin)
        return None
    url = _url(obj)
    body = intro + (f"\n\n[{_('Read more')}]({url})" if url else "")
    return services.announcement_draft(district=district, origin=origin, subject=subject, body=body)


def workshop_published(sender, workshop=None, **kwargs):
    """A workshop was published: prepare a draft announcing it."""
    if workshop is None:
        return None
    with translation.override("de"):
        title = _title(workshop)
        return _draft(
            workshop,
            f"workshop:{workshop.pk}",
            _("New workshop: %(title)s") % {"title": title},
            _("The documentation of the workshop “%(title)s” is now online.") % {"title": title},
        )


def phase_opened(sender, phase=None, **kwargs):
    """A participation phase opened: prepare a draft inviting people to take part."""
    if phase is None:
        return None
    with translation.override("de"):
        title = _title(phase)
        return _draft(
            phase,
            f"phase:{phase.pk}",
            _("Take part now: %(title)s") % {"title": title},
            _("A new participation phase has begun: %(title)s. Your ideas are welcome.")
            % {"title": title},
        )
