"""The newsletter's link on the workspace start page (see `strategy_portal.workspace`)."""

from django.utils.translation import gettext_lazy as _

from strategy_portal.workspace import WorkspaceEntry, register

register(
    WorkspaceEntry(
        key="newsletters",
        label=_("Write, schedule and send newsletters"),
        url_name="newsletters:workspace",
        group=_("Newsletter"),
        position=60,
        permission="newsletters.manage_newsletters",
    )
)
