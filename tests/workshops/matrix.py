"""The workshops' rows of the permission matrix (the contract is in tests/matrix.py).

`populate` creates a published workshop (public pages, attachment, PDF) and a draft with two
agenda items (the facilitator screens)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from strategy_portal.models import GeneratedDocument
from workshops.import_forms import sign_table
from workshops.import_views import preview_state
from workshops.models import AgendaItem, GroupMeasure, Workshop, WorkshopGroup, WorkshopStatus
from workshops.tables import read_paste, recognise

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
    populate_import(world, request)
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
    value = import_kwarg_value(name, endpoint, world)
    if value is not None or not endpoint.key.startswith("workshops:"):
        return value
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


# --- The measure-table import ----------------------------------------------------------------

BERLIN = ZoneInfo("Europe/Berlin")

IMPORT_EXPECTED = {
    "workshops:group_import": WORKSPACE,
}

IMPORT_TABLE = "Priorität\tMaßnahme\tMehrwert\n1\tKreis-IT-Schule\tFachkräfte\n"


def populate_import(world, request):
    workshop = Workshop.objects.create(
        district=world.district,
        title="Expert:innenworkshop",
        slug="expertinnenworkshop",
        start=datetime(2023, 6, 13, 13, tzinfo=BERLIN),
        end=datetime(2023, 6, 13, 17, tzinfo=BERLIN),
    )
    world.objects["import_workshop"] = workshop
    world.objects["import_group"] = WorkshopGroup.objects.create(
        workshop=workshop, number=4, topic="Innovationsförderung bei Unternehmen"
    )


def import_kwarg_value(name, endpoint, world):
    if endpoint.key != "workshops:group_import":
        return None
    if name == "slug":
        return world.objects["import_workshop"].slug
    if name == "number":
        return str(world.objects["import_group"].number)
    return None


def _confirm_import(world):
    """The confirmation a preview of IMPORT_TABLE sends."""
    raw = read_paste(IMPORT_TABLE)
    _header, mapping = recognise(raw)
    data = {
        "table": sign_table(raw, group_pk=world.objects["import_group"].pk),
        "previewed": preview_state(mapping, True),
        "action": "confirm",
    }
    data.update({f"column_{index}": name for index, name in mapping.items()})
    return data


def _group_measures(world):
    return list(
        GroupMeasure.objects.filter(group=world.objects["import_group"]).values_list(
            "source_key", "measure__title"
        )
    )


TEAM = frozenset({"facilitator", "district_admin", "site_admin"})
IMPORTED = (302, "/landkreis-meissen/verwaltung/workshops/expertinnenworkshop/gruppen/4/import/")

IMPORT_POST = {
    "workshops:group_import": PostCase(
        expected=roles(
            403,
            anonymous=TO_LOGIN,
            facilitator=IMPORTED,
            district_admin=IMPORTED,
            site_admin=IMPORTED,
        ),
        state=_group_measures,
        changes=TEAM,
        data=_confirm_import,
    ),
}


EXPECTED.update(IMPORT_EXPECTED)
POST.update(IMPORT_POST)
