"""The measures app's rows of the permission matrix (the contract is in tests/matrix.py)."""

import time

from measures import services
from measures.forms import started_token
from measures.models import Comment, Flag, Follow, Measure, NotificationSettings, Support

from ..matrix import (
    POST_ONLY,
    PUBLIC,
    SIGNED_IN,
    TO_ADMIN_LOGIN,
    TO_LOGIN,
    PostCase,
    everyone,
    roles,
)

SIGNED_IN_ROLES = frozenset(
    {
        "citizen",
        "company",
        "facilitator",
        "other_district_facilitator",
        "district_admin",
        "site_admin",
    }
)
# The measures of the matrix are the citizen's; the comment (on the second one) the company's.
AUTHOR_OR_TEAM = roles(
    403, anonymous=TO_LOGIN, citizen=200, facilitator=200, district_admin=200, site_admin=200
)
# Site admins hold every permission (Django's superuser rule), the author's ones included.
AUTHOR_ONLY = roles(403, anonymous=TO_LOGIN, citizen=200, site_admin=200)
COMMENT_AUTHOR_ONLY = roles(403, anonymous=TO_LOGIN, company=200, site_admin=200)


def _redirect(status_for: dict, location: str = "/") -> dict:
    """The same roles, with their 200 turned into a redirect (a POST that acted)."""
    return {
        role: (302, location) if expected == 200 else expected
        for role, expected in status_for.items()
    }


EXPECTED = {
    # Logs of the measures app are read-only in the admin; blocks are lifted by an action.
    **{
        f"admin:measures_{model}_{view}": roles(TO_ADMIN_LOGIN, site_admin=403)
        for model in (
            "moderationaction",
            "measuremerge",
            "notificationevent",
            "digestrun",
            "userblock",
        )
        for view in ("add", "delete")
    },
    # --- public pages
    "measures:list": PUBLIC,
    "measures:detail": PUBLIC,
    "measures:propose": SIGNED_IN,
    "measures:edit": AUTHOR_OR_TEAM,
    "measures:withdraw": AUTHOR_ONLY,
    "measures:flag": SIGNED_IN,
    "measures:comment_edit": COMMENT_AUTHOR_ONLY,
    "measures:comment_delete": COMMENT_AUTHOR_ONLY,
    "measures:comment_flag": SIGNED_IN,
    "measures:support": POST_ONLY,
    "measures:follow": POST_ONLY,
    "measures:comment_add": POST_ONLY,
    # --- account pages
    "measures_account:notification_settings": SIGNED_IN,
    # The matrix requests a forged token.
    "measures_account:notifications_off": everyone(404),
}


def kwarg_value(name, endpoint, world):
    if endpoint.key.startswith("measures_account:") and name == "token":
        return "erfundenes-token"
    if not endpoint.key.startswith("measures:"):
        return None
    measure = world.objects["measure"]
    if name == "slug":
        return measure.slug
    if name == "pk":
        if endpoint.key.startswith("measures:comment_") and endpoint.key != "measures:comment_add":
            return str(world.objects["comment"].pk)
        return str(measure.pk)
    return None


def populate(world, request):
    citizen = request.getfixturevalue("citizen")
    company = request.getfixturevalue("company")
    measure = services.measure_submit(
        district=world.district,
        author=citizen,
        title="Coworking im Dorfladen",
        description="Ein Arbeitsplatz mit schnellem Internet im Dorfladen.",
    )
    world.objects["measure"] = measure
    # On a measure of its own, so that the citizen may still edit theirs (no response yet).
    discussed = services.measure_submit(
        district=world.district,
        author=citizen,
        title="Mobiles Bürgerbüro",
        description="Das Amt kommt einmal im Monat ins Dorf.",
    )
    world.objects["comment"] = services.comment_add(
        measure=discussed, author=company, body="Gute Idee!"
    )


def _measure(world):
    return Measure.objects.get(pk=world.objects["measure"].pk)


def _proposal(world):
    return {
        "title": "Digitale Gästekarte",
        "description": "Alle Angebote mit einer Karte.",
        "tags": "Tourismus",
        "step": "publish",
        "started": started_token(time.time() - 60),
    }


def _comment_data(world):
    return {"body": "Ich bin dafür.", "started": started_token(time.time() - 60)}


POST = {
    "measures:propose": PostCase(
        expected=_redirect(SIGNED_IN),
        state=lambda world: Measure.objects.count(),
        changes=SIGNED_IN_ROLES,
        data=_proposal,
    ),
    "measures:edit": PostCase(
        expected=_redirect(AUTHOR_OR_TEAM),
        state=lambda world: _measure(world).title,
        changes=frozenset({"citizen", "facilitator", "district_admin", "site_admin"}),
        data={"title": "Coworking im Dorfladen – neu", "description": "Neu beschrieben."},
    ),
    "measures:withdraw": PostCase(
        expected=_redirect(AUTHOR_ONLY),
        state=lambda world: _measure(world).status,
        changes=frozenset({"citizen", "site_admin"}),
        data={"reason": "Die Gemeinde macht das schon."},
    ),
    "measures:support": PostCase(
        expected=_redirect(SIGNED_IN),
        state=lambda world: sorted(Support.objects.values_list("user_id", flat=True)),
        changes=SIGNED_IN_ROLES,
    ),
    "measures:follow": PostCase(
        expected=_redirect(SIGNED_IN),
        state=lambda world: sorted(Follow.objects.values_list("user_id", flat=True)),
        changes=SIGNED_IN_ROLES,
    ),
    "measures:flag": PostCase(
        expected=_redirect(SIGNED_IN),
        state=lambda world: Flag.objects.count(),
        changes=SIGNED_IN_ROLES,
        data={"reason": "Doppelt vorhanden."},
    ),
    "measures:comment_add": PostCase(
        expected=_redirect(SIGNED_IN),
        state=lambda world: Comment.objects.count(),
        changes=SIGNED_IN_ROLES,
        data=_comment_data,
    ),
    "measures:comment_edit": PostCase(
        expected=_redirect(COMMENT_AUTHOR_ONLY),
        state=lambda world: Comment.objects.get(pk=world.objects["comment"].pk).body,
        changes=frozenset({"company", "site_admin"}),
        data={"body": "Gute Idee – ergänzt."},
    ),
    "measures:comment_delete": PostCase(
        expected=_redirect(COMMENT_AUTHOR_ONLY),
        state=lambda world: Comment.objects.get(pk=world.objects["comment"].pk).is_deleted,
        changes=frozenset({"company", "site_admin"}),
    ),
    "measures:comment_flag": PostCase(
        expected=_redirect(SIGNED_IN),
        state=lambda world: Flag.objects.count(),
        changes=SIGNED_IN_ROLES,
        data={"reason": "Beleidigend."},
    ),
    "measures_account:notification_settings": PostCase(
        expected=_redirect(SIGNED_IN, "/konto/profil/"),
        state=lambda world: sorted(
            NotificationSettings.objects.values_list("user_id", "frequency")
        ),
        changes=SIGNED_IN_ROLES,
        data={"frequency": "daily"},
    ),
    "measures_account:notifications_off": PostCase(
        expected=everyone(404),
        state=lambda world: sorted(
            NotificationSettings.objects.values_list("user_id", "frequency")
        ),
    ),
}
