"""The workshops app's links on the workspace start page (see `strategy_portal.workspace`)."""

from django.utils.translation import gettext_lazy as _

from strategy_portal.workspace import WorkspaceEntry, register

register(
    WorkspaceEntry(
        key="workshops_list",
        label=_("Workshops"),
        url_name="workshops:ws_list",
        description=_("Document workshops: agenda, participants, results, figures and attachments"),
        group=_("Workshops"),
        position=30,
        permission="workshops.add_workshop",
    )
)
