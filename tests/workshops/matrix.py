"""The workshops app's rows of the permission matrix (the contract is in tests/matrix.py)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from workshops.import_forms import sign_table
from workshops.import_views import preview_state
from workshops.models import GroupMeasure, Workshop, WorkshopGroup
from workshops.tables import read_paste, recognise

from ..matrix import TO_LOGIN, WORKSPACE, PostCase, roles

BERLIN = ZoneInfo("Europe/Berlin")

EXPECTED = {
    "workshops:group_import": WORKSPACE,
}

IMPORT_TABLE = "Priorität\tMaßnahme\tMehrwert\n1\tKreis-IT-Schule\tFachkräfte\n"


def populate(world, request):
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


def kwarg_value(name, endpoint, world):
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

POST = {
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
