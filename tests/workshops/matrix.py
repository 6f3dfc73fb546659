"""The workshops' rows of the permission matrix (the contract is in tests/matrix.py).

`populate` creates a published workshop (public pages, attachment, PDF) and a draft with two
agenda items (the facilitator screens)."""

from strategy_portal.models import GeneratedDocument
from workshops.models import AgendaItem, Workshop, WorkshopStatus

from ..matrix import MISSING, POST_ONLY, PUBLIC, TO_LOGIN, WORKSPACE, PostCase, everyone, roles
from .helpers import add_attachment, make_workshop

STAFF = frozenset({"facilitator", "district_admin", "site_admin"})


def _staff_redirect(prefix="/landkreis-meissen/verwaltung/workshops/"):
    return roles(403, anonymous=TO_LOGIN, facilitator=(302, prefix), district_admin=(302, prefix),
                 site_admin=(302, prefix))  # fmt: skip


EXPECTED = {
    "workshops:list": PUBLIC,
    "workshops:feed": PUBLIC,
    "workshops:detail": PUBLIC,
    "workshops:attachment": PUBLIC,
    # No version rendered yet.
    "workshops:pdf": everyone(404),
    "workshops:pdf_version": everyone(404),
    "workshops:pdf_request": POST_ONLY,
    "workshops:pdf_status": roles(
        403, anonymous=TO_LOGIN, facilitator=404, district_admin=404, site_admin=404
    ),
    "workshops:dates": PUBLIC,
    "workshops:dates_ics": PUBLIC,
    "workshops:ws_list": WORKSPACE,
    "workshops:ws_create": WORKSPACE,
    "workshops:ws_edit": WORKSPACE,
    "workshops:ws_preview": WORKSPACE,
    "workshops:ws_publish": POST_ONLY,
    "workshops:ws_unpublish": POST_ONLY,
    "workshops:ws_part": WORKSPACE,
    "workshops:ws_item": WORKSPACE,
    "workshops:ws_item_delete": POST_ONLY,
    "workshops:ws_item_move": POST_ONLY,
}


def populate(world, request):
    settings = request.getfixturevalue("settings")
    settings.MEDIA_ROOT = request.getfixturevalue("tmp_path") / "media"
    published = make_workshop(world.district, title="Expertenworkshop")
    world.objects["workshop"] = published
    world.objects["attachment"] = add_attachment(published)
    draft = make_workshop(
        world.district, title="Entwurf", slug="entwurf", status=WorkshopStatus.DRAFT
    )
    world.objects["draft"] = draft
    for position, title in enumerate(["Begrüßung", "Vorstellungsrunde"]):
        item = AgendaItem.objects.create(workshop=draft, title=title, position=position)
        world.objects.setdefault("agenda_item", item)


def kwarg_value(name, endpoint, world):
    if not endpoint.key.startswith("workshops:"):
        return None
    if name == "slug":
        return world.objects["workshop"].slug
    if name == "pk":
        if endpoint.key == "workshops:attachment":
            return str(world.objects["attachment"].pk)
        if endpoint.key == "workshops:ws_unpublish":
            return str(world.objects["workshop"].pk)
        return str(world.objects["draft"].pk)
    if name == "part":
        return "tagesordnung"
    if name == "item":
        return str(world.objects["agenda_item"].pk)
    if name == "document_id":
        return MISSING
    return None


def _count(world):
    return Workshop.objects.count()


def _draft(world):
    return Workshop.objects.filter(pk=world.objects["draft"].pk).values_list("title", "status")[0]


def _published(world):
    return Workshop.objects.get(pk=world.objects["workshop"].pk).status


def _agenda(world):
    return list(
        AgendaItem.objects.filter(workshop=world.objects["draft"]).values_list(
            "pk", "title", "position"
        )
    )


def _documents(world):
    return GeneratedDocument.objects.count()


WORKSHOP_DATA = {
    "title": "Neuer Workshop",
    "format": "online",
    "online_tool": "Videokonferenz",
    "start": "2026-03-26T10:00",
    "end": "2026-03-26T12:00",
}

POST = {
    "workshops:ws_create": PostCase(
        expected=_staff_redirect(), state=_count, changes=STAFF, data=WORKSHOP_DATA
    ),
    "workshops:ws_edit": PostCase(
        expected=_staff_redirect(), state=_draft, changes=STAFF, data=WORKSHOP_DATA
    ),
    "workshops:ws_publish": PostCase(expected=_staff_redirect(), state=_draft, changes=STAFF),
    "workshops:ws_unpublish": PostCase(expected=_staff_redirect(), state=_published, changes=STAFF),
    "workshops:ws_part": PostCase(
        expected=_staff_redirect(), state=_agenda, changes=STAFF, data={"title": "Pause"}
    ),
    "workshops:ws_item": PostCase(
        expected=_staff_redirect(), state=_agenda, changes=STAFF, data={"title": "Willkommen"}
    ),
    "workshops:ws_item_delete": PostCase(expected=_staff_redirect(), state=_agenda, changes=STAFF),
    "workshops:ws_item_move": PostCase(
        expected=_staff_redirect(), state=_agenda, changes=STAFF, data={"direction": "down"}
    ),
    "workshops:pdf_request": PostCase(
        expected=_staff_redirect("/landkreis-meissen/workshops/expertenworkshop/pdf/"),
        state=_documents,
        changes=STAFF,
    ),
}
